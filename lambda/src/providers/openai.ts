/** OpenAI, or any server that speaks its chat-completions API (Ollama, vLLM, the tests' fake server). */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { OpenAiModelSettings } from '../model-settings';
import type { ModelLimits } from './limits';

/**
 * A chat model with explicit, phone-sized limits (LangChain's defaults allow six retries and ten minutes). It
 * never retries by itself: askModel decides, because only it knows how much of the turn is left. `fetch` replaces
 * the one it sends through (the init phase's rehearsal answers in process, turn-rehearsal.ts).
 */
export async function createOpenAiModel(
  settings: OpenAiModelSettings,
  apiKey: string,
  limits: ModelLimits,
  fetch?: typeof globalThis.fetch,
): Promise<BaseChatModel> {
  const { ChatOpenAI } = await loadOpenAiClasses();
  const configuration = { ...(settings.baseUrl ? { baseURL: settings.baseUrl } : {}), ...(fetch ? { fetch } : {}) };
  return new ChatOpenAI({
    model: settings.model,
    apiKey,
    configuration: Object.keys(configuration).length > 0 ? configuration : undefined,
    timeout: limits.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: limits.maxAnswerTokens,
    // No temperature: reasoning models (o-series, gpt-5) reject any but their default.
  });
}

/**
 * LangChain's OpenAI classes and the OpenAI client under them, loaded when a model is first made rather than when
 * the function is: they are the largest part of the bundle, and a function that answers with Bedrock, or from its
 * knowledge alone, never runs them. The model source starts this load beside the key's read, so on a cold start
 * the two overlap instead of the load delaying the read. (Bundled, they are a file of their own, which the init
 * phase of a deployment on OpenAI imports.) Kept once loaded: every turn asks for the model, and with it for this
 * load.
 */
export function loadOpenAiClasses(): Promise<typeof import('@langchain/openai')> {
  openAiClasses ??= import('@langchain/openai');
  return openAiClasses;
}

let openAiClasses: Promise<typeof import('@langchain/openai')> | undefined;
