/**
 * What the function's tests and the benchmark stand on (one module both import): dynalite with the call-memory table, a counting proxy in front of it (so a
 * test sees the real DynamoDB requests a turn makes, and can make the table hang), the fake OpenAI server, and
 * Lex V2 events as Lex sends them.
 */
import { request as httpRequest, createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LexV2Event } from 'aws-lambda';
import { FALLBACK_INTENT } from '../lib/definition/bot';
import {
  createCallMemoryTable,
  createOrdersTable,
  LOCAL_CREDENTIALS,
  startLocalDynamoDB,
  type LocalDynamoDB,
} from './dynamodb';
import { startFakeOpenAI, type FakeOpenAI } from './openai-server';
import { SAMPLE_ORDERS_FILE } from '../lib/definition/orders';
import { REPO_ROOT } from '../tools/deployment';
import { putOrders, readOrdersFile } from '../tools/order-records';
import type { TurnContext } from '../lambda/src/handler';

export const TABLE = 'chalkbot-call-memory-test';
/** The orders table, loaded with the sample orders (samples/orders.json). */
export const ORDERS_TABLE_NAME = 'chalkbot-orders-test';

/** Sits between the function and dynalite: counts requests by operation, or holds them to play a dead table. */
export interface DynamoDBProxy {
  readonly endpoint: string;
  /** Operation names (GetItem, UpdateItem, ...) in the order they arrived. */
  readonly operations: string[];
  /** The same requests with their JSON bodies. */
  readonly requests: { operation: string; body: Record<string, unknown> }[];
  /** While true, requests are held and never answered. */
  hang: boolean;
  /** Requests on this table are held and never answered (the orders table down, the call memory fine). */
  hangTable: string | undefined;
  /** While true, requests are refused as DynamoDB refuses them when throttled (ProvisionedThroughputExceededException). */
  throttle: boolean;
  stop(): Promise<void>;
}

export async function startDynamoDBProxy(target: string): Promise<DynamoDBProxy> {
  const targetUrl = new URL(target);
  const proxy: Pick<DynamoDBProxy, 'operations' | 'requests' | 'hang' | 'hangTable' | 'throttle'> = {
    operations: [],
    requests: [],
    hang: false,
    hangTable: undefined,
    throttle: false,
  };
  const server: Server = createServer((incoming, outgoing) => {
    const operation =
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      proxy.operations.push(operation);
      const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      proxy.requests.push({ operation, body: parsed });
      if (proxy.hang || (proxy.hangTable !== undefined && parsed.TableName === proxy.hangTable)) return; // held until the client gives up
      if (proxy.throttle) return throttled(outgoing);
      const forward = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  });
}

/** DynamoDB's answer to a request over the table's throughput (the SDK classifies it as a throttling error). */
function throttled(outgoing: ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  });
  outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  outgoing.end(body);
}

export interface World {
  readonly dynamoDB: LocalDynamoDB;
  readonly proxy: DynamoDBProxy;
  readonly openai: FakeOpenAI;
  /** Settings for createHandler({ env }): the table, the fake model, quiet logs and metrics. */
  readonly env: Record<string, string>;
  /** Reads a call's item straight from dynalite (not through the proxy, so it is not counted). */
  readItem(callId: string): Promise<Record<string, AttributeValue> | undefined>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite, the proxy and the fake model. The AWS SDK reads its endpoint, region and credentials from
 * process.env (as in Lambda), so those are set here; the function's own settings go in `env`.
 */
export async function startWorld(): Promise<World> {
  const dynamoDB = await startLocalDynamoDB();
  await createCallMemoryTable(dynamoDB.endpoint, TABLE);
  await createOrdersTable(dynamoDB.endpoint, ORDERS_TABLE_NAME);
  const proxy = await startDynamoDBProxy(dynamoDB.endpoint);
  const openai = await startFakeOpenAI();

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;

  const reader = new DynamoDBClient({
    endpoint: dynamoDB.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  await putOrders(reader, ORDERS_TABLE_NAME, readOrdersFile(join(REPO_ROOT, SAMPLE_ORDERS_FILE)));
  return {
    dynamoDB,
    proxy,
    openai,
    env: {
      CALL_MEMORY_TABLE: TABLE,
      ORDERS_TABLE: ORDERS_TABLE_NAME,
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_API_KEY: 'test-key',
      OPENAI_MODEL: 'fake-model',
    },
    async readItem(callId) {
      const { Item } = await reader.send(
        new GetItemCommand({ TableName: TABLE, Key: { contactId: { S: callId } }, ConsistentRead: true }),
      );
      return Item;
    },
    async stop() {
      reader.destroy();
      await openai.stop();
      await proxy.stop();
      await dynamoDB.stop();
    },
  };
}

/** The messages stored for a call, as [type, content] pairs. */
export function storedMessages(item: Record<string, AttributeValue> | undefined): [string, string][] {
  return (item?.messages?.L ?? []).map((value) => [value.M?.type?.S ?? '?', value.M?.content?.S ?? '?']);
}

export interface EventOptions {
  readonly transcript?: string;
  /** The contact id the flow passes; omit for a Lex session without one. */
  readonly contactId?: string;
  readonly sessionId?: string;
  readonly intent?: string;
  readonly sessionAttributes?: Record<string, string>;
  /** The Lex locale of the turn; en_US unless a test says otherwise. */
  readonly localeId?: string;
}

/** A Lex V2 fulfillment code-hook event (format 1.0) as Lex sends it for a Connect voice call. */
export function lexEvent(options: EventOptions = {}): LexV2Event {
  const intent = options.intent ?? FALLBACK_INTENT;
  const transcript = options.transcript ?? '';
  const sessionAttributes = {
    ...(options.contactId === undefined ? {} : { contactId: options.contactId }),
    ...options.sessionAttributes,
  };
  const intentState = {
    name: intent,
    slots: {},
    state: 'ReadyForFulfillment' as const,
    confirmationState: 'None' as const,
  };
  return {
    messageVersion: '1.0',
    invocationSource: 'FulfillmentCodeHook',
    inputMode: 'Speech',
    responseContentType: 'audio/pcm',
    sessionId: options.sessionId ?? `lex-session-${options.contactId ?? 'none'}`,
    inputTranscript: transcript,
    bot: {
      id: 'BOTID12345',
      name: 'Chalkbot',
      aliasId: 'TSTALIASID',
      aliasName: 'live',
      localeId: options.localeId ?? 'en_US',
      version: 'DRAFT',
    },
    interpretations: [{ intent: intentState, nluConfidence: intent === FALLBACK_INTENT ? undefined : 0.92 }],
    proposedNextState: undefined as unknown as LexV2Event['proposedNextState'],
    requestAttributes: { 'x-amz-lex:channels:platform': 'Connect', 'x-amz-lex:accept-content-types': 'PlainText,SSML' },
    sessionState: { sessionAttributes, intent: intentState, originatingRequestId: 'req-1' },
    transcriptions: [
      { transcription: transcript, transcriptionConfidence: 0.9, resolvedContext: { intent }, resolvedSlots: {} },
    ],
  };
}

/** A Lambda context with `remainingMs` left at the start of the turn. */
export function lambdaContext(remainingMs = 20_000): TurnContext {
  const end = Date.now() + remainingMs;
  return { awsRequestId: 'test-request', getRemainingTimeInMillis: () => end - Date.now() };
}

/** The text Lex would speak. */
export function spokenText(result: { messages?: ({ content?: string } | object)[] }): string {
  const [message] = result.messages ?? [];
  return message && 'content' in message ? (message.content ?? '') : '';
}
