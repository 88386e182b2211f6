/**
 * The model's side of a turn with tools: ask the model with the tools bound; when it asks for tools, run them
 * (each under its own timeout) and ask again with the calls and their results; at most
 * MAX_TOOL_ROUNDS_PER_TURN times. All of it inside the turn's deadline for the model.
 *
 * Once a tool has run, the turn has something true to say even if the model never speaks again: each tool
 * outcome carries its own spoken line (the order's status, "I couldn't reach the order system just now; shall
 * I get you a person?"). So after a tool round, when the deadline is too near for another model call, or that
 * call fails, the caller hears what the tools found instead of a generic apology.
 *
 * Works with any LangChain chat model that can bind tools (OpenAI, Azure OpenAI, Bedrock); one that cannot is
 * asked without them.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, type ToolCall } from '@langchain/core/messages';
import { type BotDefinition, botDefinition, type NextAction } from '../../lib/definition/bot';
import { MAX_TOOL_ROUNDS_PER_TURN } from '../../lib/definition/tools';
import { type ChatRunnable, invokeModel, ModelFailure } from './model';
import type { ToolOutcome } from './tools/tool';
import type { Toolbox } from './tools/toolbox';

/**
 * After a tool round, another model call is started only with at least this long left before the deadline:
 * a model answers a short prompt in well under a second, and a call cut off at the deadline is only silence.
 */
export const ANSWER_RESERVE_MS = 1_000;

export interface ToolLoopOptions {
  /** Aborts at the turn's deadline for the model. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds when `signal` aborts. */
  readonly deadline: number;
  /** The timeout of one model request. */
  readonly requestTimeoutMs: number;
  /** Retries allowed after a failed model request (0 or 1). */
  readonly maxRetries: number;
  /** The turn's locale: the tools' own lines are said in it. */
  readonly locale?: BotDefinition;
}

export interface ToolLoopAnswer {
  /** What to say: the model's words, or what the tools found when the model could not say it. */
  readonly answer: string;
  /** The AI messages that called tools and the tools' results, in order, to keep with the turn. */
  readonly exchange: readonly BaseMessage[];
  /** The model's words were not used: `answer` comes from the tools (or is the apology). */
  readonly fromTools: boolean;
  /** A tool asked to leave the bot (transfer or hang up). */
  readonly leave?: NextAction;
  /** The tools that ran, for the turn's log. */
  readonly toolRuns: readonly { readonly name: string; readonly failed: boolean; readonly ms: number }[];
}

/** The model as the turn gets it; `bindTools` is optional in LangChain's base class. */
export type ToolCapableModel = Pick<BaseChatModel, 'bindTools'> & ChatRunnable;

/**
 * Answers the prompt, running tools as the model asks. Throws a ModelFailure only when no tool has run yet (the
 * turn then answers without the model); after that it always returns something to say.
 */
export async function answerWithTools(
  model: ToolCapableModel,
  toolbox: Toolbox | undefined,
  prompt: readonly BaseMessage[],
  options: ToolLoopOptions,
): Promise<ToolLoopAnswer> {
  const withTools: ChatRunnable =
    toolbox && toolbox.tools.length > 0 && typeof model.bindTools === 'function'
      ? (model.bindTools([...toolbox.tools]) as unknown as ChatRunnable)
      : model;
  const exchange: BaseMessage[] = [];
  const outcomes: ToolOutcome[] = [];
  const toolRuns: { name: string; failed: boolean; ms: number }[] = [];
  const fromTools = (): ToolLoopAnswer => ({
    answer: whatToolsFound(outcomes, options.locale),
    exchange,
    fromTools: true,
    toolRuns,
  });

  for (let round = 0; ; round++) {
    if (round > 0 && options.deadline - Date.now() < ANSWER_RESERVE_MS) return fromTools();
    let reply: BaseMessage;
    try {
      reply = await invokeModel(withTools, [...prompt, ...exchange], options);
    } catch (error) {
      if (exchange.length === 0) throw error;
      return fromTools();
    }
    const calls = AIMessage.isInstance(reply) ? allCalls(reply, round) : [];
    const text = reply.text.trim();
    if (calls.length === 0) {
      if (text !== '') return { answer: text, exchange, fromTools: false, toolRuns };
      if (exchange.length === 0) throw new ModelFailure('the model returned an empty answer');
      return fromTools();
    }
    // The model still wants tools after its last round: what the tools found so far is the answer.
    if (!toolbox || round >= MAX_TOOL_ROUNDS_PER_TURN)
      return exchange.length === 0 && text !== '' ? { ...fromTools(), answer: text } : fromTools();

    const runs = await Promise.all(
      calls.map(async (call) => {
        const started = Date.now();
        const run = call.unreadable
          ? toolbox.refuse(call, 'The arguments were not valid JSON.')
          : await toolbox.run(call, options.signal, options.locale);
        toolRuns.push({ name: call.name, failed: run.outcome.failed === true, ms: Date.now() - started });
        return run;
      }),
    );
    // Only what the next request needs is kept: the words and the calls, not the provider's metadata.
    const asked = calls.map(({ unreadable: _unreadable, ...call }) => call);
    exchange.push(new AIMessage({ content: text, tool_calls: asked }), ...runs.map((run) => run.message));
    outcomes.push(...runs.map((run) => run.outcome));
    const leaving = runs.find((run) => run.outcome.leave !== undefined);
    if (leaving)
      return {
        answer: leaving.outcome.spoken ?? '',
        exchange,
        fromTools: true,
        leave: leaving.outcome.leave,
        toolRuns,
      };
  }
}

type AskedCall = ToolCall & { readonly unreadable?: boolean };

/**
 * The calls in a reply, each with an id (some providers send none; a ToolMessage must name its call). A call
 * whose arguments were not JSON (LangChain's invalid_tool_calls) is kept too, with empty arguments, so it can
 * be answered with an error rather than silently dropped.
 */
function allCalls(reply: AIMessage, round: number): AskedCall[] {
  const unreadable = (reply.invalid_tool_calls ?? [])
    .filter((call) => call.name)
    .map((call): AskedCall => ({ id: call.id, name: call.name ?? '', args: {}, type: 'tool_call', unreadable: true }));
  return [...(reply.tool_calls ?? []), ...unreadable].map((call, index) => ({
    ...call,
    id: call.id || `call_r${round}_${index}`,
    type: 'tool_call',
  }));
}

/** What the latest tools found, in their own words; the apology when none has anything to say. */
function whatToolsFound(outcomes: readonly ToolOutcome[], locale: BotDefinition = botDefinition): string {
  const said = outcomes.map((outcome) => outcome.spoken).filter((line): line is string => Boolean(line));
  const unique = [...new Set(said)];
  return unique.length > 0 ? unique.join(' ') : locale.messages.modelUnavailable;
}
