/**
 * Requires a large CommonJS file (TensorFlow.js, for the sentence encoder) with a V8 code cache made after it ran,
 * kept in Node.js's compile cache directory (NODE_COMPILE_CACHE: the image's, made by lambda/Dockerfile's RUN line,
 * whose import of the entry loads the embedding model).
 *
 * Why not Node.js's own compile cache, which covers the bundle: Node.js makes a module's cache when it compiles the
 * module, before it runs, so the cache holds the file's top level and none of the functions V8 compiles lazily,
 * when they are first called. For TensorFlow.js that is most of the work: its ops, kernels and graph executor,
 * compiled during the model's load and first embedding. A cache made from the same script at the process's exit
 * (`script.createCachedData()`) holds every function compiled by then.
 *
 * Why it is safe:
 * - The file runs as Node.js runs a CommonJS module: in the same wrapper function, with a `require` that resolves
 *   from the file's own folder, `this` and `exports` its module's exports, its own __filename and __dirname
 *   (TensorFlow.js finds its .wasm files by them), and its module in require's cache (a later require of the
 *   package gets this same instance), removed again if the file throws.
 * - V8 checks a cache before using it (its version and flags, the source's length) and compiles afresh when it
 *   rejects one; the cache's name holds a hash of the source's text, so a cache made for another version of the
 *   file, even one of the same length, is never read.
 * - Without a compile cache directory (the local call; jest's sandbox, whose module registry is not Node's) the
 *   file is required as before. A cache that
 *   cannot be written (Lambda's /var/task is read-only) stays as it is, silently, as Node.js does with its own.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire, getCompileCacheDir } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** `none`: required as usual (no compile cache directory, or required before); else the code cache's fate. */
export type CodeCacheUse = 'none' | 'used' | 'made' | 'rejected';

/** The wrapper Node.js puts around a CommonJS module's text. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'] as const;

/** Caches to write when the process exits. */
const pending = new Map<string, Script>();
let writesAtExit = false;

/**
 * `load(specifier)`, through its code cache in `cacheDir` (default: Node.js's compile cache directory, when it has
 * one). A module already required is returned as it is.
 */
export function requireWithCodeCache(
  load: NodeJS.Require,
  specifier: string,
  cacheDir = getCompileCacheDir(),
): { exports: unknown; codeCache: CodeCacheUse } {
  const file = load.resolve(specifier);
  if (!cacheDir || load.cache[file]) return { exports: load(specifier), codeCache: 'none' };
  const module = new Module(file);
  module.filename = file;
  load.cache[file] = module;
  // A require whose cache keeps no module of ours (jest's module registry) would load the file a second time at its
  // next require of the package: there the file is required as usual.
  if (load.cache[file] !== module) return { exports: load(specifier), codeCache: 'none' };
  let script: Script;
  let cachePath: string;
  let cachedData: Buffer | undefined;
  try {
    const source = readFileSync(file, 'utf8');
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
    cachePath = join(cacheDir, `code-cache-${hash}.v8`);
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      // No cache yet: this process makes one.
    }
    script = new Script(WRAPPER[0] + source + WRAPPER[1], { filename: file, cachedData });
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete load.cache[file];
    throw error;
  }
  module.loaded = true;
  const codeCache = !cachedData ? 'made' : script.cachedDataRejected ? 'rejected' : 'used';
  if (codeCache !== 'used') {
    // Written at the exit, so the cache holds every function the process compiled: the load's, the warm-up's.
    pending.set(cachePath, script);
    if (!writesAtExit) process.once('exit', writeCodeCaches);
    writesAtExit = true;
  }
  return { exports: module.exports, codeCache };
}

/** Writes the code caches this process made, with every function compiled so far. Never throws. */
function writeCodeCaches(): void {
  for (const [cachePath, script] of pending) {
    try {
      writeFileSync(cachePath, script.createCachedData());
    } catch {
      // A read-only cache directory keeps the cache it has.
    }
  }
  pending.clear();
}
