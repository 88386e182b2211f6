/**
 * The record of a turn that failed in the handler (an error the turn itself did not turn into an answer): kept in
 * the call item, so the transcript shows that turn, what the caller said and the apology they heard. It is a write
 * of its own on this failure path only; a turn that works keeps its record in the turn's one write (turn.ts).
 */
import { LEX_MAX_INPUT_CHARS } from '../../lib/definition/function-settings';
import type { CallMemory } from './call-memory';
import type { CallerTurn } from './lex';
import { METRIC, MetricUnit, type Observability } from './observability';
import { cutAtGrapheme } from './speakable';
import type { TurnRecord } from './turn-record';

export interface FailedTurnFacts {
  /** Epoch milliseconds when the turn reached the function. */
  readonly started: number;
  /** What the caller heard, if anything. */
  readonly answer?: string;
  readonly handOver: boolean;
}

/** Keeps the failed turn's record; a failed write is logged and counted, never thrown. */
export async function keepFailedTurn(
  memory: CallMemory,
  turn: CallerTurn,
  facts: FailedTurnFacts,
  { logger, metrics }: Observability,
): Promise<void> {
  const said = cutAtGrapheme(turn.transcript.trim(), LEX_MAX_INPUT_CHARS);
  const record: TurnRecord = {
    at: facts.started,
    latencyMs: Date.now() - facts.started,
    intent: turn.intentName,
    route: 'failed',
    next: facts.handOver ? 'agent' : 'listen',
    messages: 0,
    ...(said ? { said } : {}),
    ...(facts.answer ? { answer: facts.answer } : {}),
  };
  try {
    await memory.addRecord(record);
  } catch (error) {
    metrics.addMetric(METRIC.memoryFailure, MetricUnit.Count, 1);
    logger.error('Could not store the failed turn in the call memory', { error: error as Error });
  }
}
