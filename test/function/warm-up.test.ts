/**
 * Lambda's entry point makes its handler with `warmUp`: in the init phase it reads the settings, starts the key
 * read and the model, and warms the HTTP client the OpenAI client sends through, so the first caller does not
 * pay for them. None of it may throw at import, or reach a network.
 */
import { createHandler } from '../../lambda/src/handler';
import { emptyKnowledge } from '../../lambda/src/knowledge/knowledge';

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
