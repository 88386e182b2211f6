/**
 * Start-up: the function bundle's size, and how long a fresh Node process takes to load it, beside the same code
 * loaded unbundled.
 *
 * The bundle is built by the real build script (scripts/build-lambda.mjs) into a folder away from node_modules.
 * Its size is what a default deployment (OpenAI's chat model, its key in a secret, local embeddings) loads at cold
 * start: the entry, the files it imports, and what its init phase imports, the OpenAI classes and Secrets Manager's
 * client (the build's cold-start.json), never only
 * the entry file. "Unbundled" is the same entry built by esbuild with `packages: 'external'`: our own modules are
 * still in one file, but every package (LangChain, the OpenAI client, the AWS SDK, Powertools) is loaded from
 * node_modules file by file, as a plain `tsc` build would. No TypeScript loader is involved in either, so the
 * difference is only the bundling. Runs alternate between the variants so machine noise falls on all alike.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { atLeast, atMost, type Figure, type MeasurementResult, spreadOf, spreadsOf } from './figures';

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

/**
 * Runs in a fresh process: the time the file's load takes, as Lambda's runtime loads it (an ES module is imported,
 * CommonJS required), then the time until what a default deployment's init phase imports (the OpenAI classes,
 * Secrets Manager's client) is loaded too, as that init * phase loads them when it makes the model (the bundle's file for them, or the package from node_modules).
 */
const LOADER = `
const { createRequire } = require('node:module');
const [file, ...initImports] = process.argv.slice(1);
const load = (target) => target.endsWith('.mjs') ? import(target) : Promise.resolve(createRequire(file)(target));
const started = performance.now();
load(file).then(async () => {
  const loadMs = performance.now() - started;
  for (const target of initImports) await load(target);
  process.stdout.write(JSON.stringify({ loadMs, withInitMs: performance.now() - started }));
});
`;

interface LoadTime {
  readonly loadMs: number;
  readonly withInitMs: number;
}

async function loadTime(
  file: string,
  initImports: readonly string[],
  env: Record<string, string> = {},
): Promise<LoadTime> {
  const { stdout } = await run(process.execPath, ['-e', LOADER, file, ...initImports], {
    env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', ...env },
  });
  return JSON.parse(stdout) as LoadTime;
}

/** What the build says a default deployment loads at cold start (scripts/build-lambda.mjs). */
interface ColdStart {
  readonly files: readonly string[];
  readonly bytes: number;
  /** What its init phase imports lazily (the OpenAI classes, Secrets Manager's client): package and bundle file. */
  readonly importedByInit: readonly { readonly module: string; readonly file: string }[];
}

/**
 * Makes the compile cache as the image build does: the Dockerfile's own RUN line, with its NODE_COMPILE_CACHE,
 * run in the bundle's folder by this Node.js. Returns the environment a cold start of the image has.
 */
export async function imageCompileCache(bundleDir: string): Promise<Record<string, string>> {
  const dockerfile = (await readFile(join(root, 'lambda', 'Dockerfile'), 'utf8')).replace(/\s*\\\n\s*/g, ' ');
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
    const bundled = join(bundleDir, 'index.mjs');
    await run(process.execPath, [join(root, 'scripts', 'build-lambda.mjs'), '--outdir', bundleDir], { cwd: root });
    const coldStart = JSON.parse(await readFile(join(bundleDir, 'cold-start.json'), 'utf8')) as ColdStart;
    const bundledInit = coldStart.importedByInit.map(({ file }) => join(bundleDir, file));
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
    const unbundledInit = coldStart.importedByInit.map(({ module }) => module);

    const image = await imageCompileCache(bundleDir);

    // One untimed load each first, so all are timed with the files in the page cache.
    await loadTime(bundled, bundledInit);
    await loadTime(bundled, bundledInit, image);
    await loadTime(unbundled, unbundledInit);
    const runs: { fast: LoadTime; cached: LoadTime; slow: LoadTime }[] = [];
    for (let index = 0; index < options.runs; index++) {
      const fast = await loadTime(bundled, bundledInit);
      const cached = await loadTime(bundled, bundledInit, image);
      const slow = await loadTime(unbundled, unbundledInit);
      runs.push({ fast, cached, slow });
    }
    const spread = spreadsOf(runs);

    const group = 'start-up';
    const size = spreadOf([coldStart.bytes / 1024]);
    // The target is on the load a default deployment does at cold start, the same files as the size above, with no
    // code cache on either side: like for like, and what holds if Lambda's start-up misses the image's cache. Lambda's
    // Node.js bootstrap passes V8 heap flags sized from the function's memory (public copies of it; not checked on a
    // deployed function), and V8 flags are part of the compile cache's key, so the cache made by the Dockerfile's RUN
    // line, without them, may never be read there. The cached figures are printed beside it.
    const coldRatio = spread(({ slow, fast }) => slow.withInitMs / fast.withInitMs);
    const cachedColdRatio = spread(({ slow, cached }) => slow.withInitMs / cached.withInitMs);
    const figures: Figure[] = [
      {
        group,
        name: `bundle size at cold start (${coldStart.files.length} files)`,
        unit: 'KiB',
        spread: size,
        target: atMost(size, BUNDLE_SIZE_TARGET_KIB),
      },
      { group, name: 'load bundle (import, fresh process)', unit: 'ms', spread: spread(({ fast }) => fast.loadMs) },
      {
        group,
        name: "load bundle with the image's compile cache",
        unit: 'ms',
        spread: spread(({ cached }) => cached.loadMs),
      },
      { group, name: 'load unbundled from node_modules', unit: 'ms', spread: spread(({ slow }) => slow.loadMs) },
      {
        group,
        name: 'unbundled / bundle load time',
        unit: 'x',
        spread: spread(({ slow, fast }) => slow.loadMs / fast.loadMs),
      },
      {
        group,
        name: 'unbundled / bundle with compile cache (as the image starts)',
        unit: 'x',
        spread: spread(({ slow, cached }) => slow.loadMs / cached.loadMs),
      },
      {
        group,
        name: "with the init phase's imports: bundle",
        unit: 'ms',
        spread: spread(({ fast }) => fast.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: bundle, image's compile cache",
        unit: 'ms',
        spread: spread(({ cached }) => cached.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: unbundled",
        unit: 'ms',
        spread: spread(({ slow }) => slow.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: unbundled / bundle, no cache on either (a cold start)",
        unit: 'x',
        spread: coldRatio,
        target: atLeast(coldRatio, LOAD_SPEED_RATIO_TARGET),
      },
      {
        group,
        name: "with the init phase's imports: unbundled / bundle with the image's compile cache",
        unit: 'x',
        spread: cachedColdRatio,
      },
    ];
    return {
      figures,
      method:
        `${options.runs} fresh ${process.version} processes per variant, alternating, each timing the load of the ` +
        'entry (import of the bundle, require() of the unbundled build; files in the page cache), then of what a ' +
        "default deployment's init phase imports (the OpenAI classes, Secrets Manager's client). Bundle: " +
        'scripts/build-lambda.mjs (minified ES ' +
        "modules; its size counts every file a default deployment loads at cold start). With the image's compile " +
        "cache: the same bundle after the Dockerfile's RUN line made V8's code cache for it (NODE_COMPILE_CACHE), as " +
        "in the image. Unbundled: esbuild with packages: 'external', so every package loads from node_modules, with " +
        'no cache. The 4x target is read with no cache on either side: Lambda starts Node.js with V8 heap flags, ' +
        "which are part of the cache's key, so the image's cache may not be read there (not checked on Lambda).",
    };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    await rm(unbundledDir, { recursive: true, force: true });
  }
}
