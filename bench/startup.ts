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
import { ANSWER_FUNCTION_MEMORY_MB, lambdaBootstrapNodeOptions } from '../lib/definition/function-runtime';
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

/**
 * How Lambda starts node for the function's memory: its bootstrap's options (V8's flags among them) before the
 * runtime's script, here before `args`; through the image's wrapper script (lambda/start-node.sh), which drops
 * the V8 flags, as the answer function starts; straight, as a function without it starts.
 */
export function asLambdaStarts(args: readonly string[], through: 'wrapper' | 'bootstrap'): [string, string[]] {
  const command = [process.execPath, ...lambdaBootstrapNodeOptions(ANSWER_FUNCTION_MEMORY_MB), ...args];
  return through === 'wrapper'
    ? ['sh', [join(root, 'lambda', 'start-node.sh'), ...command]]
    : [command[0], command.slice(1)];
}

async function loadTime(
  file: string,
  initImports: readonly string[],
  through: 'wrapper' | 'bootstrap',
  env: Record<string, string> = {},
): Promise<LoadTime> {
  const [command, args] = asLambdaStarts(['-e', LOADER, file, ...initImports], through);
  const { stdout } = await run(command, args, {
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
    await loadTime(bundled, bundledInit, 'wrapper', image);
    await loadTime(bundled, bundledInit, 'wrapper');
    await loadTime(unbundled, unbundledInit, 'bootstrap');
    const runs: { image: LoadTime; bundle: LoadTime; plain: LoadTime; unbundled: LoadTime }[] = [];
    for (let index = 0; index < options.runs; index++) {
      runs.push({
        // This image's cold start: the bundle and its code cache, node started through the wrapper script.
        image: await loadTime(bundled, bundledInit, 'wrapper', image),
        // The same without the cache.
        bundle: await loadTime(bundled, bundledInit, 'wrapper'),
        // A plain deployment's: node_modules as they are, node started as the bootstrap starts it.
        plain: await loadTime(unbundled, unbundledInit, 'bootstrap'),
        // The packaging alone: node_modules as they are, started as the bundle is.
        unbundled: await loadTime(unbundled, unbundledInit, 'wrapper'),
      });
    }
    const spread = spreadsOf(runs);

    const group = 'start-up';
    const size = spreadOf([coldStart.bytes / 1024]);
    // The target is on the load a default deployment does at cold start, the same files as the size above: this
    // image's cold start (bundle, code cache, node started without V8 flags) against a plain deployment's
    // (node_modules, node started with the bootstrap's flags, which also leave Node.js's own modules uncached).
    const coldRatio = spread(({ plain, image }) => plain.withInitMs / image.withInitMs);
    const packagingRatio = spread(({ unbundled, bundle }) => unbundled.withInitMs / bundle.withInitMs);
    const figures: Figure[] = [
      {
        group,
        name: `bundle size at cold start (${coldStart.files.length} files)`,
        unit: 'KiB',
        spread: size,
        target: atMost(size, BUNDLE_SIZE_TARGET_KIB),
      },
      { group, name: 'load bundle, as the image starts', unit: 'ms', spread: spread(({ image }) => image.loadMs) },
      { group, name: 'load bundle without its cache', unit: 'ms', spread: spread(({ bundle }) => bundle.loadMs) },
      {
        group,
        name: 'load unbundled, as a plain deployment starts',
        unit: 'ms',
        spread: spread(({ plain }) => plain.loadMs),
      },
      {
        group,
        name: "with the init phase's imports: bundle, as the image starts",
        unit: 'ms',
        spread: spread(({ image }) => image.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: bundle without its cache",
        unit: 'ms',
        spread: spread(({ bundle }) => bundle.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: unbundled, as a plain deployment starts",
        unit: 'ms',
        spread: spread(({ plain }) => plain.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: unbundled, started as the bundle is",
        unit: 'ms',
        spread: spread(({ unbundled }) => unbundled.withInitMs),
      },
      {
        group,
        name: "with the init phase's imports: plain deployment / this image (a cold start)",
        unit: 'x',
        spread: coldRatio,
        target: atLeast(coldRatio, LOAD_SPEED_RATIO_TARGET),
      },
      {
        group,
        name: "with the init phase's imports: unbundled / bundle, same start, no cache (the bundling alone)",
        unit: 'x',
        spread: packagingRatio,
      },
    ];
    return {
      figures,
      method:
        `${options.runs} fresh ${process.version} processes per variant, alternating, each timing the load of the ` +
        'entry (import of the bundle, require() of the unbundled build; files in the page cache), then of what a ' +
        "default deployment's init phase imports (the OpenAI classes, Secrets Manager's client). Every process " +
        `starts with the options Lambda's bootstrap gives node for ${ANSWER_FUNCTION_MEMORY_MB} MB ` +
        `(${lambdaBootstrapNodeOptions(ANSWER_FUNCTION_MEMORY_MB).join(' ')}; lib/definition/function-runtime.ts ` +
        "has the sources, not read off a deployed function). As the image starts: through the image's wrapper " +
        "script, which drops V8's flags (they key every code cache, Node.js's own included), with the code cache " +
        "the Dockerfile's RUN line made (NODE_COMPILE_CACHE). Bundle: scripts/build-lambda.mjs (minified ES " +
        'modules; its size counts every file a default deployment loads at cold start). A plain deployment: esbuild ' +
        "with packages: 'external', so every package loads from node_modules, no cache, and node started as the " +
        'bootstrap starts it. The 4x target compares those two cold starts.',
    };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
    await rm(unbundledDir, { recursive: true, force: true });
  }
}
