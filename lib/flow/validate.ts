/**
 * A static check of a flow in Connect's flow language, run by the stack at synth, by the flow script before an
 * import and by the tests. Connect itself only validates on publish (InvalidContactFlowException), which for us
 * is the middle of a CloudFormation deployment; this catches the same classes of mistakes on a laptop.
 *
 * It knows the parameters, errors and conditions of the flow language's common action types (from the Connect
 * flow language reference, docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html, checked
 * against designer exports of real flows). A type it does not know is a warning ("not checked"), not an error:
 * designer exports hold many block types, and Connect checks them on publish. Its transitions are still checked.
 */
import { findPlaceholders } from '../definition/placeholders';
import type { FlowAction, FlowContent } from './flow-file';

/** What the flow language allows for one action type. */
interface ActionSpec {
  /** Parameters that must be present. */
  readonly required?: readonly string[];
  /** Parameters that may be present. */
  readonly optional?: readonly string[];
  /** At most one of these may be present (e.g. the prompt of a message). */
  readonly exclusive?: readonly string[];
  /** Error types the action can raise; an Errors entry for any other type is a mistake. */
  readonly errors: readonly string[];
  /** Condition operands: 'none' when conditions are not supported, or the exact set that must be present. */
  readonly conditions: 'none' | 'any' | { readonly exactly: readonly string[] };
  /** The action ends the contact, so it has no transitions. */
  readonly terminal?: boolean;
  /** Rules that depend on the parameter values, each problem without the action's name. */
  readonly check?: (action: FlowAction) => string[];
}

const PROMPT = ['Text', 'SSML', 'PromptId'] as const;

/** CheckMetricData's metrics: the agent counts allow only "more than 0", the queue metrics any number. */
const AGENT_METRICS = ['NumberOfAgentsAvailable', 'NumberOfAgentsStaffed', 'NumberOfAgentsOnline'];
const QUEUE_METRICS = ['OldestContactInQueueAgeSeconds', 'NumberOfContactsInQueue'];

/** flow-control-actions-checkmetricdata.html: what each MetricType allows in Conditions and Errors. */
function checkMetricData(action: FlowAction): string[] {
  const metricType = action.Parameters.MetricType;
  if (typeof metricType !== 'string' || ![...AGENT_METRICS, ...QUEUE_METRICS].includes(metricType)) {
    return [
      `MetricType ${JSON.stringify(metricType)} is not one of ${[...AGENT_METRICS, ...QUEUE_METRICS].join(', ')}`,
    ];
  }
  const problems: string[] = [];
  if (AGENT_METRICS.includes(metricType)) {
    for (const { Condition } of action.Transitions.Conditions ?? []) {
      if (Condition?.Operator !== 'NumberGreaterThan' || JSON.stringify(Condition.Operands) !== '["0"]') {
        problems.push(`${metricType} supports only the condition NumberGreaterThan 0`);
      }
    }
    // NoMatchingCondition is allowed for every metric: Connect's own "Default queue transfer" flow has it on
    // NumberOfAgentsStaffed (the branch taken when nobody is staffed).
  }
  return problems;
}

/** A value the flow sets at run time (a JSONPath such as `$.Attributes.x`), which can only be checked then. */
const isDynamic = (value: unknown) => typeof value === 'string' && value.trim().startsWith('$.');

/** An integer parameter given as a number or a numeric string (the designer writes strings). */
function integerIn(name: string, value: unknown, min: number, max = Infinity): string[] {
  if (value === undefined || isDynamic(value)) return [];
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    return [`${name} ${JSON.stringify(value)} must be a whole number ${range}`];
  }
  return [];
}

function oneOf(name: string, value: unknown, allowed: readonly string[]): string[] {
  if (value === undefined || allowed.includes(value as string)) return [];
  return [`${name} ${JSON.stringify(value)} must be one of ${allowed.join(', ')}`];
}

