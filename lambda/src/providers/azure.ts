/**
 * Azure OpenAI: LangChain's AzureChatOpenAI, which calls
 * `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version}` with the key in an
 * `api-key` header (https://learn.microsoft.com/azure/ai-services/openai/reference).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AzureModelSettings } from '../model-settings';
import type { ModelLimits } from './limits';
import { loadOpenAiClasses } from './openai';

export async function createAzureModel(
  settings: AzureModelSettings,
  apiKey: string,
  limits: ModelLimits,
  /** Replaces the fetch it sends through (the init phase's rehearsal answers in process, turn-rehearsal.ts). */
  fetch?: typeof globalThis.fetch,
): Promise<BaseChatModel> {
  const { AzureChatOpenAI } = await loadOpenAiClasses();
  return new AzureChatOpenAI({
    ...(fetch ? { configuration: { fetch } } : {}),
    azureOpenAIEndpoint: settings.endpoint.replace(/\/+$/, ''),
    azureOpenAIApiDeploymentName: settings.deployment,
    azureOpenAIApiVersion: settings.apiVersion,
    azureOpenAIApiKey: apiKey,
    // Azure routes by deployment; the name is also what LangChain reports as the model.
    model: settings.deployment,
    // As for OpenAI: explicit limits, and no retries of its own (askModel decides).
    timeout: limits.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: limits.maxAnswerTokens,
  });
}
