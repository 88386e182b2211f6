/**
 * The tools of a turn, bound for the model with LangChain's `tool()` and run when the model asks: each call
 * under its own timeout (and the turn's deadline), its result a ToolMessage paired to the call by id. A tool
 * call that fails in any way (unknown tool, bad arguments, an error, too slow) still gets a ToolMessage, with
 * status "error", so the model can say what happened and the stored history keeps every call answered.
 */
import { type ToolCall, ToolMessage } from '@langchain/core/messages';
import { type StructuredToolInterface, tool, ToolInputParsingException } from '@langchain/core/tools';
import { type BotDefinition, botDefinition } from '../../../lib/definition/bot';
import { untilAborted } from '../model';
import type { ToolImplementation, ToolOutcome } from './tool';

/** A tool result longer than this is refused: the model reads it every later turn, and the call item is capped. */
export const MAX_TOOL_RESULT_CHARS = 1_000;

export interface ToolRun {
  readonly message: ToolMessage;
  readonly outcome: ToolOutcome;
}

/** A tool the model asked for by a name we do not have, or with arguments its schema refuses. */
const failed = (error: string): ToolOutcome => ({ forModel: { error }, failed: true });

export class Toolbox {
  /** For `bindTools`. */
  readonly tools: readonly StructuredToolInterface[];
  private readonly byName: ReadonlyMap<
    string,
    { readonly implementation: ToolImplementation; readonly bound: StructuredToolInterface }
  >;

  /** `timeoutMs`: how long one tool call may take. */
  constructor(
    implementations: readonly ToolImplementation[],
    private readonly timeoutMs: number,
  ) {
    const entries = implementations.map((implementation) => {
      const { name, description, schema } = implementation.declaration;
      const bound = tool(
        async (args: Record<string, unknown>, config): Promise<[string, ToolOutcome]> => {
          const signal = config?.signal ?? AbortSignal.timeout(timeoutMs);
          const locale = (config?.configurable?.locale as BotDefinition | undefined) ?? botDefinition;
          const outcome = await implementation.run(args, { signal, locale });
          return [resultText(outcome), outcome];
        },
        { name, description, schema, responseFormat: 'content_and_artifact' },
      ) as StructuredToolInterface;
      return [name, { implementation, bound }] as const;
    });
    this.byName = new Map(entries);
    this.tools = entries.map(([, entry]) => entry.bound);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Answers a call without running it: `reason` is what the model reads. */
  refuse(call: ToolCall, reason: string): ToolRun {
    return answer(call, failed(reason), 'error');
  }

  /** Runs one call the model asked for. Never rejects. */
  async run(call: ToolCall, turnSignal: AbortSignal, locale: BotDefinition = botDefinition): Promise<ToolRun> {
    const id = call.id ?? `call_${Math.random().toString(36).slice(2, 10)}`;
    const answered = (outcome: ToolOutcome, status: 'success' | 'error') => answer({ ...call, id }, outcome, status);
    const entry = this.byName.get(call.name);
    if (entry === undefined) return answered(failed(`There is no tool named "${call.name}".`), 'error');

    const signal = AbortSignal.any([turnSignal, AbortSignal.timeout(this.timeoutMs)]);
    try {
      const message = await untilAborted<ToolMessage>(
        entry.bound.invoke(
          { ...call, id, type: 'tool_call' },
          { signal, configurable: { locale } },
        ) as Promise<ToolMessage>,
        signal,
      );
      const outcome = message.artifact as ToolOutcome;
      return answered(outcome, outcome.failed ? 'error' : 'success');
    } catch (error) {
      if (error instanceof ToolInputParsingException) {
        return answered(
          failed(`The arguments did not match the tool's schema: ${error.message.slice(0, 200)}`),
          'error',
        );
      }
      const timedOut = signal.aborted;
      const unavailable = entry.implementation.unavailable?.(locale) ?? failed('The tool failed.');
      return answered(
        { ...unavailable, forModel: { ...unavailable.forModel, ...(timedOut ? { timedOut: true } : {}) } },
        'error',
      );
    }
  }

  /** Runs a tool without the model (the turn's no-model path); undefined when there is no such tool. */
  async runDirectly(
    name: string,
    args: Record<string, unknown>,
    turnSignal: AbortSignal,
    locale: BotDefinition = botDefinition,
  ): Promise<ToolOutcome | undefined> {
    if (!this.has(name)) return undefined;
    const { outcome } = await this.run({ name, args, id: `direct_${name}`, type: 'tool_call' }, turnSignal, locale);
    return outcome;
  }
}

function answer(call: ToolCall, outcome: ToolOutcome, status: 'success' | 'error'): ToolRun {
  const message = new ToolMessage({
    content: resultText(outcome),
    tool_call_id: call.id ?? '',
    name: call.name,
    status,
  });
  return { outcome, message };
}

/** The ToolMessage's content: the outcome's facts as JSON, within the size cap. */
function resultText(outcome: ToolOutcome): string {
  const text = JSON.stringify(outcome.forModel);
  return text.length <= MAX_TOOL_RESULT_CHARS
    ? text
    : JSON.stringify({ error: 'The tool result was too long to use.' });
}
