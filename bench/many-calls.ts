/**
 * Many calls at once: 100 callers, 10 turns each, all talking at the same time to a model that takes one second
 * to answer. Ideally the whole thing takes 10 turns x 1 s; the function's own work and the store should add
 * little to that. Afterwards every call's memory must hold its 10 questions and answers, in order.
 *
 * In production each concurrent call is served by its own Lambda instance (one request at a time per instance),
 * so each call here gets its own handler, with its own DynamoDB and OpenAI clients. One shared handler for all
 * 100 calls would be an artefact of running them in one process (its DynamoDB client would queue behind the
 * SDK's 50-socket default), not something a caller would meet.
 */
import { createHandler, type TurnHandler } from '../lambda/src/handler';
import { atMost, type Figure, type MeasurementResult, spreadOf } from './figures';
import { playTurn, question } from './turns';
import type { BenchWorld } from './world';

export const WALL_TIME_RATIO_TARGET = 1.5;

export interface ManyCallsOptions {
  readonly repetitions: number;
  readonly calls: number;
  readonly turnsPerCall: number;
  readonly modelDelayMs: number;
  /** 'per-call' as in production (the default); 'shared' to see the one-process artefact. */
  readonly handlers?: 'per-call' | 'shared';
}

export async function measureManyCalls(world: BenchWorld, options: ManyCallsOptions): Promise<MeasurementResult> {
  await world.setModelBehaviour({ delayMs: options.modelDelayMs }, { echoQuestion: true });
  const idealMs = options.turnsPerCall * options.modelDelayMs;
  const ratios: number[] = [];
  const errors: number[] = [];
  const misfiled: number[] = [];
  const worstTurns: number[] = [];

  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const shared = createHandler({ env: world.env });
    const callIds = Array.from({ length: options.calls }, (_, index) => `many-${repetition}-${index}-${Date.now()}`);
    let failedTurns = 0;
    let worstTurnMs = 0;

    const started = performance.now();
    await Promise.all(
      callIds.map(async (callId) => {
        const handler: TurnHandler = options.handlers === 'shared' ? shared : createHandler({ env: world.env });
        for (let turn = 1; turn <= options.turnsPerCall; turn++) {
          const asked = question(callId, turn);
          const played = await playTurn(handler, callId, asked);
          worstTurnMs = Math.max(worstTurnMs, played.elapsedMs);
          if (played.spoken !== `Answer to: ${asked}`) failedTurns += 1;
        }
      }),
    );
    ratios.push((performance.now() - started) / idealMs);
    errors.push(failedTurns);
    worstTurns.push(worstTurnMs);

    // Every call's memory: its own questions and the answers it heard, in the order asked.
    let callsOutOfOrder = 0;
    for (const callId of callIds) {
      const expected = Array.from({ length: options.turnsPerCall }, (_, index) => {
        const asked = question(callId, index + 1);
        return [
          ['human', asked],
          ['ai', `Answer to: ${asked}`],
        ];
      }).flat();
      const stored = await world.storedMessages(callId);
      if (JSON.stringify(stored) !== JSON.stringify(expected)) callsOutOfOrder += 1;
    }
    misfiled.push(callsOutOfOrder);
  }

  const group = 'many calls';
  const ratio = spreadOf(ratios);
  const errorSpread = spreadOf(errors);
  const misfiledSpread = spreadOf(misfiled);
  const figures: Figure[] = [
    {
      group,
      name: 'wall time / ideal',
      unit: 'x',
      spread: ratio,
      target: atMost(ratio, WALL_TIME_RATIO_TARGET, 'max'),
    },
    {
      group,
      name: 'turns not answered by the model',
      unit: 'turns',
      spread: errorSpread,
      target: atMost(errorSpread, 0, 'max'),
    },
    {
      group,
      name: 'calls not stored complete and in order',
      unit: 'calls',
      spread: misfiledSpread,
      target: atMost(misfiledSpread, 0, 'max'),
    },
    { group, name: 'slowest turn', unit: 'ms', spread: spreadOf(worstTurns) },
  ];
  return {
    figures,
    method:
      `${options.repetitions} runs of ${options.calls} calls at once x ${options.turnsPerCall} turns, model delay ${options.modelDelayMs} ms; ` +
      `ideal = ${options.turnsPerCall} x ${options.modelDelayMs} ms = ${idealMs} ms; ${options.handlers === 'shared' ? 'one handler shared by all calls' : 'one handler (Lambda instance) per call'}. ` +
      'Each call read back from dynalite after the run.',
  };
}
