/**
 * The init phase rehearses a turn (lambda/src/turn-rehearsal.ts) so that the first caller finds the turn's code
 * compiled. It must be invisible: nothing reaches the table, the model or the logs, no metric is emitted, and the
 * first real turn after it is the same as without it. And it must be done before Lambda hands over the first event.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createHandler } from '../../lambda/src/handler';
import { emptyKnowledge } from '../../lambda/src/knowledge/knowledge';
import { readSettings, type Settings } from '../../lambda/src/settings';
import { WARM_UP_CALL_ID } from '../../lambda/src/table-warm-up';
import * as rehearsalModule from '../../lambda/src/turn-rehearsal';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
const knowledge = emptyKnowledge('no knowledge in this test');
const debugLogger = () => new Logger({ logLevel: 'DEBUG' });

/** Everything written to the process's output and through the console while `run` runs. */
async function outputOf(run: () => Promise<unknown>): Promise<unknown[]> {
  const written: unknown[] = [];
  const record = (...args: unknown[]) => {
    written.push(args[0]);
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation(record),
    ),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written;
}

/**
 * createHandler from a fresh load of the function's modules, with the init phase's two steps watched: a module's
 * exports are read-only (test/support/esbuild-transform.cjs), so the handler is given watched modules instead.
 */
function handlerWithWatchedInitPhase() {
  const rehearsal = '../../lambda/src/turn-rehearsal';
  const youngGeneration = '../../lambda/src/young-generation';
  const rehearse = jest.fn(jest.requireActual<typeof rehearsalModule>(rehearsal).rehearseTurn);
  const collect = jest.fn(
    jest.requireActual<typeof import('../../lambda/src/young-generation')>(youngGeneration).collectYoungGeneration,
  );
  let watched: typeof createHandler = createHandler;
  jest.isolateModules(() => {
    jest.doMock(rehearsal, () => ({ rehearseTurn: rehearse }));
    jest.doMock(youngGeneration, () => ({ collectYoungGeneration: collect }));
    watched = require('../../lambda/src/handler').createHandler;
  });
  jest.dontMock(rehearsal);
  jest.dontMock(youngGeneration);
  return { createHandler: watched, rehearse, collect };
}

beforeEach(() => {
  world.proxy.requests.length = 0;
  world.openai.clearRequests();
});

test('a rehearsal plays a whole turn in process: it reads and writes the call, asks the model, speaks', async () => {
  const fetch = jest.spyOn(globalThis, 'fetch');
  try {
    const rehearsal = await rehearsalModule.rehearseTurn(readSettings(world.env), debugLogger());
    expect(rehearsal?.tableRequests).toEqual(['GetItem', 'UpdateItem']);
    // The model's canned answer, made speakable: its markup and link are gone.
    expect(rehearsal?.spoken).toMatch(/Saturday/);
    expect(rehearsal?.spoken).not.toMatch(/[*[\]]|https?:/);
    expect(fetch).not.toHaveBeenCalled();
  } finally {
    fetch.mockRestore();
  }
  expect(world.proxy.requests).toEqual([]);
  expect(world.openai.requests).toEqual([]);
});

test('it is over before the event loop turns, so in Lambda before the first event is handed over', async () => {
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  const rehearsal = await rehearsalModule.rehearseTurn(readSettings(world.env), debugLogger());
  expect(rehearsal?.spoken).toMatch(/Saturday/);
  expect(turned).toBe(false);
});

