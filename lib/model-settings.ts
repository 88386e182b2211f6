/**
 * Which model the deployed function asks, as the deployer chooses it in `cdk.json` context: the provider
 * (`modelProvider`: openai, azure, bedrock), each provider's model, and an optional fallback. Switching provider
 * is this one line and a deploy. The stack turns the choice into the function's environment (the names in
 * lib/definition/function-settings.ts), the secrets a provider needs, and the Bedrock permissions.
 */
import {
  DEFAULT_AZURE_OPENAI_API_VERSION,
  DEFAULT_BEDROCK_MODEL_ID,
  DEFAULT_MODEL_PROVIDER,
  MODEL_PROVIDERS,
  type ModelProvider,
} from './definition/function-settings';

/** One model: the provider and its own name for it (OpenAI model, Azure deployment or Bedrock model id). */
export interface DeployedModel {
  readonly provider: ModelProvider;
  readonly model: string;
}

export interface DeployedModels {
  readonly primary: DeployedModel;
  readonly fallback?: DeployedModel;
  /** The Azure OpenAI resource, when Azure is the primary or the fallback. */
  readonly azure?: { readonly endpoint: string; readonly apiVersion: string };
}

/** The context keys, spelled once (lib/settings.ts adds them to its own). */
export const MODEL_SETTING_KEYS = {
  modelProvider: 'modelProvider',
  bedrockModelId: 'bedrockModelId',
  azureOpenAiEndpoint: 'azureOpenAiEndpoint',
  azureOpenAiDeployment: 'azureOpenAiDeployment',
  azureOpenAiApiVersion: 'azureOpenAiApiVersion',
  fallbackModelProvider: 'fallbackModelProvider',
  fallbackModel: 'fallbackModel',
} as const;

export const MODEL_SETTING_DEFAULTS = {
  modelProvider: DEFAULT_MODEL_PROVIDER,
  bedrockModelId: DEFAULT_BEDROCK_MODEL_ID,
  azureOpenAiApiVersion: DEFAULT_AZURE_OPENAI_API_VERSION,
};

/**
 * A Bedrock foundation model id (`amazon.nova-lite-v1:0`) or a cross-Region inference profile id
 * (`us.amazon.nova-lite-v1:0`). ARNs (provisioned throughput, application inference profiles) are refused: the
 * stack could not know which foundation models to grant for them.
 */
const BEDROCK_MODEL_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+:\d+(:[a-z0-9]+)?$/;

type Read = (key: keyof typeof MODEL_SETTING_KEYS) => string | undefined;

/** Reads the model choice; `openAiModel` is the existing `openAiModel` setting. Problems go to `problems`. */
export function readModelChoice(read: Read, openAiModel: string, problems: string[]): DeployedModels {
  const provider = (key: 'modelProvider' | 'fallbackModelProvider'): ModelProvider | undefined => {
    const value = read(key)?.toLowerCase();
    if (value === undefined || (MODEL_PROVIDERS as readonly string[]).includes(value))
      return value as ModelProvider | undefined;
    problems.push(`${key} "${read(key)}" must be one of ${MODEL_PROVIDERS.join(', ')}`);
    return undefined;
  };
  const bedrockModelId = read('bedrockModelId') ?? MODEL_SETTING_DEFAULTS.bedrockModelId;
  const deployment = read('azureOpenAiDeployment');
  const modelOf = (chosen: ModelProvider): string | undefined =>
    chosen === 'openai' ? openAiModel : chosen === 'bedrock' ? bedrockModelId : deployment;

  const primaryProvider = provider('modelProvider') ?? MODEL_SETTING_DEFAULTS.modelProvider;
  const primary = { provider: primaryProvider, model: modelOf(primaryProvider) ?? '' };
  const fallbackProvider = provider('fallbackModelProvider');
  const fallbackModel = read('fallbackModel');
  const wantsFallback = fallbackProvider !== undefined || fallbackModel !== undefined;
  const fallbackOf = fallbackProvider ?? primaryProvider;
  const fallback = wantsFallback
    ? { provider: fallbackOf, model: fallbackModel ?? modelOf(fallbackOf) ?? '' }
    : undefined;

  if (fallback && fallback.provider === primary.provider && fallback.model === primary.model) {
    problems.push(
      `fallbackModel: the fallback is the primary model (${primary.provider} ${primary.model}); name another model`,
    );
  }
  for (const model of [primary, fallback]) {
    if (model?.provider === 'bedrock' && !BEDROCK_MODEL_ID.test(model.model)) {
      problems.push(
        `the Bedrock model "${model.model}" must be a model id or inference profile id such as ${DEFAULT_BEDROCK_MODEL_ID}`,
      );
    }
    if (model?.provider === 'azure' && model.model === '')
      problems.push('Azure OpenAI needs azureOpenAiDeployment (or fallbackModel)');
    if (model && /\s/.test(model.model)) problems.push(`the model "${model.model}" must not contain spaces`);
  }

  const usesAzure = primary.provider === 'azure' || fallback?.provider === 'azure';
  const endpoint = read('azureOpenAiEndpoint');
  if (usesAzure && endpoint === undefined)
    problems.push('Azure OpenAI needs azureOpenAiEndpoint (https://<resource>.openai.azure.com)');
  if (endpoint !== undefined && !/^https:\/\/\S+$/.test(endpoint))
    problems.push(`azureOpenAiEndpoint "${endpoint}" must be an https URL`);
  const apiVersion = read('azureOpenAiApiVersion') ?? MODEL_SETTING_DEFAULTS.azureOpenAiApiVersion;
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion))
    problems.push(`azureOpenAiApiVersion "${apiVersion}" must look like 2024-10-21`);

  return { primary, fallback, azure: usesAzure && endpoint ? { endpoint, apiVersion } : undefined };
}

/** Whether the primary or the fallback is of this provider. */
export function usesProvider(models: DeployedModels, provider: ModelProvider): boolean {
  return models.primary.provider === provider || models.fallback?.provider === provider;
}
