/**
 * npm run bench [-- --quick] [-- --out <file>]
 *
 * Measures what the function controls, all in one run so that ratios hold on a noisy machine: start-up, turn
 * overhead, a long call, many calls at once, and fault drills. Prints a table (median, min and max of repeated
 * runs, the target, PASS or MISS) and writes the same figures as JSON (bench/results/latest.json by default).
 * It reports; it is not a test: it exits 0 even when a target is missed, and says MISS.
 *
 * Nothing here reaches AWS or OpenAI: dynalite and a fake model on loopback stand in for them.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { measureFaults } from './fault-figures';
import { measureFirstTurn } from './first-turn';
import { type Figure, format, type MeasurementResult, renderTable } from './figures';
import { measureLongCall } from './long-call';
import { measureManyCalls } from './many-calls';
import { measureStartup } from './startup';
import { measureToolTurnOverhead } from './tool-turn';
import { measureTurnOverhead } from './turn-overhead';
import { startBenchWorld } from './world';

const root = join(__dirname, '..');

/** How much of each measurement a run does. --quick keeps every measurement but repeats less. */
function plan(quick: boolean) {
  return {
    startup: { runs: quick ? 5 : 15 },
    firstTurn: { runs: quick ? 3 : 10 },
    overhead: { repetitions: quick ? 1 : 5, turns: 200, turnsPerCall: 10 },
    toolTurn: { repetitions: quick ? 1 : 5, turns: 100, turnsPerCall: 10 },
    longCall: { repetitions: quick ? 1 : 3 },
    manyCalls: { repetitions: quick ? 1 : 3, calls: 100, turnsPerCall: 10, modelDelayMs: 1_000 },
    faults: {
      repetitions: quick ? 1 : 3,
      drill: { calls: quick ? 5 : 10, faultedTurns: quick ? 2 : 3, turnDeadlineMs: 4_000, memoryTimeoutMs: 1_500 },
    },
  };
}

function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    /** Other work on the machine when the run began (1-minute load average); a busy machine widens the spreads. */
    loadAverageAtStart: Number(loadavg()[0].toFixed(2)),
  };
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lambda/src', 'bench'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (with local changes)` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 && args[outAt + 1] ? resolve(args[outAt + 1]) : join(root, 'bench', 'results', 'latest.json');
  const steps = plan(quick);
  const host = machine();
  const started = Date.now();
  const progress = (text: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${text}\n`);

  const measurements: { name: string; result: MeasurementResult }[] = [];
  progress(`start-up (${steps.startup.runs} fresh processes per variant)`);
  measurements.push({
    name: 'start-up',
    result: await measureStartup({ ...steps.startup, workDir: join(root, 'bench', 'results') }),
  });

  const world = await startBenchWorld();
  try {
    progress(`first turn (${steps.firstTurn.runs} fresh processes)`);
    measurements.push({ name: 'first turn', result: await measureFirstTurn(world, steps.firstTurn) });
    progress(`turn overhead (${steps.overhead.repetitions} x ${steps.overhead.turns} turns)`);
    measurements.push({ name: 'turn overhead', result: await measureTurnOverhead(world, steps.overhead) });
    progress(`tool turn overhead (${steps.toolTurn.repetitions} x ${steps.toolTurn.turns} turns)`);
    measurements.push({ name: 'tool turn overhead', result: await measureToolTurnOverhead(world, steps.toolTurn) });
    progress(`long call (${steps.longCall.repetitions} x 100 turns)`);
    measurements.push({ name: 'long call', result: await measureLongCall(world, steps.longCall) });
    progress(
      `many calls (${steps.manyCalls.repetitions} x ${steps.manyCalls.calls} calls x ${steps.manyCalls.turnsPerCall} turns)`,
    );
    measurements.push({ name: 'many calls', result: await measureManyCalls(world, steps.manyCalls) });
    progress(`faults (${steps.faults.repetitions} drills per fault)`);
    measurements.push({ name: 'faults', result: await measureFaults(world, steps.faults) });
  } finally {
    await world.stop();
  }

  const figures: Figure[] = measurements.flatMap(({ result }) => result.figures);
  const missed = figures.filter((figure) => figure.target && !figure.target.met);
  const report = {
    when: new Date().toISOString(),
    command: `npm run bench${quick ? ' -- --quick' : ''}`,
    commit: commit(),
    machine: host,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    measurements: measurements.map(({ name, result }) => ({ name, method: result.method, figures: result.figures })),
    missed: missed.map((figure) => `${figure.group}: ${figure.name}`),
  };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);

  const { cpu, cores, memoryGiB, os, node, loadAverageAtStart } = report.machine;
  console.log(`Chalkbot bench, ${report.when}, commit ${report.commit}`);
  console.log(
    `Machine: ${cpu}, ${cores} cores, ${memoryGiB} GiB, ${os}, Node ${node}, load ${loadAverageAtStart} at start${quick ? ' (quick run)' : ''}\n`,
  );
  console.log(renderTable(figures));
  console.log('\nHow each was measured:');
  for (const { name, result } of measurements) console.log(`- ${name}: ${result.method}`);
  console.log(
    missed.length === 0
      ? '\nAll targets met.'
      : `\nMISS: ${missed.length} target(s) missed:\n${missed
          .map(
            (figure) =>
              `  MISS ${figure.group}: ${figure.name}: median ${format(figure.spread.median)} (min ${format(figure.spread.min)}, max ${format(figure.spread.max)}) ${figure.unit}, target ${figure.target?.text}`,
          )
          .join('\n')}\nRecord the reason in the issue's note.`,
  );
  console.log(`\nWrote ${relative(process.cwd(), out)} in ${report.durationSeconds} s.`);
}

main().catch((error: unknown) => {
  console.error('The bench could not run:', error);
  process.exitCode = 1;
});
