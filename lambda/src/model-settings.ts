/**
 * Which model answers, read from the environment: the provider (OpenAI, Azure OpenAI or Amazon Bedrock), its
 * own settings, an optional fallback model, and the limits every model call keeps. Part of the function's
 * settings (settings.ts); the variable names come from lib/definition/function-settings.ts.
 */
import {
  DEFAULT_AZURE_OPENAI_API_VERSION,
  DEFAULT_BEDROCK_MODEL_ID,
  DEFAULT_MODEL_PROVIDER,
  DEFAULT_OPENAI_MODEL,
  FUNCTION_ENV,
  MODEL_PROVIDERS,
  type ModelProvider,
} from '../../lib/definition/function-settings';

/** A key for a provider that takes one: the key itself (local use) or a Secrets Manager secret (deployed). */
export interface ApiKeySettings {
  readonly apiKey?: string;
  readonly apiKeySecretArn?: string;
}

export interface OpenAiModelSettings extends ApiKeySettings {
  readonly provider: 'openai';
  /** Always explicit (LangChain's default is an old model). */
  readonly model: string;
  /** Any OpenAI-compatible server (Ollama, vLLM, the tests' fake server). */
  readonly baseUrl?: string;
}

export interface AzureModelSettings extends ApiKeySettings {
  readonly provider: 'azure';
  /** https://<resource>.openai.azure.com */
  readonly endpoint: string;
  readonly deployment: string;
  readonly apiVersion: string;
}

export interface BedrockModelSettings {
  readonly provider: 'bedrock';
  /** A model id or an inference profile id, as the Converse API takes it. */
  readonly modelId: string;
  readonly region: string;
  /** Another Bedrock runtime endpoint (a loopback server); absent means the Region's own. */
  readonly endpointUrl?: string;
}

/** One model a turn can ask, with everything its provider needs. */
export type ProviderModelSettings = OpenAiModelSettings | AzureModelSettings | BedrockModelSettings;

/** How the function reaches a language model. Absent when none is configured (the offline answerer speaks). */
export interface ModelSettings {
  readonly primary: ProviderModelSettings;
  /** Asked in the time left when the primary fails within a turn. */
  readonly fallback?: ProviderModelSettings;
  /** Time for one request to a model. */
  readonly requestTimeoutMs: number;
  /** 0 or 1: a phone caller cannot wait for more. A retry happens only if a whole request still fits the turn. */
  readonly maxRetries: number;
  /** A spoken answer is a few sentences; this bounds the time spent generating it. */
  readonly maxAnswerTokens: number;
  /** History plus question, estimated at four characters a token, sent to the model at most. */
  readonly historyTokenBudget: number;
}

/** Phone-sized: a failing model is given up after this long (see settings.ts for the turn's budget). */
export const DEFAULT_MODEL_TIMEOUT_MS = 5_000;

type Env = Readonly<Record<string, string | undefined>>;

export interface SettingReaders {
  /** The trimmed value, or undefined when unset or blank. */
  readonly text: (name: string) => string | undefined;
  readonly integer: (name: string, fallback: number, min: number, max: number) => number;
  /** Collects a problem; all of them are reported together. */
  readonly problem: (message: string) => void;
}

/** A short name for logs and messages: "bedrock us.amazon.nova-lite-v1:0". */
export function modelLabel(model: ProviderModelSettings): string {
  return `${model.provider} ${modelName(model)}`;
}

function modelName(model: ProviderModelSettings): string {
  switch (model.provider) {
    case 'openai':
      return model.model;
    case 'azure':
      return model.deployment;
    case 'bedrock':
      return model.modelId;
  }
}

/** Reads the model settings; undefined means no model is configured. Problems go to `read.problem`. */
export function readModelSettings(env: Env, read: SettingReaders): ModelSettings | undefined {
  const provider = readProvider(FUNCTION_ENV.modelProvider, read) ?? DEFAULT_MODEL_PROVIDER;
  const primary = readProviderModel(provider, undefined, env, read);
  const fallbackProvider = readProvider(FUNCTION_ENV.fallbackModelProvider, read);
  const fallbackModel = read.text(FUNCTION_ENV.fallbackModel);
  const wantsFallback = fallbackProvider !== undefined || fallbackModel !== undefined;

  if (primary === undefined) {
    if (wantsFallback) {
      read.problem(
        `${FUNCTION_ENV.fallbackModelProvider}/${FUNCTION_ENV.fallbackModel} need a primary model (${describeConfigured(provider)})`,
      );
    }
    return undefined;
  }
  const fallback = wantsFallback
    ? readProviderModel(fallbackProvider ?? provider, fallbackModel, env, read, true)
    : undefined;
  if (fallback && modelLabel(fallback) === modelLabel(primary)) {
    read.problem(
      `the fallback model is the primary model (${modelLabel(primary)}); set ${FUNCTION_ENV.fallbackModel} to another one`,
    );
  }

  return {
    primary,
    fallback,
    requestTimeoutMs: read.integer(FUNCTION_ENV.modelTimeoutMs, DEFAULT_MODEL_TIMEOUT_MS, 100, 900_000),
    maxRetries: read.integer(FUNCTION_ENV.modelMaxRetries, 1, 0, 1),
    maxAnswerTokens: read.integer(FUNCTION_ENV.maxAnswerTokens, 200, 16, 4_000),
    historyTokenBudget: read.integer(FUNCTION_ENV.historyTokenBudget, 2_000, 200, 100_000),
  };
}

