/**
 * The language model's side of a turn: the prompt (a stable system prompt written for the phone, then as much
 * of the call as fits a budget, then the question) and bounded calls to the model source's chat models: the
 * primary, then the fallback in the time left.
 */
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { getRetryable } from '@langchain/core/errors';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type BotDefinition, defaultLocale } from '../../lib/definition/bot';
import { newestThatFit, type TokenCounter } from './history-budget';
import { languageInstructions } from './language';
import type { ModelSource } from './model-source';
import { keepToolExchangesWhole } from './tool-pairing';
import { KNOWLEDGE_INSTRUCTIONS } from './knowledge/grounding';

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
  'If you did not understand, say so briefly and ask the caller to rephrase.',
  KNOWLEDGE_INSTRUCTIONS,
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
  return calls.reduce(
    (total, call) => total + call.name.length + JSON.stringify(call.args).length,
    message.text.length,
  );
}

/**
 * System prompt, then the most recent history that fits the budget, starting on a caller's turn, then the
 * `context` (the passages found for the question) as a system message, then the question. A long call's prompt
 * stops growing here, and the context wins over old turns: they share the budget, and history is what gets
 * trimmed. The context sits next to the question, after the history, so that everything before it can be cached.
 * A tool call is never sent without its results, nor a result without its call: OpenAI refuses such a prompt.
 * The trim is linear in the history (history-budget.ts says why it is not LangChain's trimMessages).
 */
export function buildPrompt(
  history: BaseMessage[],
  question: string,
  tokenBudget: number,
  systemPrompt: string = PHONE_SYSTEM_PROMPT,
  context?: string,
  countTokens: TokenCounter = estimateTokens,
): BaseMessage[] {
  const system = new SystemMessage(systemPrompt);
  const asked = new HumanMessage(question);
  const passages = context ? [new SystemMessage(context)] : [];
  const maxTokens = tokenBudget - countTokens(passages);
  const trimmed = newestThatFit(system, [...keepToolExchangesWhole(history), asked], maxTokens, countTokens);
  // A question longer than the whole budget would be trimmed away; the model must still see it.
  const keptQuestion = trimmed.at(-1) === asked;
  return [...(keptQuestion ? trimmed.slice(0, -1) : [system]), ...passages, asked];
}

export class ModelFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFailure';
  }
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

export interface ModelsAnswer<T> {
  readonly answer: T;
  /** Which model answered ("bedrock us.amazon.nova-lite-v1:0"). */
  readonly answeredBy: string;
  /** What went wrong with the models asked before it (the primary, when the fallback answered). */
  readonly failures: readonly string[];
}

/**
 * Asks the source's models in order until one answers, giving up at `deadline`: `ask` gets each chat model
 * (to bind tools to, and call with `invokeModel`) and the options for its calls. The primary gets its own
 * request timeout; when it fails (an error, a timeout, a refused key) the fallback is asked in the time left.
 * The one retry allowed goes to the last model only: with a fallback, a second model is a better use of the
 * caller's silence than the same failing one again. Throws a ModelFailure saying what went wrong with each
 * model (without the caller's words).
 *
 * Not LangChain's `withFallbacks`: it hands both models one abort signal and one retry policy, so it could not
 * keep the retry for the last model only, nor forget a key the server refused; and a tool loop has to run
 * whole against one model before the other is tried, which a fallback around a single model call cannot do.
 */
export async function askModels<T>(
  source: ModelSource,
  limits: Pick<AskOptions, 'deadline' | 'requestTimeoutMs' | 'maxRetries'>,
  ask: (model: BaseChatModel, options: AskOptions) => Promise<T>,
): Promise<ModelsAnswer<T>> {
  const failures: string[] = [];
  let lastError: unknown;
  for (const [index, choice] of source.choices.entries()) {
    const timeLeft = limits.deadline - Date.now();
    if (timeLeft <= 0) {
      failures.push(`${choice.label}: no time left before the turn deadline`);
      break;
    }
    const signal = AbortSignal.timeout(timeLeft);
    const maxRetries = index === source.choices.length - 1 ? limits.maxRetries : 0;
    try {
      const model = await untilAborted(choice.model(timeLeft), signal);
      const answer = await ask(model, { ...limits, signal, maxRetries });
      return { answer, answeredBy: choice.label, failures };
    } catch (error) {
      lastError = error;
      if (isCredentialRefused(error)) choice.credentialRefused();
      failures.push(`${choice.label}: ${signal.aborted ? 'did not answer before the turn deadline' : describe(error)}`);
    }
  }
  throw new ModelFailure(`no model answered (${failures.join('; ')})`, { cause: lastError });
}

