import type { FlowAction, FlowContent } from '../../lib/flow/flow-file';
import { INBOUND_FLOW_FILE, readFlowFile, readFlowFiles } from '../../lib/flow/flow-file';
import { assertValidFlow, FLOW_LIMITS, validateFlow } from '../../lib/flow/validate';
import { PLACEHOLDERS } from '../../lib/definition/placeholders';
import { renderFlowContent } from '../../lib/bot/inbound-flow';

const OUR_PLACEHOLDERS = Object.values(PLACEHOLDERS);
const inbound = () => readFlowFile(INBOUND_FLOW_FILE).Content;

/** The inbound flow with one action changed by `change`. */
function withAction(id: string, change: (action: FlowAction) => FlowAction): FlowContent {
  const content = inbound();
  const actions = content.Actions.map((a) => (a.Identifier === id ? change(a) : a));
  expect(actions).not.toEqual(content.Actions);
  return { ...content, Actions: actions };
}

const problemsOf = (content: FlowContent) => validateFlow(content, { allowedPlaceholders: OUR_PLACEHOLDERS });

describe('flow validator', () => {
  test('every flow in contact-flows/ passes, with our placeholders still in it', () => {
    const files = readFlowFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const { path, flow } of files) expect({ path, problems: problemsOf(flow.Content) }).toEqual({ path, problems: [] });
  });

  test('a NextAction to a missing action is caught', () => {
    const broken = withAction('greet', (a) => ({ ...a, Transitions: { ...a.Transitions, NextAction: 'nowhere' } }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/"greet".*NextAction "nowhere" is not an action/)]);
  });

  test('an error or condition pointing nowhere is caught', () => {
    const broken = withAction('talk-to-bot', (a) => ({
      ...a,
      Transitions: {
        ...a.Transitions,
        Conditions: [{ NextAction: 'gone', Condition: { Operator: 'Equals', Operands: ['Goodbye'] } }],
        Errors: [{ NextAction: 'also-gone', ErrorType: 'NoMatchingError' }],
      },
    }));
    const problems = problemsOf(broken);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/NextAction "gone"/), expect.stringMatching(/NextAction "also-gone"/)]),
    );
  });

  test('a missing StartAction is caught', () => {
    expect(problemsOf({ ...inbound(), StartAction: 'start-here' })).toEqual([expect.stringMatching(/StartAction "start-here"/)]);
  });

  test('an unknown action type is caught', () => {
    const broken = withAction('greet', (a) => ({ ...a, Type: 'PlayPrompt' }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/"greet" \(PlayPrompt\): unknown action type/)]);
  });

  test('a Type or parameter named like an Object.prototype member is unknown, not a crash', () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const broken = withAction('greet', (a) => ({ ...a, Type: type }));
      expect(problemsOf(broken)).toEqual([expect.stringMatching(new RegExp(`"greet" \\(${type}\\): unknown action type`))]);
    }
    const inherited = withAction('greet', (a) => ({ ...a, Parameters: { Text: 'hi', toString: 'x' } }));
    expect(problemsOf(inherited)).toEqual([expect.stringMatching(/unknown parameter toString/)]);
  });

  test('Parameters that are not an object are reported, not a crash', () => {
    const broken = withAction('greet', (a) => ({ ...a, Parameters: 'hi' as unknown as FlowAction['Parameters'] }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/"greet".*Parameters must be an object/)]);
  });

  test('CheckMetricData: NoMatchingCondition only for queue metrics, agent metrics only "NumberGreaterThan 0"', () => {
    const withMetric = (metricType: string, condition: { Operator: string; Operands: string[] }, errors: string[]) =>
      withAction('check-staffing', (a) => ({
        ...a,
        Parameters: { MetricType: metricType },
        Transitions: {
          NextAction: 'nobody-available',
          Conditions: [{ NextAction: 'transfer', Condition: condition }],
          Errors: errors.map((ErrorType) => ({ NextAction: 'nobody-available', ErrorType })),
        },
      }));
    const greaterThanZero = { Operator: 'NumberGreaterThan', Operands: ['0'] };
    expect(problemsOf(withMetric('NumberOfAgentsStaffed', greaterThanZero, ['NoMatchingError', 'NoMatchingCondition']))).toEqual([
      expect.stringMatching(/"check-staffing".*NoMatchingCondition.*only for OldestContactInQueueAgeSeconds, NumberOfContactsInQueue/),
    ]);
    expect(problemsOf(withMetric('NumberOfAgentsOnline', { Operator: 'NumberLessThan', Operands: ['3'] }, ['NoMatchingError']))).toEqual([
      expect.stringMatching(/"check-staffing".*NumberOfAgentsOnline supports only the condition NumberGreaterThan 0/),
    ]);
    expect(problemsOf(withMetric('NumberOfContactsInQueue', { Operator: 'NumberLessThan', Operands: ['3'] }, ['NoMatchingError', 'NoMatchingCondition']))).toEqual([]);
    expect(problemsOf(withMetric('QueueDepth', greaterThanZero, ['NoMatchingError']))).toEqual([
      expect.stringMatching(/"check-staffing".*MetricType "QueueDepth" is not one of/),
    ]);
  });

  test('unknown, missing and conflicting parameters are caught', () => {
    expect(problemsOf(withAction('greet', (a) => ({ ...a, Parameters: { Text: 'hi', Prompt: 'x' } })))).toEqual([
      expect.stringMatching(/unknown parameter Prompt/),
    ]);
    expect(problemsOf(withAction('talk-to-bot', (a) => ({ ...a, Parameters: { Text: 'hi' } })))).toEqual([
      expect.stringMatching(/missing parameter LexV2Bot/),
    ]);
    expect(problemsOf(withAction('greet', (a) => ({ ...a, Parameters: { Text: 'hi', SSML: '<speak>hi</speak>' } })))).toEqual([
      expect.stringMatching(/only one of Text, SSML may be set/),
    ]);
  });

  test('an error type the action cannot raise, and a required one left out, are caught', () => {
    const wrongError = withAction('greet', (a) => ({
      ...a,
      Transitions: { ...a.Transitions, Errors: [{ NextAction: 'hang-up', ErrorType: 'QueueAtCapacity' }] },
    }));
    expect(problemsOf(wrongError)).toEqual([expect.stringMatching(/cannot raise error QueueAtCapacity/)]);
    const unhandled = withAction('set-voice', (a) => ({ ...a, Transitions: { NextAction: 'set-language' } }));
    expect(problemsOf(unhandled)).toEqual([expect.stringMatching(/must handle error NoMatchingError/)]);
  });

  test('a Loop without both of its conditions is caught', () => {
    const broken = withAction('retry-bot', (a) => ({
      ...a,
      Transitions: { ...a.Transitions, Conditions: a.Transitions.Conditions?.slice(0, 1) },
    }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/needs exactly the conditions ContinueLooping and DoneLooping/)]);
  });

  test('a dead end and a disconnect with transitions are caught', () => {
    expect(problemsOf(withAction('apologize', (a) => ({ ...a, Transitions: {} })))).toEqual([
      expect.stringMatching(/"apologize".*has no NextAction/),
    ]);
    expect(problemsOf(withAction('hang-up', (a) => ({ ...a, Transitions: { NextAction: 'greet' } })))).toEqual([
      expect.stringMatching(/"hang-up".*cannot have transitions/),
    ]);
  });

  test('duplicate and forbidden identifiers are caught', () => {
    const content = inbound();
    const duplicate = { ...content, Actions: [...content.Actions, content.Actions[content.Actions.length - 1]] };
    expect(problemsOf(duplicate)).toEqual([expect.stringMatching(/"hang-up" is used by more than one action/)]);
    const renamed = withAction('hang-up', (a) => ({ ...a, Identifier: 'hang:up' }));
    expect(problemsOf(renamed)).toEqual(expect.arrayContaining([expect.stringMatching(/"hang:up" is not allowed/)]));
  });

  test('a literal ARN left in the flow is caught', () => {
    const arn = 'arn:aws:lex:us-east-1:123456789012:bot-alias/ABCDEFGHIJ/TSTALIASID';
    const broken = withAction('talk-to-bot', (a) => ({ ...a, Parameters: { ...a.Parameters, LexV2Bot: { AliasArn: arn } } }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/literal ARN \("arn:aws:lex:us-east-1:123456789012:/)]);
  });

  test('placeholders: unknown names are caught in a source flow, any left over in a resolved one', () => {
    const unknown = withAction('greet', (a) => ({ ...a, Parameters: { Text: 'Hi from ${COMPANY_NAME}' } }));
    expect(problemsOf(unknown)).toEqual([expect.stringMatching(/placeholders this flow may not use: \$\{COMPANY_NAME\}/)]);
    expect(validateFlow(inbound())).toEqual([expect.stringMatching(/unresolved placeholders: .*\$\{LEX_BOT_ALIAS_ARN\}/)]);
  });

  test('the action and size limits are enforced', () => {
    const content = inbound();
    const filler = (i: number): FlowAction => ({
      Identifier: `filler-${i}`,
      Type: 'MessageParticipant',
      Parameters: { Text: 'x' },
      Transitions: { NextAction: 'hang-up' },
    });
    const many = { ...content, Actions: [...content.Actions, ...Array.from({ length: FLOW_LIMITS.maxActions }, (_, i) => filler(i))] };
    expect(problemsOf(many)).toEqual([expect.stringMatching(/at most 250/)]);
    const long = withAction('greet', (a) => ({ ...a, Parameters: { Text: 'a'.repeat(FLOW_LIMITS.maxContentCharacters) } }));
    expect(problemsOf(long)).toEqual([expect.stringMatching(/at most 256000/)]);
  });

  test('assertValidFlow names the flow and lists every problem', () => {
    const broken = { ...inbound(), StartAction: 'nope', Version: '2020-01-01' };
    expect(() => assertValidFlow('"Chalkbot inbound"', broken, { allowedPlaceholders: OUR_PLACEHOLDERS })).toThrow(
      /Flow "Chalkbot inbound" is not valid:\n {2}- Version[\s\S]*StartAction "nope"/,
    );
  });
});

describe('rendering the inbound flow', () => {
  const values = {
    lexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID12345/ALIASID123',
    queueArnsByName: { 'Chalkbot support': 'arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-1' },
    voice: 'Matthew',
  };

  test('every placeholder is replaced and the result is a valid, placeholder-free flow', () => {
    const content = JSON.parse(renderFlowContent(readFlowFile(INBOUND_FLOW_FILE), values)) as FlowContent;
    const byId = new Map(content.Actions.map((a) => [a.Identifier, a]));
    expect(byId.get('talk-to-bot')?.Parameters).toMatchObject({
      LexV2Bot: { AliasArn: values.lexBotAliasArn },
      LexSessionAttributes: { contactId: '$.ContactId' },
    });
    expect(byId.get('set-queue')?.Parameters).toEqual({ QueueId: values.queueArnsByName['Chalkbot support'] });
    expect(byId.get('set-voice')?.Parameters).toMatchObject({ TextToSpeechVoice: 'Matthew' });
    // Real ARNs are now expected, so check everything but the literal-ARN rule.
    expect(validateFlow(content).filter((p) => !p.includes('literal ARN'))).toEqual([]);
  });

  test('a queue the contact center does not have fails with the placeholder named', () => {
    expect(() => renderFlowContent(readFlowFile(INBOUND_FLOW_FILE), { ...values, queueArnsByName: {} })).toThrow(
      /Unresolved flow placeholders: \$\{QUEUE_ARN:Chalkbot support\}/,
    );
  });
});
