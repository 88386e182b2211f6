/**
 * What each flow action type does on a local call. One handler per Connect action type our flows use; each
 * looks at its parameters and the contact, may speak or hand the caller to the bot, and says which way the
 * flow goes next. The engine (flow-engine.ts) turns that into the next action.
 */
import type { FlowAction } from '../lib/flow/flow-file';
import type { CallEnd, CallListener } from './call-events';
import type { KeypadCaller } from './caller';
import type { HandOverOutcome, HandOver } from './lex-emulator';
import { LOCAL_BOT_ALIAS_ARN, localQueueName } from './local-resources';
import { type ContactState, resolveValue } from './flow-references';

/** Which way the flow goes after an action. */
export type ActionResult =
  /** Follow `Transitions.NextAction`. */
  | { readonly kind: 'next' }
  /** Match this value against `Transitions.Conditions` (undefined: an unset value, which matches none). */
  | { readonly kind: 'branch'; readonly value: string | undefined }
  /**
   * Take the error branch of this type (Connect's catch-all is NoMatchingError). `expected`: a normal outcome
   * (a menu that timed out), not worth a notice.
   */
  | { readonly kind: 'error'; readonly errorType: string; readonly reason: string; readonly expected?: boolean }
  /** The flow is over. */
  | { readonly kind: 'end'; readonly end: CallEnd };

/** The answers a real instance would give about its queues; the options and tests choose them. */
export interface LocalContactCenter {
  /** CheckHoursOfOperation: is the queue's team working now? */
  readonly hoursOpen: boolean;
  /** CheckMetricData: agents staffed (and so online and available) on the queue. */
  readonly agentsStaffed: number;
}

export const DEFAULT_CONTACT_CENTER: LocalContactCenter = { hoursOpen: true, agentsStaffed: 1 };

/** The bot, as the Lex block sees it. */
export interface LexBot {
  converse(handOver: HandOver): Promise<HandOverOutcome>;
}

/** Everything an action may use or change. */
export interface FlowCall {
  readonly contact: ContactState;
  readonly listener: CallListener;
  readonly bot: LexBot;
  readonly contactCenter: LocalContactCenter;
  /** The Lex locale to use instead of the one derived from the contact's language. */
  readonly localeOverride?: string;
  /** The caller's keypad (GetParticipantInput); without one, every keypad input times out. */
  readonly keypad?: Pick<KeypadCaller, 'nextKeys'>;
}

export type ActionHandler = (action: FlowAction, call: FlowCall) => ActionResult | Promise<ActionResult>;

/** The flow uses something the local call does not emulate; the call stops with this message. */
export class FlowEmulationError extends Error {
  constructor(action: FlowAction, problem: string) {
    super(`Action "${action.Identifier}" (${action.Type}): ${problem}`);
    this.name = 'FlowEmulationError';
  }
}

const NEXT: ActionResult = { kind: 'next' };
const noMatchingError = (reason: string): ActionResult => ({ kind: 'error', errorType: 'NoMatchingError', reason });

