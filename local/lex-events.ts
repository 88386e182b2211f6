/**
 * The two halves of one Lex V2 fulfillment turn as the local call sees them: the event Lex sends the function
 * during an Amazon Connect voice call, and the reading of what the function returns, with the checks Lex
 * makes before it speaks (a malformed answer fails the turn as it would on Lex).
 */
import type { LexV2Bot, LexV2Event, LexV2Intent } from 'aws-lambda';
import type { IntentDefinition } from '../lib/definition/bot';
import { LEX_MAX_MESSAGE_CHARS } from '../lib/definition/function-settings';

export interface FulfillmentTurn {
  readonly bot: LexV2Bot;
  /** Connect passes the contact id as the Lex session id. */
  readonly sessionId: string;
  /** Speech on a phone call, Text on a chat. */
  readonly inputMode: 'Speech' | 'Text';
  /** What the caller said, as transcribed; empty on silence. */
  readonly transcript: string;
  readonly intent: IntentDefinition;
  /** True when the line matched one of the intent's utterances (rather than falling back). */
  readonly matched: boolean;
  readonly sessionAttributes: Readonly<Record<string, string>>;
  readonly requestId: string;
}

/** Lex's transcription confidence for clear local speech: a typed line is exactly what was "said". */
const LOCAL_TRANSCRIPTION_CONFIDENCE = 0.95;

export function buildFulfillmentEvent(turn: FulfillmentTurn): LexV2Event {
  const intent: LexV2Intent = {
    name: turn.intent.name,
    slots: {},
    state: 'ReadyForFulfillment',
    confirmationState: 'None',
  };
  const event: Omit<LexV2Event, 'proposedNextState'> = {
    messageVersion: '1.0',
    invocationSource: 'FulfillmentCodeHook',
    inputMode: turn.inputMode,
    responseContentType: 'text/plain; charset=utf-8',
    sessionId: turn.sessionId,
    inputTranscript: turn.transcript,
    bot: turn.bot,
    // Lex gives no confidence for the fallback intent: it is what is left when nothing else scored.
    interpretations: [turn.matched ? { intent, nluConfidence: 1 } : { intent }],
    requestAttributes: {
      'x-amz-lex:channels:platform': 'Connect',
      'x-amz-lex:accept-content-types': 'PlainText,SSML',
    },
    sessionState: {
      sessionAttributes: { ...turn.sessionAttributes },
      activeContexts: [],
      intent,
      originatingRequestId: turn.requestId,
    },
    // On silence there is nothing transcribed, so Lex sends no transcription.
    transcriptions:
      turn.transcript === ''
        ? []
        : [
            {
              transcription: turn.transcript,
              transcriptionConfidence: LOCAL_TRANSCRIPTION_CONFIDENCE,
              resolvedContext: { intent: turn.intent.name },
              resolvedSlots: {},
            },
          ],
  };
  // Lex sends proposedNextState only to dialog code hooks; the type declares it always present.
  return event as LexV2Event;
}

/** What the function's answer means for the conversation. */
export type FulfillmentAnswer =
  /** Speak the messages and keep listening: the caller stays with the bot. */
  | {
      readonly kind: 'elicit';
      readonly messages: readonly string[];
      readonly sessionAttributes?: Record<string, string>;
    }
  /** Speak the messages and hand the caller back to the flow with this intent. */
  | {
      readonly kind: 'close';
      readonly intentName: string;
      readonly messages: readonly string[];
      readonly sessionAttributes?: Record<string, string>;
    };

/** The function answered something Lex would refuse; Lex fails the turn and Connect takes the error branch. */
export class InvalidFulfillmentResponse extends Error {
  constructor(reason: string) {
    super(`Invalid Lambda response: ${reason}`);
    this.name = 'InvalidFulfillmentResponse';
  }
}

/**
 * Reads the function's answer, checking what Lex checks. `sessionAttributes` absent means "unchanged" (Lex
 * keeps the stored ones); present, it replaces them.
 */
export function readFulfillmentResult(result: unknown, currentIntent: string): FulfillmentAnswer {
  if (!isObject(result)) throw new InvalidFulfillmentResponse('not an object');
  const { sessionState } = result;
  if (!isObject(sessionState)) throw new InvalidFulfillmentResponse('sessionState is required');
  const { dialogAction } = sessionState;
  if (!isObject(dialogAction) || typeof dialogAction.type !== 'string') {
    throw new InvalidFulfillmentResponse('sessionState.dialogAction.type is required');
  }
  const sessionAttributes = readSessionAttributes(sessionState.sessionAttributes);
  const messages = readSpokenMessages(result.messages);
  const intent = sessionState.intent;
  if (intent !== undefined && !isObject(intent))
    throw new InvalidFulfillmentResponse('sessionState.intent must be an object');

  switch (dialogAction.type) {
    case 'ElicitIntent':
      if (messages.length === 0) throw new InvalidFulfillmentResponse('ElicitIntent needs at least one message');
      return { kind: 'elicit', messages, sessionAttributes };
    case 'Close': {
      const intentName = typeof intent?.name === 'string' && intent.name !== '' ? intent.name : currentIntent;
      return { kind: 'close', intentName, messages, sessionAttributes };
    }
    default:
      // Delegate, ConfirmIntent and ElicitSlot are valid Lex answers, but our bot has no slots or dialog
      // steps for them to lead to; the local call says so rather than guessing what Lex would do next.
      throw new InvalidFulfillmentResponse(
        `dialogAction.type ${JSON.stringify(dialogAction.type)} is not one the local call emulates (ElicitIntent, Close)`,
      );
  }
}

function readSessionAttributes(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new InvalidFulfillmentResponse('sessionState.sessionAttributes must be an object');
  for (const [name, attribute] of Object.entries(value)) {
    if (typeof attribute !== 'string') {
      throw new InvalidFulfillmentResponse(`session attribute ${JSON.stringify(name)} must be a string`);
    }
  }
  return { ...(value as Record<string, string>) };
}

/** The text a caller hears from each message; cards and custom payloads are not spoken on a voice call. */
function readSpokenMessages(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidFulfillmentResponse('messages must be a list');
  const spoken: string[] = [];
  for (const [index, message] of value.entries()) {
    if (!isObject(message)) throw new InvalidFulfillmentResponse(`messages[${index}] must be an object`);
    const { contentType, content } = message;
    if (contentType === 'ImageResponseCard' || contentType === 'CustomPayload') continue;
    if (contentType !== 'PlainText' && contentType !== 'SSML') {
      throw new InvalidFulfillmentResponse(`messages[${index}].contentType ${JSON.stringify(contentType)} is unknown`);
    }
    if (typeof content !== 'string' || content.trim() === '') {
      throw new InvalidFulfillmentResponse(`messages[${index}].content must be a non-empty string`);
    }
    if (content.length > LEX_MAX_MESSAGE_CHARS) {
      throw new InvalidFulfillmentResponse(
        `messages[${index}].content has ${content.length} characters; Lex allows ${LEX_MAX_MESSAGE_CHARS}`,
      );
    }
    spoken.push(contentType === 'SSML' ? speakSsml(content) : content);
  }
  return spoken;
}

/** Roughly what Polly says for an SSML message: the text without its markup. */
export function speakSsml(ssml: string): string {
  return ssml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
