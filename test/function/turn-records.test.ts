/**
 * Each turn leaves a small record in the call item beside its messages (time, latency, intent, how it was
 * answered, what came next), written by the turn's one write, so a call's transcript has its timing. Silent
 * turns are recorded too (no messages), so a transcript shows the silence that ended a call.
 */
import { readStoredCall } from '../../lambda/src/call-memory';
import { createHandler } from '../../lambda/src/handler';
import { buildTranscript } from '../../lambda/src/transcript';
import { AGENT_INTENT, FALLBACK_INTENT } from '../../lib/definition/bot';
import { lambdaContext, lexEvent } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
beforeEach(() => {
  world.openai.setBehaviour({ reply: 'We open at nine.' });
  world.proxy.operations.length = 0;
});

async function storedCall(callId: string) {
  const item = await world.readItem(callId);
  if (!item) throw new Error(`no item for ${callId}`);
  return readStoredCall(item);
}

test('a spoken turn: one read, one write that appends the messages and the turn record', async () => {
  const handler = createHandler({ env: world.env });
  const before = Date.now();
  await handler(lexEvent({ contactId: 'rec-spoken', transcript: 'When do you open?' }), lambdaContext());
  const after = Date.now();

  expect(world.proxy.operations).toEqual(['GetItem', 'UpdateItem']);
  const { messages, turns } = await storedCall('rec-spoken');
  expect(messages.map((message) => message.text)).toEqual(['When do you open?', 'We open at nine.']);
  expect(turns).toEqual([
    {
      at: expect.any(Number),
      latencyMs: expect.any(Number),
      intent: FALLBACK_INTENT,
      route: 'model',
      next: 'listen',
      messages: 2,
    },
  ]);
  expect(turns[0].at).toBeGreaterThanOrEqual(before);
  expect(turns[0].at + turns[0].latencyMs).toBeLessThanOrEqual(after);
});

test('a failing model: a fallback when the knowledge file answers, a failed turn when only an apology is left', async () => {
  world.openai.setBehaviour({ status: 500 });
  const handler = createHandler({ env: { ...world.env, MODEL_MAX_RETRIES: '0' } });
  await handler(lexEvent({ contactId: 'rec-fallback', transcript: 'What can you do?' }), lambdaContext());
  await handler(lexEvent({ contactId: 'rec-fallback', transcript: 'Tell me about quantum foam.' }), lambdaContext());
  const routes = (await storedCall('rec-fallback')).turns.map((turn) => turn.route);
  // The first is in the business's FAQ (answered before the model) or its documents (the fallback's answer).
  expect(routes).toHaveLength(2);
  for (const route of routes) expect(['faq', 'fallback', 'failed']).toContain(route);

  const offlineEnv = { CALL_MEMORY_TABLE: world.env.CALL_MEMORY_TABLE };
  await createHandler({ env: offlineEnv })(
    lexEvent({ contactId: 'rec-offline', transcript: 'What can you do?' }),
    lambdaContext(),
  );
  expect((await storedCall('rec-offline')).turns.map((turn) => turn.route)).toEqual(['offline']);
});

test('silence writes only its record (no read, no messages); the last silent turn records the hang-up', async () => {
  const handler = createHandler({ env: world.env });
  let attributes: Record<string, string> = { contactId: 'rec-silent' };
  for (let turn = 0; turn < 3; turn++) {
    const result = await handler(lexEvent({ transcript: '', sessionAttributes: attributes }), lambdaContext());
    attributes = result.sessionState.sessionAttributes ?? {};
  }
  expect(world.proxy.operations).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem']);
  const { messages, turns } = await storedCall('rec-silent');
  expect(messages).toEqual([]);
  expect(turns.map(({ route, next, messages: count }) => [route, next, count])).toEqual([
    ['silence', 'listen', 0],
    ['silence', 'listen', 0],
    ['silence', 'hangup', 0],
  ]);
});

test('an agent intent that reaches the function records the words and the hand-over, keeping no messages', async () => {
  await createHandler({ env: world.env })(
    lexEvent({ contactId: 'rec-agent', intent: AGENT_INTENT, transcript: 'a person please' }),
    lambdaContext(),
  );
  const { messages, turns } = await storedCall('rec-agent');
  expect(messages).toEqual([]);
  expect(turns).toEqual([
    expect.objectContaining({
      intent: AGENT_INTENT,
      route: 'leave',
      next: 'agent',
      messages: 0,
      said: 'a person please',
    }),
  ]);
});

test('past the message cap, the records are trimmed with the messages in the same write', async () => {
  const handler = createHandler({ env: { ...world.env, MAX_STORED_MESSAGES: '4' } });
  for (const question of ['One?', 'Two?', 'Three?', 'Four?', 'Five?', 'Six?']) {
    await handler(lexEvent({ contactId: 'rec-capped', transcript: question }), lambdaContext());
  }
  const { messages, turns } = await storedCall('rec-capped');
  expect(messages.map((message) => message.text)).toEqual(['Five?', 'We open at nine.', 'Six?', 'We open at nine.']);
  expect(turns.length).toBeLessThanOrEqual(4);
  expect(turns.at(-1)).toMatchObject({ route: 'model', messages: 2 });
});

test('a turn that fails in the handler still leaves its record: the words, the apology, then the hand-over', async () => {
  // The knowledge lookup throws: nothing in the turn answers for it, so the handler's own apology does.
  const knowledge = {
    size: { passages: 1, faq: 0 },
    lookUp: () => Promise.reject(new Error('index corrupted')),
  };
  const handler = createHandler({ env: world.env, knowledge });
  let attributes: Record<string, string> = { contactId: 'rec-throws' };
  const spoken: string[] = [];
  for (const transcript of ['When do you open?', 'Hello?']) {
    const result = await handler(lexEvent({ transcript, sessionAttributes: attributes }), lambdaContext());
    attributes = result.sessionState.sessionAttributes ?? {};
    spoken.push(result.messages?.map((message) => ('content' in message ? message.content : '')).join(' ') ?? '');
  }
  const { messages, turns } = await storedCall('rec-throws');
  expect(messages).toEqual([]);
  expect(turns).toEqual([
    expect.objectContaining({
      route: 'failed',
      next: 'listen',
      messages: 0,
      said: 'When do you open?',
      answer: spoken[0],
    }),
    expect.objectContaining({ route: 'failed', next: 'agent', messages: 0, said: 'Hello?', answer: spoken[1] }),
  ]);
  expect(spoken[0]).not.toBe('');

  // The transcript reads it as a conversation: what was said, the apology heard, and the failed ending.
  const transcript = buildTranscript(
    await storedCall('rec-throws'),
    { contactId: 'rec-throws', endedAt: new Date(), queued: false },
    { redact: false },
  );
  expect(transcript.turns.map(({ caller, bot, route }) => ({ caller, bot, route }))).toEqual([
    { caller: 'When do you open?', bot: spoken[0], route: 'failed' },
    { caller: 'Hello?', bot: spoken[1], route: 'failed' },
  ]);
  expect(transcript.ending).toBe('error');
});
