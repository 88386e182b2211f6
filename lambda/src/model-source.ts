/**
 * The one place that builds "the model for this turn", whatever the provider: OpenAI, Azure OpenAI or Amazon
 * Bedrock (one small file each under providers/), and the fallback model asked when the first fails. The turn
 * never sees a provider: it gets LangChain chat models, in the order to ask them.
 *
 * Building the source is cheap and touches nothing: a model is made at the first turn that asks for it (a key is
 * read from Secrets Manager then), and kept until its key changes or is refused.
 */
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type ApiKeySource, ApiKeyProvider, type SecretsManagerClientSource } from './api-key';
import { type ApiKeySettings, type ModelSettings, modelLabel, type ProviderModelSettings } from './model-settings';
import { createAzureModel } from './providers/azure';
import { createBedrockModel } from './providers/bedrock';
import type { ModelLimits } from './providers/limits';
import { createOpenAiModel, loadOpenAiClasses } from './providers/openai';

/** One model a turn may ask. */
export interface ModelChoice {
  /** "openai gpt-4o-mini", for logs. */
  readonly label: string;
  /** The chat model, ready to use (a key, if the provider takes one, read within `timeoutMs`). */
  model(timeoutMs: number): Promise<BaseChatModel>;
  /** The server refused the credential: build the model again with a fresh key next time. */
  credentialRefused(): void;
}

export interface ModelSource {
  /** The models to ask in a turn, in order: the primary, then the fallback when one is configured. */
  readonly choices: readonly ModelChoice[];
}

/** The clients the source shares with the rest of the function, and what the local call may replace. */
export interface ModelSourceClients {
  /** Made at the first read of a key secret. */
  readonly secretsManager: SecretsManagerClientSource;
  /** Credentials for Bedrock instead of the default chain (the local call's fake ones for a loopback server). */
  readonly bedrockCredentials?: BedrockRuntimeClientConfig['credentials'];
}

export function createModelSource(settings: ModelSettings, clients: ModelSourceClients): ModelSource {
  const limits: ModelLimits = {
    requestTimeoutMs: settings.requestTimeoutMs,
    maxAnswerTokens: settings.maxAnswerTokens,
  };
  const choice = (model: ProviderModelSettings) => createChoice(model, limits, clients);
  return {
    choices: settings.fallback ? [choice(settings.primary), choice(settings.fallback)] : [choice(settings.primary)],
  };
}

function createChoice(settings: ProviderModelSettings, limits: ModelLimits, clients: ModelSourceClients): ModelChoice {
  const label = modelLabel(settings);
  switch (settings.provider) {
    case 'openai':
      return keyedChoice(
        label,
        keySource(settings, clients),
        (apiKey) => createOpenAiModel(settings, apiKey, limits),
        loadOpenAiClasses,
      );
    case 'azure':
      return keyedChoice(
        label,
        keySource(settings, clients),
        (apiKey) => createAzureModel(settings, apiKey, limits),
        loadOpenAiClasses,
      );
    case 'bedrock': {
      // No key: the role's credentials, which the SDK refreshes itself. A refused call is logged by the caller.
      let model: Promise<BaseChatModel> | undefined;
      return {
        label,
        model: () => {
          model ??= createBedrockModel(settings, limits, clients.bedrockCredentials);
          model.catch(() => (model = undefined));
          return model;
        },
        credentialRefused: () => undefined,
      };
    }
  }
}

export function keySource(settings: ApiKeySettings, clients: ModelSourceClients): ApiKeySource {
  if (settings.apiKey) return { kind: 'value', apiKey: settings.apiKey };
  if (settings.apiKeySecretArn)
    return { kind: 'secret', secretArn: settings.apiKeySecretArn, client: clients.secretsManager };
  return { kind: 'none' };
}

/**
 * A provider that takes a key: the model is made once its key is known, and again whenever the key read changes.
 * A refused key is forgotten with the model built on it, so the next turn reads the secret again. The provider's
 * code is loaded while the key is read (`load`), so neither waits for the other.
 */
function keyedChoice(
  label: string,
  source: ApiKeySource,
  build: (apiKey: string) => Promise<BaseChatModel>,
  load: () => Promise<unknown>,
): ModelChoice {
  const keys = new ApiKeyProvider(source);
  let current: { readonly apiKey: string; readonly model: Promise<BaseChatModel> } | undefined;
  return {
    label,
    async model(timeoutMs) {
      const [apiKey] = await Promise.all([keys.get(timeoutMs), load()]);
      if (current?.apiKey !== apiKey) {
        const model = build(apiKey);
        current = { apiKey, model };
        // A model that could not be made is made again at the next ask, not remembered as failed.
        model.catch(() => {
          if (current?.model === model) current = undefined;
        });
      }
      return current.model;
    },
    credentialRefused() {
      keys.forget();
      current = undefined;
    },
  };
}