function readProvider(name: string, read: SettingReaders): ModelProvider | undefined {
  const raw = read.text(name);
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if ((MODEL_PROVIDERS as readonly string[]).includes(value)) return value as ModelProvider;
  read.problem(`${name} must be one of ${MODEL_PROVIDERS.join(', ')}, got "${raw}"`);
  return undefined;
}

function describeConfigured(provider: ModelProvider): string {
  return provider === 'openai'
    ? `set ${FUNCTION_ENV.openAiApiKey}, ${FUNCTION_ENV.openAiApiKeySecretArn} or ${FUNCTION_ENV.openAiBaseUrl}`
    : `${FUNCTION_ENV.modelProvider}=${provider}`;
}

/**
 * One provider's model. `model` overrides the provider's own model setting (the fallback's FALLBACK_MODEL).
 * OpenAI counts as configured only with a key, a key secret or a server (as before providers existed); Azure
 * and Bedrock are configured by being named, and then their required settings must be there.
 */
function readProviderModel(
  provider: ModelProvider,
  model: string | undefined,
  env: Env,
  read: SettingReaders,
  isFallback = false,
): ProviderModelSettings | undefined {
  const url = (name: string) => {
    const value = read.text(name);
    if (value !== undefined && !/^https?:\/\/\S+$/.test(value))
      read.problem(`${name} must be an http(s) URL, got "${value}"`);
    return value;
  };
  const keys = (keyName: string, secretName: string): ApiKeySettings => {
    const apiKeySecretArn = read.text(secretName);
    if (apiKeySecretArn !== undefined && !apiKeySecretArn.startsWith('arn:')) {
      read.problem(`${secretName} must be a Secrets Manager ARN, got "${apiKeySecretArn}"`);
    }
    return { apiKey: read.text(keyName), apiKeySecretArn };
  };

  switch (provider) {
    case 'openai': {
      const baseUrl = url(FUNCTION_ENV.openAiBaseUrl);
      const key = keys(FUNCTION_ENV.openAiApiKey, FUNCTION_ENV.openAiApiKeySecretArn);
      if (!key.apiKey && !key.apiKeySecretArn && !baseUrl) {
        if (isFallback) read.problem(`the OpenAI fallback needs ${describeConfigured('openai')}`);
        return undefined;
      }
      return { provider, model: model ?? read.text(FUNCTION_ENV.openAiModel) ?? DEFAULT_OPENAI_MODEL, baseUrl, ...key };
    }
    case 'azure': {
      const endpoint = url(FUNCTION_ENV.azureOpenAiEndpoint);
      const deployment = model ?? read.text(FUNCTION_ENV.azureOpenAiDeployment);
      const key = keys(FUNCTION_ENV.azureOpenAiApiKey, FUNCTION_ENV.azureOpenAiApiKeySecretArn);
      const missing = [
        endpoint ? undefined : FUNCTION_ENV.azureOpenAiEndpoint,
        deployment
          ? undefined
          : isFallback
            ? `${FUNCTION_ENV.fallbackModel} or ${FUNCTION_ENV.azureOpenAiDeployment}`
            : FUNCTION_ENV.azureOpenAiDeployment,
        key.apiKey || key.apiKeySecretArn
          ? undefined
          : `${FUNCTION_ENV.azureOpenAiApiKey} or ${FUNCTION_ENV.azureOpenAiApiKeySecretArn}`,
      ].filter((name) => name !== undefined);
      if (missing.length > 0) {
        read.problem(`Azure OpenAI needs ${missing.join(', ')}`);
        return undefined;
      }
      const apiVersion = read.text(FUNCTION_ENV.azureOpenAiApiVersion) ?? DEFAULT_AZURE_OPENAI_API_VERSION;
      return { provider, endpoint: endpoint!, deployment: deployment!, apiVersion, ...key };
    }
    case 'bedrock': {
      // Lambda sets AWS_REGION; a laptop may only have the CLI's AWS_DEFAULT_REGION.
      const region = read.text(FUNCTION_ENV.awsRegion) ?? env.AWS_DEFAULT_REGION?.trim();
      if (!region) {
        read.problem(`Amazon Bedrock needs a region (${FUNCTION_ENV.awsRegion})`);
        return undefined;
      }
      const modelId = model ?? read.text(FUNCTION_ENV.bedrockModelId) ?? DEFAULT_BEDROCK_MODEL_ID;
      if (/\s/.test(modelId)) read.problem(`the Bedrock model id must not contain spaces, got "${modelId}"`);
      return { provider, modelId, region, endpointUrl: url(FUNCTION_ENV.bedrockEndpointUrl) };
    }
  }
}
