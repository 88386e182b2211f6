/**
 * One bot, two channels: the phone hears plain spoken sentences, the web chat reads text that keeps its links and
 * lists. The channel comes from the Connect channel the flow passes, else from Lex's input mode.
 */
import { createHandler } from '../../lambda/src/handler';
import { channelOf, presentAnswer, toChatText } from '../../lambda/src/channel';
import { LEX_MAX_MESSAGE_CHARS } from '../../lib/definition/function-settings';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

describe('which channel a turn came in on', () => {
  test.each([
    ['Speech', {}, 'voice'],
    ['DTMF', {}, 'voice'],
    ['Text', {}, 'chat'],
    [undefined, {}, 'voice'],
    // The Connect channel wins: a phone flow tested through Lex RecognizeText is still a phone call.
    ['Text', { channel: 'VOICE' }, 'voice'],
    ['Speech', { channel: 'CHAT' }, 'chat'],
    ['Text', { channel: 'chat' }, 'chat'],
  ] as const)('inputMode %s with attributes %j is %s', (inputMode, attributes, channel) => {
    expect(channelOf(inputMode, attributes)).toBe(channel);
  });
});

describe('chat text', () => {
  test('links stay (as text and address), lists stay lines, emphasis marks and tags go, emoji stay', () => {
    const answer = [
      '## Opening hours 🎉',
      'We are open **Monday to Friday**:',
      '- 9 to 5 at the [front desk](https://example.com/desk_(main))',
      '- online at https://example.com/help',
      '<b>See you!</b>',
    ].join('\n');
    expect(toChatText(answer)).toBe(
      [
        'Opening hours 🎉',
        'We are open Monday to Friday:',
        '• 9 to 5 at the front desk (https://example.com/desk_(main))',
        '• online at https://example.com/help',
        'See you!',
      ].join('\n'),
    );
  });

  test('the same answer is spoken without the links on the phone', () => {
    const answer = 'Read [the guide](https://example.com/guide) or https://example.com/faq.';
    expect(presentAnswer(answer, 'voice', 600)).toBe('Read the guide or.');
    expect(presentAnswer(answer, 'chat', 600)).toBe(
      'Read the guide (https://example.com/guide) or https://example.com/faq.',
    );
  });

  test("chat text is cut at a sentence within Lex's message limit, not the spoken limit", () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} is here.`).join(' ');
    const chat = presentAnswer(long, 'chat', 100);
    expect(chat.length).toBeGreaterThan(100);
    expect(chat.length).toBeLessThanOrEqual(LEX_MAX_MESSAGE_CHARS);
    expect(chat).toMatch(/is here\.$/);
  });
});

describe('through the handler', () => {
  const world = useFunctionWorld();

  const reply = 'Our help page is [here](https://example.com/help). 👍';

  test('a chat turn keeps the link, and memory keeps what the chat showed', async () => {
    world.openai.setBehaviour({ reply });
    const handler = createHandler({ env: world.env });
    const event = {
      ...lexEvent({ contactId: 'chat-1', transcript: 'Where is help?', sessionAttributes: { channel: 'CHAT' } }),
      inputMode: 'Text' as const,
    };

    const result = await handler(event, lambdaContext());

    expect(spokenText(result)).toBe('Our help page is here (https://example.com/help). 👍');
    expect(result.sessionState.sessionAttributes?.channel).toBe('CHAT');
    expect(storedMessages(await world.readItem('chat-1'))[1]).toEqual(['ai', spokenText(result)]);
  });

  test('a phone turn with the same answer speaks it without link or emoji', async () => {
    world.openai.setBehaviour({ reply });
    const handler = createHandler({ env: world.env });

    const result = await handler(
      lexEvent({ contactId: 'voice-1', transcript: 'Where is help?', sessionAttributes: { channel: 'VOICE' } }),
      lambdaContext(),
    );

    expect(spokenText(result)).toBe('Our help page is here.');
  });
});
