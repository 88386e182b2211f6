/**
 * A CommonJS file required through a V8 code cache made after it ran (lambda/src/knowledge/code-cache.ts): run as
 * Node.js runs a module, its cache written at the process's exit and used by the next process, and never a cache
 * made for another text of the file, nor one V8 rejects. Each "process" is a worker thread (an isolate of its own:
 * within one isolate V8 reuses the script it compiled and never reads a cache), running the module bundled by
 * esbuild as the function's code is.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { type CodeCacheUse, requireWithCodeCache } from '../../lambda/src/knowledge/code-cache';

let dir: string;
let cacheDir: string;
let bundle: string;
const packageDir = () => join(dir, 'node_modules', 'counter');
const file = () => join(packageDir(), 'index.js');

/** A package whose module reads a sibling, `this`, `exports` and __dirname, and counts calls (compiled lazily). */
function writePackage(text = 'counted') {
  writeFileSync(join(packageDir(), 'sibling.js'), 'module.exports = "sibling";');
  writeFileSync(
    file(),
    [
      "'use strict';",
      'let calls = 0;',
      `exports.count = function count() { calls += 1; return ${JSON.stringify(text)} + calls; };`,
      "exports.sibling = require('./sibling');",
      'exports.same = this === module.exports && exports === module.exports;',
      'exports.where = [__filename, __dirname];',
    ].join('\n'),
  );
}

/** Node.js's folder for this Node.js version in the compile cache directory, where the code caches go. */
function compileCacheDir(): string {
  const [version] = readdirSync(cacheDir);
  return join(cacheDir, version);
}

function cacheFiles(): string[] {
  return readdirSync(compileCacheDir()).filter((name) => name.startsWith('code-cache-'));
}

/** Node.js's own require (jest's stands in for `node:module` in tests, with a require cache of its own). */
function nodeRequire(): NodeJS.Require {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(join(dir, 'index.js'));
}

interface Loaded {
  readonly codeCache: CodeCacheUse;
  readonly counted: string;
}

/**
 * In a fresh isolate: requires the package through the code cache, calls it, and ends (the cache is written then).
 * The cache directory is Node.js's own, NODE_COMPILE_CACHE (none when null), as in the function.
 */
function loadInWorker(compileCache: string | null = cacheDir): Promise<Loaded> {
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createRequire } = require('node:module');
    const { requireWithCodeCache } = require(workerData.bundle);
    const { exports, codeCache } = requireWithCodeCache(createRequire(workerData.from), 'counter');
    parentPort.postMessage({ codeCache, counted: exports.count() });
  `;
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  if (compileCache) env.NODE_COMPILE_CACHE = compileCache;
  return new Promise((resolve, reject) => {
    let loaded: Loaded | undefined;
    const workerData = { bundle, from: join(dir, 'index.js') };
    const worker = new Worker(script, { eval: true, workerData, env });
    worker.on('message', (message: Loaded) => {
      loaded = message;
    });
    worker.on('error', reject);
    worker.on('exit', () => (loaded ? resolve(loaded) : reject(new Error('the worker sent nothing'))));
  });
}

beforeAll(() => {
  bundle = join(mkdtempSync(join(tmpdir(), 'code-cache-bundle-')), 'code-cache.js');
  buildSync({
    entryPoints: [join(__dirname, '..', '..', 'lambda', 'src', 'knowledge', 'code-cache.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(dirname(bundle), { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  cacheDir = join(dir, 'cache');
  for (const folder of [cacheDir, packageDir()]) mkdirSync(folder, { recursive: true });
  writePackage();
});
afterEach(() => {
  const load = nodeRequire();
  for (const name of ['index.js', 'sibling.js']) delete load.cache[join(packageDir(), name)];
  rmSync(dir, { recursive: true, force: true });
});

test('runs the file as Node.js runs a module, in require, so a later require gets the same; as before without a cache', () => {
  const load = nodeRequire();
  const { exports, codeCache } = requireWithCodeCache(load, 'counter', cacheDir);
  expect(codeCache).toBe('made');
  expect(exports).toMatchObject({ sibling: 'sibling', same: true, where: [file(), packageDir()] });
  expect((exports as { count(): string }).count()).toBe('counted1');
  expect(load('counter')).toBe(exports);
  expect(requireWithCodeCache(load, 'counter', cacheDir)).toEqual({ exports, codeCache: 'none' });
});

test("with a require whose cache keeps no module of ours (jest's), the file is required as usual", () => {
  const load = createRequire(join(dir, 'index.js'));
  const { exports, codeCache } = requireWithCodeCache(load, 'counter', cacheDir);
  expect(codeCache).toBe('none');
  expect(load('counter')).toBe(exports);
});

test('a file that throws is not left in require, and throws again when required again', () => {
  writeFileSync(file(), 'throw new Error("broken package");');
  const load = nodeRequire();
  expect(() => requireWithCodeCache(load, 'counter', cacheDir)).toThrow('broken package');
  expect(load.cache[file()]).toBeUndefined();
  expect(() => requireWithCodeCache(load, 'counter', cacheDir)).toThrow('broken package');
});

test('the cache is written when the process ends, and the next process uses it; none without a cache directory', async () => {
  await expect(loadInWorker()).resolves.toEqual({ codeCache: 'made', counted: 'counted1' });
  expect(cacheFiles()).toEqual([expect.stringMatching(/^code-cache-[0-9a-f]{32}\.v8$/)]);
  await expect(loadInWorker()).resolves.toEqual({ codeCache: 'used', counted: 'counted1' });
  await expect(loadInWorker(null)).resolves.toEqual({ codeCache: 'none', counted: 'counted1' });
});

test('a cache made for another text of the file is not read; one V8 rejects is not used, and is made again', async () => {
  await loadInWorker();
  // The same length, another text: V8 alone would take the old cache for it.
  writePackage('COUNTED');
  await expect(loadInWorker()).resolves.toEqual({ codeCache: 'made', counted: 'COUNTED1' });
  expect(cacheFiles()).toHaveLength(2);
  for (const name of cacheFiles()) writeFileSync(join(compileCacheDir(), name), 'not a code cache');
  await expect(loadInWorker()).resolves.toEqual({ codeCache: 'rejected', counted: 'COUNTED1' });
  await expect(loadInWorker()).resolves.toEqual({ codeCache: 'used', counted: 'COUNTED1' });
});
