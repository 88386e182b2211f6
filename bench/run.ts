/**
 * npm run bench [-- --quick] [-- --out <file>] [-- --only <part>[,<part>]]
 *
 * Measures what the function controls, all in one run so that ratios hold on a noisy machine: start-up, turn
 * overhead (also per model provider and against the stored history), tool turns, a long call, many calls at once, fault drills and the
 * speech cleanup of hostile answers. Prints a table (median, min and max of repeated
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
import { measureHistoryOverhead } from './history-overhead';
import { measureKnowledge, measureKnowledgeLoad } from './knowledge';
import { type Figure, format, type MeasurementResult, renderTable } from './figures';
import { measureLongCall } from './long-call';
import { measureManyCalls } from './many-calls';
import { measureSpeechCleanup } from './speech-cleanup';
import { measureStartup } from './startup';
import { measureToolTurnOverhead } from './tool-turn';
import { measureProviderOverhead, measureTurnOverhead } from './turn-overhead';
import { type BenchWorld, startBenchWorld } from './world';

const root = join(__dirname, '..');

/** How much of each measurement a run does. --quick keeps every measurement but repeats less. */
function plan(quick: boolean) {
  return {
    startup: { runs: quick ? 5 : 15 },
    firstTurn: { runs: quick ? 3 : 10 },
    overhead: { repetitions: quick ? 1 : 5, turns: 200, turnsPerCall: 10 },
    providers: { repetitions: quick ? 1 : 3, turns: quick ? 50 : 200, turnsPerCall: 10 },
    history: { repetitions: quick ? 1 : 3, turns: quick ? 30 : 100 },
    toolTurn: { repetitions: quick ? 1 : 5, turns: 100, turnsPerCall: 10 },
    longCall: { repetitions: quick ? 1 : 3 },
    manyCalls: { repetitions: quick ? 1 : 3, calls: 100, turnsPerCall: 10, modelDelayMs: 1_000 },
    speechCleanup: { repetitions: quick ? 3 : 10 },
    knowledge: {
      repetitions: quick ? 1 : 3,
      cannedTurns: 200,
      searches: 300,
      embeddings: 100,
      promptTurns: 30,
    },
    knowledgeLoad: { loads: quick ? 3 : 7 },
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

  // Each part of the bench, by name: `--only <name>[,<name>]` runs some of them (to check one figure while
  // working on it); the figures of record come from a whole run.
  const parts: { name: string; run(world: BenchWorld): Promise<MeasurementResult>; progress: string }[] = [
    {
      name: 'start-up',
      progress: `${steps.startup.runs} fresh processes per variant`,
      run: () => measureStartup({ ...steps.startup, workDir: join(root, 'bench', 'results') }),
    },
    {
      name: 'first turn',
      progress: `${steps.firstTurn.runs} fresh processes`,
      run: (world) => measureFirstTurn(world, steps.firstTurn),
    },
    {
      name: 'turn overhead',
      progress: `${steps.overhead.repetitions} x ${steps.overhead.turns} turns`,
      run: (world) => measureTurnOverhead(world, steps.overhead),
    },
    {
      name: 'turn overhead per provider',
      progress: `${steps.providers.repetitions} x ${steps.providers.turns} turns per provider`,
      run: (world) => measureProviderOverhead(world, steps.providers),
    },
    {
      name: 'turn overhead against the stored history',
      progress: `${steps.history.repetitions} x ${steps.history.turns} turns on each side`,
      run: (world) => measureHistoryOverhead(world, steps.history),
    },
    {
      name: 'tool turn overhead',
      progress: `${steps.toolTurn.repetitions} x ${steps.toolTurn.turns} turns`,
      run: (world) => measureToolTurnOverhead(world, steps.toolTurn),
    },
    {
      name: 'long call',
      progress: `${steps.longCall.repetitions} x 100 turns`,
      run: (world) => measureLongCall(world, steps.longCall),
    },
    {
      name: 'many calls',
      progress: `${steps.manyCalls.repetitions} x ${steps.manyCalls.calls} calls x ${steps.manyCalls.turnsPerCall} turns`,
      run: (world) => measureManyCalls(world, steps.manyCalls),
    },
    {
      name: 'speech cleanup',
      progress: `${steps.speechCleanup.repetitions} runs per 1 MB answer`,
      run: async () => measureSpeechCleanup(steps.speechCleanup),
    },
    {
      name: 'knowledge',
      progress: `${steps.knowledge.repetitions} runs; retrieval at 1000 and 10000 passages`,
      run: (world) => measureKnowledge(world, steps.knowledge),
    },
    {
      name: 'knowledge load',
      progress: `${steps.knowledgeLoad.loads} fresh processes, whole and split`,
      run: () => measureKnowledgeLoad({ ...steps.knowledgeLoad, workDir: join(root, 'bench', 'results') }),
    },
    {
      name: 'faults',
      progress: `${steps.faults.repetitions} drills per fault`,
      run: (world) => measureFaults(world, steps.faults),
    },
  ];
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').map((name) => name.trim()) : undefined;
  const unknown = only?.filter((name) => !parts.some((part) => part.name === name)) ?? [];
  if (unknown.length > 0 || only?.length === 0) {
    throw new Error(`--only takes parts of: ${parts.map((part) => part.name).join(', ')} (not ${unknown.join(', ')})`);
  }

  const measurements: { name: string; result: MeasurementResult }[] = [];
  const world = await startBenchWorld();
  try {
    for (const part of parts.filter((candidate) => !only || only.includes(candidate.name))) {
      progress(`${part.name} (${part.progress})`);
      measurements.push({ name: part.name, result: await part.run(world) });
    }
  } finally {
    await world.stop();
  }

  const figures: Figure[] = measurements.flatMap(({ result }) => result.figures);
  const missed = figures.filter((figure) => figure.target && !figure.target.met);
  const report = {
    when: new Date().toISOString(),
    command: `npm run bench -- ${args.join(' ')}`.trim().replace(/ --$/, ''),
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
  console.error('The bench could not run:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
