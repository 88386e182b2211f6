/**
 * The start-chat function: what it accepts, what it passes to Connect (StartChatContact, mocked with
 * aws-sdk-client-mock) and how each refusal reaches the browser: a 400 with the reason for a bad request, a 429
 * when Connect throttles, a clear 5xx when Connect fails, never a bare 500.
 */
import {
  AccessDeniedException,
  ConnectClient,
  InternalServiceException,
  LimitExceededException,
  StartChatContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createStartChatHandler } from '../../lambda/start-chat';
import { DISPLAY_NAME_MAX_LENGTH } from '../../lib/definition/web-chat';

const ORIGIN = 'https://d111111abcdef8.cloudfront.net';
const ENV = {
  CONNECT_INSTANCE_ID: '11111111-2222-3333-4444-555555555555',
  CONTACT_FLOW_ID: '66666666-7777-8888-9999-000000000000',
  ALLOWED_ORIGIN: ORIGIN,
};

const connectMock = mockClient(ConnectClient);
const logger = new Logger({ logLevel: 'SILENT' });

function request(body: unknown, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    body: typeof body === 'string' || body === null ? body : JSON.stringify(body),
    isBase64Encoded: false,
    headers: { origin: ORIGIN },
    requestContext: { requestId: 'req-123' },
    ...overrides,
  } as APIGatewayProxyEvent;
}

function handler(env: Record<string, string | undefined> = ENV) {
  return createStartChatHandler({ env, connect: new ConnectClient({ region: 'us-east-1' }), logger });
}

beforeEach(() => {
  connectMock.reset();
  connectMock
    .on(StartChatContactCommand)
    .resolves({ ContactId: 'contact-1', ParticipantId: 'participant-1', ParticipantToken: 'token-1' });
});

test('a display name starts a chat on the configured instance and flow; the browser gets the details', async () => {
  const result = await handler()(request({ displayName: '  Ada   Lovelace ' }));

  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body)).toEqual({
    contactId: 'contact-1',
    participantId: 'participant-1',
    participantToken: 'token-1',
  });
  expect(result.headers).toMatchObject({
    'Access-Control-Allow-Origin': ORIGIN,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
  });
  const calls = connectMock.commandCalls(StartChatContactCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0].args[0].input).toEqual({
    InstanceId: ENV.CONNECT_INSTANCE_ID,
    ContactFlowId: ENV.CONTACT_FLOW_ID,
    ParticipantDetails: { DisplayName: 'Ada Lovelace' },
    ChatDurationInMinutes: 60,
    SupportedMessagingContentTypes: ['text/plain'],
    ClientToken: 'req-123',
  });
});

test('a base64-encoded body is read too', async () => {
  const body = Buffer.from(JSON.stringify({ displayName: 'Grace' })).toString('base64');
  const result = await handler()(request(body, { isBase64Encoded: true }));
  expect(result.statusCode).toBe(200);
  expect(connectMock.commandCalls(StartChatContactCommand)[0].args[0].input.ParticipantDetails).toEqual({
    DisplayName: 'Grace',
  });
});

test.each([
  ['no body', null, 'the request has no body'],
  ['an empty body', '', 'the request has no body'],
  ['a body that is not JSON', '{"displayName": "Ada"', 'the body is not JSON'],
  ['a JSON array', [], 'the body must be a JSON object'],
  ['JSON null', 'null', 'the body must be a JSON object'],
  ['no display name', {}, 'displayName must be a string'],
  ['a number as display name', { displayName: 42 }, 'displayName must be a string'],
  ['a blank display name', { displayName: '   ' }, 'displayName is empty'],
  ['an unknown field', { displayName: 'Ada', contactId: 'someone-elses' }, 'unknown field "contactId"'],
  ['a control character', { displayName: 'Ada\u0007' }, 'displayName holds control or formatting characters'],
  ['a right-to-left override', { displayName: 'Ada\u202Eevil' }, 'displayName holds control or formatting characters'],
  ['a huge body', { displayName: 'x'.repeat(5000) }, 'the body is larger than 2048 bytes'],
])('%s is a 400 with the reason, and Connect is not called', async (_name, body, reason) => {
  const result = await handler()(request(body));

  expect(result.statusCode).toBe(400);
  expect(JSON.parse(result.body)).toEqual({ message: `Bad request: ${reason}.` });
  expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': ORIGIN });
  expect(connectMock.commandCalls(StartChatContactCommand)).toHaveLength(0);
});

test(`a display name is at most ${DISPLAY_NAME_MAX_LENGTH} characters, counted as characters, not bytes`, async () => {
  const longest = 'é'.repeat(DISPLAY_NAME_MAX_LENGTH);
  expect((await handler()(request({ displayName: longest }))).statusCode).toBe(200);

  const tooLong = await handler()(request({ displayName: `${longest}e` }));
  expect(tooLong.statusCode).toBe(400);
  expect(JSON.parse(tooLong.body).message).toBe(
    `Bad request: displayName is longer than ${DISPLAY_NAME_MAX_LENGTH} characters.`,
  );
});

test('a method other than POST is a 405', async () => {
  const result = await handler()(request(null, { httpMethod: 'GET' }));
  expect(result.statusCode).toBe(405);
  expect(result.headers).toMatchObject({ Allow: 'POST' });
});

test.each([
  ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
  ['LimitExceededException', new LimitExceededException({ message: 'Too many chats', $metadata: {} })],
])('Connect throttling (%s) is a 429 with Retry-After', async (_name, error) => {
  connectMock.on(StartChatContactCommand).rejects(error);
  const result = await handler()(request({ displayName: 'Ada' }));

  expect(result.statusCode).toBe(429);
  expect(result.headers).toMatchObject({ 'Retry-After': '5', 'Access-Control-Allow-Origin': ORIGIN });
  expect(JSON.parse(result.body)).toEqual({
    message: 'Too many chats are starting right now. Please try again in a moment.',
  });
});

test('Connect refusing (access denied, wrong flow) is a 502 naming the error, not a 500', async () => {
  connectMock
    .on(StartChatContactCommand)
    .rejects(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
  const result = await handler()(request({ displayName: 'Ada' }));

  expect(result.statusCode).toBe(502);
  expect(JSON.parse(result.body)).toEqual({
    message: 'The chat service refused to start a chat (AccessDeniedException).',
  });
});

test('a Connect outage is a 503 with Retry-After', async () => {
  connectMock.on(StartChatContactCommand).rejects(new InternalServiceException({ message: 'oops', $metadata: {} }));
  const result = await handler()(request({ displayName: 'Ada' }));
  expect(result.statusCode).toBe(503);
  expect(result.headers).toMatchObject({ 'Retry-After': '5' });
});

test('Connect not answering in time is a 504', async () => {
  connectMock
    .on(StartChatContactCommand)
    .rejects(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
  const result = await handler()(request({ displayName: 'Ada' }));
  expect(result.statusCode).toBe(504);
});

test('an answer without a token is a 502, never a chat the page cannot join', async () => {
  connectMock.on(StartChatContactCommand).resolves({ ContactId: 'contact-1' });
  const result = await handler()(request({ displayName: 'Ada' }));
  expect(result.statusCode).toBe(502);
});

test('missing settings are a 500 that says the service is not configured, and Connect is not called', async () => {
  const result = await handler({ ...ENV, CONTACT_FLOW_ID: undefined })(request({ displayName: 'Ada' }));
  expect(result.statusCode).toBe(500);
  expect(JSON.parse(result.body)).toEqual({ message: 'The chat service is not configured.' });
  expect(connectMock.commandCalls(StartChatContactCommand)).toHaveLength(0);
});
