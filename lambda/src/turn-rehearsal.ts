/**
 * A turn played once in Lambda's init phase, with no caller and no network, so that the first caller finds the
 * turn's code compiled and warm. V8 compiles a function when it first runs and a regular expression when it is
 * first used; a first turn ran several hundred of them (LangChain's message conversion, the OpenAI client's
 * request building and response parsing, the SDK's UpdateItem serializers, the speakable cleanup's regular
 * expressions, the logger's formatting) and cost over 2.5 times a warm turn (bench: "first turn"). A compile cache
 * does not help: it keeps bytecode of what loading the bundle ran, not of what a turn runs.
 *
 * The turn is the real one (takeTurn, as the handler calls it) with stand-ins at its edges, each the real client
 * given an answer in process:
 * - the call's memory is the real DynamoDB client with a request handler that answers a GetItem with a call of one
 *   earlier turn and any write with an empty answer: serializers, signer and parsers run, nothing is sent;
 * - the model is the real chat model class of the configured provider, given a `fetch` (OpenAI, Azure) or a
 *   request handler (Bedrock) that answers a canned completion: no key, no credentials, no request;
 * - the logger formats its lines and prints none; the metrics are counted and formatted, and never written;
 * - the knowledge is empty: the real index is still loading, and looking in it is its own warm-up's work.
 *
 * Every step answers from memory, through promises only, so the whole turn runs before the event loop turns: in
 * Lambda's init phase, before the runtime can hand over the first event. Nothing here may throw, or make a cold
 * start wait: any failure ends the rehearsal quietly, and the first caller pays for what was not rehearsed.
 */
import { Readable } from 'node:stream';
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { FALLBACK_INTENT } from '../../lib/definition/bot';
import { CALL_MEMORY_TABLE } from '../../lib/definition/call-memory';
import { DynamoDBCallHistory } from './call-memory';
import { emptyKnowledge } from './knowledge/knowledge';
import { type LexV2Event, parseLexEvent } from './lex';
import type { ProviderModelSettings } from './model-settings';
import type { ModelSource } from './model-source';
import { METRICS_NAMESPACE } from './observability';
import { createAzureModel } from './providers/azure';
import { createBedrockModel } from './providers/bedrock';
import type { ModelLimits } from './providers/limits';
import { createOpenAiModel } from './providers/openai';
import type { Settings } from './settings';
import { toItemMessages } from './stored-message';
import { createToolbox } from './tools/toolset';
import { takeTurn } from './turn';

/** The rehearsal's call: a contact id never starts with '#', so no line or record can be mistaken for a call's. */
const REHEARSAL_CALL_ID = '#rehearsal';

/** What the rehearsal's caller says, and what was said before: a plain question, as most turns are. */
const QUESTION = 'Can you tell me when you are open on Saturday?';
const EARLIER = ['Hello, is this the bike shop?', 'Yes, this is the bike shop. How can I help you today?'];

/** The model's canned answer: with the markup, link and symbols a model writes and a voice must not read. */
const ANSWER =
  'Sure! On **Saturday** we are open from 9:00 to 17:00 & on Sunday we are closed. ' +
  'You can also book a repair at [our site](https://example.com/repairs).';

/** What a rehearsal did, for the tests: the answer its turn spoke, and the requests its table answered. */
interface Rehearsal {
  readonly spoken: string | undefined;
  readonly tableRequests: readonly string[];
}

/**
 * Runs the rehearsal; resolves when it is over, and never rejects: to undefined when it failed. `logger` is the
 * function's: its level says which lines a turn formats.
 */
export async function rehearseTurn(settings: Settings, logger: Logger): Promise<Rehearsal | undefined> {
  const tableRequests: string[] = [];
  let table: DynamoDBClient | undefined;
  try {
    table = inProcessTable(tableRequests);
    const client = table;
    const silent = new RehearsalLogger({ logLevel: logger.getLevelName() });
    const parsed = parseLexEvent(rehearsalEvent());
    if (!parsed.ok) return undefined;
    const metrics = new RehearsalMetrics({ namespace: METRICS_NAMESPACE });
    const model = settings.model && (await rehearsalModel(settings.model.primary, settings.model));
    const result = await takeTurn(
      parsed.turn,
      {
        settings,
        logger: silent.createChild({ persistentKeys: { contactId: REHEARSAL_CALL_ID, requestId: 'rehearsal' } }),
        metrics,
        knowledge: emptyKnowledge('the rehearsal looks nothing up'),
        tools: createToolbox(settings, {
          dynamoDB: client,
          secretsManager: () => {
            throw new Error('the rehearsal reads no secret');
          },
        }),
        memoryFor: (callId) =>
          new DynamoDBCallHistory({
            client,
            tableName: settings.callMemoryTable,
            callId,
            expirySeconds: settings.memoryExpirySeconds,
            requestTimeoutMs: settings.memoryTimeoutMs,
            maxStoredMessages: settings.maxStoredMessages,
          }),
        model: model && modelSource(model),
      },
      Date.now() + settings.turnDeadlineMs,
    );
    metrics.publishStoredMetrics();
    const spoken = result.messages?.map((message) => ('content' in message ? message.content : '')).join(' ');
    return { spoken, tableRequests };
  } catch {
    // What was not rehearsed is compiled by the first caller's turn, as without a rehearsal.
    return undefined;
  } finally {
    table?.destroy();
  }
}

