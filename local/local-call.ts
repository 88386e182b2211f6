/**
 * One whole local call: a DynamoDB-compatible store on loopback with the call-memory and orders tables as
 * deployed (the orders loaded from the --orders file, samples/orders.json by default), the fulfillment function
 * configured against it, the Lex emulator in front of the function and the flow
 * engine walking the flow file, until the call ends.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, relative } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createHandler, type HandlerOverrides } from '../lambda/src/handler';
import { embeddingsChoice, EMBEDDINGS_ENV } from '../lambda/src/knowledge/embeddings';
import { buildKnowledge, emptyKnowledge, type KnowledgeBase } from '../lambda/src/knowledge/knowledge';
import { DEFAULT_VECTOR_CACHE_DIR } from '../lambda/src/knowledge/vector-cache';
import { modelLabel } from '../lambda/src/model-settings';
import { readSettings } from '../lambda/src/settings';
import { CALL_MEMORY_TABLE } from '../lib/definition/call-memory';
import { FUNCTION_ENV } from '../lib/definition/function-settings';
import type { CallEnd, CallListener } from './call-events';
import type { CallOptions } from './call-options';
import { type Caller, withKeypad } from './caller';
import { lockDataDir } from './data-dir-lock';
import { DEFAULT_FUNCTION_LOG, routeFunctionLogs } from './function-logs';
import { putOrders, readOrdersFile } from '../tools/order-records';
import { createCallMemoryTable, createOrdersTable, LOCAL_CREDENTIALS, startLocalDynamoDB } from './dynamodb';
import { runFlow } from './flow-engine';
import type { ContactChannel } from './flow-references';
import { LexBotEmulator } from './lex-emulator';
import { loadLocalFlow } from './local-resources';
import { writeLocalTranscript } from './local-transcript';

/** The call-memory table's name in the local store. */
export const LOCAL_TABLE_NAME = 'chalkbot-call-memory';
/** The orders table's name in the local store. */
export const LOCAL_ORDERS_TABLE_NAME = 'chalkbot-orders';

const LOCAL_REGION = 'us-east-1';

export interface LocalCallIo {
  readonly caller: Caller;
  readonly listener: CallListener;
  /**
   * Laid over the local function's settings (a test points the model at its own server this way). The function
   * is always the real one (lambda/src/handler.ts), and its store client always the call's own.
   */
  readonly functionOverrides?: Omit<HandlerOverrides, 'dynamoDBClient'>;
  /** A phone call unless said otherwise (the web chat holds CHAT contacts). */
  readonly channel?: ContactChannel;
  /** Where the call's transcript is written when it ends (the CLI's `.chalkbot/transcripts`); none if absent. */
  readonly transcripts?: { readonly dir: string; readonly redact: boolean };
}

export async function holdLocalCall(options: CallOptions, io: LocalCallIo): Promise<CallEnd> {
  // A broken flow file fails before anything starts.
  // --locale is the number's default language: the caller who presses no key in the menu speaks it.
  const flow = loadLocalFlow(options.flowFile, options.localeId);
  const orders = readOrdersFile(options.ordersFile);
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  const restoreMetricsSetting = disablePowertoolsMetrics();
  const contactId = options.contactId ?? randomUUID();
  const logFile = options.logFile ?? DEFAULT_FUNCTION_LOG;
  const restoreLogs = routeFunctionLogs(
    { file: logFile, echo: options.verbose ? process.stderr : undefined },
    `contact ${contactId}`,
  );
  try {
    // Indexed while the store starts; a folder that cannot be read stops the call before it starts.
    const knowledge = Promise.resolve(io.functionOverrides?.knowledge ?? indexKnowledge(options.knowledgeDir));
    knowledge.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
    const store = await startLocalDynamoDB({ path: options.dataDir });
    const dynamoDBClient = localStoreClient(store.endpoint);
    try {
      await createCallMemoryTable(store.endpoint, LOCAL_TABLE_NAME);
      await createOrdersTable(store.endpoint, LOCAL_ORDERS_TABLE_NAME);
      await putOrders(dynamoDBClient, LOCAL_ORDERS_TABLE_NAME, orders);
      const knows = await knowledge;
      const env = { ...localFunctionEnvironment(), ...io.functionOverrides?.env };
      const fulfill = createHandler({
        // A Bedrock runtime on loopback (AWS_ENDPOINT_URL_BEDROCK_RUNTIME) gets fake credentials, as the local
        // store does; real Bedrock gets the developer's own, from the default chain.
        bedrockCredentials: isLoopback({ ...process.env, ...env }[FUNCTION_ENV.bedrockEndpointUrl])
          ? LOCAL_CREDENTIALS
          : undefined,
        ...io.functionOverrides,
        env,
        dynamoDBClient,
        knowledge: knows ?? emptyKnowledge('the local call was given no knowledge folder'),
      });

      const { listener } = io;
      listener({ kind: 'notice', text: `contact ${contactId}; answers from ${describeAnswerer(env)}` });
      listener({ kind: 'notice', text: describeKnowledge(knows, options.knowledgeDir) });
      listener({
        kind: 'notice',
        text: `the function's logs go to ${displayPath(logFile)}${options.verbose ? ' and to stderr' : ' (--verbose shows them here)'}`,
      });
      if (options.contactId) listener({ kind: 'notice', text: await describeStoredMemory(dynamoDBClient, contactId) });

      // One caller for the flow's keypad menu (a typed #2) and the bot (everything said).
      const caller = withKeypad(io.caller);
      const bot = new LexBotEmulator({ fulfill, caller, listener });
      const startedAt = new Date();
      const end = await runFlow(flow, {
        contactId,
        bot,
        listener,
        keypad: caller,
        contactCenter: options.contactCenter,
        channel: io.channel,
      });
      if (io.transcripts) {
        const call = {
          client: dynamoDBClient,
          tableName: LOCAL_TABLE_NAME,
          contactId,
          startedAt,
          end,
          channel: io.channel,
        };
        const path = await writeLocalTranscript({ ...call, ...io.transcripts });
        const show = `npm run calls -- --local show ${contactId}`;
        listener({ kind: 'notice', text: `transcript: ${relative(process.cwd(), path)} (${show})` });
      }
      if (options.dataDir) {
        listener({ kind: 'notice', text: `to go on with this call's memory: npm start -- --contact-id ${contactId}` });
      }
      return end;
    } finally {
      dynamoDBClient.destroy();
      await store.stop();
    }
  } finally {
    restoreLogs();
    restoreMetricsSetting();
    release();
  }
}