/** The Lex V2 bot of a Lex block names its alias (participant-actions-connectparticipantwithlexbot). */
function lexBot(action: FlowAction): string[] {
  const { LexV2Bot: v2, LexBot: v1 } = action.Parameters;
  if (v2 === undefined) return [];
  const aliasArn = v2 && typeof v2 === 'object' ? (v2 as Record<string, unknown>).AliasArn : undefined;
  if (typeof aliasArn !== 'string' || aliasArn.trim() === '') return ['LexV2Bot must have an AliasArn'];
  return v1 === undefined ? [] : ['only one of LexV2Bot, LexBot may be set'];
}

/** contact-actions-updatecontacteventhooks: one hook per action, from a fixed list. */
const EVENT_HOOKS = [
  'AgentHold',
  'AgentWhisper',
  'CustomerHold',
  'CustomerQueue',
  'CustomerRemaining',
  'CustomerWhisper',
  'DefaultAgentUI',
  'DisconnectAgentUI',
  'PauseContact',
  'ResumeContact',
];

function eventHooks(action: FlowAction): string[] {
  const hooks = action.Parameters.EventHooks;
  if (!hooks || typeof hooks !== 'object' || Array.isArray(hooks)) return ['EventHooks must be an object'];
  const keys = Object.keys(hooks);
  const problems = keys.length === 1 ? [] : [`EventHooks must hold exactly one hook, found ${keys.length}`];
  for (const key of keys)
    if (!EVENT_HOOKS.includes(key)) problems.push(`EventHooks key ${key} is not one of ${EVENT_HOOKS.join(', ')}`);
  return problems;
}

const TRUE_FALSE = ['True', 'False'];