export const ACTION_HANDLERS: Readonly<Record<string, ActionHandler>> = {
  UpdateFlowLoggingBehavior(action, { contact }) {
    contact.flowLogging = optionalString(action, 'FlowLoggingBehavior') === 'Enabled';
    return NEXT;
  },

  UpdateContactTextToSpeechVoice(action, { contact }) {
    const voice = resolveValue(requiredString(action, 'TextToSpeechVoice'), contact);
    if (voice === undefined) return noMatchingError('the voice attribute is not set');
    // On a chat the block takes its success branch and changes nothing (Connect's Set voice block).
    if (contact.channel !== 'CHAT') contact.voice = voice;
    return NEXT;
  },

  UpdateContactAttributes(action, { contact }) {
    for (const [name, value] of Object.entries(objectParameter(action, 'Attributes') ?? {})) {
      if (typeof value !== 'string') throw new FlowEmulationError(action, `Attributes.${name} must be a string`);
      const resolved = resolveValue(value, contact);
      if (resolved === undefined) delete contact.attributes[name];
      else contact.attributes[name] = resolved;
    }
    return NEXT;
  },

  /**
   * A keypad menu (DTMF). The caller's keys (a typed `#2` locally) are matched against the conditions; no keys in
   * time is InputTimeLimitExceeded, keys no condition names NoMatchingCondition (by the engine).
   */
  async GetParticipantInput(action, call) {
    const { contact, listener } = call;
    if (action.Parameters.LexV2Bot !== undefined || action.Parameters.LexBot !== undefined) {
      throw new FlowEmulationError(action, 'input through a Lex bot is not emulated (only keypad input)');
    }
    const prompt = promptText(action, false, contact);
    if (prompt !== undefined) listener({ kind: 'flow', text: prompt, actionId: action.Identifier });
    const keys = await call.keypad?.nextKeys();
    if (keys === undefined) {
      return { kind: 'error', errorType: 'InputTimeLimitExceeded', reason: 'no keys pressed', expected: true };
    }
    listener({ kind: 'caller', text: `#${keys}` });
    if (optionalString(action, 'StoreInput') === 'True') {
      contact.storedInput = keys;
      return NEXT;
    }
    return { kind: 'branch', value: keys };
  },

  UpdateContactData(action, { contact }) {
    const languageCode = optionalString(action, 'LanguageCode');
    if (languageCode !== undefined) {
      if (!/^[a-z]{2,3}-[A-Z]{2}$/.test(languageCode)) return noMatchingError(`${languageCode} is not a language code`);
      contact.languageCode = languageCode;
    }
    return NEXT;
  },

  MessageParticipant(action, { contact, listener }) {
    const text = promptText(action, true, contact);
    if (text === undefined) return noMatchingError('the message attribute is not set');
    listener({ kind: 'flow', text, actionId: action.Identifier });
    return NEXT;
  },

  async ConnectParticipantWithLexBot(action, call) {
    const { contact, listener } = call;
    const aliasArn = objectParameter(action, 'LexV2Bot')?.AliasArn;
    if (aliasArn !== LOCAL_BOT_ALIAS_ARN) {
      return noMatchingError(`the Lex bot alias ${JSON.stringify(aliasArn)} is not the local Chalkbot bot`);
    }
    const prompt = promptText(action, false, contact);
    // Connect has Lex speak the block's prompt before it listens.
    if (prompt !== undefined) listener({ kind: 'flow', text: prompt, actionId: action.Identifier });

    const outcome = await call.bot.converse({
      sessionId: contact.contactId,
      // Connect sends a chat's messages to Lex as typed text, a call's audio as speech.
      inputMode: contact.channel === 'CHAT' ? 'Text' : 'Speech',
      localeId: call.localeOverride ?? contact.languageCode.replace('-', '_'),
      sessionAttributes: resolveLexSessionAttributes(action, contact),
    });
    switch (outcome.kind) {
      case 'caller-hung-up':
        listener({ kind: 'hang-up', by: 'caller' });
        return { kind: 'end', end: { kind: 'caller-hung-up' } };
      case 'failed':
        return noMatchingError(outcome.reason);
      case 'closed':
        contact.lex = { intentName: outcome.intentName, sessionAttributes: outcome.sessionAttributes };
        return { kind: 'branch', value: outcome.intentName };
    }
  },

  Compare(action, { contact }) {
    return { kind: 'branch', value: resolveValue(requiredString(action, 'ComparisonValue'), contact) };
  },

  Loop(action, { contact }) {
    const loopCount = Number(requiredString(action, 'LoopCount'));
    if (!Number.isInteger(loopCount) || loopCount < 0)
      throw new FlowEmulationError(action, 'LoopCount must be a whole number');
    const done = contact.loopCounts.get(action.Identifier) ?? 0;
    if (done < loopCount) {
      contact.loopCounts.set(action.Identifier, done + 1);
      return { kind: 'branch', value: 'ContinueLooping' };
    }
    // Connect starts counting again once a loop is done.
    contact.loopCounts.delete(action.Identifier);
    return { kind: 'branch', value: 'DoneLooping' };
  },

  UpdateContactTargetQueue(action, { contact }) {
    if (action.Parameters.AgentId !== undefined)
      throw new FlowEmulationError(action, 'transfer to an agent by AgentId is not emulated');
    const queueArn = resolveValue(requiredString(action, 'QueueId'), contact) ?? '';
    const name = localQueueName(queueArn);
    if (name === undefined) return noMatchingError(`${JSON.stringify(queueArn)} is not a queue of the local instance`);
    contact.targetQueue = { arn: queueArn, name };
    return NEXT;
  },

  CheckHoursOfOperation(action, { contact, contactCenter }) {
    if (action.Parameters.HoursOfOperationId === undefined && !contact.targetQueue) {
      return noMatchingError('no hours of operation given and no queue set');
    }
    return { kind: 'branch', value: contactCenter.hoursOpen ? 'True' : 'False' };
  },

  CheckMetricData(action, { contact, contactCenter }) {
    if (action.Parameters.QueueId === undefined && !contact.targetQueue) return noMatchingError('no queue set');
    const metric = requiredString(action, 'MetricType');
    const value = queueMetric(metric, contactCenter);
    if (value === undefined) throw new FlowEmulationError(action, `metric ${metric} is not emulated`);
    return { kind: 'branch', value: String(value) };
  },

  TransferContactToQueue(_action, { contact, listener }) {
    const queue = contact.targetQueue;
    if (!queue) return noMatchingError('no queue set (UpdateContactTargetQueue must come first)');
    listener({ kind: 'transfer', queueName: queue.name, queueArn: queue.arn });
    return { kind: 'end', end: { kind: 'transferred', queueName: queue.name, queueArn: queue.arn } };
  },

  DisconnectParticipant(_action, { listener }) {
    listener({ kind: 'hang-up', by: 'flow' });
    return { kind: 'end', end: { kind: 'disconnected' } };
  },
};

