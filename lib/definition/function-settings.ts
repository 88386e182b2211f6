/**
 * The fulfillment function's settings as the rest of the app must name them: the environment variables it reads,
 * its defaults that other parts show or rely on, and Lex's message limit. The function, the stack that sets its
 * environment and the local call all read this one module, so a renamed variable cannot drift between them.
 *
 * Pure data: no AWS CDK, no SDK imports. The function's bundle includes it.
 */
import { botDefinition } from './bot';

/** Every environment variable the function reads (besides the AWS SDK's and Powertools' own). */
export const FUNCTION_ENV = {
  /** The call-memory DynamoDB table name. Required. */
  callMemoryTable: 'CALL_MEMORY_TABLE',
  /** Seconds a call's memory is kept after its last turn. */
  callMemoryExpirySeconds: 'CALL_MEMORY_EXPIRY_SECONDS',
  /** Messages kept per call; older ones are dropped when a write would pass it (DynamoDB items stop at 400 KB). */
  maxStoredMessages: 'MAX_STORED_MESSAGES',
  /** Timeout of each DynamoDB request, milliseconds. */
  memoryTimeoutMs: 'MEMORY_TIMEOUT_MS',
  /** Which provider answers: one of MODEL_PROVIDERS; `openai` when unset. */
  modelProvider: 'MODEL_PROVIDER',
  /** Optional: the provider asked when the first fails within a turn (defaults to MODEL_PROVIDER's). */
  fallbackModelProvider: 'FALLBACK_MODEL_PROVIDER',
  /** Optional: the fallback's model (OpenAI model, Azure deployment or Bedrock model id). */
  fallbackModel: 'FALLBACK_MODEL',
  /** The OpenAI key itself: local use only. */
  openAiApiKey: 'OPENAI_API_KEY',
  /** Deployed: the ARN of the Secrets Manager secret holding the key. */
  openAiApiKeySecretArn: 'OPENAI_API_KEY_SECRET_ARN',
  /** Any OpenAI-compatible server. */
  openAiBaseUrl: 'OPENAI_BASE_URL',
  openAiModel: 'OPENAI_MODEL',
  /** Azure OpenAI: the resource's endpoint, e.g. https://<resource>.openai.azure.com. */
  azureOpenAiEndpoint: 'AZURE_OPENAI_ENDPOINT',
  /** Azure OpenAI: the deployment to ask (Azure routes by deployment, not by model name). */
  azureOpenAiDeployment: 'AZURE_OPENAI_DEPLOYMENT',
  azureOpenAiApiVersion: 'AZURE_OPENAI_API_VERSION',
  /** The Azure OpenAI key itself: local use only. */
  azureOpenAiApiKey: 'AZURE_OPENAI_API_KEY',
  /** Deployed: the ARN of the Secrets Manager secret holding the Azure OpenAI key. */
  azureOpenAiApiKeySecretArn: 'AZURE_OPENAI_API_KEY_SECRET_ARN',
  /** Amazon Bedrock: a model id or a (cross-Region) inference profile id. */
  bedrockModelId: 'BEDROCK_MODEL_ID',
  /** The AWS SDK's own name for another Bedrock runtime endpoint (a loopback server locally and in tests). */
  bedrockEndpointUrl: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
  /** Set by Lambda: Bedrock is called in the function's own region. */
  awsRegion: 'AWS_REGION',
  /** Timeout of one model request, milliseconds. */
  modelTimeoutMs: 'MODEL_TIMEOUT_MS',
  /** 0 or 1. */
  modelMaxRetries: 'MODEL_MAX_RETRIES',
  maxAnswerTokens: 'MAX_ANSWER_TOKENS',
  historyTokenBudget: 'HISTORY_TOKEN_BUDGET',
  /** The longest a turn may take, milliseconds. */
  turnDeadlineMs: 'TURN_DEADLINE_MS',
  lambdaSafetyMarginMs: 'LAMBDA_SAFETY_MARGIN_MS',
  /** Spoken answers are cut at a sentence within this many characters. */
  maxSpokenChars: 'MAX_SPOKEN_CHARS',
  /** The stack's orders table, where look_up_order reads (lib/definition/orders.ts). */
  ordersTable: 'ORDERS_TABLE',
  /** Instead of the table: the business's HTTPS API, a URL with `{orderId}` in it. Wins over ORDERS_TABLE. */
  orderLookupUrl: 'ORDER_LOOKUP_URL',
  /** The API's bearer token itself: local use only. */
  orderLookupToken: 'ORDER_LOOKUP_TOKEN',
  /** Deployed: the ARN of a Secrets Manager secret holding the API's bearer token. */
  orderLookupTokenSecretArn: 'ORDER_LOOKUP_TOKEN_SECRET_ARN',
  /** Timeout of one tool call, milliseconds. */
  toolTimeoutMs: 'TOOL_TIMEOUT_MS',
  /**
   * A folder holding a built knowledge index (what `npm run build` writes); default: the one beside the bundle.
   * For the build itself, KNOWLEDGE_DIR is the folder of documents it indexes (default: knowledge/).
   */
  knowledgeDir: 'KNOWLEDGE_DIR',
} as const;

/**
 * The function's Lambda timeout, deployed and in the local call. Lex gives up after
 * `fulfillmentUpdates.timeoutSeconds` and speaks its timeout line; the function must end before that, so a late
 * answer is never thrown away mid-write.
 */
export const FUNCTION_TIMEOUT_SECONDS = botDefinition.fulfillmentUpdates.timeoutSeconds - 5;

/** The providers the function can ask (MODEL_PROVIDER, FALLBACK_MODEL_PROVIDER). */
export const MODEL_PROVIDERS = ['openai', 'azure', 'bedrock'] as const;
export type ModelProvider = (typeof MODEL_PROVIDERS)[number];
export const DEFAULT_MODEL_PROVIDER: ModelProvider = 'openai';

/** The model used when OPENAI_MODEL is unset. */
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/**
 * The Bedrock model used when BEDROCK_MODEL_ID is unset: the US cross-Region inference profile of Amazon Nova
 * Lite, among the fastest small models on phone turns (notes/capabilities.md). It can be called from us-east-1,
 * us-east-2 and us-west-2 and routes to those three Regions; elsewhere set the geography's own profile
 * (`eu.amazon.nova-lite-v1:0`, `apac.amazon.nova-lite-v1:0`). Source:
 * https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
export const DEFAULT_BEDROCK_MODEL_ID = 'us.amazon.nova-lite-v1:0';

/** The Azure OpenAI data-plane API version used when AZURE_OPENAI_API_VERSION is unset (the current GA one). */
export const DEFAULT_AZURE_OPENAI_API_VERSION = '2024-10-21';

/** The Lex runtime rejects a plain-text message longer than this. */
export const LEX_MAX_MESSAGE_CHARS = 1024;

/**
 * The most text a client may send Lex in one turn (RecognizeText `text`: 1 to 1024 characters,
 * https://docs.aws.amazon.com/lexv2/latest/APIReference/API_runtime_RecognizeText.html).
 */
export const LEX_MAX_INPUT_CHARS = 1024;

/** Powertools service name (POWERTOOLS_SERVICE_NAME) and metrics namespace of the function, deployed and local. */
export const FUNCTION_SERVICE_NAME = 'chalkbot';
export const FUNCTION_METRICS_NAMESPACE = 'Chalkbot';
