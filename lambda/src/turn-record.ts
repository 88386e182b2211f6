/**
 * What the call item keeps about each turn besides its messages: when it came, how long the answer took, the
 * intent, how it was answered, what the bot did next, and how many messages it added to the memory. Small on
 * purpose (about 100 bytes a turn): the transcript archived when the call ends (lambda/src/transcript.ts) lines
 * the records up with the stored messages, so the messages themselves stay in LangChain's own format.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { NextAction } from '../../lib/definition/bot';

/** How a turn was answered. */
export type TurnRoute =
  /** A canned answer from the business's FAQ (no model). */
  | 'faq'
  /** The language model answered. */
  | 'model'
  /** No model is configured: the knowledge file answered (or said so). */
  | 'offline'
  /** The model failed or ran out of time: the caller heard the knowledge file's answer or an apology. */
  | 'fallback'
  /** The caller said no to the bot's offer of a person, and heard that the call goes on. */
  | 'offer'
  /** The caller said nothing. */
  | 'silence'
  /** A goodbye or agent intent reached the function. */
  | 'leave'
  /** The turn failed in the function; the caller heard an apology or was handed to a person. */
  | 'failed';

/** What the bot did after the turn: keep listening, or hand the call back to the flow for it. */
export type TurnNext = 'listen' | NextAction;

export interface TurnRecord {
  /** Epoch milliseconds when the turn reached the function. */
  readonly at: number;
  /** Milliseconds from then until the turn was stored (about when the answer left). */
  readonly latencyMs: number;
  readonly intent: string;
  readonly route: TurnRoute;
  readonly next: TurnNext;
  /** Messages this turn added to the call memory (0 for silence and for leaving the bot). */
  readonly messages: number;
  /**
   * What the caller said when the turn kept no messages (leaving the bot): the words belong in the transcript,
   * not in the model's history, where a question without an answer would confuse the next turn.
   */
  readonly said?: string;
  /** What the bot said when the turn kept no messages (a reprompt, a goodbye, a failed turn's apology). */
  readonly answer?: string;
}

export function toItemRecord(record: TurnRecord): AttributeValue {
  return {
    M: {
      at: { N: String(record.at) },
      ms: { N: String(record.latencyMs) },
      intent: { S: record.intent },
      route: { S: record.route },
      next: { S: record.next },
      messages: { N: String(record.messages) },
      ...(record.said ? { said: { S: record.said } } : {}),
      ...(record.answer ? { answer: { S: record.answer } } : {}),
    },
  };
}

/** A stored record, or undefined for anything that is not one (an item is data from outside this process). */
export function fromItemRecord(value: AttributeValue): TurnRecord | undefined {
  const map = value.M;
  const at = Number(map?.at?.N);
  const latencyMs = Number(map?.ms?.N);
  const messages = Number(map?.messages?.N);
  const intent = map?.intent?.S;
  const route = map?.route?.S as TurnRoute | undefined;
  const next = map?.next?.S as TurnNext | undefined;
  if (!Number.isFinite(at) || !Number.isFinite(latencyMs) || !Number.isInteger(messages) || messages < 0)
    return undefined;
  if (intent === undefined || route === undefined || next === undefined) return undefined;
  const said = map?.said?.S;
  const answer = map?.answer?.S;
  return { at, latencyMs, intent, route, next, messages, ...(said ? { said } : {}), ...(answer ? { answer } : {}) };
}
