/**
 * The start-chat function behind the web chat's API: a browser sends a display name, the function asks Connect
 * to start a chat contact on the inbound flow (StartChatContact) and answers with the participant token that the
 * page's chat library connects with.
 *
 * Going through Connect is the point: Connect names the contact, so the contact id that keys the conversation's
 * memory is Connect's, and no browser can choose one (and so read another conversation).
 *
 * Every answer is JSON with a `message` on errors: a bad request is a 400 with the reason, Connect's throttling a
 * 429 with Retry-After, any other Connect failure a 502 or 503 that says the chat service failed, never a bare 500.
 */
import { randomUUID } from 'node:crypto';
import { ConnectClient, StartChatContactCommand } from '@aws-sdk/client-connect';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  DEFAULT_CHAT_DURATION_MINUTES,
  DISPLAY_NAME_MAX_LENGTH,
  START_CHAT_ENV,
  START_CHAT_MAX_BODY_BYTES,
  type StartChatResponse,
} from '../../lib/definition/web-chat';

export interface StartChatSettings {
  readonly instanceId: string;
  readonly contactFlowId: string;
  readonly allowedOrigin: string;
  readonly chatDurationMinutes: number;
}

export interface StartChatOverrides {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly connect?: ConnectClient;
  readonly logger?: Logger;
}

export type StartChatHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Seconds a throttled browser is asked to wait; Connect's StartChatContact quota refills per second. */
const RETRY_AFTER_SECONDS = 5;
/** Connect answers in well under a second; past this the browser gets a clear 504 instead of API Gateway's. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Letters, marks, numbers, punctuation, symbols and spaces; no control or format characters. */
const DISPLAY_NAME_PATTERN = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

export class BadRequest extends Error {}

/** Reads and checks the settings; throws naming every missing or wrong one. */
export function readStartChatSettings(env: Readonly<Record<string, string | undefined>>): StartChatSettings {
  const problems: string[] = [];
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const instanceId = required(START_CHAT_ENV.instanceId);
  const contactFlowId = required(START_CHAT_ENV.contactFlowId);
  const allowedOrigin = required(START_CHAT_ENV.allowedOrigin);
  if (allowedOrigin && !/^https?:\/\/[^/\s]+$/.test(allowedOrigin)) {
    problems.push(
      `${START_CHAT_ENV.allowedOrigin} must be an origin such as https://example.com (got ${allowedOrigin})`,
    );
  }
  const durationText = env[START_CHAT_ENV.chatDurationMinutes]?.trim();
  const chatDurationMinutes = durationText ? Number(durationText) : DEFAULT_CHAT_DURATION_MINUTES;
  if (!Number.isInteger(chatDurationMinutes) || chatDurationMinutes < 60 || chatDurationMinutes > 10_080) {
    problems.push(`${START_CHAT_ENV.chatDurationMinutes} must be whole minutes from 60 to 10080 (got ${durationText})`);
  }
  if (problems.length > 0) throw new Error(`The start-chat function is not configured: ${problems.join('; ')}`);
  return { instanceId, contactFlowId, allowedOrigin, chatDurationMinutes };
}

