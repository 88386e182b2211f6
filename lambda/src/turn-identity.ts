/**
 * Which turn of the call an event is, so a turn delivered twice is answered once.
 *
 * Whether Lex delivers a turn again (sources checked 2026-12):
 * - Lex calls the function synchronously, and Lambda never retries a synchronous invocation itself: "the service
 *   that invokes your function decides whether to retry", and "your function's code might have run completely,
 *   partially, or not at all" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html). The Lex V2
 *   guide documents no retry of code hooks, and no promise of exactly one invocation per turn either.
 * - A turn reaches the function again when the request reaching Lex is sent again: clients of Lex's runtime API
 *   (RecognizeText, RecognizeUtterance, our smoke test and the web chat's backend) use AWS SDKs, which retry a
 *   timed-out or 5xx request up to three attempts by default
 *   (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html). Each attempt is a new Lex
 *   request with the same session state, so the function sees the same event again.
 * - When the function takes longer than the fulfillment timeout, Lex speaks its timeout response
 *   (https://docs.aws.amazon.com/lexv2/latest/dg/intent-fulfillment.html) and never sees what the function
 *   returned. The function may still have stored the turn; the caller, asked to try again, often repeats it.
 *
 * What identifies a turn: nothing in the event. The Lambda request id is new for every invocation, retries
 * included. `sessionState.originatingRequestId` is "a unique identifier for a specific request" in the runtime
 * API (API_runtime_SessionState) but "the identifier of the first request in a session" in the analytics API
 * (API_SessionSpecification): if it is the latter, keying on it would swallow every turn after the first.
 *
 * So the function numbers the turns itself, in a session attribute (SESSION_ATTRIBUTES.answeredTurns): Lex
 * sends back the attributes the function last returned. A delivery of a turn whose answer Lex never received
 * carries the same number as the first delivery; the next turn carries one more. The call memory keeps the last
 * answered turn (number, question, answer), read in the turn's one read: an event with the same number and the
 * same words is that turn again, and gets the same answer without asking the model or writing. The same
 * question asked twice in a row carries two numbers, so it is two turns with two answers.
 */
import { SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import type { AnsweredTurn } from './call-memory';

/** The number of this turn: the questions answered in this Lex session before it (0 when unknown). */
export function turnNumberOf(sessionAttributes: Readonly<Record<string, string>>): number {
  const answered = Number(sessionAttributes[SESSION_ATTRIBUTES.answeredTurns] ?? '0');
  return Number.isSafeInteger(answered) && answered > 0 ? answered : 0;
}

/** The attributes to return after answering turn `turnNumber`: the next event will carry the next number. */
export function afterAnswering(
  sessionAttributes: Readonly<Record<string, string>>,
  turnNumber: number,
): Record<string, string> {
  return { ...sessionAttributes, [SESSION_ATTRIBUTES.answeredTurns]: String(turnNumber + 1) };
}

/** The stored turn, if this event is a delivery of it again: same number, same words. */
export function redeliveredTurn(
  lastAnswered: AnsweredTurn | undefined,
  turnNumber: number,
  question: string,
): AnsweredTurn | undefined {
  return lastAnswered !== undefined && lastAnswered.turn === turnNumber && lastAnswered.question === question
    ? lastAnswered
    : undefined;
}