// DEBUG logs, Advanced Logging Controls and metrics on: whatever the rehearsal wrote would show.
test('the init phase rehearses a turn, then collects, and logs and emits nothing', async () => {
  const watched = handlerWithWatchedInitPhase();
  const { rehearse, collect } = watched;
  const saved = { ...process.env };
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.AWS_LAMBDA_LOG_LEVEL = 'DEBUG';
  try {
    const written = await outputOf(async () => {
      watched.createHandler({ env: { ...world.env, POWERTOOLS_LOG_LEVEL: 'DEBUG' }, warmUp: true, knowledge });
      // Until the warm-up's read has reached the table (a busy machine can take a while), and a little longer.
      for (const deadline = Date.now() + 5_000; world.proxy.requests.length === 0 && Date.now() < deadline; )
        await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(written).toEqual([]);
  } finally {
    process.env = saved;
  }
  expect(rehearse).toHaveBeenCalledTimes(1);
  expect((await rehearse.mock.results[0]?.value)?.spoken).toMatch(/Saturday/);
  // Then the young generation is collected once, with all the init phase and the rehearsal left in it.
  expect(collect).toHaveBeenCalledTimes(1);
  expect(collect.mock.invocationCallOrder[0]).toBeGreaterThan(rehearse.mock.invocationCallOrder[0] ?? Infinity);
  // The table saw only the warm-up's read of a key no call has; the model saw nothing.
  expect(world.proxy.requests.map(({ operation, body }) => [operation, body.Key])).toEqual([
    ['GetItem', { contactId: { S: WARM_UP_CALL_ID } }],
  ]);
  expect(world.openai.requests).toEqual([]);
  expect(await world.readItem('#rehearsal')).toBeUndefined();
});

test('the first real turns after a rehearsal are the same as without one', async () => {
  world.openai.setBehaviour((request) => ({ reply: `You said: ${request.body.messages.at(-1)?.content}` }));
  const rehearsed = createHandler({ env: world.env, warmUp: true, knowledge });
  const plain = createHandler({ env: world.env, knowledge });
  await new Promise((resolve) => setTimeout(resolve, 50));
  world.openai.clearRequests();

  const conversation = async (handler: typeof plain, callId: string) => {
    const spoken: string[] = [];
    let sessionAttributes: Record<string, string> = {};
    for (const transcript of ['When are you open?', 'And on Sunday?']) {
      const result = await handler(lexEvent({ contactId: callId, transcript, sessionAttributes }), lambdaContext());
      spoken.push(spokenText(result));
      sessionAttributes = result.sessionState.sessionAttributes ?? {};
    }
    const { contactId: _callId, ...attributes } = sessionAttributes;
    return { spoken, stored: storedMessages(await world.readItem(callId)), attributes };
  };
  const afterRehearsal = await conversation(rehearsed, 'call-after-rehearsal');
  const prompts = world.openai.requests.map(({ body }) => body.messages);
  world.openai.clearRequests();
  const withoutRehearsal = await conversation(plain, 'call-without-rehearsal');

  expect(afterRehearsal.spoken).toEqual(['You said: When are you open?', 'You said: And on Sunday?']);
  expect(afterRehearsal).toEqual(withoutRehearsal);
  expect(prompts).toEqual(world.openai.requests.map(({ body }) => body.messages));
});

test('a rehearsal that cannot run ends quietly', async () => {
  await expect(rehearsalModule.rehearseTurn(undefined as unknown as Settings, debugLogger())).resolves.toBeUndefined();
});

/** Each provider's endpoint is a closed loopback port: a request that left the process would fail the turn. */
const DEAD_END = 'http://127.0.0.1:9';
const otherProviders = {
  azure: {
    MODEL_PROVIDER: 'azure',
    AZURE_OPENAI_ENDPOINT: DEAD_END,
    AZURE_OPENAI_DEPLOYMENT: 'rehearsal-deployment',
    AZURE_OPENAI_API_KEY: 'test-key',
  },
  bedrock: { MODEL_PROVIDER: 'bedrock', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: DEAD_END },
};

test.each(Object.entries(otherProviders))('with %s, the real chat model is answered in process too', async (_, env) => {
  const rehearsal = await rehearsalModule.rehearseTurn(readSettings({ ...world.env, ...env }), debugLogger());
  expect(rehearsal?.spoken).toMatch(/Saturday/);
  expect(rehearsal?.spoken).not.toMatch(/[*[\]]|https?:/);
  expect(rehearsal?.tableRequests).toEqual(['GetItem', 'UpdateItem']);
  expect(world.proxy.requests).toEqual([]);
});
