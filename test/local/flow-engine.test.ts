/**
 * The flow interpreter on small flows of its own: references, operators, loops, and the clear errors for
 * what it does not know. The inbound flow's branches are in flow-branches.test.ts.
 */
import type { FlowAction, FlowContent } from '../../lib/flow/flow-file';
import type { CallEvent } from '../../local/call-events';
import type { LexBot } from '../../local/flow-actions';
import { FlowEmulationError, runFlow } from '../../local/flow-engine';
import type { HandOver, HandOverOutcome } from '../../local/lex-emulator';
import { LOCAL_BOT_ALIAS_ARN, localQueueArn } from '../../local/local-resources';
import { normalizeUtterance, routeUtterance } from '../../local/intent-router';
import { botDefinition } from '../../lib/definition/bot';

function action(
  Identifier: string,
  Type: string,
  Parameters: Record<string, unknown>,
  Transitions: FlowAction['Transitions'] = {},
): FlowAction {
  return { Identifier, Type, Parameters, Transitions };
}

const say = (id: string, text: string, next: string) =>
  action(id, 'MessageParticipant', { Text: text }, { NextAction: next });
const hangUp = action('end', 'DisconnectParticipant', {});

function flowOf(actions: FlowAction[]): FlowContent {
  return { Version: '2019-10-30', StartAction: actions[0].Identifier, Actions: [...actions, hangUp] };
}

/** A bot that closes each hand-over with the next outcome, recording what it was handed. */
function scriptedBot(outcomes: HandOverOutcome[]): LexBot & { handOvers: HandOver[] } {
  const handOvers: HandOver[] = [];
  return {
    handOvers,
    converse: async (handOver) => {
      handOvers.push(handOver);
      const outcome = outcomes.shift();
      if (!outcome) throw new Error('the test bot has no more outcomes');
      return outcome;
    },
  };
}

async function run(flow: FlowContent, bot: LexBot = scriptedBot([])) {
  const events: CallEvent[] = [];
  const end = await runFlow(flow, { contactId: 'c-1', bot, listener: (event) => events.push(event) });
  return { end, spoken: events.flatMap((event) => (event.kind === 'flow' ? [event.text] : [])) };
}

const lexBlock = (next: string, errorNext = 'end') =>
  action(
    'bot',
    'ConnectParticipantWithLexBot',
    {
      LexV2Bot: { AliasArn: LOCAL_BOT_ALIAS_ARN },
      LexSessionAttributes: { contactId: '$.ContactId', channel: '$.Channel', fixed: 'literal' },
    },
    { NextAction: next, Errors: [{ NextAction: errorNext, ErrorType: 'NoMatchingError' }] },
  );

test("the Lex block passes its session attributes with references resolved, in the contact language's locale", async () => {
  const bot = scriptedBot([{ kind: 'closed', intentName: 'FallbackIntent', sessionAttributes: {} }]);
  await run(
    flowOf([action('lang', 'UpdateContactData', { LanguageCode: 'en-US' }, { NextAction: 'bot' }), lexBlock('end')]),
    bot,
  );
  expect(bot.handOvers).toEqual([
    {
      sessionId: 'c-1',
      inputMode: 'Speech',
      localeId: 'en_US',
      sessionAttributes: { contactId: 'c-1', channel: 'VOICE', fixed: 'literal' },
    },
  ]);
});

test.each([
  ['$.Lex.SessionAttributes.mood', 'happy'],
  ["$.Lex.SessionAttributes.['mood']", 'happy'],
  ['$.Lex.IntentName', 'FallbackIntent'],
])('Compare reads %s after the bot closed', async (reference, expected) => {
  const bot = scriptedBot([{ kind: 'closed', intentName: 'FallbackIntent', sessionAttributes: { mood: 'happy' } }]);
  const flow = flowOf([
    lexBlock('compare'),
    action(
      'compare',
      'Compare',
      { ComparisonValue: reference },
      {
        NextAction: 'no',
        Conditions: [{ NextAction: 'yes', Condition: { Operator: 'Equals', Operands: [expected] } }],
        Errors: [{ NextAction: 'no', ErrorType: 'NoMatchingCondition' }],
      },
    ),
    say('yes', 'matched', 'end'),
    say('no', 'not matched', 'end'),
  ]);
  expect((await run(flow, bot)).spoken).toEqual(['matched']);
});

test('an unset session attribute matches no condition', async () => {
  const bot = scriptedBot([{ kind: 'closed', intentName: 'FallbackIntent', sessionAttributes: {} }]);
  const flow = flowOf([
    lexBlock('compare'),
    action(
      'compare',
      'Compare',
      { ComparisonValue: '$.Lex.SessionAttributes.nextAction' },
      {
        Conditions: [{ NextAction: 'yes', Condition: { Operator: 'Equals', Operands: [''] } }],
        Errors: [{ NextAction: 'no', ErrorType: 'NoMatchingCondition' }],
      },
    ),
    say('yes', 'matched', 'end'),
    say('no', 'not matched', 'end'),
  ]);
  expect((await run(flow, bot)).spoken).toEqual(['not matched']);
});

test('a Loop continues LoopCount times, then is done', async () => {
  const flow = flowOf([
    say('again', 'round', 'loop'),
    action(
      'loop',
      'Loop',
      { LoopCount: '2' },
      {
        Conditions: [
          { NextAction: 'again', Condition: { Operator: 'Equals', Operands: ['ContinueLooping'] } },
          { NextAction: 'done', Condition: { Operator: 'Equals', Operands: ['DoneLooping'] } },
        ],
      },
    ),
    say('done', 'finished', 'end'),
  ]);
  expect((await run(flow)).spoken).toEqual(['round', 'round', 'round', 'finished']);
});

