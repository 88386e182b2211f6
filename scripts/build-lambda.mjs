// Bundles the fulfillment function into lambda/dist/: index.mjs (exports `handler`) and the files it imports, with
// Lambda's entry point (lambda/init.mjs, which imports it) beside them: the only code the container image holds.
// Minified bundle files start faster than node_modules on Lambda (see notes/perf-anchors.md); what only some
// deployments run (Bedrock) is in files of its own, loaded when first imported. A metafile beside them shows what
// the bundle is made of (esbuild's analyzer reads it), and cold-start.json what a default deployment loads.
//
//   node scripts/build-lambda.mjs [--outdir <folder>] [--archiver-outfile <path>]
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stubs = join(root, 'scripts', 'bundle-stubs');

/**
 * Code the function imports but never runs on Lambda, swapped for small stand-ins (each file says why it is safe).
 * Together they were about 800 KiB of the bundle, and their module-load work was part of every cold start.
 */
const STUBS = [
  // LangSmith tracing, which @langchain/core loads at import; the function never traces.
  { filter: /^langsmith(\/.*)?$/, path: join(stubs, 'langsmith.mjs') },
  // zod's error messages in 50 languages; zod uses English unless told otherwise, and nothing tells it.
  { filter: /^\.\.\/locales\/index\.js$/, importer: /zod[\\/]v4[\\/]/, path: join(stubs, 'zod-locales.mjs') },
  // The SDK's default credential chain; on Lambda its first link (the environment) always answers.
  { filter: /^@aws-sdk\/credential-provider-node$/, path: join(stubs, 'credential-provider-node.mjs') },
  // The Kendra and Bedrock Agent clients behind @langchain/aws's retrievers; the function uses only its chat model.
  { filter: /^@aws-sdk\/client-(kendra|bedrock-agent-runtime)$/, path: join(stubs, 'unused-aws-clients.cjs') },
  // zod's whole namespace, which LangChain's tools module imports for one function (the stand-in says which).
  {
    filter: /^zod\/v4$/,
    importer: /@langchain[\\/]core[\\/]dist[\\/]tools[\\/]index\.js$/,
    path: join(stubs, 'zod-v4-for-tools.mjs'),
  },
  // A browser user-agent parser the SDK imports only in browsers.
  { filter: /^bowser$/, path: join(stubs, 'bowser.mjs') },
];

/**
 * The OpenAI client's API areas the function never calls. The client makes one object per area when it is
 * constructed, so its module imports them all, about 200 KiB that every cold start compiled and ran. LangChain's
 * ChatOpenAI and AzureChatOpenAI call `chat.completions` (and `responses` for some models), OpenAIEmbeddings
 * calls `embeddings`: those stay, as does everything they import. Each area here is replaced by classes of the
 * same names that the client can construct; calling one throws, naming this file.
 */
const UNUSED_OPENAI_AREAS = [
  'admin/admin',
  'audio/audio',
  'batches',
  'beta/beta',
  'containers/containers',
  'content-provenance-checks',
  'conversations/conversations',
  'decisions',
  'evals/evals',
  'files',
  'fine-tuning/fine-tuning',
  'graders/graders',
  'images',
  'live/live',
  'moderations',
  'realtime/realtime',
  'safety/safety',
  'skills/skills',
  'uploads/uploads',
  'vector-stores/vector-stores',
  'videos',
  'webhooks/webhooks',
];
const unusedOpenAiArea = new RegExp(
  `[\\\\/]node_modules[\\\\/]openai[\\\\/]resources[\\\\/](${UNUSED_OPENAI_AREAS.join('|')})\\.mjs$`,
);

/** Stand-in classes for an unused area: the names its module exports, each constructible, none usable. */
async function openAiAreaStandIn(path) {
  const names = await exportNames(path);
  const area = relative(join(root, 'node_modules', 'openai', 'resources'), path);
  const lines = names.map(
    (name) =>
      `export class ${name} { constructor(client) { this._client = client; } }\n` +
      `for (const method of ['create', 'retrieve', 'list', 'update', 'delete', 'del', 'parse', 'stream'])\n` +
      `  ${name}.prototype[method] = () => { throw new Error(${JSON.stringify(`OpenAI ${area} is not bundled into the Chalkbot function (scripts/build-lambda.mjs)`)}); };`,
  );
  return { contents: lines.join('\n'), loader: 'js' };
}

