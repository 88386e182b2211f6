/**
 * A small interpreter of Amazon Connect's flow language (version 2019-10-30), as large as our flows: it walks
 * the actions from StartAction, runs each through its handler (flow-actions.ts) and follows the transition
 * the handler chose, until the call is transferred, disconnected or the caller hangs up. Anything it does not
 * know (an action type, an operator, a reference, a missing target) stops the call with an error naming it.
 */
import type { FlowAction, FlowCondition, FlowContent } from '../lib/flow/flow-file';
import type { CallEnd, CallListener } from './call-events';
import {
  ACTION_HANDLERS,
  type ActionResult,
  DEFAULT_CONTACT_CENTER,
  FlowEmulationError,
  type FlowCall,
  type LexBot,
  type LocalContactCenter,
} from './flow-actions';
import { type ContactChannel, newContact, UnknownReferenceError } from './flow-references';

export { FlowEmulationError } from './flow-actions';

export interface FlowRunOptions {
  readonly contactId: string;
  /** A phone call unless said otherwise. */
  readonly channel?: ContactChannel;
  readonly bot: LexBot;
  readonly listener: CallListener;
  readonly contactCenter?: LocalContactCenter;
  /** The Lex locale to use instead of the one derived from the contact's language. */
  readonly localeOverride?: string;
  /** The caller's keypad, for the flow's keypad menus. */
  readonly keypad?: FlowCall['keypad'];
  /** A flow that loops forever is a bug; stop after this many actions. */
  readonly maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 500;

/** Runs the flow for one contact until the call ends; resolves with how it ended. */
export async function runFlow(flow: FlowContent, options: FlowRunOptions): Promise<CallEnd> {
  const actions = new Map(flow.Actions.map((action) => [action.Identifier, action]));
  const call: FlowCall = {
    contact: newContact(options.contactId, options.channel),
    listener: options.listener,
    bot: options.bot,
    contactCenter: options.contactCenter ?? DEFAULT_CONTACT_CENTER,
    localeOverride: options.localeOverride,
    keypad: options.keypad,
  };
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;

  let current = findAction(actions, flow.StartAction, 'StartAction');
  for (let step = 1; step <= maxSteps; step += 1) {
    const result = await runAction(current, call);
    if (result.kind === 'end') return result.end;
    if (result.kind === 'error' && !result.expected) {
      options.listener({ kind: 'notice', text: `${current.Identifier}: ${result.reason} (${result.errorType})` });
    }
    current = findAction(actions, nextActionId(current, result), `the transition of "${current.Identifier}"`);
  }
  throw new Error(
    `The flow did not end within ${maxSteps} actions; the last was "${current.Identifier}" (${current.Type})`,
  );
}

async function runAction(action: FlowAction, call: FlowCall): Promise<ActionResult> {
  // Own keys only: a Type such as "constructor" or "toString" must not find Object.prototype's function.
  const handler = Object.hasOwn(ACTION_HANDLERS, action.Type) ? ACTION_HANDLERS[action.Type] : undefined;
  if (!handler) {
    throw new FlowEmulationError(
      action,
      `the action type ${action.Type} is not one the local call emulates (it knows ${Object.keys(ACTION_HANDLERS).join(', ')})`,
    );
  }
  try {
    return await handler(action, call);
  } catch (error) {
    if (error instanceof UnknownReferenceError) throw new FlowEmulationError(action, error.message);
    throw error;
  }
}

/** The Identifier of the action that follows, by Connect's rules for Conditions, Errors and NextAction. */
function nextActionId(action: FlowAction, result: Exclude<ActionResult, { kind: 'end' }>): string {
  const { Transitions } = action;
  switch (result.kind) {
    case 'next':
      return Transitions.NextAction ?? missing(action, 'a NextAction');
    case 'branch': {
      const match = (Transitions.Conditions ?? []).find((condition) => conditionHolds(action, condition, result.value));
      if (match) return match.NextAction;
      return (
        errorTarget(action, 'NoMatchingCondition') ??
        Transitions.NextAction ??
        missing(action, `a branch for ${JSON.stringify(result.value)}`)
      );
    }
    case 'error':
      // Connect's NoMatchingError is the catch-all error branch.
      return (
        errorTarget(action, result.errorType) ??
        errorTarget(action, 'NoMatchingError') ??
        missing(action, `an error branch for ${result.errorType}`)
      );
  }
}

function errorTarget(action: FlowAction, errorType: string): string | undefined {
  return action.Transitions.Errors?.find((error) => error.ErrorType === errorType)?.NextAction;
}

function missing(action: FlowAction, what: string): never {
  throw new FlowEmulationError(action, `has no transition: it needs ${what}`);
}

function conditionHolds(action: FlowAction, { Condition }: FlowCondition, value: string | undefined): boolean {
  const [operand] = Condition.Operands;
  if (value === undefined || operand === undefined) return false;
  switch (Condition.Operator) {
    case 'Equals':
      return value === operand;
    case 'TextContains':
      return value.includes(operand);
    case 'TextStartsWith':
      return value.startsWith(operand);
    case 'TextEndsWith':
      return value.endsWith(operand);
    case 'NumberGreaterThan':
      return compareNumbers(value, operand, (a, b) => a > b);
    case 'NumberGreaterOrEqualTo':
      return compareNumbers(value, operand, (a, b) => a >= b);
    case 'NumberLessThan':
      return compareNumbers(value, operand, (a, b) => a < b);
    case 'NumberLessOrEqualTo':
      return compareNumbers(value, operand, (a, b) => a <= b);
    default:
      throw new FlowEmulationError(action, `the condition operator ${Condition.Operator} is not emulated`);
  }
}

function compareNumbers(value: string, operand: string, holds: (a: number, b: number) => boolean): boolean {
  const a = Number(value);
  const b = Number(operand);
  return value.trim() !== '' && !Number.isNaN(a) && !Number.isNaN(b) && holds(a, b);
}

function findAction(actions: ReadonlyMap<string, FlowAction>, id: string, from: string): FlowAction {
  const action = actions.get(id);
  if (!action) throw new Error(`The flow has no action "${id}" (named by ${from})`);
  return action;
}