/** The action types we know, each checked against its reference page (file names under APIReference/). */
export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  // flow-control-actions-*
  UpdateFlowLoggingBehavior: {
    required: ['FlowLoggingBehavior'],
    errors: [],
    conditions: 'none',
    check: (a) => oneOf('FlowLoggingBehavior', a.Parameters.FlowLoggingBehavior, ['Enabled', 'Disabled']),
  },
  UpdateFlowAttributes: { required: ['FlowAttributes'], errors: [], conditions: 'none' },
  Compare: { required: ['ComparisonValue'], errors: ['NoMatchingCondition'], conditions: 'any' },
  Loop: {
    required: ['LoopCount'],
    errors: [],
    conditions: { exactly: ['ContinueLooping', 'DoneLooping'] },
    check: (a) => integerIn('LoopCount', a.Parameters.LoopCount, 0, 100),
  },
  DistributeByPercentage: { errors: ['NoMatchingCondition'], conditions: 'any' },
  CheckHoursOfOperation: {
    optional: ['HoursOfOperationId'],
    errors: ['NoMatchingError'],
    conditions: { exactly: ['True', 'False'] },
  },
  CheckMetricData: {
    required: ['MetricType'],
    optional: ['QueueId', 'AgentId'],
    exclusive: ['QueueId', 'AgentId'],
    errors: ['NoMatchingError', 'NoMatchingCondition'],
    conditions: 'any',
    check: checkMetricData,
  },
  EndFlowExecution: { errors: [], conditions: 'none', terminal: true },
  TransferToFlow: { required: ['ContactFlowId'], errors: ['NoMatchingError'], conditions: 'none' },
  // contact-actions-*
  UpdateContactTextToSpeechVoice: {
    required: ['TextToSpeechVoice'],
    optional: ['TextToSpeechEngine', 'TextToSpeechStyle'],
    // Designer exports from 2022 to 2025 leave the error branch out, and Connect publishes them.
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  UpdateContactData: {
    optional: ['LanguageCode', 'Name', 'Description', 'TargetContact', 'References', 'CustomerId'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  UpdateContactAttributes: {
    required: ['Attributes'],
    optional: ['TargetContact'],
    errors: ['NoMatchingError'],
    conditions: 'none',
    check: (a) => oneOf('TargetContact', a.Parameters.TargetContact, ['Current', 'Related']),
  },
  UpdateContactRecordingBehavior: {
    optional: ['RecordingBehavior', 'AnalyticsBehavior'],
    errors: [],
    conditions: 'none',
  },
  UpdateContactEventHooks: {
    required: ['EventHooks'],
    errors: ['NoMatchingError'],
    conditions: 'none',
    check: eventHooks,
  },
  UpdateContactMediaStreamingBehavior: {
    required: ['MediaStreamingState'],
    optional: ['Participants', 'MediaStreamType'],
    errors: ['NoMatchingError'],
    conditions: 'none',
    check: (a) => oneOf('MediaStreamingState', a.Parameters.MediaStreamingState, ['Enabled', 'Disabled']),
  },
  UpdateContactCallbackNumber: {
    required: ['CallbackNumber'],
    errors: ['InvalidCallbackNumber', 'CallbackNumberNotDialable', 'NoMatchingError'],
    conditions: 'none',
  },
  UpdatePreviousContactParticipantState: {
    required: ['PreviousContactParticipantState'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  UpdateContactTargetQueue: {
    optional: ['QueueId', 'AgentId'],
    exclusive: ['QueueId', 'AgentId'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  TagContact: { required: ['Tags'], errors: ['NoMatchingError'], conditions: 'none' },
  UnTagContact: { required: ['TagKeys'], errors: ['NoMatchingError'], conditions: 'none' },
  TransferContactToQueue: { errors: ['QueueAtCapacity', 'NoMatchingError'], conditions: 'none' },
  // flow-language-actions-invoke-flow-module; the type behind ${FLOW_MODULE_ARN:...}.
  InvokeFlowModule: { required: ['FlowModuleId'], errors: ['NoMatchingError'], conditions: 'none' },
  EndFlowModuleExecution: { errors: [], conditions: 'none', terminal: true },
  // participant-actions-*
  MessageParticipant: {
    optional: [...PROMPT, 'Media'],
    exclusive: [...PROMPT],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  GetParticipantInput: {
    optional: [
      ...PROMPT,
      'Media',
      'InputTimeLimitSeconds',
      'StoreInput',
      'InputValidation',
      'InputEncryption',
      'DTMFConfiguration',
      'LexV2Bot',
      'LexBot',
      'LexSessionAttributes',
      'LexInitializationData',
      'LexTimeoutSeconds',
      'EnableDTMFBuffer',
    ],
    exclusive: [...PROMPT],
    errors: ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError', 'InvalidPhoneNumber'],
    conditions: 'any',
    check: (a) => [
      ...oneOf('StoreInput', a.Parameters.StoreInput, TRUE_FALSE),
      ...integerIn('InputTimeLimitSeconds', a.Parameters.InputTimeLimitSeconds, 1),
      ...lexBot(a),
    ],
  },
  ConnectParticipantWithLexBot: {
    optional: [
      ...PROMPT,
      'Media',
      'LexV2Bot',
      'LexBot',
      'LexSessionAttributes',
      'LexInitializationData',
      'LexTimeoutSeconds',
    ],
    exclusive: [...PROMPT],
    errors: ['InputTimeLimitExceeded', 'NoMatchingError', 'NoMatchingCondition'],
    conditions: 'any',
    check: (a) =>
      a.Parameters.LexV2Bot === undefined && a.Parameters.LexBot === undefined
        ? ['missing parameter LexV2Bot (or LexBot)']
        : lexBot(a),
  },
  TransferParticipantToThirdParty: {
    optional: [
      'ThirdPartyPhoneNumber',
      'ThirdPartyConnectionTimeLimitSeconds',
      'ThirdPartyConnectionTimeoutSeconds',
      'ContinueFlowExecution',
      'ThirdPartyDTMFDigits',
      'CallerId',
      'VoiceConnector',
    ],
    errors: ['CallFailed', 'ConnectionTimeLimitExceeded', 'NoMatchingError'],
    conditions: 'none',
    check: (a) => [
      ...oneOf('ContinueFlowExecution', a.Parameters.ContinueFlowExecution, TRUE_FALSE),
      ...integerIn('ThirdPartyConnectionTimeLimitSeconds', a.Parameters.ThirdPartyConnectionTimeLimitSeconds, 0, 600),
    ],
  },
  DisconnectParticipant: { errors: [], conditions: 'none', terminal: true },
  // interactions-*; the type behind ${LAMBDA_ARN:...}.
  InvokeLambdaFunction: {
    required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
    optional: ['InvocationType', 'LambdaInvocationAttributes', 'ResponseValidation'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
};

/** Connect's limits (flow-language reference and CreateContactFlow). */
export const FLOW_LIMITS = { maxActions: 250, maxContentCharacters: 256_000, maxIdentifierLength: 50 } as const;

/** Characters and names Connect refuses in an Identifier. */
const FORBIDDEN_IDENTIFIER_CHARACTERS = /[%:()\\/=$,;[\]{}]/;
const FORBIDDEN_IDENTIFIERS = new Set([
  '__proto__',
  'constructor',
  '__defineGetter__',
  '__defineSetter__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'valueOf',
]);

/** An instance- or account-specific ARN that must be a placeholder in a flow file. */
const LITERAL_ARN = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/;

export interface FlowValidationOptions {
  /**
   * Placeholder names the flow may still hold (the source file, before the stack or the flow script resolves
   * them). Empty means none: the content must be fully resolved.
   */
  readonly allowedPlaceholders?: readonly string[];
  /**
   * A literal ARN is an error in the repo's flows (they hold placeholders) and a warning in a flow checked
   * elsewhere, such as a designer export before `flows export` has put placeholders in.
   */
  readonly literalArns?: 'error' | 'warning';
}

/** What a check found: errors fail it, warnings are printed and do not. */
export interface FlowCheck {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Every problem found, each naming the action; an empty list means the flow passes. Warnings are left out. */
export function validateFlow(content: FlowContent, options: FlowValidationOptions = {}): string[] {
  return checkFlow(content, options).errors;
}

/** The whole check: errors, and warnings such as an action type the validator does not know. */
export function checkFlow(content: FlowContent, options: FlowValidationOptions = {}): FlowCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  const actions: readonly FlowAction[] = Array.isArray(content.Actions) ? content.Actions : [];
  const text = JSON.stringify(content);

  if (content.Version !== '2019-10-30')
    problems.push(`Version must be "2019-10-30", found ${JSON.stringify(content.Version)}`);
  if (actions.length === 0) problems.push('the flow has no actions');
  if (actions.length > FLOW_LIMITS.maxActions) {
    problems.push(`the flow has ${actions.length} actions; Connect allows at most ${FLOW_LIMITS.maxActions}`);
  }
  if (text.length > FLOW_LIMITS.maxContentCharacters) {
    problems.push(
      `the content is ${text.length} characters; Connect allows at most ${FLOW_LIMITS.maxContentCharacters}`,
    );
  }

  const identifiers = new Set<string>();
  for (const action of actions) {
    const id = action.Identifier;
    if (typeof id !== 'string' || id === '') {
      problems.push(`an action of type ${action.Type} has no Identifier`);
      continue;
    }
    if (identifiers.has(id)) problems.push(`Identifier "${id}" is used by more than one action`);
    identifiers.add(id);
    if (id.length > FLOW_LIMITS.maxIdentifierLength)
      problems.push(`Identifier "${id}" is longer than ${FLOW_LIMITS.maxIdentifierLength} characters`);
    if (FORBIDDEN_IDENTIFIER_CHARACTERS.test(id) || FORBIDDEN_IDENTIFIERS.has(id))
      problems.push(`Identifier "${id}" is not allowed by Connect`);
  }

  if (!identifiers.has(content.StartAction))
    problems.push(`StartAction "${content.StartAction}" is not an action of this flow`);

  for (const action of actions) {
    const result = validateAction(action, identifiers);
    problems.push(...result.errors);
    warnings.push(...result.warnings);
  }

  const arn = LITERAL_ARN.exec(text);
  if (arn) {
    const message = `the flow holds a literal ARN ("${arn[0]}..."); use a named placeholder instead`;
    (options.literalArns === 'warning' ? warnings : problems).push(message);
  }

  const allowed = new Set(options.allowedPlaceholders ?? []);
  const unknown = [
    ...new Set(
      findPlaceholders(text)
        .filter((p) => !allowed.has(p.name))
        .map((p) => p.text),
    ),
  ];
  if (unknown.length > 0) {
    problems.push(
      allowed.size === 0
        ? `unresolved placeholders: ${unknown.join(', ')}`
        : `placeholders this flow may not use: ${unknown.join(', ')} (known: ${[...allowed].join(', ')})`,
    );
  }
  return { errors: problems, warnings };
}

function validateAction(action: FlowAction, identifiers: ReadonlySet<string>): FlowCheck {
  const where = `action "${action.Identifier}" (${action.Type})`;
  // Own keys only: a Type such as "toString" must not find Object.prototype's member.
  const spec = Object.hasOwn(ACTION_SPECS, action.Type) ? ACTION_SPECS[action.Type] : undefined;
  if (!spec) {
    // Its parameters are not checked, but where it leads is: a NextAction to nowhere breaks any flow.
    const transitions = action.Transitions ?? {};
    const targets = [
      transitions.NextAction,
      ...(transitions.Errors ?? []).map((e) => e.NextAction),
      ...(transitions.Conditions ?? []).map((c) => c.NextAction),
    ].filter((target): target is string => target !== undefined);
    return {
      errors: targets
        .filter((t) => !identifiers.has(t))
        .map((t) => `${where}: NextAction "${t}" is not an action of this flow`),
      warnings: [
        `${where}: action type not checked (not in ACTION_SPECS of lib/flow/validate.ts); Connect checks it on publish`,
      ],
    };
  }
  return { errors: validateKnownAction(action, spec, where, identifiers), warnings: [] };
}

function validateKnownAction(
  action: FlowAction,
  spec: ActionSpec,
  where: string,
  identifiers: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const parameters: Readonly<Record<string, unknown>> = action.Parameters ?? {};
  if (typeof parameters !== 'object' || Array.isArray(parameters)) return [`${where}: Parameters must be an object`];
  const has = (name: string) => Object.hasOwn(parameters, name);
  const known = new Set([...(spec.required ?? []), ...(spec.optional ?? [])]);
  for (const name of Object.keys(parameters)) {
    if (!known.has(name)) problems.push(`${where}: unknown parameter ${name}`);
  }
  for (const name of spec.required ?? []) {
    if (!has(name)) problems.push(`${where}: missing parameter ${name}`);
  }
  const present = (spec.exclusive ?? []).filter(has);
  if (present.length > 1) problems.push(`${where}: only one of ${present.join(', ')} may be set`);

  const transitions = action.Transitions ?? {};
  const targets: string[] = [];
  if (transitions.NextAction !== undefined) targets.push(transitions.NextAction);

  const errors = transitions.Errors ?? [];
  for (const error of errors) {
    targets.push(error.NextAction);
    if (!spec.errors.includes(error.ErrorType)) problems.push(`${where}: cannot raise error ${error.ErrorType}`);
  }

  const conditions = transitions.Conditions ?? [];
  for (const condition of conditions) targets.push(condition.NextAction);
  if (spec.conditions === 'none' && conditions.length > 0) problems.push(`${where}: does not support conditions`);
  if (typeof spec.conditions === 'object') {
    const operands = conditions.map((c) => c.Condition?.Operands?.[0]).sort();
    const expected = [...spec.conditions.exactly].sort();
    if (JSON.stringify(operands) !== JSON.stringify(expected)) {
      problems.push(
        `${where}: needs exactly the conditions ${expected.join(' and ')}, found ${operands.join(', ') || 'none'}`,
      );
    }
  }

  for (const problem of spec.check?.({ ...action, Parameters: parameters, Transitions: transitions }) ?? []) {
    problems.push(`${where}: ${problem}`);
  }

  if (spec.terminal) {
    if (targets.length > 0) problems.push(`${where}: ends the contact, so it cannot have transitions`);
  } else if (targets.length === 0) {
    problems.push(`${where}: has no NextAction, so the contact would stop here`);
  }
  for (const target of targets) {
    if (!identifiers.has(target)) problems.push(`${where}: NextAction "${target}" is not an action of this flow`);
  }
  return problems;
}

/** Throws one error listing every problem, prefixed with what was checked (a flow name or file). */
export function assertValidFlow(label: string, content: FlowContent, options: FlowValidationOptions = {}): void {
  const problems = validateFlow(content, options);
  if (problems.length > 0) throw new Error(`Flow ${label} is not valid:\n  - ${problems.join('\n  - ')}`);
}
