/**
 * One test per branch of the inbound flow, held through the real flow file, the Lex emulator and small
 * function doubles that keep the function's contract (ElicitIntent to keep talking, Close with nextAction
 * to leave the bot).
 */
import { AGENT_INTENT, botDefinition, GOODBYE_INTENT, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { FUNCTION_TIMEOUT_SECONDS, LEX_MAX_MESSAGE_CHARS } from '../../lib/definition/function-settings';
import { type FlowContent, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import { FlowEmulationError } from '../../local/flow-engine';
import type { FulfillmentFunction } from '../../local/fulfillment-function';
import { resolveLocalFlow } from '../../local/local-resources';
import { answer, echoingFunction, flowLine, holdTestCall, inboundFlow, phoneGreeting } from './call-harness';

/** What a caller who presses nothing hears before the bot listens. */
const greeting = phoneGreeting();

test('goodbye by intent: the Goodbye utterance closes the bot and the flow says goodbye and hangs up', async () => {
  const call = await holdTestCall({ lines: ['What can you do?', 'Goodbye!'], fulfill: echoingFunction });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] What can you do?',
    '[bot] You asked: What can you do?',
    '[caller] Goodbye!',
    flowLine('say-goodbye'),
    '[hang up]',
  ]);
  expect(call.end).toEqual({ kind: 'disconnected' });
  // Goodbye has no code hook: only the question reached the function.
  expect(call.lexEvents.map((event) => event.inputTranscript)).toEqual(['What can you do?']);
});

test("goodbye by the function: Close with nextAction=hangup hangs up after the bot's own goodbye, without a second one", async () => {
  const closing: FulfillmentFunction = async (event) =>
    answer(event, 'Close', botDefinition.messages.goodbye, {
      ...event.sessionState.sessionAttributes,
      [SESSION_ATTRIBUTES.nextAction]: 'hangup',
    });
  const call = await holdTestCall({ lines: ['I think we are finished here'], fulfill: closing });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] I think we are finished here',
    `[bot] ${botDefinition.messages.goodbye}`,
    '[hang up]',
  ]);
  expect(call.end).toEqual({ kind: 'disconnected' });
});

test('transfer to an agent: the agent utterance ends in the support queue, named', async () => {
  const call = await holdTestCall({
    lines: ['What can you do?', 'I want to talk to a person'],
    fulfill: echoingFunction,
  });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] What can you do?',
    '[bot] You asked: What can you do?',
    '[caller] I want to talk to a person',
    flowLine('say-transfer'),
    '[transfer] queue "Chalkbot support"',
  ]);
  expect(call.end).toMatchObject({ kind: 'transferred', queueName: 'Chalkbot support' });
});

test('transfer asked of the function: Close with nextAction=agent and no message goes through the queue checks, then the transfer line', async () => {
  // The function closes without speaking (Lex allows a Close with no messages): the flow says the transfer line
  // once it knows the queue is open and staffed.
  const transferring: FulfillmentFunction = async (event) =>
    answer(event, 'Close', undefined, {
      ...event.sessionState.sessionAttributes,
      [SESSION_ATTRIBUTES.nextAction]: 'agent',
    });
  const call = await holdTestCall({ lines: ['Could a real human help me?'], fulfill: transferring });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] Could a real human help me?',
    flowLine('say-transfer'),
    '[transfer] queue "Chalkbot support"',
  ]);
  expect(call.end).toMatchObject({ kind: 'transferred', queueName: 'Chalkbot support' });
});

test('a Close with an empty message list is accepted too, and nothing is spoken for it', async () => {
  const closesSilently: FulfillmentFunction = async (event) => ({
    ...answer(event, 'Close', undefined, {
      ...event.sessionState.sessionAttributes,
      [SESSION_ATTRIBUTES.nextAction]: 'hangup',
    }),
    messages: [],
  });
  const call = await holdTestCall({ lines: ['What can you do?'], fulfill: closesSilently });
  expect(call.transcript).toEqual([...greeting, '[caller] What can you do?', '[hang up]']);
});

test('queue closed: the closed message, then hang up, and no promise of a transfer before it', async () => {
  const call = await holdTestCall({
    lines: ['agent'],
    fulfill: echoingFunction,
    contactCenter: { hoursOpen: false, agentsStaffed: 1 },
  });
  expect(call.transcript).toEqual([...greeting, '[caller] agent', flowLine('queue-closed'), '[hang up]']);
  expect(call.end).toEqual({ kind: 'disconnected' });
});

test('no agents staffed: nobody available, then hang up, without the transfer line', async () => {
  const call = await holdTestCall({
    lines: ['operator'],
    fulfill: echoingFunction,
    contactCenter: { hoursOpen: true, agentsStaffed: 0 },
  });
  expect(call.transcript).toEqual([...greeting, '[caller] operator', flowLine('nobody-available'), '[hang up]']);
});