/**
 * Modules that the function's packages import but that no turn runs, replaced by stand-ins made from their own
 * export names (`neverRunStandIn`): each export can be imported, read and extended, and throws when called or
 * constructed, naming this file. Each line says why the module never runs.
 */
const NEVER_RUN = [
  // zod 3. LangChain and the OpenAI client keep it for schemas written with zod 3 (and for LangChain's own
  // string-input tools and `asTool`, which the function never makes); the function's tools are zod 4 schemas
  // (lib/definition/tools.ts), which LangChain converts and checks with zod 4's own core.
  'zod/v3/index.js',
  // LangChain's copy of zod-to-json-schema: its toJsonSchema calls it only for zod 3 schemas (see above).
  '@langchain/core/dist/utils/zod-to-json-schema/index.js',
  '@langchain/core/dist/utils/zod-to-json-schema/zodToJsonSchema.js',
  // The OpenAI client's zod helpers (zodResponseFormat, zodFunction), which LangChain calls only for a zod 3
  // response format in withStructuredOutput; the function asks for plain answers and binds tools.
  'openai/helpers/zod.mjs',
  // The OpenAI client's runners and streams (chat.completions.runTools and .stream, responses.stream): LangChain
  // calls `create` (with `stream: true` when it streams), which returns the client's plain Stream, not these.
  'openai/lib/ChatCompletionRunner.mjs',
  'openai/lib/ChatCompletionStreamingRunner.mjs',
  'openai/lib/ChatCompletionStream.mjs',
  'openai/lib/responses/ResponseStream.mjs',
  // LangChain's XML output parser (with an XML tokenizer): only for a chain that asks a model for XML.
  '@langchain/core/dist/output_parsers/xml.js',
  // zod 4's z.fromJSONSchema and z.compile: made only when called, and nothing calls them.
  'zod/v4/classic/from-json-schema.js',
  'zod/v4/core/compile.js',
  // OpenAI's built-in tools (web and file search, code interpreter, computer use, shell, image generation, MCP,
  // custom tools) as LangChain offers them; the function binds its own tools (lambda/src/tools/) and never these.
  '@langchain/openai/dist/tools/index.js',
  '@langchain/openai/dist/tools/custom.js',
  // LangChain's OpenAI and Azure completion LLMs (the legacy /completions API); the function uses chat models.
  '@langchain/openai/dist/llms.js',
  '@langchain/openai/dist/azure/llms.js',
  // LangChain's graph of a runnable (Runnable.getGraph, for drawing a chain); nothing draws one.
  '@langchain/core/dist/runnables/graph.js',
  // A JSON Schema validator: LangChain checks a tool's arguments with it only when the tool's schema is plain JSON
  // Schema (the function's are zod schemas, checked by zod), and diffs streamed JSON output with it (the
  // function parses no JSON output).
  '@cfworker/json-schema/dist/esm/index.js',
];
const neverRun = new RegExp(
  `[\\/]node_modules[\\/](${NEVER_RUN.map((module) => module.replace(/[.]/g, '\\.').replace(/\//g, '[\\\\/]')).join('|')})$`,
);

/**
 * The names a module exports (through `export *` of its own files too), found by bundling it alone. Other packages
 * stay out of that bundle (`packages: 'external'`): following them cost about 4 s of CPU over the stand-ins, half
 * the build, and none of these modules re-exports another package's names. Should one ever do, its importers would
 * miss a name, and esbuild fails the build on a missing import.
 */
