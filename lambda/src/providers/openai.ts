/** OpenAI, or any server that speaks its chat-completions API (Ollama, vLLM, the tests' fake server). */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import type { OpenAiModelSettings } from '../model-settings';
import type { ModelLimits } from './limits';

/**
 * A chat model with explicit, phone-sized limits (LangChain's defaults allow six retries and ten minutes). It
 * never retries by itself: askModel decides, because only it knows how much of the turn is left.
 */
export function createOpenAiModel(settings: OpenAiModelSettings, apiKey: string, limits: ModelLimits): BaseChatModel {
  return new ChatOpenAI({
    model: settings.model,
    apiKey,
    configuration: settings.baseUrl ? { baseURL: settings.baseUrl } : undefined,
    timeout: limits.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: limits.maxAnswerTokens,
    // No temperature: reasoning models (o-series, gpt-5) reject any but their default.
  });
}
