/**
 * The turn with the business's knowledge: a canned FAQ answer without the model, the model given the passages
 * that fit (with a system prompt that never changes, and passages that win over old turns in the budget), and
 * without a model the best passage or an honest "I don't know" with the offer of a person.
 */
import { botDefinition, localeDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import { PHONE_SYSTEM_PROMPT } from '../../lambda/src/model';
import { KNOWLEDGE_INSTRUCTIONS } from '../../lambda/src/knowledge/grounding';
import type { Knowledge } from '../../lambda/src/knowledge/knowledge';
import { BAKERY, BAKERY_SPANISH, keywordKnowledge } from '../knowledge/bakery';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
let knowledge: Knowledge;
beforeAll(async () => {
  knowledge = await keywordKnowledge();
});
beforeEach(() => {
  world.openai.clearRequests();
  world.openai.setBehaviour({ reply: 'Four days ahead.' });
});

const withModel = () => createHandler({ env: world.env, knowledge });
const withoutModel = () => createHandler({ env: { ...world.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }, knowledge });

test('an FAQ question is answered from the FAQ, with no model call, and the turn is kept', async () => {
  const result = await withModel()(
    lexEvent({ contactId: 'kt-canned', transcript: 'Um, when are you open?' }),
    lambdaContext(),
  );
  const answer = 'We open at 7 every morning except Wednesday, and close at 3 in the afternoon.';
  expect(spokenText(result)).toBe(answer);
  expect(world.openai.requests).toHaveLength(0);
  expect(storedMessages(await world.readItem('kt-canned'))).toEqual([
    ['human', 'Um, when are you open?'],
    ['ai', answer],
  ]);
});

test('the model gets the matching passages with their headings, beside the question, after a fixed system prompt', async () => {
  const handler = withModel();
  await handler(
    lexEvent({ contactId: 'kt-grounded', transcript: 'How far ahead should I order a celebration cake?' }),
    lambdaContext(),
  );
  await handler(
    lexEvent({ contactId: 'kt-grounded', transcript: 'Is your gluten-free bread baked every day?' }),
    lambdaContext(),
  );

  const [first, second] = world.openai.requests.map((request) => request.body.messages);
  // The system prompt, knowledge instructions included, is byte-identical at every turn: providers can cache it.
  expect(first[0]).toEqual({ role: 'system', content: PHONE_SYSTEM_PROMPT });
  expect(second[0]).toEqual(first[0]);
  expect(PHONE_SYSTEM_PROMPT).toContain(KNOWLEDGE_INSTRUCTIONS);
  expect(KNOWLEDGE_INSTRUCTIONS).toMatch(/only from those passages/);
  expect(KNOWLEDGE_INSTRUCTIONS).toMatch(
    /say in one sentence that you do not know, and offer to get the caller a person/,
  );
  expect(KNOWLEDGE_INSTRUCTIONS).toMatch(/Never invent prices, times, dates or policies/);

  // The passages sit just before the question; the question stays the caller's own words.
  expect(first.slice(-2)).toEqual([
    {
      role: 'system',
      content: expect.stringMatching(
        /^Passages from the business documents:\n\[1\] Celebration cakes > Ordering: Order a celebration cake at least four days ahead/,
      ),
    },
    { role: 'user', content: 'How far ahead should I order a celebration cake?' },
  ]);
  expect(second.at(-2)?.content).toMatch(/\[1\] Allergens: .*gluten-free bread is baked on Fridays only/);
  // The earlier turn is history, without its passages.
  expect(second.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'system', 'user']);
});

test('with nothing in the documents, the model is told so, and follows the instructions', async () => {
  await withModel()(lexEvent({ contactId: 'kt-none', transcript: 'What is the capital of Peru?' }), lambdaContext());
  const messages = world.openai.requests[0].body.messages;
  expect(messages.at(-2)).toEqual({
    role: 'system',
    content: 'Passages from the business documents: none match this question.',
  });
});

test('passages and history share the budget, and passages win over old turns', async () => {
  const handler = createHandler({ env: { ...world.env, HISTORY_TOKEN_BUDGET: '400' }, knowledge });
  world.openai.setBehaviour({ reply: 'A long answer that fills the history. '.repeat(8) });
  for (let turn = 0; turn < 4; turn++) {
    await handler(
      lexEvent({ contactId: 'kt-budget', transcript: `Tell me a long story, part ${turn}.` }),
      lambdaContext(),
    );
  }
  world.openai.clearRequests();
  await handler(
    lexEvent({ contactId: 'kt-budget', transcript: 'How far ahead should I order a celebration cake?' }),
    lambdaContext(),
  );

  const messages = world.openai.requests[0].body.messages;
  expect(messages.at(-2)?.content).toMatch(/Celebration cakes > Ordering/);
  const tokens = messages.reduce((total, message) => total + Math.ceil(message.content.length / 4) + 4, 0);
  expect(tokens).toBeLessThanOrEqual(400);
  // Old turns went to make room; the most recent may stay.
  expect(messages.filter((message) => message.role === 'assistant').length).toBeLessThan(4);
});

