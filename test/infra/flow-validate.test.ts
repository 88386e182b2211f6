import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowAction, FlowContent } from '../../lib/flow/flow-file';
import { INBOUND_FLOW_FILE, readFlowFile, readFlowFiles } from '../../lib/flow/flow-file';
import { assertValidFlow, checkFlow, FLOW_LIMITS, validateFlow } from '../../lib/flow/validate';
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
    for (const { path, flow } of files)
      expect({ path, problems: problemsOf(flow.Content) }).toEqual({ path, problems: [] });
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
      expect.arrayContaining([
        expect.stringMatching(/NextAction "gone"/),
        expect.stringMatching(/NextAction "also-gone"/),
      ]),
    );
  });

  test('a missing StartAction is caught', () => {
    expect(problemsOf({ ...inbound(), StartAction: 'start-here' })).toEqual([
      expect.stringMatching(/StartAction "start-here"/),
    ]);
  });

  test('an action type the validator does not know is a warning, not an error; its transitions are still checked', () => {
    const unknown = withAction('greet', (a) => ({ ...a, Type: 'ShowView' }));
    expect(checkFlow(unknown, { allowedPlaceholders: OUR_PLACEHOLDERS })).toEqual({
      errors: [],
      warnings: [expect.stringMatching(/"greet" \(ShowView\): action type not checked/)],
    });
    const nowhere = withAction('greet', (a) => ({ ...a, Type: 'ShowView', Transitions: { NextAction: 'gone' } }));
    expect(problemsOf(nowhere)).toEqual([
      expect.stringMatching(/"greet" \(ShowView\): NextAction "gone" is not an action/),
    ]);
  });

  test('a Type or parameter named like an Object.prototype member is unknown, not a crash', () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const broken = withAction('greet', (a) => ({ ...a, Type: type }));
      expect(checkFlow(broken, { allowedPlaceholders: OUR_PLACEHOLDERS }).warnings).toEqual([
        expect.stringMatching(new RegExp(`"greet" \\(${type}\\): action type not checked`)),
      ]);
    }
    const inherited = withAction('greet', (a) => ({ ...a, Parameters: { Text: 'hi', toString: 'x' } }));
    expect(problemsOf(inherited)).toEqual([expect.stringMatching(/unknown parameter toString/)]);
  });

  test('Parameters that are not an object are reported, not a crash', () => {
    const broken = withAction('greet', (a) => ({ ...a, Parameters: 'hi' as unknown as FlowAction['Parameters'] }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/"greet".*Parameters must be an object/)]);
  });

  test('CheckMetricData: NoMatchingCondition for every metric (Connect\'s own flows), agent metrics only "NumberGreaterThan 0"', () => {
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
    // Connect's "Default queue transfer" flow: NumberOfAgentsStaffed with a NoMatchingCondition branch.
    expect(
      problemsOf(withMetric('NumberOfAgentsStaffed', greaterThanZero, ['NoMatchingError', 'NoMatchingCondition'])),
    ).toEqual([]);
    expect(
      problemsOf(
        withMetric('NumberOfAgentsOnline', { Operator: 'NumberLessThan', Operands: ['3'] }, ['NoMatchingError']),
      ),
    ).toEqual([
      expect.stringMatching(/"check-staffing".*NumberOfAgentsOnline supports only the condition NumberGreaterThan 0/),
    ]);
    expect(
      problemsOf(
        withMetric('NumberOfContactsInQueue', { Operator: 'NumberLessThan', Operands: ['3'] }, [
          'NoMatchingError',
          'NoMatchingCondition',
        ]),
      ),
    ).toEqual([]);
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
    expect(
      problemsOf(withAction('greet', (a) => ({ ...a, Parameters: { Text: 'hi', SSML: '<speak>hi</speak>' } }))),
    ).toEqual([expect.stringMatching(/only one of Text, SSML may be set/)]);
  });

  test('an error type the action cannot raise is caught; a voice block without an error branch is not', () => {
    const wrongError = withAction('greet', (a) => ({
      ...a,
      Transitions: { ...a.Transitions, Errors: [{ NextAction: 'hang-up', ErrorType: 'QueueAtCapacity' }] },
    }));
    expect(problemsOf(wrongError)).toEqual([expect.stringMatching(/cannot raise error QueueAtCapacity/)]);
    // Designer exports from 2022 to 2025 set the voice without an error branch; Connect publishes them.
    const withoutErrors = withAction('set-voice', (a) => ({ ...a, Transitions: { NextAction: 'set-language' } }));
    expect(problemsOf(withoutErrors)).toEqual([]);
  });

  test('LoopCount must be 0 to 100 (or set at run time); a LexV2Bot must name its AliasArn', () => {
    const loop = (count: unknown) => withAction('retry-bot', (a) => ({ ...a, Parameters: { LoopCount: count } }));
    expect(problemsOf(loop('500'))).toEqual([
      expect.stringMatching(/"retry-bot".*LoopCount "500" must be a whole number from 0 to 100/),
    ]);
    expect(problemsOf(loop(-1))).toEqual([expect.stringMatching(/LoopCount -1 must be/)]);
    expect(problemsOf(loop('2.5'))).toEqual([expect.stringMatching(/LoopCount "2.5" must be/)]);
    expect(problemsOf(loop('100'))).toEqual([]);
    expect(problemsOf(loop('$.Attributes.retries'))).toEqual([]);
    const lex = (bot: unknown) =>
      withAction('talk-to-bot', (a) => ({ ...a, Parameters: { ...a.Parameters, LexV2Bot: bot } }));
    expect(problemsOf(lex({}))).toEqual([expect.stringMatching(/"talk-to-bot".*LexV2Bot must have an AliasArn/)]);
    expect(problemsOf(lex({ AliasArn: '' }))).toEqual([expect.stringMatching(/LexV2Bot must have an AliasArn/)]);
  });

  test('a designer export using the common blocks passes; its literal ARNs are warnings outside contact-flows/', () => {
    const exported = JSON.parse(
      readFileSync(join(__dirname, 'fixtures', 'designer-export.json'), 'utf8'),
    ) as FlowContent;
    const types = new Set(exported.Actions.map((a) => a.Type));
    for (const type of [
      'GetParticipantInput',
      'UpdateContactAttributes',
      'UpdateContactRecordingBehavior',
      'UpdateContactEventHooks',
      'UpdateContactMediaStreamingBehavior',
      'TransferParticipantToThirdParty',
      'InvokeFlowModule',
    ]) {
      expect(types).toContain(type);
    }
    const outside = checkFlow(exported, { allowedPlaceholders: OUR_PLACEHOLDERS, literalArns: 'warning' });
    expect(outside).toEqual({ errors: [], warnings: [expect.stringMatching(/literal ARN/)] });
    // Under contact-flows/ the repo's rule holds: instance values must be placeholders.
    expect(problemsOf(exported)).toEqual([expect.stringMatching(/literal ARN/)]);
  });

  test('GetParticipantInput: a DTMF menu passes; StoreInput and the timeout are checked', () => {
    const menu = (parameters: Record<string, unknown>): FlowContent =>
      withAction('greet', (a) => ({
        ...a,
        Type: 'GetParticipantInput',
        Parameters: parameters,
        Transitions: {
          NextAction: 'talk-to-bot',
          Conditions: [{ NextAction: 'hang-up', Condition: { Operator: 'Equals', Operands: ['2'] } }],
          Errors: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'].map((ErrorType) => ({
            NextAction: 'talk-to-bot',
            ErrorType,
          })),
        },
      }));
    expect(
      problemsOf(menu({ Text: 'For Spanish, press 2.', StoreInput: 'False', InputTimeLimitSeconds: '3' })),
    ).toEqual([]);
    expect(problemsOf(menu({ Text: 'x', StoreInput: 'maybe', InputTimeLimitSeconds: '0' }))).toEqual([
      expect.stringMatching(/StoreInput "maybe" must be one of True, False/),
      expect.stringMatching(/InputTimeLimitSeconds "0" must be a whole number of at least 1/),
    ]);
  });

  test('UpdateContactAttributes and UpdateContactEventHooks check their values', () => {
    const attributes = withAction('set-language', (a) => ({
      ...a,
      Type: 'UpdateContactAttributes',
      Parameters: { Attributes: { lang: 'es' } },
    }));
    expect(problemsOf(attributes)).toEqual([]);
    const related = withAction('set-language', (a) => ({
      ...a,
      Type: 'UpdateContactAttributes',
      Parameters: { Attributes: { lang: 'es' }, TargetContact: 'Other' },
    }));
    expect(problemsOf(related)).toEqual([
      expect.stringMatching(/TargetContact "Other" must be one of Current, Related/),
    ]);
    const hooks = withAction('set-language', (a) => ({
      ...a,
      Type: 'UpdateContactEventHooks',
      Parameters: { EventHooks: { CustomerQueue: '${FLOW_ARN:Queue music}', CustomerHolds: '${FLOW_ARN:Hold}' } },
    }));
    expect(problemsOf(hooks)).toEqual([
      expect.stringMatching(/EventHooks must hold exactly one hook, found 2/),
      expect.stringMatching(/EventHooks key CustomerHolds is not one of AgentHold/),
    ]);
  });

  test('a Loop without both of its conditions is caught', () => {
    const broken = withAction('retry-bot', (a) => ({
      ...a,
      Transitions: { ...a.Transitions, Conditions: a.Transitions.Conditions?.slice(0, 1) },
    }));
    expect(problemsOf(broken)).toEqual([
      expect.stringMatching(/needs exactly the conditions ContinueLooping and DoneLooping/),
    ]);
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
    const broken = withAction('talk-to-bot', (a) => ({
      ...a,
      Parameters: { ...a.Parameters, LexV2Bot: { AliasArn: arn } },
    }));
    expect(problemsOf(broken)).toEqual([expect.stringMatching(/literal ARN \("arn:aws:lex:us-east-1:123456789012:/)]);
  });

  test('placeholders: unknown names are caught in a source flow, any left over in a resolved one', () => {
    const unknown = withAction('greet', (a) => ({ ...a, Parameters: { Text: 'Hi from ${COMPANY_NAME}' } }));
    expect(problemsOf(unknown)).toEqual([
      expect.stringMatching(/placeholders this flow may not use: \$\{COMPANY_NAME\}/),
    ]);
    expect(validateFlow(inbound())).toEqual([
      expect.stringMatching(/unresolved placeholders: .*\$\{LEX_BOT_ALIAS_ARN\}/),
    ]);
  });

  test('the action and size limits are enforced', () => {
    const content = inbound();
    const filler = (i: number): FlowAction => ({
      Identifier: `filler-${i}`,
      Type: 'MessageParticipant',
      Parameters: { Text: 'x' },
      Transitions: { NextAction: 'hang-up' },
    });
    const many = {
      ...content,
      Actions: [...content.Actions, ...Array.from({ length: FLOW_LIMITS.maxActions }, (_, i) => filler(i))],
    };
    expect(problemsOf(many)).toEqual([expect.stringMatching(/at most 250/)]);
    const long = withAction('greet', (a) => ({
      ...a,
      Parameters: { Text: 'a'.repeat(FLOW_LIMITS.maxContentCharacters) },
    }));
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
    defaultLocale: 'es_US',
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
