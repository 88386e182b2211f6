/**
 * A caller's turn as the benchmark and the fault drills play it: a Lex V2 event into the real handler, timed,
 * with what Lex would speak. The events, the Lambda context and the local world (dynalite behind a counting
 * proxy, the fake model) are the function tests' own, so the bench measures exactly what the tests check.
 */
import type { LexV2Result } from 'aws-lambda';
import type { TurnHandler } from '../lambda/src/handler';
import { lambdaContext, lexEvent, spokenText } from '../local/function-world';

export interface PlayedTurn {
  readonly result?: LexV2Result;
  /** What Lex would say; empty if the handler gave no message (or threw). */
  readonly spoken: string;
  /** Handler call to answer, milliseconds (sub-millisecond resolution). */
  readonly elapsedMs: number;
  /** Set if the handler threw: Lex would drop the caller's turn. */
  readonly error?: unknown;
}

/** Plays one turn; never throws (a throw is recorded, as Lex would see it). */
export async function playTurn(
  handler: TurnHandler,
  callId: string,
  transcript: string,
  remainingMs = 60_000,
): Promise<PlayedTurn> {
  const started = performance.now();
  try {
    const result = await handler(lexEvent({ contactId: callId, transcript }), lambdaContext(remainingMs));
    return { result, spoken: spokenText(result).trim(), elapsedMs: performance.now() - started };
  } catch (error) {
    return { spoken: '', elapsedMs: performance.now() - started, error };
  }
}

/** The question a caller asks at a given turn: distinct per call and turn, so storage order can be checked. */
export function question(callId: string, turn: number): string {
  return `Question ${turn} from ${callId}: what are my options for the next step?`;
}
