/**
 * The facts the web chat's parts share: the start-chat API (its path, the request it takes, the settings the
 * function reads), the page's configuration file, and the limits the page and the function both enforce. The
 * stack, the function, the page and the local server import them from here.
 *
 * Pure data: no AWS CDK, no SDK imports (the page's bundle includes it).
 */

/** The start-chat API's one resource: POST a display name, get a participant token. */
export const START_CHAT_PATH = 'chats';

/**
 * Longest display name the page accepts and the function passes to Connect. Connect allows 256 characters
 * (ParticipantDetails.DisplayName); an agent's chat window has room for far fewer.
 */
export const DISPLAY_NAME_MAX_LENGTH = 64;

/** Largest request body the function reads; a display name needs a few hundred bytes at most. */
export const START_CHAT_MAX_BODY_BYTES = 2048;

/** What the browser sends. */
export interface StartChatRequest {
  readonly displayName: string;
}

/** What the browser gets back: the chat details amazon-connect-chatjs takes (`ChatSession.create`). */
export interface StartChatResponse {
  readonly contactId: string;
  readonly participantId: string;
  readonly participantToken: string;
}

/** The environment of the start-chat function. */
export const START_CHAT_ENV = {
  instanceId: 'CONNECT_INSTANCE_ID',
  contactFlowId: 'CONTACT_FLOW_ID',
  /** The site's origin (https://<domain>): the only origin CORS allows. */
  allowedOrigin: 'ALLOWED_ORIGIN',
  /** How long a chat may stay open, in minutes (Connect: 60 to 10080, default 1500). */
  chatDurationMinutes: 'CHAT_DURATION_MINUTES',
} as const;

/** A chat of a support line is short; Connect's default (25 hours) would keep an abandoned chat open all day. */
export const DEFAULT_CHAT_DURATION_MINUTES = 60;

/** The page reads this file, next to index.html, to find its backend. */
export const WEB_CHAT_CONFIG_FILE = 'config.json';

export interface WebChatConfig {
  /** Absolute URL of the start-chat API (deployed), or a path on the page's own server (local). */
  readonly startChatUrl: string;
  /** The AWS region of the Connect instance; chatjs talks to participant.connect.<region>.amazonaws.com. */
  readonly region: string;
  /**
   * Another participant service for chatjs (its `endpoint` setting): the local stand-in on loopback. Absent when
   * deployed.
   */
  readonly participantEndpoint?: string;
}

/** Longest message the page sends: Lex takes at most 1024 characters of text input (RecognizeText). */
export const CHAT_MESSAGE_MAX_LENGTH = 1024;
