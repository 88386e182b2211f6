/**
 * The key for an index built with OpenAI's embeddings (`EMBEDDINGS=openai`): each caller's question is embedded by
 * OpenAI, with the function's own OpenAI key, from OPENAI_API_KEY on a laptop or, deployed, from the key's
 * Secrets Manager secret. Read when the first question is embedded and kept as the chat model's key is
 * (api-key.ts), so a key set or rotated after the deploy reaches warm functions too.
 */
import { FUNCTION_ENV } from '../../../lib/definition/function-settings';
import { ApiKeyProvider, type SecretsManagerClientSource } from '../api-key';
import { keySource } from '../model-source';
import type { RemoteEmbeddingsOptions } from './embeddings';

/** The first read of the key's secret may take this long: it happens within a caller's turn. */
const KEY_READ_TIMEOUT_MS = 2_000;

/** What OpenAI embeddings need from the function's environment; nothing is read until a question is embedded. */
export function openAiEmbeddingsOptions(
  env: Readonly<Record<string, string | undefined>>,
  secretsManager: SecretsManagerClientSource,
): RemoteEmbeddingsOptions {
  const settings = {
    apiKey: env[FUNCTION_ENV.openAiApiKey]?.trim() || undefined,
    apiKeySecretArn: env[FUNCTION_ENV.openAiApiKeySecretArn]?.trim() || undefined,
  };
  const keys = new ApiKeyProvider(keySource(settings, { secretsManager }));
  return {
    openAiApiKey: () => keys.get(KEY_READ_TIMEOUT_MS),
    openAiBaseUrl: env[FUNCTION_ENV.openAiBaseUrl]?.trim() || undefined,
  };
}
