/**
 * How a conversation with the bot ends: silence gets a reprompt and, after three silent turns in a row, a polite
 * hang-up; speech resets the count; goodbye and agent intents hand the call back to the flow (the agent one without
 * a line of its own: the flow says whether anyone is there).
 */
import { AGENT_INTENT, botDefinition, GOODBYE_INTENT } from '../../lib/definition/bot';
import { createHandler, type TurnHandler } from '../../lambda/src/handler';
import { isSilence } from '../../lambda/src/turn';
import { lambdaContext, lexEvent, spokenText } from '../../local/function-world';
import { useFunctionWorld } from '../support/use-function-world';

const world = useFunctionWorld();
let handler: TurnHandler;
beforeAll(async () => {
  handler = createHandler({ env: world.env });
});
beforeEach(() => {
  world.openai.clearRequests();
  world.proxy.operations.length = 0;
});

/** Plays turns the way Lex does: each answer's session attributes go into the next event. */
async function playCall(callId: string, transcripts: string[]) {
  let attributes: Record<string, string> = { contactId: callId };
  const results = [];
  for (const transcript of transcripts) {
    const result = await handler(lexEvent({ transcript, sessionAttributes: attributes }), lambdaContext());
    attributes = result.sessionState.sessionAttributes ?? {};
    results.push(result);
  }
  return results;
}

test('silence gets a reprompt; the third silent turn in a row closes the call with nextAction=hangup', async () => {
  const [first, second, third] = await playCall('call-silent', ['', '', '']);

  for (const [result, count] of [
    [first, '1'],
    [second, '2'],
  ] as const) {
    expect(result.sessionState.dialogAction.type).toBe('ElicitIntent');
    expect(spokenText(result)).toBe(botDefinition.messages.reprompt);
    expect(result.sessionState.sessionAttributes?.silentTurns).toBe(count);
  }
  expect(third.sessionState.dialogAction.type).toBe('Close');
  expect(third.sessionState.intent).toEqual({ name: 'FallbackIntent', state: 'Fulfilled' });
  expect(third.sessionState.sessionAttributes).toMatchObject({
    nextAction: 'hangup',
    contactId: 'call-silent',
    silentTurns: '3',
  });
  expect(spokenText(third)).toBe(botDefinition.messages.silentGoodbye);
  // Silence asks nothing of the model and reads no memory; each silent turn writes its record (see turn-records).
  expect(world.openai.requests).toHaveLength(0);
  expect(world.proxy.operations).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem']);
});

test('filler words alone ("um", "uh") count as silence', async () => {
  const [result] = await playCall('call-filler', ['Um... uh.']);
  expect(spokenText(result)).toBe(botDefinition.messages.reprompt);
  expect(result.sessionState.sessionAttributes?.silentTurns).toBe('1');
  expect(isSilence('um, hmm')).toBe(true);
  expect(isSilence('um, what time is it')).toBe(false);
});

test('speech resets the silent-turn count, so only silent turns in a row end the call', async () => {
  const results = await playCall('call-mixed', ['', '', 'Still here.', '', '']);

  expect(results.map((result) => result.sessionState.sessionAttributes?.silentTurns)).toEqual([
    '1',
    '2',
    '0',
    '1',
    '2',
  ]);
  expect(results.every((result) => result.sessionState.dialogAction.type === 'ElicitIntent')).toBe(true);
  expect(spokenText(results[2])).toBe('You said: Still here.');
});

test('the goodbye intent closes the call with nextAction=hangup and the goodbye line', async () => {
  const result = await handler(
    lexEvent({
      contactId: 'call-leaving',
      intent: GOODBYE_INTENT,
      transcript: 'bye',
      sessionAttributes: { silentTurns: '2' },
    }),
    lambdaContext(),
  );

  expect(result.sessionState.dialogAction.type).toBe('Close');
  expect(result.sessionState.intent).toEqual({ name: GOODBYE_INTENT, state: 'Fulfilled' });
  expect(result.sessionState.sessionAttributes).toEqual({
    contactId: 'call-leaving',
    nextAction: 'hangup',
    silentTurns: '0',
  });
  expect(spokenText(result)).toBe(botDefinition.messages.goodbye);
  expect(world.openai.requests).toHaveLength(0);
});

test('the agent intent closes the call with nextAction=agent and no line: the flow announces the transfer', async () => {
  const result = await handler(
    lexEvent({
      contactId: 'call-to-agent',
      intent: AGENT_INTENT,
      transcript: 'a person please',
      sessionAttributes: { silentTurns: '2' },
    }),
    lambdaContext(),
  );

  expect(result.sessionState.dialogAction.type).toBe('Close');
  expect(result.sessionState.intent).toEqual({ name: AGENT_INTENT, state: 'Fulfilled' });
  expect(result.sessionState.sessionAttributes).toEqual({
    contactId: 'call-to-agent',
    nextAction: 'agent',
    silentTurns: '0',
  });
  expect(result.messages).toBeUndefined();
  expect(world.openai.requests).toHaveLength(0);
});
