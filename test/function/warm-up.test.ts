/**
 * Lambda's entry point makes its handler with `warmUp`: in the init phase it reads the settings, starts the key
 * read and the model, and warms the HTTP client the OpenAI client sends through, so the first caller does not
 * pay for them. None of it may throw at import, or reach a network.
 */
import { createHandler } from '../../lambda/src/handler';
import { WARM_UP_CALL_ID } from '../../lambda/src/table-warm-up';
import { lambdaContext, lexEvent, spokenText } from '../../local/function-world';
import { emptyKnowledge } from '../../lambda/src/knowledge/knowledge';
import { useFunctionWorld } from '../support/use-function-world';

/** No knowledge folder: these tests are about the model's warm-up. */
const knowledge = emptyKnowledge('no knowledge in this test');

const MODEL_SETTINGS = {
  CALL_MEMORY_TABLE: 'chalkbot-call-memory-test',
  OPENAI_API_KEY: 'test-key',
  OPENAI_MODEL: 'fake-model',
  OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
};

let fetchCalls: string[];
beforeEach(() => {
  fetchCalls = [];
  const realFetch = globalThis.fetch;
  jest.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    fetchCalls.push(String(input instanceof Request ? input.url : input));
    return realFetch(input, init);
  });
});
afterEach(() => jest.restoreAllMocks());

/** Lets the warm-up's promises run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Waits until the table has seen `count` requests: on a busy machine the init phase can take longer than settle. */
async function tableRequests(world: { proxy: { requests: readonly unknown[] } }, count: number) {
  for (const deadline = Date.now() + 5_000; world.proxy.requests.length < count && Date.now() < deadline; )
    await new Promise((resolve) => setTimeout(resolve, 10));
}

test('with a model configured, the warm-up sends one data: request through fetch and nothing to the network', async () => {
  createHandler({ env: MODEL_SETTINGS, warmUp: true, knowledge });
  await settle();
  expect(fetchCalls).toEqual(['data:,']);
});

test('without warmUp (the local call, the tests) or without a model, fetch is left alone', async () => {
  createHandler({ env: MODEL_SETTINGS, knowledge });
  createHandler({
    env: { CALL_MEMORY_TABLE: 'chalkbot-call-memory-test', OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    warmUp: true,
    knowledge,
  });
  await settle();
  expect(fetchCalls).toEqual([]);
});

test('a bad setting does not throw when the handler is made; the first turn meets it', async () => {
  expect(() =>
    createHandler({
      env: { ...MODEL_SETTINGS, CALL_MEMORY_TABLE: '', MAX_ANSWER_TOKENS: 'lots' },
      warmUp: true,
      knowledge,
    }),
  ).not.toThrow();
  await settle();
  expect(fetchCalls).toEqual([]);
});

describe('the table', () => {
  const world = useFunctionWorld();

  test('is read once at init, for a key no call has, and the first turn still reads and writes its own call', async () => {
    world.proxy.requests.length = 0;
    world.openai.setBehaviour({ reply: 'Hello there.' });
    const handler = createHandler({ env: world.env, warmUp: true, knowledge });
    await tableRequests(world, 1);
    await settle();
    expect(world.proxy.requests.map(({ operation, body }) => [operation, JSON.stringify(body.Key)])).toEqual([
      ['GetItem', JSON.stringify({ contactId: { S: WARM_UP_CALL_ID } })],
    ]);

    const result = await handler(lexEvent({ contactId: 'warm-call', transcript: 'Hi.' }), lambdaContext());
    expect(spokenText(result)).toBe('Hello there.');
    expect(world.proxy.requests.slice(1).map(({ operation }) => operation)).toEqual(['GetItem', 'UpdateItem']);
    expect(await world.readItem(WARM_UP_CALL_ID)).toBeUndefined();
  });

  test('a warm-up read the table never answers does not hold up the first turn', async () => {
    world.proxy.requests.length = 0;
    world.openai.setBehaviour({ reply: 'Still here.' });
    world.proxy.hang = true;
    const handler = createHandler({ env: world.env, warmUp: true, knowledge });
    await tableRequests(world, 1);
    world.proxy.hang = false;

    const result = await handler(lexEvent({ contactId: 'warm-call-2', transcript: 'Hi.' }), lambdaContext());
    expect(spokenText(result)).toBe('Still here.');
    expect(await world.readItem('warm-call-2')).toBeDefined();
    expect(world.proxy.requests.map(({ operation }) => operation)).toEqual(['GetItem', 'GetItem', 'UpdateItem']);
  });
});

test("the init work ends with the knowledge's warm-up, and `initialized` settles only after it", async () => {
  let warmedUp = false;
  const knows = {
    ...emptyKnowledge('a stand-in'),
    warmUp: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      warmedUp = true;
    },
  };
  const handler = createHandler({ env: MODEL_SETTINGS, warmUp: true, knowledge: knows });
  expect(warmedUp).toBe(false);
  await handler.initialized;
  expect(warmedUp).toBe(true);
});