/** A Lex code-hook event of the rehearsal's call, as Connect's bot would send it. */
function rehearsalEvent(): LexV2Event {
  const intent = { name: FALLBACK_INTENT, slots: {}, state: 'ReadyForFulfillment' as const, confirmationState: 'None' };
  return {
    messageVersion: '1.0',
    invocationSource: 'FulfillmentCodeHook',
    inputMode: 'Speech',
    responseContentType: 'audio/pcm',
    sessionId: REHEARSAL_CALL_ID,
    inputTranscript: QUESTION,
    bot: {
      id: 'REHEARSAL',
      name: 'rehearsal',
      aliasId: 'REHEARSAL',
      aliasName: 'rehearsal',
      localeId: 'en_US',
      version: '1',
    },
    interpretations: [{ intent }],
    proposedNextState: undefined as unknown as LexV2Event['proposedNextState'],
    requestAttributes: { 'x-amz-lex:channels:platform': 'Connect' },
    sessionState: { sessionAttributes: { contactId: REHEARSAL_CALL_ID }, intent, originatingRequestId: 'rehearsal' },
    transcriptions: [
      {
        transcription: QUESTION,
        transcriptionConfidence: 0.9,
        resolvedContext: { intent: FALLBACK_INTENT },
        resolvedSlots: {},
      },
    ],
  } as LexV2Event;
}

/**
 * The real DynamoDB client, answered in process: a GetItem finds the call with one earlier turn, a write succeeds.
 * Fake credentials: the default chain is not asked (on a laptop it might try the network).
 */
function inProcessTable(requests: string[]): DynamoDBClient {
  const storedCall = JSON.stringify({
    Item: {
      [CALL_MEMORY_TABLE.partitionKey]: { S: REHEARSAL_CALL_ID },
      messages: { L: toItemMessages([new HumanMessage(EARLIER[0]), new AIMessage(EARLIER[1])]) },
      writes: { N: '1' },
    },
  });
  return new DynamoDBClient({
    region: process.env.AWS_REGION || 'us-east-1',
    credentials: FAKE_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: answeredInProcess('application/x-amz-json-1.0', ({ headers }) => {
      const operation = headers['x-amz-target']?.split('.').at(-1) ?? '';
      requests.push(operation);
      return operation === 'GetItem' ? storedCall : '{}';
    }),
  });
}

const FAKE_CREDENTIALS = { accessKeyId: 'rehearsal', secretAccessKey: 'rehearsal' };

/**
 * An AWS SDK client's request handler that sends nothing: each request is answered here, with `answer`'s JSON, as
 * a stream (as the HTTP handler's response body is) for the client's parsers.
 */
function answeredInProcess(
  contentType: string,
  answer: (request: { headers: Record<string, string> }) => string,
): InProcessHandler {
  return {
    handle: async (request: { headers: Record<string, string> }) => ({
      response: {
        statusCode: 200,
        headers: { 'content-type': contentType },
        body: Readable.from([Buffer.from(answer(request))]),
      },
    }),
  };
}

type InProcessHandler = NonNullable<
  DynamoDBClientConfig['requestHandler'] & BedrockRuntimeClientConfig['requestHandler']
>;

/**
 * The configured provider's chat model, answered in process: OpenAI's and Azure's with a fetch that answers a
 * canned completion, Bedrock's with a request handler that answers a canned Converse response.
 */
async function rehearsalModel(model: ProviderModelSettings, limits: ModelLimits): Promise<BaseChatModel> {
  switch (model.provider) {
    case 'openai':
      return createOpenAiModel(model, 'rehearsal', limits, cannedCompletion(model.model));
    case 'azure':
      return createAzureModel(model, 'rehearsal', limits, cannedCompletion(model.deployment));
    case 'bedrock':
      return createBedrockModel(model, limits, FAKE_CREDENTIALS, answeredInProcess('application/json', cannedConverse));
  }
}

/** A chat completion as OpenAI's API answers one, made here. */
function cannedCompletion(model: string): typeof fetch {
  const completion = JSON.stringify({
    id: 'chatcmpl-rehearsal',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
  });
  return async () => new Response(completion, { status: 200, headers: { 'content-type': 'application/json' } });
}

/**
 * A Converse answer as Bedrock's runtime gives one
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
 */
function cannedConverse(): string {
  return JSON.stringify({
    output: { message: { role: 'assistant', content: [{ text: ANSWER }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 120, outputTokens: 40, totalTokens: 160 },
    metrics: { latencyMs: 1 },
  });
}

function modelSource(model: BaseChatModel): ModelSource {
  return { choices: [{ label: 'rehearsal', model: async () => model, credentialRefused: () => undefined }] };
}

/** A logger that does all a logger does but print: the turn's log lines are formatted as JSON, and dropped. */
class RehearsalLogger extends Logger {
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    JSON.stringify(log.getAttributes(), this.getJsonReplacer());
  }

  protected override createLogger(options?: ConstructorOptions): Logger {
    return new RehearsalLogger(options);
  }
}

/** Metrics published as the handler publishes them after a turn, formatted as EMF, and never written. */
class RehearsalMetrics extends Metrics {
  override publishStoredMetrics(): this {
    if (!this.isDisabled()) JSON.stringify(this.serializeMetrics());
    this.clearMetrics();
    return this;
  }
}
