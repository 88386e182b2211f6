// `npm test`: the type check, the lint and the tests, side by side. One after the other they took the sum of
// their times, though much of the tests' time is waiting (for deadlines, child processes, a browser) while a core
// is free; the type check alone is about 20 s of one core. The tests print as they run; the checks print when
// they end, so their lines do not land in the middle of jest's. It fails when any of the three fails.
// Arguments go to jest: `npm test -- test/function` runs those tests, still beside the whole type check and lint.
import { spawn } from 'node:child_process';

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

function loudly(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const checks = Promise.all(['typecheck', 'lint'].map(quietly));
const tests = loudly('npx', ['jest', ...process.argv.slice(2)]);
const [testsCode, results] = await Promise.all([tests, checks]);

for (const { script, code, output } of results) {
  if (code === 0) console.log(`npm run ${script}: passed`);
  else console.error(`npm run ${script}: FAILED (exit ${code})\n${output.trimEnd()}`);
}
const failed = testsCode !== 0 || results.some(({ code }) => code !== 0);
process.exitCode = failed ? 1 : 0;
