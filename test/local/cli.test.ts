/**
 * `npm start` as a user runs it, once: `npx tsx bin/call.ts` as a child process, the caller's lines piped to
 * stdin, the call read from stdout. Everything else about a local call is tested in process (local-call.test.ts,
 * flow-branches.test.ts, call-options.test.ts), at a fraction of the cost of a process. The real function, dynalite, and no key (answers from the test's own
 * knowledge folder, keyword search only) unless a test points it at the fake OpenAI server on loopback.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKnowledgeFolder } from '../knowledge/bakery';
import { flowLine, phoneGreeting } from './call-harness';

const REPO = join(__dirname, '..', '..');

// Each run starts Node, tsx, the function and dynalite; a busy machine needs more than the default.
jest.setTimeout(90_000);

interface CliRun {
  readonly code: number | null;
  /** The call's lines as printed (npm's and the function's own logs left out). */
  readonly lines: string[];
  readonly stdout: string;
  readonly stderr: string;
}

/** The test's own small knowledge folder, searched by keywords: no embedding model to load in each child. */
let knowledgeDir: string;
beforeAll(() => {
  knowledgeDir = writeKnowledgeFolder();
});
afterAll(() => rmSync(knowledgeDir, { recursive: true, force: true }));

function runCall(args: readonly string[], input: string, env: Record<string, string> = {}): Promise<CliRun> {
  // Never the developer's key: tests do not reach OpenAI.
  const { OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, ...inherited } = process.env;
  const child = spawn('npx', ['tsx', 'bin/call.ts', '--knowledge', knowledgeDir, ...args], {
    cwd: REPO,
    env: { ...inherited, POWERTOOLS_LOG_LEVEL: 'ERROR', EMBEDDINGS: 'none', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n').filter((line) => line.startsWith('['));
      resolve({ code, lines: lines.map((line) => line.replace(/ {2}\(\d+ ms\)$/, '')), stdout, stderr });
    });
  });
}

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'chalkbot-cli-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

test('npm start as a user runs it: a piped call exits 0 at goodbye, without loading the --deployed path', async () => {
  // Each Node process of the run (npx, tsx, the call) reports at exit which modules it had loaded: the Lex and
  // CloudFormation clients of --deployed are no part of a local call's start-up.
  const hook = join(dataDir, 'report-loaded.js');
  writeFileSync(
    hook,
    `process.on('exit', () => {
      const all = Object.keys(require.cache);
      const deployed = all.filter((path) => /client-lex-runtime-v2|client-cloudformation|deployed-call/.test(path));
      process.stderr.write('LOADED ' + all.length + ' ' + JSON.stringify(deployed) + '\\n');
    });`,
  );
  const run = await runCall(['--data', dataDir], 'What can you do?\nGoodbye\n', { NODE_OPTIONS: `--require ${hook}` });

  expect(run.code).toBe(0);
  const call = run.lines.filter((line) => !line.startsWith('[local]'));
  expect(call).toEqual([
    ...phoneGreeting(),
    '[caller] What can you do?',
    expect.stringMatching(/^\[bot\] \S/),
    '[caller] Goodbye',
    flowLine('say-goodbye'),
    '[hang up]',
  ]);
  expect(run.lines[0]).toMatch(/^\[local\] contact [0-9a-f-]{36}; answers from the knowledge folder alone/);
  expect(run.lines[1]).toMatch(/^\[local\] knowledge: 3 FAQ questions and 6 passages from /);
  expect(run.lines).toContain("[local] the function's logs go to .chalkbot/function.log (--verbose shows them here)");
  // Every local call ends with its transcript, where npm run calls -- --local reads it.
  expect(run.lines).toContainEqual(expect.stringMatching(/^\[local\] transcript: \S+\.json/));
  // Each bot turn shows its latency.
  expect(run.stdout).toMatch(/^\[bot\] .+ {2}\(\d+ ms\)$/m);
  const reports = [...run.stderr.matchAll(/^LOADED (\d+) (.*)$/gm)].map(([, count, deployed]) => ({
    count: Number(count),
    deployed,
  }));
  // The call's own process loaded the function, the store and the flow engine, and no process the deployed path.
  expect(Math.max(...reports.map((report) => report.count))).toBeGreaterThan(100);
  expect(reports.map((report) => report.deployed)).toEqual(reports.map(() => '[]'));
});