test('the function asking for an agent while the queue is closed hears the closed message, not the transfer line', async () => {
  const transferring: FulfillmentFunction = async (event) =>
    answer(event, 'Close', undefined, {
      ...event.sessionState.sessionAttributes,
      [SESSION_ATTRIBUTES.nextAction]: 'agent',
    });
  const call = await holdTestCall({
    lines: ['Could a real human help me?'],
    fulfill: transferring,
    contactCenter: { hoursOpen: false, agentsStaffed: 1 },
  });
  expect(call.transcript.slice(-3)).toEqual([
    '[caller] Could a real human help me?',
    flowLine('queue-closed'),
    '[hang up]',
  ]);
});

test('silence until hang-up: three silent turns, the function says goodbye and closes, the flow hangs up', async () => {
  const call = await holdTestCall({ lines: ['', '', ''], fulfill: echoingFunction });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.reprompt}`,
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.reprompt}`,
    '[caller] (silence)',
    `[bot] ${botDefinition.messages.silentGoodbye}`,
    '[hang up]',
  ]);
  // Silence reaches the function as Lex sends it: an empty transcript and no transcription.
  expect(call.lexEvents.map((event) => [event.inputTranscript, event.transcriptions.length])).toEqual([
    ['', 0],
    ['', 0],
    ['', 0],
  ]);
});

test('function error: the Lex block errors, the caller hears the apology and the call ends', async () => {
  const failing: FulfillmentFunction = async () => {
    throw new Error('model exploded');
  };
  const call = await holdTestCall({ lines: ['What can you do?'], fulfill: failing });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] What can you do?',
    '[local] talk-to-bot: the function failed: Error: model exploded (NoMatchingError)',
    flowLine('apologize'),
    '[hang up]',
  ]);
  expect(call.end).toEqual({ kind: 'disconnected' });
});

test('a malformed answer (ElicitIntent without a message) fails the turn as Lex would', async () => {
  const malformed: FulfillmentFunction = async (event) => answer(event, 'ElicitIntent', undefined);
  const call = await holdTestCall({ lines: ['Hello?'], fulfill: malformed });
  expect(call.transcript.slice(-3)).toEqual([
    '[local] talk-to-bot: Invalid Lambda response: ElicitIntent needs at least one message (NoMatchingError)',
    flowLine('apologize'),
    '[hang up]',
  ]);
});

test('a message longer than Lex allows fails the turn', async () => {
  const verbose: FulfillmentFunction = async (event) => answer(event, 'ElicitIntent', 'word '.repeat(300));
  const call = await holdTestCall({ lines: ['Tell me everything'], fulfill: verbose });
  expect(call.transcript).toContain(flowLine('apologize'));
  expect(call.transcript.join('\n')).toMatch(/1500 characters; Lex allows 1024/);
});

test("the emulator holds the function to the shared limits: Lex's message length and the deployed Lambda timeout", async () => {
  const saying =
    (content: string): FulfillmentFunction =>
    async (event) =>
      answer(event, 'ElicitIntent', content);
  const longest = await holdTestCall({ lines: ['Tell me'], fulfill: saying('a'.repeat(LEX_MAX_MESSAGE_CHARS)) });
  expect(longest.transcript).toContain(`[bot] ${'a'.repeat(LEX_MAX_MESSAGE_CHARS)}`);
  const tooLong = await holdTestCall({ lines: ['Tell me'], fulfill: saying('a'.repeat(LEX_MAX_MESSAGE_CHARS + 1)) });
  expect(tooLong.transcript).toContain(flowLine('apologize'));

  // Without an override, the function's Lambda context counts down from the timeout the stack deploys.
  let remainingMs = 0;
  const measuring: FulfillmentFunction = async (event, context) => {
    remainingMs = context.getRemainingTimeInMillis();
    return answer(event, 'ElicitIntent', 'ok');
  };
  await holdTestCall({ lines: ['Hi'], fulfill: measuring });
  expect(remainingMs).toBeLessThanOrEqual(FUNCTION_TIMEOUT_SECONDS * 1000);
  expect(remainingMs).toBeGreaterThan(FUNCTION_TIMEOUT_SECONDS * 1000 - 2_000);
});

test('a slow function: fillers while it works, then the timeout message and the error branch at the fulfillment timeout', async () => {
  const definition = {
    ...botDefinition,
    fulfillmentUpdates: {
      ...botDefinition.fulfillmentUpdates,
      startDelaySeconds: 0.05,
      updateFrequencySeconds: 0.1,
      timeoutSeconds: 0.32,
    },
  };
  const never: FulfillmentFunction = () => new Promise(() => undefined);
  const call = await holdTestCall({ lines: ['Think hard'], fulfill: never, definition });
  const fillers = call.transcript.filter((line) => line.startsWith('[filler]'));
  expect(fillers[0]).toBe(`[filler] ${botDefinition.fulfillmentUpdates.startMessages[0]}`);
  const { updateMessages } = botDefinition.fulfillmentUpdates;
  expect(fillers.slice(1)).toEqual(
    fillers.slice(1).map((_, index) => `[filler] ${updateMessages[index % updateMessages.length]}`),
  );
  expect(fillers.length).toBeGreaterThanOrEqual(2);
  expect(call.transcript.slice(-4)).toEqual([
    `[bot] ${botDefinition.fulfillmentUpdates.timeoutMessage}`,
    '[local] talk-to-bot: Lex stopped waiting for the function after 320 ms (the fulfillment timeout) (NoMatchingError)',
    flowLine('apologize'),
    '[hang up]',
  ]);
});