test('without a model: the best passage when it fits, else "I don\'t know" and the offer of a person', async () => {
  const handler = withoutModel();
  const fits = await handler(
    lexEvent({ contactId: 'kt-offline', transcript: 'How far ahead do I order a celebration cake?' }),
    lambdaContext(),
  );
  const uncovered = await handler(
    lexEvent({ contactId: 'kt-offline', transcript: 'Do you sell cars?' }),
    lambdaContext(),
  );

  expect(spokenText(fits)).toBe(
    'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
  );
  expect(spokenText(uncovered)).toBe("I don't know that; shall I get you a person?");
  expect(botDefinition.messages.dontKnow).toBe("I don't know that; shall I get you a person?");
  expect(world.openai.requests).toHaveLength(0);
});

test('a list in the documents is spoken as sentences', async () => {
  const result = await withoutModel()(
    lexEvent({ contactId: 'kt-list', transcript: 'What cake decorations are there?' }),
    lambdaContext(),
  );
  expect(spokenText(result)).toBe('Sugar flowers. A written message. Edible photo prints.');
});

describe("a caller in another language than the knowledge's", () => {
  const spanish = localeDefinition('es_US');

  test('gets the passages through the model, which answers in their language; never a canned English answer', async () => {
    const result = await withModel()(
      lexEvent({ contactId: 'kt-es-model', localeId: 'es_US', transcript: 'When are you open?' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toBe('Four days ahead.');
    const [request] = world.openai.requests;
    expect(request.body.messages.at(-2)?.content).toMatch(/^Passages from the business documents:\n\[1\] /);
    expect(request.body.messages[0].content).toContain('Always answer in Spanish');
  });

  test('without a model hears, in their language, that the answer is only in English, and is offered a person', async () => {
    const found = await withoutModel()(
      lexEvent({ contactId: 'kt-es-offline', localeId: 'es_US', transcript: 'When are you open?' }),
      lambdaContext(),
    );
    expect(spokenText(found)).toBe(spanish.messages.onlyInDefaultLanguage);

    const nothing = await withoutModel()(
      lexEvent({ contactId: 'kt-es-nothing', localeId: 'es_US', transcript: '¿Venden coches?' }),
      lambdaContext(),
    );
    expect(spokenText(nothing)).toBe(spanish.messages.dontKnow);
  });
});

describe('a caller in a language with knowledge of its own (knowledge/es_US/)', () => {
  let bilingual: Knowledge;
  beforeAll(async () => {
    bilingual = await keywordKnowledge({ ...BAKERY, ...BAKERY_SPANISH });
  });
  const [spanishHours] = BAKERY_SPANISH['es_US/faq.md'].split('\n').filter((line) => line.startsWith('Abrimos'));

  test('gets the Spanish canned answer, with no model call', async () => {
    const result = await createHandler({ env: world.env, knowledge: bilingual })(
      lexEvent({ contactId: 'kt-es-own-canned', localeId: 'es_US', transcript: '¿Cuál es su horario?' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toBe(spanishHours);
    expect(world.openai.requests).toHaveLength(0);
  });

  test('the model gets the Spanish passages', async () => {
    await createHandler({ env: world.env, knowledge: bilingual })(
      lexEvent({ contactId: 'kt-es-own-model', localeId: 'es_US', transcript: '¿Hacen decoraciones?' }),
      lambdaContext(),
    );
    const [request] = world.openai.requests;
    expect(request.body.messages.at(-2)?.content).toMatch(/\[1\] Pasteles de celebración > Adornos: Decoramos/);
  });

  test('what its own documents do not cover, the model gets from the English ones', async () => {
    await createHandler({ env: world.env, knowledge: bilingual })(
      lexEvent({ contactId: 'kt-es-own-more', localeId: 'es_US', transcript: '¿Tienen el pan GF-22?' }),
      lambdaContext(),
    );
    const [request] = world.openai.requests;
    expect(request.body.messages.at(-2)?.content).toMatch(/\[1\] Allergens: .*order code GF-22/);
  });

  test('a locale without a folder of its own still hears the English knowledge only through the model', async () => {
    const offline = createHandler({
      env: { ...world.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
      knowledge: bilingual,
    });
    const result = await offline(
      lexEvent({ contactId: 'kt-de-fallback', localeId: 'de_DE', transcript: 'When are you open?' }),
      lambdaContext(),
    );
    expect(spokenText(result)).toBe(localeDefinition('de_DE').messages.onlyInDefaultLanguage);
  });
});
