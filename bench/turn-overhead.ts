/**
 * Turn overhead: what the function itself adds to a turn, with a model that answers at once.
 *
 * One handler (one warm Lambda instance) answers calls of ten turns each, one turn at a time as Lambda would,
 * against dynalite and the loopback model (both in another process, see world-process.ts). For each turn: its
 * time in the handler minus the model exchange (see model-time.ts for exactly what that is). DynamoDB requests
 * are counted at the proxy in front of dynalite.
 */
import { createHandler } from '../lambda/src/handler';
import { atMost, type Figure, type MeasurementResult, percentile, spreadOf } from './figures';
import { installModelExchangeTimer } from './model-time';
import { playTurn, question } from './turns';
import type { BenchWorld } from './world';

export interface TurnOverheadOptions {
  readonly repetitions: number;
  /** Turns per repetition; the percentiles of each repetition are taken over these. */
  readonly turns: number;
  readonly turnsPerCall: number;
}

export const TURN_OVERHEAD_TARGET_MS = 25;
export const DYNAMODB_REQUESTS_PER_TURN_TARGET = 2;

const REPLY = 'Sure. You can pay by card or by bank transfer, and I can tell you more about either.';

export async function measureTurnOverhead(world: BenchWorld, options: TurnOverheadOptions): Promise<MeasurementResult> {
  await world.setModelBehaviour({ reply: REPLY });
  const timer = installModelExchangeTimer();
  const handler = createHandler({ env: world.env });
  try {
    // The first turns build the clients and open connections: a cold start, not a turn's overhead.
    for (let turn = 1; turn <= 10; turn++)
      await playTurn(handler, 'overhead-warm-up', question('overhead-warm-up', turn));

    const runs: {
      p50: number;
      p95: number;
      p99: number;
      requestsPerTurn: number;
      modelP50: number;
      turnP50: number;
      failed: number;
    }[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const overheads: number[] = [];
      const modelTimes: number[] = [];
      const turnTimes: number[] = [];
      let failed = 0;
      const requestsBefore = await world.tableRequests();
      for (let index = 0; index < options.turns; index++) {
        const callId = `overhead-${repetition}-${Math.floor(index / options.turnsPerCall)}`;
        timer.take();
        const played = await playTurn(handler, callId, question(callId, (index % options.turnsPerCall) + 1));
        const modelMs = timer.take();
        if (played.spoken !== REPLY) failed += 1;
        overheads.push(played.elapsedMs - modelMs);
        modelTimes.push(modelMs);
        turnTimes.push(played.elapsedMs);
      }
      runs.push({
        p50: percentile(overheads, 50),
        p95: percentile(overheads, 95),
        p99: percentile(overheads, 99),
        requestsPerTurn: ((await world.tableRequests()) - requestsBefore) / options.turns,
        modelP50: percentile(modelTimes, 50),
        turnP50: percentile(turnTimes, 50),
        failed,
      });
    }

    const group = 'turn overhead';
    const of = (pick: (run: (typeof runs)[number]) => number) => spreadOf(runs.map(pick));
    const p99 = of((run) => run.p99);
    const requests = of((run) => run.requestsPerTurn);
    const failed = of((run) => run.failed);
    const figures: Figure[] = [
      { group, name: 'p50', unit: 'ms', spread: of((run) => run.p50) },
      { group, name: 'p95', unit: 'ms', spread: of((run) => run.p95) },
      {
        group,
        name: 'p99',
        unit: 'ms',
        spread: p99,
        target: atMost(p99, TURN_OVERHEAD_TARGET_MS),
      },
      {
        group,
        name: 'DynamoDB requests per turn',
        unit: 'requests',
        spread: requests,
        target: atMost(requests, DYNAMODB_REQUESTS_PER_TURN_TARGET, 'max'),
      },
      {
        group,
        name: 'turns not answered by the model',
        unit: 'turns',
        spread: failed,
        target: atMost(failed, 0, 'max'),
      },
      { group, name: 'model exchange p50 (subtracted)', unit: 'ms', spread: of((run) => run.modelP50) },
      { group, name: 'whole turn p50 (for reference)', unit: 'ms', spread: of((run) => run.turnP50) },
    ];
    return {
      figures,
      method:
        `${options.repetitions} runs of ${options.turns} turns (calls of ${options.turnsPerCall} turns, one turn at a time, one warm handler), ` +
        'dynalite behind a counting proxy, a loopback model answering at once. Overhead = time in the handler minus the model ' +
        'HTTP exchange as the OpenAI client sees it (fetch call to full response body). Logs and metrics off.',
    };
  } finally {
    timer.uninstall();
  }
}