test('a function slower than its Lambda timeout fails as a timed-out Lambda', async () => {
  const never: FulfillmentFunction = () => new Promise(() => undefined);
  const call = await holdTestCall({ lines: ['Think hard'], fulfill: never, functionTimeoutMs: 50 });
  expect(call.transcript.some((line) => line.startsWith('[bot]'))).toBe(false);
  expect(call.transcript).toContain(
    '[local] talk-to-bot: the function timed out after 50 ms (its Lambda timeout) (NoMatchingError)',
  );
});

test('a bot that closes without nextAction is tried once more, then the caller hears the apology', async () => {
  const closesQuietly: FulfillmentFunction = async (event) => answer(event, 'Close', 'Okay.');
  const call = await holdTestCall({ lines: ['first', 'second'], fulfill: closesQuietly });
  expect(call.transcript).toEqual([
    ...greeting,
    '[caller] first',
    '[bot] Okay.',
    flowLine('talk-to-bot'),
    '[caller] second',
    '[bot] Okay.',
    flowLine('apologize'),
    '[hang up]',
  ]);
});

test('the caller hangs up in the middle of the call: the call ends cleanly', async () => {
  const call = await holdTestCall({ lines: ['What can you do?'], fulfill: echoingFunction });
  expect(call.transcript.slice(-1)).toEqual(['[hang up] the caller hung up']);
  expect(call.end).toEqual({ kind: 'caller-hung-up' });
});

test('unknown action type: the call stops with an error naming the action and its type', async () => {
  const flow = inboundFlow();
  const withUnknown: FlowContent = {
    ...flow,
    Actions: flow.Actions.map((action) =>
      action.Identifier === 'greet' ? { ...action, Type: 'InvokeLambdaFunction' } : action,
    ),
  };
  const call = holdTestCall({ lines: [], fulfill: echoingFunction, flow: withUnknown });
  await expect(call).rejects.toThrow(FlowEmulationError);
  await expect(call).rejects.toThrow(
    /Action "greet" \(InvokeLambdaFunction\): the action type InvokeLambdaFunction is not one/,
  );
});

test('the intents the flow branches on are the ones the bot definition has', () => {
  const operands = inboundFlow()
    .Actions.filter((action) => action.Type === 'ConnectParticipantWithLexBot')
    .flatMap((action) => action.Transitions.Conditions ?? [])
    .flatMap((condition) => condition.Condition.Operands);
  expect(operands.sort()).toEqual([AGENT_INTENT, GOODBYE_INTENT].sort());
});

describe('the same flow on a web chat', () => {
  /** The inbound flow with the voice set to Matthew, its Lex block also passing the voice the contact has. */
  function flowShowingVoice(): FlowContent {
    const flow = resolveLocalFlow(readFlowFile(INBOUND_FLOW_FILE), 'Matthew');
    const actions = flow.Actions.map((action) =>
      action.Type === 'ConnectParticipantWithLexBot'
        ? {
            ...action,
            Parameters: {
              ...action.Parameters,
              LexSessionAttributes: {
                ...(action.Parameters.LexSessionAttributes as object),
                voice: '$.TextToSpeechVoiceId',
              },
            },
          }
        : action,
    );
    return { ...flow, Actions: actions };
  }

  test.each([
    ['VOICE', 'Speech', 'Matthew'],
    ['CHAT', 'Text', 'Joanna'],
  ] as const)(
    'on %s the bot gets the channel and %s input; the voice block runs only on the phone',
    async (channel, inputMode, voice) => {
      const call = await holdTestCall({
        lines: ['What can you do?'],
        fulfill: echoingFunction,
        flow: flowShowingVoice(),
        channel,
      });
      const [event] = call.lexEvents;
      expect(event.inputMode).toBe(inputMode);
      expect(event.sessionState.sessionAttributes).toMatchObject({ channel, voice });
      // The greeting and the answer are the same on both channels; a chat has no keypad, so no language menu.
      const expected = channel === 'CHAT' ? greeting.filter((line) => line !== flowLine('language-menu')) : greeting;
      expect(call.transcript.slice(0, expected.length + 2)).toEqual([
        ...expected,
        '[caller] What can you do?',
        '[bot] You asked: What can you do?',
      ]);
    },
  );
});
