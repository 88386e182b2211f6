/**
 * When things go wrong the caller still hears something, in time, and the question is kept: a model that
 * answers 429 or 500, sends garbage, is slow or hangs; a deadline set by Lambda's remaining time; a call-memory
 * table that hangs or cannot be reached.
 */
import { botDefinition } from '../../lib/definition/bot';
import { createHandler } from '../../lambda/src/handler';
import { keywordKnowledge } from '../knowledge/bakery';
import { lastUserMessage, type Behaviour } from '../../local/openai-server';
import { lambdaContext, lexEvent, spokenText, storedMessages } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
beforeEach(() => {
  world.openai.clearRequests();
  world.openai.setBehaviour({});
  world.proxy.hang = false;
});

/** A deadline short enough for quick tests, with room for the write after the model. */
const SHORT_TURN = { TURN_DEADLINE_MS: '1500', MEMORY_TIMEOUT_MS: '300' };
/** Generous slack for a loaded CI machine; the point is "within the deadline", not a benchmark. */
const SLACK_MS = 700;

async function timedTurn(env: Record<string, string>, callId: string, transcript: string, remainingMs = 20_000) {
  const handler = createHandler({ env: { ...world.env, ...env } });
  const started = Date.now();
  const result = await handler(lexEvent({ contactId: callId, transcript }), lambdaContext(remainingMs));
  return { result, elapsedMs: Date.now() - started };
}

const failingModels: [string, Behaviour][] = [
  ['answers 429 (rate limited)', { status: 429 }],
  ['answers 500', { status: 500 }],
  ['answers 503 slowly', { status: 503, delayMs: 200 }],
  ['sends garbage instead of a completion', { garbage: true }],
  ['answers an empty message', { reply: '   ' }],
];

test.each(failingModels)(
  'a model that %s gets a spoken apology, and the question is stored',
  async (_name, behaviour) => {
    world.openai.setBehaviour(behaviour);
    const callId = `call-fail-${world.openai.requests.length}-${Math.random()}`;

    const { result, elapsedMs } = await timedTurn({ TURN_DEADLINE_MS: '6000' }, callId, 'What is the meaning of life?');

    expect(result.sessionState.dialogAction.type).toBe('ElicitIntent');
    expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
    expect(elapsedMs).toBeLessThan(6000 + SLACK_MS);
    expect(world.openai.requests.length).toBeGreaterThanOrEqual(1);
    expect(storedMessages(await world.readItem(callId))).toEqual([
      ['human', 'What is the meaning of life?'],
      ['ai', botDefinition.messages.modelUnavailable],
    ]);
  },
);

test('with the default settings a quick failure is retried once, and a good second answer is spoken', async () => {
  world.openai.setBehaviour((request) =>
    request.index === 0 ? { status: 500 } : { reply: `Second try: ${lastUserMessage(request)}` },
  );

  const { result } = await timedTurn({}, 'call-retry', 'Is anyone there?');

  expect(world.openai.requests).toHaveLength(2);
  expect(spokenText(result)).toBe('Second try: Is anyone there?');
});

test('a model that keeps failing quickly is asked twice, never more, though many more requests would fit', async () => {
  world.openai.setBehaviour({ status: 500 });
  // Each request may take 300 ms and the model has about 7.7 s: room for a dozen tries. Never LangChain's six.
  const env = { TURN_DEADLINE_MS: '8000', MEMORY_TIMEOUT_MS: '300', MODEL_TIMEOUT_MS: '300' };

  const { result } = await timedTurn(env, 'call-one-retry-only', 'Is anyone there?');

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(world.openai.requests).toHaveLength(2);
});

