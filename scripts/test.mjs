// `npm test`: the type check, the lint and the tests, side by side. One after the other they took the sum of
// their times, though much of the tests' time is waiting (for deadlines, child processes, a browser) while a core
// is free; the type check alone is several seconds of one core. The checks print when they end, so their lines do not
// land in the middle of jest's. It fails when any part fails.
//
// The tests run as three jest processes, each with its files one after another (--runInBand), split by what they
// load and do (test/support/longest-first.cjs): the CDK side, the function side, and the files that mostly wait.
// Jest's own two workers each loaded and compiled nearly everything (aws-cdk-lib, LangChain, the AWS SDK) for the
// files it happened to get: on the 2-core machine the tests took 101 s and 178 s of CPU that way, 90 s and 158 s as
// two such processes (2 December 2026); 47 s and about 86 s for the whole npm test as three (3 December). All
// print as they go, through this process, line by line. Jest is started by this Node.js (npm's scripts run Node
// 22), not through npx, whose own npm process cost about half a second of CPU for each.
// Arguments go to all: `npm test -- test/function` runs those tests, still beside the whole type check and lint.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const jestCli = createRequire(import.meta.url).resolve('jest/bin/jest');

/** Runs an npm script with its output kept, and resolves to its exit code and output. */
function quietly(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ script, code: 1, output: String(error) }));
    child.on('close', (code, signal) => resolve({ script, code: code ?? (signal ? 1 : 0), output }));
  });
}

/**
 * One part of the tests; its output passes through here a whole line at a time, so the parts' lines never mix
 * within a line. Colour stays when this process prints to a terminal.
 */
function testShard(index, count) {
  return new Promise((resolve) => {
    const args = [jestCli, `--shard=${index}/${count}`, '--runInBand', '--passWithNoTests', ...process.argv.slice(2)];
    const env = { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      let partial = '';
      from.on('data', (chunk) => {
        const text = partial + chunk;
        const end = text.lastIndexOf('\n') + 1;
        to.write(text.slice(0, end));
        partial = text.slice(end);
      });
      from.on('end', () => partial && to.write(`${partial}\n`));
    }
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const SHARDS = 3;
const checks = Promise.all(['typecheck', 'lint'].map(quietly));
const shards = Promise.all(Array.from({ length: SHARDS }, (_, at) => testShard(at + 1, SHARDS)));
const [shardCodes, results] = await Promise.all([shards, checks]);

shardCodes.forEach((code, at) => {
  if (code === 0) console.log(`jest, tests ${at + 1} of ${SHARDS}: passed`);
  else console.error(`jest, tests ${at + 1} of ${SHARDS}: FAILED (exit ${code}; its output is above)`);
});
for (const { script, code, output } of results) {
  if (code === 0) console.log(`npm run ${script}: passed`);
  else console.error(`npm run ${script}: FAILED (exit ${code})\n${output.trimEnd()}`);
}
const failed = shardCodes.some((code) => code !== 0) || results.some(({ code }) => code !== 0);
process.exitCode = failed ? 1 : 0;
