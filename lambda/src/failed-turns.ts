/**
 * Failed turns in a row, counted in a session attribute, so a caller is never trapped in apologies: a turn that
 * failed (the event could not be read, the turn threw, or the model gave no answer and the knowledge file had
 * none) is one more; after `maxFailedTurns` in a row, or at once when trying again cannot help (a bad setting),
 * the call goes to a person. A turn that works clears the count.
 */
import { type BotDefinition, SESSION_ATTRIBUTES } from '../../lib/definition/bot';

export interface FailedTurnOutcome {
  /** The attributes to return, with the new count. */
  readonly attributes: Record<string, string>;
  readonly failedTurns: number;
  /** True when the call must now go to a person. */
  readonly handOver: boolean;
}

/** Counts one more failed turn; the turn's locale says how many in a row are too many. */
export function countFailedTurn(
  sessionAttributes: Readonly<Record<string, string>>,
  { retryCanHelp, locale }: { readonly retryCanHelp: boolean; readonly locale: Pick<BotDefinition, 'maxFailedTurns'> },
): FailedTurnOutcome {
  const before = Number(sessionAttributes[SESSION_ATTRIBUTES.failedTurns] ?? '0');
  const failedTurns = (Number.isInteger(before) && before > 0 ? before : 0) + 1;
  return {
    attributes: { ...sessionAttributes, [SESSION_ATTRIBUTES.failedTurns]: String(failedTurns) },
    failedTurns,
    handOver: !retryCanHelp || failedTurns >= locale.maxFailedTurns,
  };
}

/** The attributes after a turn that worked: no failed turns any more. */
export function withoutFailedTurns(sessionAttributes: Readonly<Record<string, string>>): Record<string, string> {
  const { [SESSION_ATTRIBUTES.failedTurns]: _failedTurns, ...attributes } = sessionAttributes;
  return attributes;
}
