/**
 * One whole local call: a DynamoDB-compatible store on loopback with the call-memory table as deployed, the
 * fulfillment function configured against it, the Lex emulator in front of the function and the flow
 * engine walking the flow file, until the call ends.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createHandler } from '../lambda/src/handler';
import { DEFAULT_MODEL } from '../lambda/src/settings';
import { CALL_MEMORY_TABLE } from '../lib/definition/call-memory';
import type { CallEnd, CallListener } from './call-events';
import type { CallOptions } from './call-options';
import type { Caller } from './caller';
import { lockDataDir } from './data-dir-lock';
import { createCallMemoryTable, LOCAL_CREDENTIALS, startLocalDynamoDB } from './dynamodb';
import { runFlow } from './flow-engine';
import type { FulfillmentFunction } from './fulfillment-function';
import { LexBotEmulator } from './lex-emulator';
import { loadLocalFlow } from './local-resources';

/** The call-memory table's name in the local store. */
export const LOCAL_TABLE_NAME = 'chalkbot-call-memory';

const LOCAL_REGION = 'us-east-1';

export interface LocalCallIo {
  readonly caller: Caller;
  readonly listener: CallListener;
  /**
   * The function Lex calls; the real one (lambda/src/handler.ts) unless a test passes another. It reads its
   * settings from process.env at its first turn, after the call has pointed them at the local store.
   */
  readonly fulfill?: FulfillmentFunction;
}

export async function holdLocalCall(options: CallOptions, io: LocalCallIo): Promise<CallEnd> {
  // A broken flow file fails before anything starts.
  const flow = loadLocalFlow(options.flowFile);
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  try {
    const store = await startLocalDynamoDB({ path: options.dataDir });
    try {
      await createCallMemoryTable(store.endpoint, LOCAL_TABLE_NAME);
      Object.assign(process.env, localFunctionEnvironment(store.endpoint));
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
      const fulfill = io.fulfill ?? createHandler();

      const contactId = options.contactId ?? randomUUID();
      const { listener } = io;
      listener({ kind: 'notice', text: `contact ${contactId}; answers from ${describeAnswerer()}` });
      if (options.contactId) listener({ kind: 'notice', text: await describeStoredMemory(store.endpoint, contactId) });

      const bot = new LexBotEmulator({ fulfill, caller: io.caller, listener });
      const end = await runFlow(flow, {
        contactId,
        bot,
        listener,
        contactCenter: options.contactCenter,
        localeOverride: options.localeId,
      });
      if (options.dataDir) {
        listener({ kind: 'notice', text: `to go on with this call's memory: npm start -- --contact-id ${contactId}` });
      }
      return end;
    } finally {
      await store.stop();
    }
  } finally {
    release();
  }
}

/**
 * The settings the function reads, pointing it at the local store. Credentials are always fake ones, so a
 * local call never reaches AWS with a developer's real keys; the OpenAI settings stay as the user set them.
 */
export function localFunctionEnvironment(endpoint: string): Record<string, string> {
  return {
    CALL_MEMORY_TABLE: LOCAL_TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // The terminal shows the call; the function's logs only when something is wrong.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

function describeAnswerer(): string {
  const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL } = process.env;
  if (!OPENAI_API_KEY && !OPENAI_BASE_URL) return 'the offline answerer (set OPENAI_API_KEY to use OpenAI)';
  return `model ${OPENAI_MODEL || DEFAULT_MODEL} at ${OPENAI_BASE_URL ?? 'OpenAI'}`;
}

async function describeStoredMemory(endpoint: string, contactId: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: LOCAL_TABLE_NAME, Key: { [CALL_MEMORY_TABLE.partitionKey]: { S: contactId } } }),
    );
    return Item
      ? `resuming the memory stored for contact ${contactId}`
      : `nothing is stored for contact ${contactId}; the call starts with an empty memory`;
  } finally {
    client.destroy();
  }
}