test('no retry when a whole request no longer fits before the deadline: the apology comes at the first timeout', async () => {
  world.openai.setBehaviour({ hang: true });
  // The model may use 1500 ms (deadline less the write's slot); one request times out after 1000 ms, and a
  // second one would not fit in the 500 ms left.
  const env = { TURN_DEADLINE_MS: '1800', MEMORY_TIMEOUT_MS: '300', MODEL_TIMEOUT_MS: '1000', MODEL_MAX_RETRIES: '1' };

  const { result, elapsedMs } = await timedTurn(env, 'call-no-late-retry', 'Hello?');

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(world.openai.requests).toHaveLength(1);
  expect(elapsedMs).toBeGreaterThanOrEqual(950);
  expect(elapsedMs).toBeLessThan(1500);
});

test('a failure that cannot get better (401) is not retried', async () => {
  world.openai.setBehaviour({ status: 401 });

  const { result } = await timedTurn({}, 'call-no-retry-401', 'Hello?');

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(world.openai.requests).toHaveLength(1);
});

test('a model that keeps failing (a refused key) hands the call to a person after maxFailedTurns turns in a row', async () => {
  world.openai.setBehaviour({ status: 401 });
  const handler = createHandler({ env: world.env });

  // As Lex does: each turn carries the attributes the function returned the turn before.
  let attributes: Record<string, string> = { contactId: 'call-bad-key' };
  const results = [];
  for (const transcript of ['Hello?', 'Can you hear me?', 'Anyone?', 'Hello??']) {
    const result = await handler(lexEvent({ transcript, sessionAttributes: attributes }), lambdaContext());
    results.push(result);
    attributes = result.sessionState.sessionAttributes ?? {};
    if (result.sessionState.dialogAction.type === 'Close') break;
  }

  expect(results).toHaveLength(botDefinition.maxFailedTurns);
  expect(results.slice(0, -1).map(spokenText)).toEqual(
    Array(botDefinition.maxFailedTurns - 1).fill(botDefinition.messages.modelUnavailable),
  );
  const handOver = results.at(-1)!;
  expect(handOver.sessionState.dialogAction.type).toBe('Close');
  expect(handOver.sessionState.sessionAttributes).toMatchObject({
    nextAction: 'agent',
    failedTurns: String(botDefinition.maxFailedTurns),
  });
  expect(spokenText(handOver)).toBe(botDefinition.messages.troubleTransfer);
  // What the caller heard is what is kept.
  expect(storedMessages(await world.readItem('call-bad-key')).at(-1)).toEqual([
    'ai',
    botDefinition.messages.troubleTransfer,
  ]);
});

test('a turn the documents answer when the model fails is not a failed turn: the caller got an answer', async () => {
  world.openai.setBehaviour({ status: 500 });
  const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' }, knowledge: keywordKnowledge() });
  const failed = await handler(lexEvent({ contactId: 'call-mixed', transcript: 'Hmm, what now?' }), lambdaContext());
  const known = await handler(
    lexEvent({
      transcript: 'How far ahead do I order a celebration cake?',
      sessionAttributes: failed.sessionState.sessionAttributes,
    }),
    lambdaContext(),
  );

  expect(failed.sessionState.sessionAttributes?.failedTurns).toBe('1');
  expect(known.sessionState.dialogAction.type).toBe('ElicitIntent');
  expect(spokenText(known)).toMatch(/^Order a celebration cake at least four days ahead/);
  expect(known.sessionState.sessionAttributes?.failedTurns).toBeUndefined();
});

test('a model that hangs is cut at the turn deadline; the caller hears the apology and the turn is stored', async () => {
  world.openai.setBehaviour({ hang: true });

  const { result, elapsedMs } = await timedTurn(SHORT_TURN, 'call-hang', 'Tell me about the weather.');

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(elapsedMs).toBeLessThan(1500 + SLACK_MS);
  expect(storedMessages(await world.readItem('call-hang'))).toEqual([
    ['human', 'Tell me about the weather.'],
    ['ai', botDefinition.messages.modelUnavailable],
  ]);
});

test('a slow model past the deadline gets the apology in time', async () => {
  world.openai.setBehaviour({ reply: 'Far too late.', delayMs: 5000 });

  const { result, elapsedMs } = await timedTurn(SHORT_TURN, 'call-slow', 'Are you slow?');

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(elapsedMs).toBeLessThan(1500 + SLACK_MS);
});

