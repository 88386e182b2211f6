/**
 * The fallback model (FALLBACK_MODEL_PROVIDER / FALLBACK_MODEL): asked in the time left when the primary fails
 * within a turn, with the real clients on loopback servers. Bedrock is the primary here and OpenAI the fallback,
 * and the other way round, so both directions cross a provider boundary.
 */
import { botDefinition } from '../../lib/definition/bot';
import { createHandler, type HandlerOverrides } from '../../lambda/src/handler';
import { keywordKnowledge } from '../knowledge/bakery';
import { type FakeBedrock, lastUserText, startFakeBedrock } from '../../local/bedrock-server';
import { lambdaContext, lexEvent, spokenText } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
let bedrock: FakeBedrock;
beforeAll(async () => {
  bedrock = await startFakeBedrock();
});
afterAll(async () => {
  await bedrock.stop();
});
beforeEach(() => {
  world.openai.clearRequests();
  bedrock.clearRequests();
});

/** Bedrock first, OpenAI (the world's fake) second. */
const BEDROCK_THEN_OPENAI = { MODEL_PROVIDER: 'bedrock', FALLBACK_MODEL_PROVIDER: 'openai' };

async function turn(
  callId: string,
  transcript: string,
  env: Record<string, string>,
  knowledge?: HandlerOverrides['knowledge'],
  sessionAttributes?: Record<string, string>,
) {
  const handler = createHandler({
    env: { ...world.env, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, ...env },
    knowledge,
  });
  const started = Date.now();
  const result = await handler(lexEvent({ contactId: callId, transcript, sessionAttributes }), lambdaContext());
  return { result, spoken: spokenText(result), elapsedMs: Date.now() - started };
}

test('primary 500: the fallback answers within the deadline, and the primary is not retried first', async () => {
  bedrock.setBehaviour({ status: 500 });
  world.openai.setBehaviour({ reply: 'The fallback model answers.' });

  const { spoken, elapsedMs } = await turn('fallback-500', 'What are your hours?', {
    ...BEDROCK_THEN_OPENAI,
    TURN_DEADLINE_MS: '4000',
  });

  expect(spoken).toBe('The fallback model answers.');
  // The one retry goes to the last model: a second model is a better use of the caller's silence.
  expect(bedrock.requests).toHaveLength(1);
  expect(world.openai.requests).toHaveLength(1);
  expect(world.openai.requests[0]!.body.messages.at(-1)).toMatchObject({
    role: 'user',
    content: 'What are your hours?',
  });
  expect(elapsedMs).toBeLessThan(4_000);
});

test('primary hangs: it is cut at its request timeout and the fallback gets the time that is left', async () => {
  bedrock.setBehaviour({ hang: true });
  world.openai.setBehaviour({ reply: 'Here in the time left.', delayMs: 700 });
  // The model may use 2500 ms (3000 less the write's 500); the primary's request gives up after 1200.
  const env = { ...BEDROCK_THEN_OPENAI, TURN_DEADLINE_MS: '3000', MEMORY_TIMEOUT_MS: '500', MODEL_TIMEOUT_MS: '1200' };

  const { spoken, elapsedMs } = await turn('fallback-hang', 'Anyone there?', env);

  expect(spoken).toBe('Here in the time left.');
  const waited = world.openai.requests[0]!.receivedAt - bedrock.requests[0]!.receivedAt;
  expect(waited).toBeGreaterThanOrEqual(1_150);
  expect(waited).toBeLessThan(1_800);
  expect(elapsedMs).toBeLessThan(3_000);
});

test('primary hangs and the fallback is slower than the time left: cut at the deadline, the apology in time', async () => {
  bedrock.setBehaviour({ hang: true });
  world.openai.setBehaviour({ reply: 'Too late.', delayMs: 2_000 });
  const env = { ...BEDROCK_THEN_OPENAI, TURN_DEADLINE_MS: '3000', MEMORY_TIMEOUT_MS: '500', MODEL_TIMEOUT_MS: '1200' };

  const { spoken, elapsedMs } = await turn('fallback-too-slow', 'Anyone there?', env);

  expect(spoken).toBe(botDefinition.messages.modelUnavailable);
  expect(world.openai.requests).toHaveLength(1);
  expect(elapsedMs).toBeLessThan(3_000);
});

