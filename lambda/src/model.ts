/**
 * The language model's side of a turn: the prompt (a stable system prompt written for the phone, then as much
 * of the call as fits a budget, then the question) and one bounded call to an OpenAI-compatible chat model.
 */
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage, trimMessages } from '@langchain/core/messages';
import { getRetryable } from '@langchain/core/errors';
import { ChatOpenAI } from '@langchain/openai';
import { type BotDefinition, defaultLocale } from '../../lib/definition/bot';
import { languageInstructions } from './language';
import type { ModelSettings } from './settings';
import { keepToolExchangesWhole } from './tool-pairing';

/**
 * First in every prompt and never changing within a language, so providers can cache it. Written for a voice: the
 * answer is read aloud by Lex, so it must be short, spoken, and free of anything only a screen can show. The last
 * sentences name the caller's language (language.ts).
 */
export function phoneSystemPrompt(locale: BotDefinition): string {
  return `${PHONE_RULES} ${languageInstructions(locale)}`;
}

const PHONE_RULES = [
  'You are Chalkbot, a friendly assistant answering a telephone call.',
  'Everything you write is read aloud by a text-to-speech voice, so write the way a person speaks on the phone.',
  'Answer in one to three short sentences. If more detail would help, offer it instead of giving it.',
  'Use plain sentences only: no lists, no markdown, no headings, no emoji, no links or web addresses, no code.',
  'Spell out symbols and abbreviations a voice might misread.',
  'If you do not know or did not understand, say so briefly and ask the caller to rephrase.',
].join(' ');

/** The system prompt of a call in the default language (English). */
export const PHONE_SYSTEM_PROMPT = phoneSystemPrompt(defaultLocale);

/**
 * About four characters a token: cheap and good enough for a budget. (ChatOpenAI's own counter downloads a
 * tokenizer from the network at run time; a phone turn cannot wait for that.)
 */
export function estimateTokens(messages: BaseMessage[]): number {
  return messages.reduce((total, message) => total + Math.ceil(characters(message) / 4) + 4, 0);
}

/** A message's text, and for an AI message its tool calls' names and arguments, which are sent too. */
function characters(message: BaseMessage): number {
  const calls = AIMessage.isInstance(message) ? (message.tool_calls ?? []) : [];
  return calls.reduce((total, call) => total + call.name.length + JSON.stringify(call.args).length, message.text.length);
}

/**
 * System prompt, then the most recent history that fits the budget, starting on a caller's turn, then the
 * question. A long call's prompt stops growing here. A tool call is never sent without its results, nor a
 * result without its call: OpenAI refuses such a prompt with a 400.
 */
export async function buildPrompt(
  history: BaseMessage[],
  question: string,
  tokenBudget: number,
  systemPrompt: string = PHONE_SYSTEM_PROMPT,
): Promise<BaseMessage[]> {
  const system = new SystemMessage(systemPrompt);
  const asked = new HumanMessage(question);
  const trimmed = await trimMessages([system, ...keepToolExchangesWhole(history), asked], {
    maxTokens: tokenBudget,
    tokenCounter: estimateTokens,
    strategy: 'last',
    includeSystem: true,
    startOn: 'human',
  });
  // A question longer than the whole budget would be trimmed away; the model must still see it.
  const last = trimmed.at(-1);
  const keptQuestion = last !== undefined && last.type === 'human' && last.text === question;
  return keptQuestion ? trimmed : [system, asked];
}

export class ModelFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFailure';
  }
}

/**
 * A chat model with explicit, phone-sized limits (LangChain's defaults allow six retries and ten minutes). It
 * never retries by itself: askModel decides, because only it knows how much of the turn is left.
 */
export function createChatModel(settings: ModelSettings, apiKey: string): ChatOpenAI {
  return new ChatOpenAI({
    model: settings.name,
    apiKey,
    configuration: settings.baseUrl ? { baseURL: settings.baseUrl } : undefined,
    timeout: settings.requestTimeoutMs,
    maxRetries: 0,
    maxTokens: settings.maxAnswerTokens,
    // No temperature: reasoning models (o-series, gpt-5) reject any but their default.
  });
}

export interface AskOptions {
  /** Aborts at the turn's deadline for the model. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds when `signal` aborts. */
  readonly deadline: number;
  /** The timeout of one request (the model's own `timeout`). */
  readonly requestTimeoutMs: number;
  /** Retries allowed after a failed request (0 or 1). */
  readonly maxRetries: number;
}

/** Pause before a retry when the server gave no Retry-After hint: enough for a blip, short for a caller. */
const RETRY_PAUSE_MS = 250;

/**
 * Asks the model, giving up when `signal` aborts (the turn's deadline). A failed request is retried only when
 * LangChain classes the failure as retryable (not a 400 or 401, say) and a whole request still fits before the
 * deadline: a retry that would be cut off only keeps the caller in silence longer before the apology. Returns
 * the answer text, or throws a ModelFailure whose message says what went wrong (without the caller's words).
 */
export async function askModel(model: ChatRunnable, prompt: BaseMessage[], options: AskOptions): Promise<string> {
  const reply = await invokeModel(model, prompt, options);
  const text = reply.text.trim();
  if (text === '') throw new ModelFailure('the model returned an empty answer');
  return text;
}

/** What askModel and the tool loop need of a chat model (or one with tools bound): one call. */
export interface ChatRunnable {
  invoke(prompt: BaseMessage[], options: { signal: AbortSignal; maxRetries?: number }): Promise<BaseMessage>;
}

/** Asks the model as askModel does, and returns its whole reply (tool calls included). */
export async function invokeModel(model: ChatRunnable, prompt: BaseMessage[], options: AskOptions): Promise<BaseMessage> {
  const { signal } = options;
  let reply: BaseMessage | undefined;
  for (let attempt = 0; reply === undefined; attempt++) {
    try {
      reply = await untilAborted(model.invoke(prompt, { signal, maxRetries: 0 }), signal);
    } catch (error) {
      if (signal.aborted) throw new ModelFailure('the model did not answer before the turn deadline', { cause: error });
      const pauseMs = retryPause(error);
      const retryFits = Date.now() + pauseMs + options.requestTimeoutMs <= options.deadline;
      if (attempt >= options.maxRetries || getRetryable(error) === false || !retryFits) {
        throw new ModelFailure(`the model call failed: ${describe(error)}`, { cause: error });
      }
      await sleep(pauseMs, signal);
    }
  }
  return reply;
}

/** LangChain stamps a rate-limit error with the server's Retry-After as `retryAfterMs`. */
function retryPause(error: unknown): number {
  const hinted = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof hinted === 'number' && hinted >= 0 ? hinted : RETRY_PAUSE_MS;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return untilAborted(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);
}

/**
 * Settles when `work` does, or rejects as soon as `signal` aborts. LangChain aborts a request in flight, but not
 * every wait honours the signal (its own retry back-off did not), so the turn never relies on that.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * True when the server refused the API key (HTTP 401; @langchain/openai wraps openai's AuthenticationError and
 * marks it MODEL_AUTHENTICATION). Looks through `cause`, so a ModelFailure from askModel counts too.
 */
export function isKeyRejected(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const { status, lc_error_code: code } = current as { status?: unknown; lc_error_code?: unknown };
    if (status === 401 || code === 'MODEL_AUTHENTICATION') return true;
    current = current.cause;
  }
  return false;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: unknown }).status;
    return `${error.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error.message}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}