/** A path as typed from the repo root, where npm start runs, when it lies inside it. */
function displayPath(path: string): string {
  const fromRoot = relative(join(__dirname, '..'), path);
  return fromRoot.startsWith('..') || isAbsolute(fromRoot) ? path : fromRoot;
}

/**
 * The settings the function reads besides its store client, laid over process.env for this call only (the
 * process environment itself is left alone). The OpenAI settings stay as the user set them, except the secret
 * ARN: locally the key comes from OPENAI_API_KEY, and a secret would need real AWS credentials.
 */
export function localFunctionEnvironment(): Record<string, string | undefined> {
  return {
    [FUNCTION_ENV.callMemoryTable]: LOCAL_TABLE_NAME,
    [FUNCTION_ENV.ordersTable]: LOCAL_ORDERS_TABLE_NAME,
    [FUNCTION_ENV.openAiApiKeySecretArn]: undefined,
    [FUNCTION_ENV.azureOpenAiApiKeySecretArn]: undefined,
    // Bedrock is called in the function's region: the developer's, else the one the local store uses.
    [FUNCTION_ENV.awsRegion]: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? LOCAL_REGION,
    // The terminal shows the call; the function's logs only when something is wrong.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
}

/**
 * The function's DynamoDB client, pointed at the local store with fake credentials, so a local call never
 * reaches AWS with a developer's real keys. Few attempts, as the deployed function's client.
 */
function localStoreClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
}

/**
 * Powertools Metrics reads POWERTOOLS_METRICS_DISABLED from process.env only (not from the handler's env
 * overrides), and would otherwise print each turn's EMF metrics into the terminal's call. So this one variable
 * is set for the call, unless the user set it, and put back as it was when the call ends.
 */
function disablePowertoolsMetrics(): () => void {
  const name = 'POWERTOOLS_METRICS_DISABLED';
  if (process.env[name] !== undefined) return () => undefined;
  process.env[name] = 'true';
  return () => {
    delete process.env[name];
  };
}

/** The local call indexes the folder itself, as the build does for the image (same code, same index). */
async function indexKnowledge(dir: string | undefined): Promise<KnowledgeBase | undefined> {
  if (!dir) return undefined;
  return buildKnowledge(dir, {
    choice: embeddingsChoice(process.env[EMBEDDINGS_ENV]),
    vectorCacheDir: DEFAULT_VECTOR_CACHE_DIR,
  });
}

function describeKnowledge(knowledge: KnowledgeBase | undefined, dir: string | undefined): string {
  if (!knowledge) return 'no knowledge folder: answers come from the model alone';
  const { passages, faq } = knowledge.size;
  const where = dir ? relative(process.cwd(), dir) || '.' : 'the given knowledge';
  const locales = [...(knowledge.locales ?? [])].map(
    ([localeId, own]) => `, ${own.size.faq} and ${own.size.passages} in ${localeId}`,
  );
  return `knowledge: ${faq} FAQ questions and ${passages} passages from ${where}${locales.join('')}${knowledge.problem ? ` (${knowledge.problem})` : ''}`;
}

/** Which model answers, as the function will read its settings; a bad setting is left for the first turn to say. */
function describeAnswerer(env: Readonly<Record<string, string | undefined>>): string {
  const merged = { ...process.env, ...env };
  let model: ReturnType<typeof readSettings>['model'];
  try {
    model = readSettings(merged).model;
  } catch {
    return 'a model whose settings have a problem (the first answer says which)';
  }
  if (!model)
    return 'the knowledge folder alone (set OPENAI_API_KEY to use OpenAI, or MODEL_PROVIDER=bedrock or azure)';
  const where = (label: string, provider: string) =>
    provider === 'openai' && merged[FUNCTION_ENV.openAiBaseUrl]
      ? `${label} at ${merged[FUNCTION_ENV.openAiBaseUrl]}`
      : provider === 'bedrock' && merged[FUNCTION_ENV.bedrockEndpointUrl]
        ? `${label} at ${merged[FUNCTION_ENV.bedrockEndpointUrl]}`
        : label;
  const models = [model.primary, model.fallback].flatMap((chosen) =>
    chosen ? [where(modelLabel(chosen), chosen.provider)] : [],
  );
  return `model ${models.join(', falling back to ')}`;
}

function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

async function describeStoredMemory(client: DynamoDBClient, contactId: string): Promise<string> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: LOCAL_TABLE_NAME, Key: { [CALL_MEMORY_TABLE.partitionKey]: { S: contactId } } }),
  );
  return Item
    ? `resuming the memory stored for contact ${contactId}`
    : `nothing is stored for contact ${contactId}; the call starts with an empty memory`;
}
