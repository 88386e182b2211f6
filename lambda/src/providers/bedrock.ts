/**
 * Amazon Bedrock through the Converse API (`POST /model/{modelId}/converse`): LangChain's ChatBedrockConverse
 * on a Bedrock runtime client we build, because only the client has the settings a phone turn needs (the
 * LangChain class has no timeout, and the SDK's default retries three times). No key: the function role's
 * credentials, in the function's region.
 */
import type { BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BedrockModelSettings } from '../model-settings';
import type { ModelLimits } from './limits';

/**
 * Loaded at the first Bedrock turn, not at cold start: @langchain/aws brings the Bedrock runtime SDK, which a
 * function answering with OpenAI never needs.
 */
export async function createBedrockModel(
  settings: BedrockModelSettings,
  limits: ModelLimits,
  credentials?: BedrockRuntimeClientConfig['credentials'],
  /** Replaces the HTTP handler (the init phase's rehearsal answers in process, turn-rehearsal.ts). */
  requestHandler?: BedrockRuntimeClientConfig['requestHandler'],
): Promise<BaseChatModel> {
  const [{ BedrockRuntimeClient }, { ChatBedrockConverse }] = await Promise.all([
    import('@aws-sdk/client-bedrock-runtime'),
    import('@langchain/aws'),
  ]);
  const client = new BedrockRuntimeClient({
    region: settings.region,
    endpoint: settings.endpointUrl,
    credentials,
    // One attempt: askModel retries at most once, and only when a whole request still fits the turn.
    maxAttempts: 1,
    // The client's default handler speaks HTTP/2; its requestTimeout ends a request with no answer in that long
    // (a TimeoutError), where HTTP/1's only logs a warning unless told to throw.
    requestHandler: requestHandler ?? { requestTimeout: limits.requestTimeoutMs },
  });
  return new ChatBedrockConverse({
    client,
    model: settings.modelId,
    region: settings.region,
    maxTokens: limits.maxAnswerTokens,
    maxRetries: 0,
  });
}
