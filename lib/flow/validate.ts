/**
 * A static check of a flow in Connect's flow language, run by the stack at synth, by the flow script before an
 * import and by the tests. Connect itself only validates on publish (InvalidContactFlowException), which for us
 * is the middle of a CloudFormation deployment; this catches the same classes of mistakes on a laptop.
 *
 * It knows the parameters, errors and conditions of the action types our flows use (from the Connect flow
 * language reference, docs.aws.amazon.com/connect/latest/APIReference/flow-language-actions.html). A type it does
 * not know is reported rather than waved through: add it to ACTION_SPECS after reading its reference page.
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
  /** Error types Connect requires to be handled. */
  readonly requiredErrors?: readonly string[];
  /** Condition operands: 'none' when conditions are not supported, or the exact set that must be present. */
  readonly conditions: 'none' | 'any' | { readonly exactly: readonly string[] };
  /** The action ends the contact, so it has no transitions. */
  readonly terminal?: boolean;
  /** Rules that depend on the parameter values, each problem without the action's name. */
  readonly check?: (action: FlowAction) => string[];
}

const PROMPT = ['Text', 'SSML', 'PromptId'] as const;

/** CheckMetricData's metrics: the agent counts allow one condition only, the queue metrics a default branch. */
const AGENT_METRICS = ['NumberOfAgentsAvailable', 'NumberOfAgentsStaffed', 'NumberOfAgentsOnline'];
const QUEUE_METRICS = ['OldestContactInQueueAgeSeconds', 'NumberOfContactsInQueue'];

/** flow-control-actions-checkmetricdata.html: what each MetricType allows in Conditions and Errors. */
function checkMetricData(action: FlowAction): string[] {
  const metricType = action.Parameters.MetricType;
  if (typeof metricType !== 'string' || ![...AGENT_METRICS, ...QUEUE_METRICS].includes(metricType)) {
    return [`MetricType ${JSON.stringify(metricType)} is not one of ${[...AGENT_METRICS, ...QUEUE_METRICS].join(', ')}`];
  }
  const problems: string[] = [];
  if (AGENT_METRICS.includes(metricType)) {
    for (const { Condition } of action.Transitions.Conditions ?? []) {
      if (Condition?.Operator !== 'NumberGreaterThan' || JSON.stringify(Condition.Operands) !== '["0"]') {
        problems.push(`${metricType} supports only the condition NumberGreaterThan 0`);
      }
    }
    if ((action.Transitions.Errors ?? []).some((e) => e.ErrorType === 'NoMatchingCondition')) {
      problems.push(`error NoMatchingCondition is raised only for ${QUEUE_METRICS.join(', ')}`);
    }
  }
  return problems;
}

