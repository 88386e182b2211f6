/**
 * The Lex V2 side of a turn: what the caller did, read from a code-hook event (format 1.0), and the two answers
 * the function gives back: `ElicitIntent` (speak, then keep listening) and `Close` (speak or not, then hand the
 * call back to the contact flow, which branches on the `nextAction` session attribute).
 *
 * Lex sends whatever it sends; nothing here trusts the event's shape. A bad event becomes a reason, never a throw.
 */
import type { LexV2Event, LexV2Result } from 'aws-lambda';
import { type NextAction, SESSION_ATTRIBUTES } from '../../lib/definition/bot';
import { type Channel, channelOf } from './channel';

/** One turn as the function sees it. */
export interface CallerTurn {
  /** Keys the call's memory: the contact id the flow passed, else the Lex session id. */
  readonly callId: string;
  /** The intent Lex matched (FallbackIntent for free-form speech). */
  readonly intentName: string;
  /** The phone or the web chat: what the answer is written for. */
  readonly channel: Channel;
  /** The Lex locale of the turn (`bot.localeId`), e.g. es_US; undefined when the event does not say. */
  readonly localeId: string | undefined;
  /** What Lex heard; empty on silence. */
  readonly transcript: string;
  /** Silent turns in a row before this one. */
  readonly silentTurnsBefore: number;
  /** The session attributes as they came, echoed back in the answer. */
  readonly sessionAttributes: Readonly<Record<string, string>>;
}

export type ParsedEvent =
  | { readonly ok: true; readonly turn: CallerTurn }
  | { readonly ok: false; readonly reason: string; readonly sessionAttributes: Readonly<Record<string, string>> };

/** DynamoDB allows longer keys; a longer "id" is not one Lex or Connect would send. */
const MAX_CALL_ID_LENGTH = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps only string-valued attributes: Lex attributes are strings, anything else is noise we must not echo. */
function stringAttributes(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Reads the caller's turn from an event, or says why it cannot. */
export function parseLexEvent(event: unknown): ParsedEvent {
  if (!isRecord(event)) return { ok: false, reason: 'event is not an object', sessionAttributes: {} };
  const sessionState = event.sessionState;
  if (!isRecord(sessionState)) return { ok: false, reason: 'event has no sessionState object', sessionAttributes: {} };

  const rawAttributes = sessionState.sessionAttributes;
  if (rawAttributes !== undefined && rawAttributes !== null && !isRecord(rawAttributes)) {
    return { ok: false, reason: 'sessionState.sessionAttributes is not an object', sessionAttributes: {} };
  }
  const sessionAttributes = stringAttributes(rawAttributes);

  const intent = sessionState.intent;
  const intentName = isRecord(intent) ? nonEmptyString(intent.name) : undefined;
  if (!intentName) return { ok: false, reason: 'sessionState.intent.name is missing', sessionAttributes };

  const transcript = event.inputTranscript;
  if (transcript !== undefined && typeof transcript !== 'string') {
    return { ok: false, reason: 'inputTranscript is not a string', sessionAttributes };
  }

  // Which call this is: the `contactId` attribute, which the inbound flow sets from $.ContactId (a phone caller or a
  // chat cannot choose it; a principal allowed to call the alias's runtime API can: README "Trust boundary").
  // Does Connect also use the ContactId as the Lex session id, so that an attribute that differs from `sessionId`
  // would give away a forged turn? Not that we could find (sources checked 2026-12): ConnectParticipantWithLexBot
  // takes the alias, session attributes and a prompt, and no session id
  // (https://docs.aws.amazon.com/connect/latest/APIReference/participant-actions-connectparticipantwithlexbot.html);
  // the admin guide says only that "Amazon Lex creates a session"
  // (https://docs.aws.amazon.com/connect/latest/adminguide/how-to-use-session-attributes.html); the Lex guide
  // describes `sessionId` as the identifier of the session in use
  // (https://docs.aws.amazon.com/lexv2/latest/dg/lambda-input-format.html); the Connect + Lex samples we read pass
  // $.ContactId in a session attribute, as this flow does, rather than rely on `sessionId`. With nothing
  // documented, a turn whose attribute differs from its session id is not refused: such a rule would break every
  // real call if Connect's session id is something else, and it would not stop a principal that sets both.
  const callId = nonEmptyString(sessionAttributes[SESSION_ATTRIBUTES.contactId]) ?? nonEmptyString(event.sessionId);
  if (!callId) return { ok: false, reason: 'neither a contactId session attribute nor a sessionId', sessionAttributes };
  if (callId.length > MAX_CALL_ID_LENGTH) {
    return { ok: false, reason: `call id longer than ${MAX_CALL_ID_LENGTH} characters`, sessionAttributes };
  }

  const silentTurns = Number(sessionAttributes[SESSION_ATTRIBUTES.silentTurns] ?? '0');
  return {
    ok: true,
    turn: {
      callId,
      intentName,
      channel: channelOf(event.inputMode, sessionAttributes),
      localeId: localeIdOf(event),
      // Lex sends an empty transcript on silence; a missing one means the same.
      transcript: transcript ?? '',
      silentTurnsBefore: Number.isInteger(silentTurns) && silentTurns > 0 ? silentTurns : 0,
      sessionAttributes,
    },
  };
}

/** The event's Lex locale (`bot.localeId`), read from any value: a failed turn still apologizes in it. */
export function localeIdOf(event: unknown): string | undefined {
  const bot = isRecord(event) ? event.bot : undefined;
  return isRecord(bot) ? nonEmptyString(bot.localeId) : undefined;
}

/**
 * Plain text, not SSML: the answers carry no markup we need, plain text has no characters to escape, and Lex
 * allows 1024 characters of it (SSML: 1000).
 */
function spoken(message: string): LexV2Result['messages'] {
  return [{ contentType: 'PlainText', content: message }];
}

/** Speak, then let Lex listen for the caller's next words. The flow is not re-entered. */
export function elicitIntent(
  message: string,
  intentName: string,
  sessionAttributes: Readonly<Record<string, string>>,
): LexV2Result {
  return {
    sessionState: {
      sessionAttributes: { ...sessionAttributes },
      dialogAction: { type: 'ElicitIntent' },
      intent: { name: intentName, state: 'Fulfilled' },
    },
    messages: spoken(message),
  };
}

/**
 * Speak (if there is a line to say), then hand the call back to the contact flow, which hangs up or transfers
 * on `nextAction`. Lex accepts a Close without messages.
 */
export function close(
  message: string | undefined,
  intentName: string,
  nextAction: NextAction,
  sessionAttributes: Readonly<Record<string, string>>,
): LexV2Result {
  return {
    sessionState: {
      sessionAttributes: { ...sessionAttributes, [SESSION_ATTRIBUTES.nextAction]: nextAction },
      dialogAction: { type: 'Close' },
      intent: { name: intentName, state: 'Fulfilled' },
    },
    ...(message === undefined ? {} : { messages: spoken(message) }),
  };
}

/** The event type Lex sends, re-exported so callers of the handler need not import aws-lambda themselves. */
export type { LexV2Event, LexV2Result };
