/**
 * What the caller hears: answers rewritten for the ear and cut to fit, and what is spoken when there is no model.
 */
import { botDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import { cutAtSentence, makeSpeakable } from '../../lambda/src/speakable';
import { LEX_MAX_MESSAGE_CHARS as LEX_MESSAGE_LIMIT } from '../../lib/definition/function-settings';
import { keywordKnowledge } from '../knowledge/bakery';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

describe('speakable text', () => {
  test('markdown, lists, links, URLs and emoji become plain spoken sentences', () => {
    const answer = [
      '## Your options 🎉',
      'You can do **three** things:',
      '1. Call the _front desk_',
      '2. Visit [our help page](https://example.com/help)',
      '- Read `the manual` at https://example.com/manual.pdf',
      '> Tip: Q&A <works> best',
    ].join('\n');

    expect(makeSpeakable(answer, 1000)).toBe(
      'Your options. You can do three things. Call the front desk. Visit our help page. Read the manual at. Tip: Q and A works best.',
    );
  });

  test('code fences, tables and rules leave only their words', () => {
    const answer = '```js\nconsole.log(1)\n```\n\n| Day | Hours |\n|---|---|\n| Monday | 9 to 5 |\n\n---\nThat is all.';
    expect(makeSpeakable(answer, 1000)).toBe('console.log(1). Day, Hours. Monday, 9 to 5. That is all.');
  });

  test('a long answer is cut at a sentence boundary within the limit', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `This is sentence number ${i + 1} of a very long answer.`);
    const spoken = makeSpeakable(sentences.join(' '), LEX_MESSAGE_LIMIT);

    expect(spoken.length).toBeLessThanOrEqual(LEX_MESSAGE_LIMIT);
    expect(spoken.length).toBeGreaterThan(LEX_MESSAGE_LIMIT - 60);
    expect(spoken).toMatch(/ of a very long answer\.$/);
    expect(sentences.join(' ').startsWith(spoken)).toBe(true);
  });

  test('one sentence longer than the limit is cut at a word and still ends cleanly', () => {
    const spoken = cutAtSentence(`A ${'very '.repeat(100)}long sentence`, 80);
    expect(spoken.length).toBeLessThanOrEqual(80);
    expect(spoken).toMatch(/^A very( very)+\.$/);
  });

  test('a link keeps its visible text, even when its address holds parentheses', () => {
    expect(
      makeSpeakable('See [the article](https://en.wikipedia.org/wiki/Chalk_(disambiguation)) for more.', 600),
    ).toBe('See the article for more.');
  });

  test('HTML tags go and their text stays; a line break ends a sentence', () => {
    expect(
      makeSpeakable(
        'This is <b>bold</b>, <em>stressed</em> and <a href="https://example.com">linked</a>.<br>Next line',
        600,
      ),
    ).toBe('This is bold, stressed and linked. Next line.');
    // Not every pair of angle brackets is a tag.
    expect(makeSpeakable('Q&A <works> best', 600)).toBe('Q and A works best.');
  });

  test('an asterisk is emphasis only when it wraps words; between numbers it is "times"', () => {
    expect(makeSpeakable('5*3 and 2*4', 600)).toBe('5 times 3 and 2 times 4.');
    expect(makeSpeakable('That is *really* **important**, 6 * 7 = 42', 600)).toBe(
      'That is really important, 6 times 7 = 42.',
    );
  });

  test('an answer that is only a link or emoji leaves nothing to say', () => {
    expect(makeSpeakable('https://example.com/help', 600)).toBe('');
    expect(makeSpeakable('👍🎉', 600)).toBe('');
  });

  test('nothing is left that SSML would choke on', () => {
    const spoken = makeSpeakable('Use <b>bold</b> & "quotes" \\ or {braces} [x]', 1000);
    expect(spoken).not.toMatch(/[<>&{}[\]\\]/);
  });
});

describe('through the handler', () => {
  const world = useFunctionWorld();

  test('a markdown answer is spoken plain and cut to MAX_SPOKEN_CHARS; memory keeps what was spoken', async () => {
    const markdown = `Here you go:\n${Array.from({ length: 30 }, (_, i) => `- **Point ${i + 1}** is explained at https://example.com/${i}`).join('\n')}`;
    world.openai.setBehaviour({ reply: markdown });
    const handler = createHandler({ env: { ...world.env, MAX_SPOKEN_CHARS: '200' } });

    const result = await handler(
      lexEvent({ contactId: 'call-markdown', transcript: 'Give me everything.' }),
      lambdaContext(),
    );
    const spoken = spokenText(result);

    expect(spoken.length).toBeLessThanOrEqual(200);
    expect(spoken).toMatch(/^Here you go\. Point 1 is explained at\./);
    expect(spoken).toMatch(/\.$/);
    expect(spoken).not.toMatch(/[*#]|https?:|example\.com/);
    expect(storedMessages(await world.readItem('call-markdown'))[1]).toEqual(['ai', spoken]);
  });

  test.each([
    ['only a link', 'https://example.com/help'],
    ['only emoji', '👍 🎉'],
    ['only markup', '**  **\n---'],
  ])(
    'a model answer that is %s is a model failure: the fallback is spoken and stored, never an empty message',
    async (_name, reply) => {
      world.openai.setBehaviour({ reply });
      const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' } });
      const callId = `call-unspeakable-${reply.length}`;

      const result = await handler(
        lexEvent({ contactId: callId, transcript: 'Where is the help page?' }),
        lambdaContext(),
      );

      expect(result.sessionState.dialogAction.type).toBe('ElicitIntent');
      expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
      expect(storedMessages(await world.readItem(callId))).toEqual([
        ['human', 'Where is the help page?'],
        ['ai', botDefinition.messages.modelUnavailable],
      ]);
    },
  );

  test('with no key and no base URL the FAQ answers, and the turn is remembered', async () => {
    const knowledge = await keywordKnowledge();
    const handler = createHandler({ env: { ...world.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, knowledge });
    world.openai.clearRequests();

    const known = await handler(
      lexEvent({ contactId: 'call-offline', transcript: 'Um, who are you?' }),
      lambdaContext(),
    );
    const unknown = await handler(
      lexEvent({ contactId: 'call-offline', transcript: 'What is the capital of Peru?' }),
      lambdaContext(),
    );

    expect(spokenText(known)).toBe('I am the Bluebell Bakery phone assistant.');
    expect(spokenText(unknown)).toBe(botDefinition.messages.dontKnow);
    expect(world.openai.requests).toHaveLength(0);
    expect(storedMessages(await world.readItem('call-offline')).map(([type]) => type)).toEqual([
      'human',
      'ai',
      'human',
      'ai',
    ]);
  });
});
