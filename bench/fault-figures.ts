/**
 * The fault drills (faults.ts) as benchmark figures: for each fault, the share of turns answered with speech,
 * the slowest answer against the turn deadline, and the turns lost.
 */
import { atLeast, atMost, type Figure, type MeasurementResult, spreadOf } from './figures';
import { type DrillOptions, type DrillResult, FAULT_SCENARIOS, runFaultDrill } from './faults';
import type { BenchWorld } from './world';

export async function measureFaults(
  world: BenchWorld,
  options: { repetitions: number; drill: DrillOptions },
): Promise<MeasurementResult> {
  const figures: Figure[] = [];
  for (const scenario of FAULT_SCENARIOS) {
    const runs: DrillResult[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++)
      runs.push(await runFaultDrill(world, scenario, options.drill));

    const group = `fault: ${scenario.name}`;
    const answered = spreadOf(runs.map((run) => (100 * run.answeredWithSpeech) / run.faultedTurns));
    const worst = spreadOf(runs.map((run) => run.worstMs));
    const lost = spreadOf(runs.map((run) => run.lostTurns));
    figures.push(
      { group, name: 'turns answered with speech', unit: '%', spread: answered, target: atLeast(answered, 100, 'min') },
      {
        group,
        name: 'slowest answer',
        unit: 'ms',
        spread: worst,
        target: atMost(worst, options.drill.turnDeadlineMs, 'max'),
      },
      {
        group,
        name: scenario.tableUp ? 'turns lost' : 'turns lost (before or after the fault)',
        unit: 'turns',
        spread: lost,
        target: atMost(lost, 0, 'max'),
      },
    );
    if (!scenario.tableUp) {
      figures.push({
        group,
        name: 'turns not stored while the table was down',
        unit: 'turns',
        spread: spreadOf(runs.map((run) => run.unstoredWhileDown)),
      });
    }
  }
  const { calls, faultedTurns, turnDeadlineMs, memoryTimeoutMs } = options.drill;
  return {
    figures,
    method:
      `${options.repetitions} drills per fault: ${calls} calls at once, each a healthy turn, ${faultedTurns} turns during the fault, ` +
      `one after; TURN_DEADLINE_MS=${turnDeadlineMs}, MEMORY_TIMEOUT_MS=${memoryTimeoutMs}, other settings at their defaults. ` +
      'Memory read back from dynalite after each drill.',
  };
}
