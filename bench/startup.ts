/**
 * Start-up: the function bundle's size, and how long a fresh Node process takes to `require()` it, beside the
 * same code loaded unbundled.
 *
 * The bundle is built by the real build script (scripts/build-lambda.mjs) into a folder away from node_modules.
 * "Unbundled" is the same entry built by esbuild with `packages: 'external'`: our own modules are still in one
 * file, but every package (LangChain, the OpenAI client, the AWS SDK, Powertools) is loaded from node_modules
 * file by file, as a plain `tsc` build would. No TypeScript loader is involved in either, so the difference is
 * only the bundling. Runs alternate between the two so machine noise falls on both alike.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { atLeast, type Figure, type MeasurementResult, spreadOf } from './figures';

const run = promisify(execFile);
const root = join(__dirname, '..');

export const LOAD_SPEED_RATIO_TARGET = 2;

export interface StartupOptions {
  /** Fresh processes per variant. */
  readonly runs: number;
  /** Where the unbundled build goes: inside the repository, so its packages resolve from node_modules. */
  readonly workDir: string;
}

/** Runs in a fresh process: the time `require()` of the file takes, as Lambda's runtime would require it. */
const LOADER = `
const started = performance.now();
require(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

async function loadTimeMs(file: string): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', LOADER, file], {
    env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  return Number(stdout);
}

export async function measureStartup(options: StartupOptions): Promise<MeasurementResult> {
  const bundleDir = await mkdtemp(join(tmpdir(), 'chalkbot-bench-bundle-'));
  const unbundledDir = join(options.workDir, 'unbundled');
  try {
    const bundled = join(bundleDir, 'index.js');
    await run(process.execPath, [join(root, 'scripts', 'build-lambda.mjs'), '--outfile', bundled], { cwd: root });
    const unbundled = join(unbundledDir, 'index.js');
    await mkdir(unbundledDir, { recursive: true });
    await build({
      entryPoints: [join(root, 'lambda', 'src', 'index.ts')],
      outfile: unbundled,
      bundle: true,
      packages: 'external',
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      logLevel: 'warning',
      tsconfig: join(root, 'tsconfig.json'),
    });

    // One untimed load each first, so both are timed with the files in the page cache.
    await loadTimeMs(bundled);
    await loadTimeMs(unbundled);
    const bundledMs: number[] = [];
    const unbundledMs: number[] = [];
    const ratios: number[] = [];
    for (let index = 0; index < options.runs; index++) {
      const fast = await loadTimeMs(bundled);
      const slow = await loadTimeMs(unbundled);
      bundledMs.push(fast);
      unbundledMs.push(slow);
      ratios.push(slow / fast);
    }

    const group = 'start-up';
    const ratio = spreadOf(ratios);
    const figures: Figure[] = [
      { group, name: 'bundle size', unit: 'KiB', spread: spreadOf([(await stat(bundled)).size / 1024]) },
      { group, name: 'load bundle (require, fresh process)', unit: 'ms', spread: spreadOf(bundledMs) },
      { group, name: 'load unbundled from node_modules', unit: 'ms', spread: spreadOf(unbundledMs) },
      {
        group,
        name: 'unbundled / bundle load time',
        unit: 'x',
        spread: ratio,
        target: atLeast(ratio, LOAD_SPEED_RATIO_TARGET),
      },
    ];
    return {
      figures,
      method:
        `${options.runs} fresh ${process.version} processes per variant, alternating, each timing require() of the file ` +
        "(files in the page cache). Bundle: scripts/build-lambda.mjs (minified, one file). Unbundled: esbuild with packages: 'external', " +
        'so every package loads from node_modules.',
    };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    await rm(unbundledDir, { recursive: true, force: true });
  }
}
