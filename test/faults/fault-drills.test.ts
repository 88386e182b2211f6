/**
 * The benchmark's fault drills, with small counts: while the model or the call-memory table fails, several calls
 * at once keep being answered with speech within the turn deadline, no turn is lost while the table is up, and
 * a table fault never costs a turn stored before it or asked after it.
 */
import { FAULT_SCENARIOS, runFaultDrill, type DrillOptions } from '../../bench/faults';
import { startBenchWorld, type BenchWorld } from '../../bench/world';

/**
 * A short deadline, so the drills are quick and a wait that ignores it shows: a model retry's 1-2 s back-off
 * once held turns far past it.
 */
const DRILL: DrillOptions = { calls: 3, faultedTurns: 2, turnDeadlineMs: 1000, memoryTimeoutMs: 300 };
/** A loaded CI machine may run late by this much; the point is "within the deadline", not a benchmark. */
const SLACK_MS = 300;

let world: BenchWorld;
beforeAll(async () => {
  world = await startBenchWorld();
}, 30_000);
afterAll(async () => {
  await world?.stop();
});

test.each(FAULT_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
  '%s: every turn is answered with speech in time, and no turn is lost',
  async (_name, scenario) => {
    const result = await runFaultDrill(world, scenario, DRILL);

    expect(result.faultedTurns).toBe(DRILL.calls * DRILL.faultedTurns);
    expect(result.answeredWithSpeech).toBe(result.faultedTurns);
    expect(result.worstMs).toBeLessThan(DRILL.turnDeadlineMs + SLACK_MS);
    expect(result.lostTurns).toBe(0);
    if (scenario.tableUp) expect(result.unstoredWhileDown).toBe(0);
  },
  30_000,
);