test('OpenAI first, Bedrock second: a refused OpenAI key goes straight to Bedrock', async () => {
  world.openai.setBehaviour({ status: 401 });
  bedrock.setBehaviour((request) => ({ reply: `Bedrock heard: ${lastUserText(request)}` }));

  const { spoken } = await turn('fallback-401', 'Can you hear me?', {
    MODEL_PROVIDER: 'openai',
    FALLBACK_MODEL_PROVIDER: 'bedrock',
  });

  expect(spoken).toBe('Bedrock heard: Can you hear me?');
  expect(world.openai.requests).toHaveLength(1);
  expect(bedrock.requests).toHaveLength(1);
});

test('a fallback of the same provider asks the other model', async () => {
  bedrock.setBehaviour((request) =>
    request.modelId === 'us.amazon.nova-lite-v1:0' ? { status: 503 } : { reply: `From ${request.modelId}.` },
  );

  const { spoken } = await turn('fallback-same', 'Hello?', {
    MODEL_PROVIDER: 'bedrock',
    FALLBACK_MODEL: 'us.amazon.nova-micro-v1:0',
  });

  expect(spoken).toBe('From us.amazon.nova-micro-v1:0.');
  expect(bedrock.requests.map((request) => request.modelId)).toEqual([
    'us.amazon.nova-lite-v1:0',
    'us.amazon.nova-micro-v1:0',
  ]);
});

describe('both fail', () => {
  beforeEach(() => {
    bedrock.setBehaviour({ status: 500 });
    world.openai.setBehaviour({ status: 500 });
  });

  test('a question the documents answer gets their best passage; the fallback had its one retry', async () => {
    const question = 'How far ahead do I order a celebration cake?';
    const { spoken } = await turn('both-fail-known', question, BEDROCK_THEN_OPENAI, keywordKnowledge());

    expect(spoken).toBe(
      'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
    );
    expect(bedrock.requests).toHaveLength(1);
    expect(world.openai.requests).toHaveLength(2);
  });

  test('any other question gets the apology, in time', async () => {
    const { spoken, elapsedMs } = await turn('both-fail-unknown', 'Is the shop open on Sunday?', {
      ...BEDROCK_THEN_OPENAI,
      TURN_DEADLINE_MS: '3000',
    });

    expect(spoken).toBe(botDefinition.messages.modelUnavailable);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  test('each such turn counts as failed, and after maxFailedTurns in a row the caller is handed to a person', async () => {
    const env = { ...BEDROCK_THEN_OPENAI, TURN_DEADLINE_MS: '3000' };
    let attributes: Record<string, string> = {};
    const heard: { action: string; failedTurns?: string; nextAction?: string; spoken: string }[] = [];
    for (let index = 1; index <= botDefinition.maxFailedTurns; index++) {
      const { result, spoken } = await turn('both-fail-twice', `Question ${index}?`, env, undefined, attributes);
      attributes = result.sessionState.sessionAttributes ?? {};
      const { failedTurns, nextAction } = attributes;
      heard.push({ action: result.sessionState.dialogAction.type, failedTurns, nextAction, spoken });
    }

    // Both models were asked on every turn.
    expect(bedrock.requests).toHaveLength(botDefinition.maxFailedTurns);
    expect(world.openai.requests.length).toBeGreaterThanOrEqual(botDefinition.maxFailedTurns);
    const turnsBefore = Array.from({ length: botDefinition.maxFailedTurns - 1 }, (_, index) => ({
      action: 'ElicitIntent',
      failedTurns: String(index + 1),
      nextAction: undefined,
      spoken: botDefinition.messages.modelUnavailable,
    }));
    expect(heard).toEqual([
      ...turnsBefore,
      {
        action: 'Close',
        failedTurns: String(botDefinition.maxFailedTurns),
        nextAction: 'agent',
        spoken: botDefinition.messages.troubleTransfer,
      },
    ]);
  });
});
