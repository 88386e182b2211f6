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
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { atLeast, atMost, type Figure, type MeasurementResult, spreadOf } from './figures';

const run = promisify(execFile);
const root = join(__dirname, '..');

export const LOAD_SPEED_RATIO_TARGET = 4;
export const BUNDLE_SIZE_TARGET_KIB = 1024;

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

async function loadTimeMs(file: string, env: Record<string, string> = {}): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', LOADER, file], {
    env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', ...env },
  });
  return Number(stdout);
}

/**
 * Makes the compile cache as the image build does: the Dockerfile's own RUN line, with its NODE_COMPILE_CACHE,
 * run in the bundle's folder by this Node.js. Returns the environment a cold start of the image has.
 */
async function imageCompileCache(bundleDir: string): Promise<Record<string, string>> {
  const dockerfile = await readFile(join(root, 'lambda', 'Dockerfile'), 'utf8');
  const command = /^RUN (.+)$/m.exec(dockerfile)?.[1];
  const cacheDir = /^ENV NODE_COMPILE_CACHE=\$\{LAMBDA_TASK_ROOT\}(\/.+)$/m.exec(dockerfile)?.[1];
  if (!command || !cacheDir) throw new Error('lambda/Dockerfile no longer makes a compile cache as the bench expects');
  const env = { LAMBDA_TASK_ROOT: bundleDir, NODE_COMPILE_CACHE: join(bundleDir, cacheDir) };
  await run('sh', ['-c', command], {
    env: { ...env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
  });
  return env;
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

    const image = await imageCompileCache(bundleDir);

    // One untimed load each first, so all are timed with the files in the page cache.
    await loadTimeMs(bundled);
    await loadTimeMs(bundled, image);
    await loadTimeMs(unbundled);
    const bundledMs: number[] = [];
    const imageMs: number[] = [];
    const unbundledMs: number[] = [];
    const ratios: number[] = [];
    const imageRatios: number[] = [];
    for (let index = 0; index < options.runs; index++) {
      const fast = await loadTimeMs(bundled);
      const cached = await loadTimeMs(bundled, image);
      const slow = await loadTimeMs(unbundled);
      bundledMs.push(fast);
      imageMs.push(cached);
      unbundledMs.push(slow);
      ratios.push(slow / fast);
      imageRatios.push(slow / cached);
    }

    const group = 'start-up';
    const size = spreadOf([(await stat(bundled)).size / 1024]);
    const ratio = spreadOf(ratios);
    const imageRatio = spreadOf(imageRatios);
    const figures: Figure[] = [
      { group, name: 'bundle size', unit: 'KiB', spread: size, target: atMost(size, BUNDLE_SIZE_TARGET_KIB) },
      { group, name: 'load bundle (require, fresh process)', unit: 'ms', spread: spreadOf(bundledMs) },
      { group, name: "load bundle with the image's compile cache", unit: 'ms', spread: spreadOf(imageMs) },
      { group, name: 'load unbundled from node_modules', unit: 'ms', spread: spreadOf(unbundledMs) },
      { group, name: 'unbundled / bundle load time', unit: 'x', spread: ratio },
      {
        group,
        name: 'unbundled / bundle with compile cache (as the image starts)',
        unit: 'x',
        spread: imageRatio,
        target: atLeast(imageRatio, LOAD_SPEED_RATIO_TARGET),
      },
    ];
    return {
      figures,
      method:
        `${options.runs} fresh ${process.version} processes per variant, alternating, each timing require() of the file ` +
        "(files in the page cache). Bundle: scripts/build-lambda.mjs (minified, one file). With the image's compile cache: " +
        "the same bundle after the Dockerfile's RUN line made V8's code cache for it (NODE_COMPILE_CACHE), as in the image. " +
        "Unbundled: esbuild with packages: 'external', so every package loads from node_modules, with no cache.",
    };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    await rm(unbundledDir, { recursive: true, force: true });
  }
}
