/**
 * What happens on a local call, as a stream of events: the terminal prints them, the tests collect them.
 * Each spoken event names who speaks, so a transcript reads like the call a real caller hears.
 */
import type { LexV2Event } from 'aws-lambda';

export type CallEvent =
  /** A line the contact flow speaks (a message block, or the prompt of the Lex block). */
  | { readonly kind: 'flow'; readonly text: string; readonly actionId: string }
  /** What the caller said; empty when the caller stayed silent. */
  | { readonly kind: 'caller'; readonly text: string }
  /** What the bot says after one turn of the function, with the time the caller waited for it. */
  | { readonly kind: 'bot'; readonly text: string; readonly latencyMs: number }
  /** A fulfillment update Lex speaks while the function is still working. */
  | { readonly kind: 'filler'; readonly text: string }
  /** The event Lex sent to the function, and what it answered (printed with --show-events). */
  | { readonly kind: 'lex-event'; readonly event: LexV2Event }
  | { readonly kind: 'lex-result'; readonly result: unknown }
  /** Something the local call explains that no caller would hear (a function error, a resumed memory). */
  | { readonly kind: 'notice'; readonly text: string }
  | { readonly kind: 'transfer'; readonly queueName: string; readonly queueArn: string }
  | { readonly kind: 'hang-up'; readonly by: 'flow' | 'caller' };

export type CallListener = (event: CallEvent) => void;

/** How a call ended. */
export type CallEnd =
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'transferred'; readonly queueName: string; readonly queueArn: string }
  | { readonly kind: 'caller-hung-up' };

/** A Lex V2 response as the function returns it; re-exported so callers need not know the types package. */
export type { LexV2Event };