/** What the tool loop needs of a chat model (or one with tools bound): one call. */
export interface ChatRunnable {
  invoke(prompt: BaseMessage[], options: { signal: AbortSignal; maxRetries?: number }): Promise<BaseMessage>;
}

/**
 * Asks one model, giving up when `signal` aborts (the turn's deadline), and returns its whole reply (tool calls
 * included). A failed request is retried only when the failure may pass (not a 400 or 401, say) and a whole
 * request still fits before the deadline: a retry that would be cut off only keeps the caller in silence longer
 * before the apology. Throws a ModelFailure whose message says what went wrong (without the caller's words).
 */
export async function invokeModel(
  model: ChatRunnable,
  prompt: BaseMessage[],
  options: AskOptions,
): Promise<BaseMessage> {
  const { signal } = options;
  let reply: BaseMessage | undefined;
  for (let attempt = 0; reply === undefined; attempt++) {
    try {
      reply = await untilAborted(model.invoke(prompt, { signal, maxRetries: 0 }), signal);
    } catch (error) {
      if (signal.aborted) throw new ModelFailure('the model did not answer before the turn deadline', { cause: error });
      const pauseMs = retryPause(error);
      const retryFits = Date.now() + pauseMs + options.requestTimeoutMs <= options.deadline;
      if (attempt >= options.maxRetries || !mayPass(error) || !retryFits) {
        throw new ModelFailure(`the model call failed: ${describe(error)}`, { cause: error });
      }
      await sleep(pauseMs, signal);
    }
  }
  return reply;
}

/**
 * Whether trying again may help: LangChain's own verdict when it gave one (ChatOpenAI stamps its errors), else
 * the HTTP status (the Bedrock SDK's errors carry it in `$metadata`): a timeout, a rate limit or a server error
 * may pass, any other refusal will not.
 */
function mayPass(error: unknown): boolean {
  const verdict = getRetryable(error);
  if (verdict !== undefined) return verdict;
  const status = httpStatus(error);
  return status === undefined || status === 408 || status === 429 || status >= 500;
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
 * True when the server refused the credential: HTTP 401 (a wrong key; @langchain/openai marks it
 * MODEL_AUTHENTICATION) or 403 (Bedrock's AccessDeniedException, UnrecognizedClientException, ExpiredToken).
 * Looks through `cause`, so a ModelFailure counts too.
 */
export function isCredentialRefused(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { lc_error_code?: unknown }).lc_error_code;
    const status = httpStatus(current);
    if (status === 401 || status === 403 || code === 'MODEL_AUTHENTICATION') return true;
    current = current.cause;
  }
  return false;
}

/** The HTTP status of a failed request: `status` on OpenAI's errors, `$metadata.httpStatusCode` on the AWS SDK's. */
function httpStatus(error: unknown): number | undefined {
  const { status, $metadata } = (error ?? {}) as { status?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const value = status ?? $metadata?.httpStatusCode;
  return typeof value === 'number' ? value : undefined;
}

/**
 * What went wrong, for the logs: the error's name, HTTP status, and the server's error type and code. Never its
 * message: a server's error body may echo the prompt (the caller's words) or part of a key, and ends up in the
 * message. The whole error is logged at DEBUG by the turn. A type or code that is not a short identifier is left
 * out: the server chose it too.
 */
export function describe(error: unknown): string {
  if (error instanceof ModelFailure) return error.message;
  if (!(error instanceof Error)) return `a thrown ${typeof error}`;
  const {
    type,
    code,
    lc_error_code: langChainCode,
  } = error as { type?: unknown; code?: unknown; lc_error_code?: unknown };
  const status = httpStatus(error);
  return [
    identifier(error.name) ?? 'Error',
    status === undefined ? undefined : `HTTP ${status}`,
    identifier(type) && `type ${identifier(type)}`,
    identifier(code ?? langChainCode) && `code ${identifier(code ?? langChainCode)}`,
  ]
    .filter(Boolean)
    .join(', ');
}

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w.:-]{1,64}$/.test(value) ? value : undefined;
}