test('a failed hand-over takes the catch-all error branch', async () => {
  const bot = scriptedBot([{ kind: 'failed', reason: 'the function failed: boom' }]);
  const flow = flowOf([lexBlock('fine', 'sorry'), say('fine', 'fine', 'end'), say('sorry', 'sorry', 'end')]);
  expect((await run(flow, bot)).spoken).toEqual(['sorry']);
});

test('a Lex block naming another bot alias errors without reaching the bot', async () => {
  const bot = scriptedBot([]);
  const flow = flowOf([
    action(
      'bot',
      'ConnectParticipantWithLexBot',
      { LexV2Bot: { AliasArn: 'arn:aws:lex:eu-west-1:1:bot-alias/X/Y' } },
      {
        NextAction: 'end',
        Errors: [{ NextAction: 'sorry', ErrorType: 'NoMatchingError' }],
      },
    ),
    say('sorry', 'sorry', 'end'),
  ]);
  expect((await run(flow, bot)).spoken).toEqual(['sorry']);
  expect(bot.handOvers).toEqual([]);
});

test('an unknown reference stops the call naming the action and the reference', async () => {
  const flow = flowOf([action('compare', 'Compare', { ComparisonValue: '$.Customer.Tier' }, { NextAction: 'end' })]);
  await expect(run(flow)).rejects.toThrow(
    'Action "compare" (Compare): The reference $.Customer.Tier is not one the local call knows',
  );
});

test('an unknown operator, a missing transition and a missing target are clear errors', async () => {
  const withOperator = flowOf([
    action(
      'compare',
      'Compare',
      { ComparisonValue: 'x' },
      { Conditions: [{ NextAction: 'end', Condition: { Operator: 'Matches', Operands: ['x'] } }] },
    ),
  ]);
  await expect(run(withOperator)).rejects.toThrow(FlowEmulationError);
  await expect(run(withOperator)).rejects.toThrow('the condition operator Matches is not emulated');

  await expect(run(flowOf([action('greet', 'MessageParticipant', { Text: 'hi' })]))).rejects.toThrow(
    'Action "greet" (MessageParticipant): has no transition: it needs a NextAction',
  );
  await expect(run(flowOf([say('greet', 'hi', 'nowhere')]))).rejects.toThrow('The flow has no action "nowhere"');
});

test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
  'an action Type named like an Object.prototype member (%s) is an unknown type, not a handler',
  async (type) => {
    const flow = flowOf([action('odd', type, {}, { NextAction: 'end' })]);
    await expect(run(flow)).rejects.toThrow(FlowEmulationError);
    await expect(run(flow)).rejects.toThrow(
      `Action "odd" (${type}): the action type ${type} is not one the local call emulates`,
    );
  },
);

test('CheckMetricData answers the queue metrics by their flow-language names', async () => {
  const queue = action(
    'queue',
    'UpdateContactTargetQueue',
    { QueueId: localQueueArn('Chalkbot support') },
    { NextAction: 'metric' },
  );
  const checkMetric = (metricType: string) =>
    action(
      'metric',
      'CheckMetricData',
      { MetricType: metricType },
      {
        NextAction: 'some',
        Conditions: [{ NextAction: 'empty', Condition: { Operator: 'NumberLessThan', Operands: ['1'] } }],
      },
    );
  const flowFor = (metricType: string) =>
    flowOf([queue, checkMetric(metricType), say('empty', 'empty', 'end'), say('some', 'some', 'end')]);
  // The local queue is always empty; the staffed agents come from the contact-center answers (1 by default).
  expect((await run(flowFor('NumberOfContactsInQueue'))).spoken).toEqual(['empty']);
  expect((await run(flowFor('OldestContactInQueueAgeSeconds'))).spoken).toEqual(['empty']);
  expect((await run(flowFor('NumberOfAgentsStaffed'))).spoken).toEqual(['some']);
  await expect(run(flowFor('ContactsInQueue'))).rejects.toThrow(
    'Action "metric" (CheckMetricData): metric ContactsInQueue is not emulated',
  );
});

test('a flow that never ends is stopped after the step limit', async () => {
  const flow = flowOf([say('a', 'again', 'a')]);
  await expect(
    runFlow(flow, { contactId: 'c', bot: scriptedBot([]), listener: () => undefined, maxSteps: 20 }),
  ).rejects.toThrow('The flow did not end within 20 actions; the last was "a" (MessageParticipant)');
});

test('caller lines route by normalized sample utterance; anything else falls back', () => {
  expect(normalizeUtterance('  That’s ALL, thanks!  ')).toBe('thats all thanks');
  expect(routeUtterance("That's all, thanks.", botDefinition)).toMatchObject({
    intent: { name: 'Goodbye' },
    matched: true,
  });
  expect(routeUtterance('OPERATOR?', botDefinition)).toMatchObject({ intent: { name: 'TalkToAgent' }, matched: true });
  expect(routeUtterance('Can an operator tell me the time?', botDefinition)).toMatchObject({
    intent: { name: 'FallbackIntent' },
    matched: false,
  });
  expect(routeUtterance('', botDefinition)).toMatchObject({ intent: { name: 'FallbackIntent' }, matched: false });
});