/** Real-time queue metrics from the local answers; Connect's names. */
function queueMetric(metric: string, contactCenter: LocalContactCenter): number | undefined {
  switch (metric) {
    case 'NumberOfAgentsStaffed':
    case 'NumberOfAgentsOnline':
    case 'NumberOfAgentsAvailable':
      return contactCenter.agentsStaffed;
    case 'NumberOfContactsInQueue':
    case 'OldestContactInQueueAgeSeconds':
      return 0;
    default:
      return undefined;
  }
}

/** The Lex block's session attributes with `$.` references resolved; unset values are not passed. */
function resolveLexSessionAttributes(action: FlowAction, contact: ContactState): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectParameter(action, 'LexSessionAttributes') ?? {})) {
    if (typeof value !== 'string')
      throw new FlowEmulationError(action, `LexSessionAttributes.${name} must be a string`);
    const resolved = resolveValue(value, contact);
    if (resolved !== undefined) attributes[name] = resolved;
  }
  return attributes;
}

/**
 * What a prompt says: its text, its SSML, or a note that a recording plays. Text may be a reference
 * (`$.Attributes.lineGoodbye`); undefined when it names an unset attribute.
 */
function promptText(action: FlowAction, required: boolean, contact: ContactState): string | undefined {
  const text = optionalString(action, 'Text');
  if (text !== undefined) return resolveValue(text, contact);
  const ssml = optionalString(action, 'SSML');
  if (ssml !== undefined)
    return ssml
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  const recording = optionalString(action, 'PromptId') ?? (objectParameter(action, 'Media')?.Uri as string | undefined);
  if (recording !== undefined) return `(recording ${recording})`;
  if (required) throw new FlowEmulationError(action, 'needs Text, SSML, PromptId or Media');
  return undefined;
}

function optionalString(action: FlowAction, name: string): string | undefined {
  const value = action.Parameters[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FlowEmulationError(action, `parameter ${name} must be a string`);
  return value;
}

function requiredString(action: FlowAction, name: string): string {
  const value = optionalString(action, name);
  if (value === undefined) throw new FlowEmulationError(action, `parameter ${name} is required`);
  return value;
}

function objectParameter(action: FlowAction, name: string): Record<string, unknown> | undefined {
  const value = action.Parameters[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlowEmulationError(action, `parameter ${name} must be an object`);
  }
  return value as Record<string, unknown>;
}