/** The action types we know, each checked against its reference page. */
export const ACTION_SPECS: Readonly<Record<string, ActionSpec>> = {
  UpdateFlowLoggingBehavior: { required: ['FlowLoggingBehavior'], errors: [], conditions: 'none' },
  UpdateContactTextToSpeechVoice: {
    required: ['TextToSpeechVoice'],
    optional: ['TextToSpeechEngine', 'TextToSpeechStyle'],
    errors: ['NoMatchingError'],
    requiredErrors: ['NoMatchingError'],
    conditions: 'none',
  },
  UpdateContactData: {
    optional: ['LanguageCode', 'Name', 'Description', 'TargetContact'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  MessageParticipant: {
    optional: [...PROMPT, 'Media'],
    exclusive: [...PROMPT],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  ConnectParticipantWithLexBot: {
    required: ['LexV2Bot'],
    optional: [...PROMPT, 'Media', 'LexSessionAttributes', 'LexInitializationData', 'LexTimeoutSeconds'],
    exclusive: [...PROMPT],
    errors: ['InputTimeLimitExceeded', 'NoMatchingError', 'NoMatchingCondition'],
    conditions: 'any',
  },
  Compare: { required: ['ComparisonValue'], errors: ['NoMatchingCondition'], conditions: 'any' },
  Loop: {
    required: ['LoopCount'],
    errors: [],
    conditions: { exactly: ['ContinueLooping', 'DoneLooping'] },
  },
  UpdateContactTargetQueue: {
    optional: ['QueueId', 'AgentId'],
    exclusive: ['QueueId', 'AgentId'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
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
  TransferContactToQueue: { errors: ['QueueAtCapacity', 'NoMatchingError'], conditions: 'none' },
  // The two types behind the ${LAMBDA_ARN:...} and ${FLOW_ARN:...} placeholders, so a designer flow using them
  // passes the flow script's check on export and import.
  InvokeLambdaFunction: {
    required: ['LambdaFunctionARN', 'InvocationTimeLimitSeconds'],
    optional: ['InvocationType', 'LambdaInvocationAttributes', 'ResponseValidation'],
    errors: ['NoMatchingError'],
    conditions: 'none',
  },
  TransferToFlow: { required: ['ContactFlowId'], errors: ['NoMatchingError'], conditions: 'none' },
  DisconnectParticipant: { errors: [], conditions: 'none', terminal: true },
  EndFlowExecution: { errors: [], conditions: 'none', terminal: true },
};

/** Connect's limits (flow-language reference and CreateContactFlow). */
export const FLOW_LIMITS = { maxActions: 250, maxContentCharacters: 256_000, maxIdentifierLength: 50 } as const;

/** Characters and names Connect refuses in an Identifier. */
const FORBIDDEN_IDENTIFIER_CHARACTERS = /[%:()\\/=$,;[\]{}]/;
const FORBIDDEN_IDENTIFIERS = new Set([
  '__proto__', 'constructor', '__defineGetter__', '__defineSetter__', 'toString', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'valueOf',
]);

/** An instance- or account-specific ARN that must be a placeholder in a flow file. */
const LITERAL_ARN = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:/;

export interface FlowValidationOptions {
  /**
   * Placeholder names the flow may still hold (the source file, before the stack or the flow script resolves
   * them). Empty means none: the content must be fully resolved.
   */
  readonly allowedPlaceholders?: readonly string[];
}

/** Every problem found, each naming the action; an empty list means the flow passes. */
export function validateFlow(content: FlowContent, options: FlowValidationOptions = {}): string[] {
  const problems: string[] = [];
  const actions: readonly FlowAction[] = Array.isArray(content.Actions) ? content.Actions : [];
  const text = JSON.stringify(content);

  if (content.Version !== '2019-10-30') problems.push(`Version must be "2019-10-30", found ${JSON.stringify(content.Version)}`);
  if (actions.length === 0) problems.push('the flow has no actions');
  if (actions.length > FLOW_LIMITS.maxActions) {
    problems.push(`the flow has ${actions.length} actions; Connect allows at most ${FLOW_LIMITS.maxActions}`);
  }
  if (text.length > FLOW_LIMITS.maxContentCharacters) {
    problems.push(`the content is ${text.length} characters; Connect allows at most ${FLOW_LIMITS.maxContentCharacters}`);
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
    if (id.length > FLOW_LIMITS.maxIdentifierLength) problems.push(`Identifier "${id}" is longer than ${FLOW_LIMITS.maxIdentifierLength} characters`);
    if (FORBIDDEN_IDENTIFIER_CHARACTERS.test(id) || FORBIDDEN_IDENTIFIERS.has(id)) problems.push(`Identifier "${id}" is not allowed by Connect`);
  }

  if (!identifiers.has(content.StartAction)) problems.push(`StartAction "${content.StartAction}" is not an action of this flow`);

  for (const action of actions) problems.push(...validateAction(action, identifiers));

  const arn = LITERAL_ARN.exec(text);
  if (arn) problems.push(`the flow holds a literal ARN ("${arn[0]}..."); use a named placeholder instead`);

  const allowed = new Set(options.allowedPlaceholders ?? []);
  const unknown = [...new Set(findPlaceholders(text).filter((p) => !allowed.has(p.name)).map((p) => p.text))];
  if (unknown.length > 0) {
    problems.push(
      allowed.size === 0
        ? `unresolved placeholders: ${unknown.join(', ')}`
        : `placeholders this flow may not use: ${unknown.join(', ')} (known: ${[...allowed].join(', ')})`,
    );
  }
  return problems;
}

function validateAction(action: FlowAction, identifiers: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const where = `action "${action.Identifier}" (${action.Type})`;
  // Own keys only: a Type such as "toString" must not find Object.prototype's member.
  const spec = Object.hasOwn(ACTION_SPECS, action.Type) ? ACTION_SPECS[action.Type] : undefined;
  if (!spec) return [`${where}: unknown action type; add it to ACTION_SPECS in lib/flow/validate.ts after checking its reference`];

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
  for (const required of spec.requiredErrors ?? []) {
    if (!errors.some((e) => e.ErrorType === required)) problems.push(`${where}: must handle error ${required}`);
  }

  const conditions = transitions.Conditions ?? [];
  for (const condition of conditions) targets.push(condition.NextAction);
  if (spec.conditions === 'none' && conditions.length > 0) problems.push(`${where}: does not support conditions`);
  if (typeof spec.conditions === 'object') {
    const operands = conditions.map((c) => c.Condition?.Operands?.[0]).sort();
    const expected = [...spec.conditions.exactly].sort();
    if (JSON.stringify(operands) !== JSON.stringify(expected)) {
      problems.push(`${where}: needs exactly the conditions ${expected.join(' and ')}, found ${operands.join(', ') || 'none'}`);
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