test('a slow model within the deadline is waited for', async () => {
  world.openai.setBehaviour({ reply: 'Worth the wait.', delayMs: 400 });

  const { result } = await timedTurn(
    { TURN_DEADLINE_MS: '3000', MEMORY_TIMEOUT_MS: '300' },
    'call-patient',
    'Take your time.',
  );

  expect(spokenText(result)).toBe('Worth the wait.');
});

test('each model request has its own timeout (MODEL_TIMEOUT_MS), well inside a long turn budget', async () => {
  world.openai.setBehaviour({ hang: true });

  const { result, elapsedMs } = await timedTurn(
    { TURN_DEADLINE_MS: '20000', MODEL_TIMEOUT_MS: '400', MODEL_MAX_RETRIES: '0' },
    'call-request-timeout',
    'Hello?',
  );

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(elapsedMs).toBeLessThan(400 + SLACK_MS);
});

test("the deadline follows Lambda's remaining time when that is shorter than the turn budget", async () => {
  world.openai.setBehaviour({ hang: true });

  const { result, elapsedMs } = await timedTurn(
    { TURN_DEADLINE_MS: '20000', LAMBDA_SAFETY_MARGIN_MS: '500', MEMORY_TIMEOUT_MS: '300' },
    'call-lambda-time',
    'Quick one.',
    2000,
  );

  expect(spokenText(result)).toBe(botDefinition.messages.modelUnavailable);
  expect(elapsedMs).toBeLessThan(2000 - 500 + SLACK_MS);
});

test('when the model fails on a question the documents answer, the best passage is spoken', async () => {
  world.openai.setBehaviour({ status: 500 });
  const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' }, knowledge: keywordKnowledge() });

  const result = await handler(
    lexEvent({ contactId: 'call-fallback-knowledge', transcript: 'How far ahead do I order a celebration cake?' }),
    lambdaContext(),
  );

  expect(world.openai.requests).toHaveLength(1);
  expect(spokenText(result)).toBe(
    'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
  );
});

test('a call-memory table that hangs: the caller is answered without memory, and nothing stored is lost', async () => {
  const env = { MEMORY_TIMEOUT_MS: '300', TURN_DEADLINE_MS: '5000' };
  const handler = createHandler({ env: { ...world.env, ...env } });
  world.openai.setBehaviour((request) => ({ reply: `I heard ${request.body.messages.length - 1} messages.` }));
  await handler(
    lexEvent({ contactId: 'call-table-hangs', transcript: 'First, while the table works.' }),
    lambdaContext(),
  );

  world.proxy.hang = true;
  const started = Date.now();
  const during = await handler(
    lexEvent({ contactId: 'call-table-hangs', transcript: 'Second, while it hangs.' }),
    lambdaContext(),
  );
  const elapsedMs = Date.now() - started;
  world.proxy.hang = false;
  const after = await handler(
    lexEvent({ contactId: 'call-table-hangs', transcript: 'Third, when it is back.' }),
    lambdaContext(),
  );

  expect(spokenText(during)).toBe('I heard 1 messages.'); // answered, without the first turn
  expect(elapsedMs).toBeLessThan(5000);
  expect(spokenText(after)).toBe('I heard 3 messages.'); // the first turn is still there
  expect(storedMessages(await world.readItem('call-table-hangs')).map(([, content]) => content)).toEqual([
    'First, while the table works.',
    'I heard 1 messages.',
    'Third, when it is back.',
    'I heard 3 messages.',
  ]);
});

test('a call-memory table that cannot be reached: the caller is still answered', async () => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9'; // nothing listens on the discard port
  try {
    const { result } = await timedTurn({ MEMORY_TIMEOUT_MS: '300' }, 'call-no-table', 'Can you hear me?');
    expect(result.sessionState.dialogAction.type).toBe('ElicitIntent');
    expect(spokenText(result)).toBe('You said: Can you hear me?');
  } finally {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  }
});