/** The display name from the request body, or a BadRequest saying what is wrong with it. */
export function readDisplayName(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  if (event.body === null || event.body === undefined || event.body === '')
    throw new BadRequest('the request has no body');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > START_CHAT_MAX_BODY_BYTES) {
    throw new BadRequest(`the body is larger than ${START_CHAT_MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest('the body must be a JSON object');
  const unknownKeys = Object.keys(body).filter((key) => key !== 'displayName');
  if (unknownKeys.length > 0)
    throw new BadRequest(`unknown field ${unknownKeys.map((key) => JSON.stringify(key)).join(', ')}`);
  const { displayName } = body as { displayName?: unknown };
  if (typeof displayName !== 'string') throw new BadRequest('displayName must be a string');
  const name = displayName.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (name === '') throw new BadRequest('displayName is empty');
  if ([...name].length > DISPLAY_NAME_MAX_LENGTH) {
    throw new BadRequest(`displayName is longer than ${DISPLAY_NAME_MAX_LENGTH} characters`);
  }
  if (!DISPLAY_NAME_PATTERN.test(name)) throw new BadRequest('displayName holds control or formatting characters');
  return name;
}

export function createStartChatHandler(overrides: StartChatOverrides = {}): StartChatHandler {
  const logger = overrides.logger ?? new Logger({ serviceName: 'chalkbot-start-chat' });
  let settings: StartChatSettings | undefined;
  let connect = overrides.connect;

  return async function startChat(event) {
    try {
      settings ??= readStartChatSettings({ ...process.env, ...overrides.env });
    } catch (error) {
      logger.error('Start-chat settings are wrong', { error: error as Error });
      return answer(500, { message: 'The chat service is not configured.' }, undefined);
    }
    const origin = settings.allowedOrigin;
    if (event.httpMethod !== 'POST')
      return answer(405, { message: 'Use POST to start a chat.' }, origin, { Allow: 'POST' });

    let displayName: string;
    try {
      displayName = readDisplayName(event);
    } catch (error) {
      if (!(error instanceof BadRequest)) throw error;
      logger.info('Refused a start-chat request', { reason: error.message });
      return answer(400, { message: `Bad request: ${error.message}.` }, origin);
    }

    connect ??= new ConnectClient({ maxAttempts: 2 });
    try {
      const started = await connect.send(
        new StartChatContactCommand({
          InstanceId: settings.instanceId,
          ContactFlowId: settings.contactFlowId,
          ParticipantDetails: { DisplayName: displayName },
          ChatDurationInMinutes: settings.chatDurationMinutes,
          SupportedMessagingContentTypes: ['text/plain'],
          // API Gateway's request id makes a retried request start the same chat, not a second one.
          ClientToken: event.requestContext?.requestId ?? randomUUID(),
        }),
        { abortSignal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) },
      );
      if (!started.ContactId || !started.ParticipantId || !started.ParticipantToken) {
        throw new Error('StartChatContact answered without a contact id, participant id or participant token');
      }
      logger.info('Started a chat', { contactId: started.ContactId });
      const response: StartChatResponse = {
        contactId: started.ContactId,
        participantId: started.ParticipantId,
        participantToken: started.ParticipantToken,
      };
      return answer(200, response, origin);
    } catch (error) {
      return connectFailure(error, origin, logger);
    }
  };
}

/** Connect's refusal as an HTTP answer the page can show. */
function connectFailure(error: unknown, origin: string, logger: Logger): APIGatewayProxyResult {
  const name = error instanceof Error ? error.name : 'Error';
  switch (name) {
    case 'ThrottlingException':
    case 'LimitExceededException':
      logger.warn('Connect throttled StartChatContact', { error: error as Error });
      return answer(429, { message: 'Too many chats are starting right now. Please try again in a moment.' }, origin, {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    case 'InternalServiceException':
    case 'ServiceUnavailableException':
      logger.error('Connect failed to start a chat', { error: error as Error });
      return answer(503, { message: 'The chat service is unavailable. Please try again later.' }, origin, {
        'Retry-After': String(RETRY_AFTER_SECONDS),
      });
    case 'TimeoutError':
    case 'AbortError':
      logger.error('Connect did not answer StartChatContact in time', { error: error as Error });
      return answer(504, { message: 'The chat service did not answer in time. Please try again.' }, origin);
    default:
      // Access denied, a missing flow or instance, a parameter Connect refuses: our configuration, not the browser.
      logger.error('Connect refused to start a chat', { error: error as Error });
      return answer(502, { message: `The chat service refused to start a chat (${name}).` }, origin);
  }
}

function answer(
  statusCode: number,
  body: object,
  origin: string | undefined,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...(origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }),
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** The handler Lambda runs. */
export const handler: StartChatHandler = createStartChatHandler();