async function exportNames(path) {
  const probe = await build({
    entryPoints: [path],
    write: false,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(probe.metafile.outputs).flatMap((output) => output.exports ?? []);
}

/**
 * A stand-in for a module no turn runs: each of its exports is a function that throws when called or
 * constructed, naming the module and this file. Reading a property gives another such function, so the module's
 * importers still load (a class may even extend one); `instanceof` one is false, as nothing is ever made by it.
 */
async function neverRunStandIn(path) {
  const module = relative(join(root, 'node_modules'), path).replaceAll('\\', '/');
  const names = await exportNames(path);
  const message = `${module} is not bundled into the Chalkbot function: no turn runs it (scripts/build-lambda.mjs)`;
  const lines = [
    `const standIn = (name) => new Proxy(function () {}, {`,
    `  apply() { throw new Error(name + ': ' + ${JSON.stringify(message)}); },`,
    `  construct() { throw new Error(name + ': ' + ${JSON.stringify(message)}); },`,
    `  get: (target, key) => key === 'prototype' ? target.prototype : typeof key === 'symbol' ? undefined : standIn(name + '.' + key),`,
    `});`,
    // Through `as`, since an export may be named like a keyword (zod 3 exports `enum`).
    ...names.map((name, index) => `const $${index} = standIn('${name}'); export { $${index} as ${name} };`),
  ];
  return { contents: lines.join('\n'), loader: 'js' };
}

/** An esbuild plugin that resolves each stubbed import to its stand-in. */
const stubPlugin = {
  name: 'chalkbot-stubs',
  setup(builder) {
    for (const { filter, importer, path } of STUBS) {
      builder.onResolve({ filter }, (args) => (importer && !importer.test(args.importer) ? undefined : { path }));
    }
    builder.onLoad({ filter: unusedOpenAiArea }, (args) => openAiAreaStandIn(args.path));
    builder.onLoad({ filter: neverRun }, (args) => neverRunStandIn(args.path));
  },
};
/** Where `npm run build` puts the answer function: the container image's build context (lambda/Dockerfile). */
export const DEFAULT_OUTDIR = join(root, 'lambda', 'dist');
/** The transcript archiver's bundle: a zip asset of its own (lib/operations/transcript-archiver.ts). */
export const ARCHIVER_OUTFILE = join(root, 'lambda', 'dist-archiver', 'index.js');

/** What both functions' bundles are built with. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  minify: true,
  // Minified, but with function and class names kept: production stack traces and error names (ModelFailure,
  // SettingsError) stay readable. Measured: +5% in size (2.18 to 2.30 MB), no measurable change in require time.
  keepNames: true,
  sourcemap: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.json'),
  plugins: [stubPlugin],
  // Each package's ES module build first (`module`), where it has one: esbuild can then leave out what is never
  // imported, which it cannot do inside a CommonJS file. The AWS SDK's clients hold every command and its
  // schema in one CommonJS file (DynamoDB's: 94 KiB), of which the function sends a few. For platform 'node'
  // esbuild's default is the reverse (https://esbuild.github.io/api/#main-fields). Only the AWS SDK's packages
  // resolve differently this way (compared in meta.json); their `browser` files stay out, as before.
  mainFields: ['module', 'main'],
};

/**
 * What every file of the answer function's bundle starts with. Its packages' CommonJS code still calls
 * `require` (for Node's own modules, and the embedding model's packages beside the bundle) and our code reads
 * `__dirname` (the knowledge index beside the bundle): an ES module has neither, so each file makes them. All
 * files sit in one folder, so `__dirname` is the bundle's folder in each.
 */
const ESM_BANNER = [
  "import { createRequire as __chalkbotCreateRequire } from 'node:module';",
  "import { dirname as __chalkbotDirname } from 'node:path';",
  "import { fileURLToPath as __chalkbotFileURLToPath } from 'node:url';",
  'const require = __chalkbotCreateRequire(import.meta.url);',
  'const __filename = __chalkbotFileURLToPath(import.meta.url);',
  'const __dirname = __chalkbotDirname(__filename);',
].join('\n');

/**
 * The packages a default deployment (OpenAI's chat model, its key in a secret, local embeddings) imports lazily
 * in its init phase anyway: the key is read and the model made there (lambda/src/handler.ts). Their files count
 * in the bundle's size at cold start; the other lazy files (Bedrock's client and LangChain classes, the SDK's other
 * credential sources) load only in deployments that use them. `module`: the package; `file`: the module of the
 * bundle that starts its file (esbuild's entry point for it).
 */
const LOADED_AT_COLD_START = [
  { module: '@langchain/openai', file: /node_modules[\\/]@langchain[\\/]openai[\\/]/ },
  // Imported through a module of ours that keeps only the client and the command the function uses.
  { module: '@aws-sdk/client-secrets-manager', file: /lambda[\\/]src[\\/]secrets-manager\.ts$/ },
];

/**
 * The files a default deployment loads at cold start: the entry, the packages above (`lazyStarts`, their files),
 * and every file they import (statically, so at once), from esbuild's metafile. Paths are the metafile's.
 */
function coldStart(metafile, entryFile) {
  const outputs = metafile.outputs;
  // A package imported statically somewhere has no file of its own: it is in the entry's files, counted there.
  const lazyStarts = LOADED_AT_COLD_START.flatMap(({ module, file: entry }) => {
    const [file] = Object.entries(outputs).find(([, output]) => entry.test(output.entryPoint ?? '')) ?? [];
    return file ? [{ module, file }] : [];
  });
  const files = new Set();
  const visit = (file) => {
    if (files.has(file) || !outputs[file]) return;
    files.add(file);
    for (const imported of outputs[file].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  for (const file of [entryFile, ...lazyStarts.map(({ file }) => file)]) visit(file);
  // Each package must be counted somewhere: in a file of its own, or in one of the files above. A renamed file or
  // package would otherwise leave the size (and its target) quietly smaller.
  for (const { module, file: entry } of LOADED_AT_COLD_START) {
    const counted = [...files].some((file) => Object.keys(outputs[file].inputs).some((input) => entry.test(input)));
    if (!counted) throw new Error(`${module}: no file of the bundle holds it (LOADED_AT_COLD_START is out of date)`);
  }
  return { files: [...files], lazyStarts };
}

/** Lambda's entry point for the answer function: an ES module that imports the bundle beside it (it says why). */
const ENTRY = join(root, 'lambda', 'init.mjs');

/**
 * The answer function (lambda/src/index.ts), which the container image holds: minified ES modules in `outdir`,
 * index.mjs and the files it imports, each module that only some deployments need (Bedrock's client, say) in
 * files of its own that load when first imported, and Lambda's entry point beside them. Old bundle files there
 * are removed first, so the image copies only this build's. Writes esbuild's metafile (meta.json, for the
 * analyzer) and cold-start.json: the files a default deployment loads at cold start, and their size in bytes.
 */
export async function buildLambda({ outdir = DEFAULT_OUTDIR } = {}) {
  await mkdir(outdir, { recursive: true });
  // index.js: the one CommonJS file that earlier builds wrote.
  for (const file of await readdir(outdir))
    if (file.endsWith('.mjs') || file === 'index.js') await rm(join(outdir, file));
  const result = await build({
    ...COMMON,
    entryPoints: { index: join(root, 'lambda', 'src', 'index.ts') },
    outdir,
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    banner: { js: ESM_BANNER },
  });
  await copyFile(ENTRY, join(outdir, 'init.mjs'));
  const entryFile = Object.keys(result.metafile.outputs).find((file) => file.endsWith('index.mjs'));
  const { files, lazyStarts } = coldStart(result.metafile, entryFile);
  const bytes = files.reduce((sum, file) => sum + result.metafile.outputs[file].bytes, 0);
  const name = (file) => relative(outdir, resolve(file));
  await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  const importedByInit = lazyStarts.map(({ module, file }) => ({ module, file: name(file) }));
  const summary = { files: files.map(name), bytes, importedByInit };
  await writeFile(join(outdir, 'cold-start.json'), JSON.stringify(summary, null, 2));
  return { written: join(outdir, 'index.mjs'), bytes, files: files.length };
}

/** The archiver (lambda/src/archiver.ts), a zip asset of its own: no model, no knowledge, only the call item's reader. */
export async function buildArchiver({ outfile = ARCHIVER_OUTFILE } = {}) {
  const result = await build({
    ...COMMON,
    entryPoints: [join(root, 'lambda', 'src', 'archiver.ts')],
    outfile,
    format: 'cjs',
  });
  return { written: outfile, bytes: Object.values(result.metafile.outputs)[0]?.bytes ?? 0, files: 1 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const option = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? resolve(process.argv[at + 1]) : undefined;
  };
  const outdir = option('--outdir');
  const archiverOutfile = option('--archiver-outfile');
  // --outdir alone builds the answer function's bundle only (the bench); the app and the bundle test get both.
  const archiver = outdir && !archiverOutfile ? [] : [await buildArchiver({ outfile: archiverOutfile })];
  const built = [await buildLambda({ outdir }), ...archiver];
  for (const { written, bytes, files } of built)
    console.log(
      `Built ${relative(process.cwd(), written)} (${(bytes / 1024).toFixed(0)} KiB in ${files} file(s) at cold start)`,
    );
}
