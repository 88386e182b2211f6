// Bundles the fulfillment function into one file, lambda/dist/index.js (exports `handler`), and puts Lambda's entry
// point (lambda/init.mjs, which loads it) beside it: the only code the container image holds. One minified CommonJS file starts faster than node_modules on Lambda (see
// notes/perf-anchors.md). A metafile beside it shows what the bundle is made of (esbuild's analyzer reads it).
//
//   node scripts/build-lambda.mjs [--outfile <path>] [--archiver-outfile <path>]
import { build } from 'esbuild';
import { copyFile, writeFile } from 'node:fs/promises';
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
  { filter: /^@aws-sdk\/credential-provider-node$/, path: join(stubs, 'credential-provider-node.cjs') },
  // The Kendra and Bedrock Agent clients behind @langchain/aws's retrievers; the function uses only its chat model.
  { filter: /^@aws-sdk\/client-(kendra|bedrock-agent-runtime)$/, path: join(stubs, 'unused-aws-clients.cjs') },
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
  const probe = await build({ entryPoints: [path], write: false, bundle: false, metafile: true, format: 'esm' });
  const names = Object.values(probe.metafile.outputs).flatMap((output) => output.exports ?? []);
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
];
const neverRun = new RegExp(
  `[\\/]node_modules[\\/](${NEVER_RUN.map((module) => module.replace(/[.]/g, '\\.').replace(/\//g, '[\\\\/]')).join('|')})$`,
);

/** The names a module exports (through `export *` too), found by bundling it alone. */
async function exportNames(path) {
  const probe = await build({
    entryPoints: [path],
    write: false,
    bundle: true,
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
export const DEFAULT_OUTFILE = join(root, 'lambda', 'dist', 'index.js');
/** The transcript archiver's bundle: a zip asset of its own (lib/operations/transcript-archiver.ts). */
export const ARCHIVER_OUTFILE = join(root, 'lambda', 'dist-archiver', 'index.js');

/**
 * One Lambda function's bundle: minified CommonJS, with the stand-ins above. Returns its path and size in bytes,
 * and writes esbuild's metafile (for the analyzer) where asked: never inside a zip asset's folder.
 */
async function bundleFunction(entry, outfile, { metafile } = {}) {
  const result = await build({
    entryPoints: [join(root, 'lambda', 'src', entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
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
  });
  if (metafile) await writeFile(metafile, JSON.stringify(result.metafile));
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  return { outfile, bytes };
}

/** Lambda's entry point for the answer function: an ES module that loads the bundle beside it (it says why). */
const ENTRY = join(root, 'lambda', 'init.mjs');

/** The answer function (lambda/src/index.ts), which the container image holds, with its entry point beside it. */
export async function buildLambda({ outfile = DEFAULT_OUTFILE } = {}) {
  const built = await bundleFunction('index.ts', outfile, { metafile: join(dirname(outfile), 'meta.json') });
  await copyFile(ENTRY, join(dirname(outfile), 'init.mjs'));
  return built;
}

/** The archiver (lambda/src/archiver.ts), a zip asset of its own: no model, no knowledge, only the call item's reader. */
export function buildArchiver({ outfile = ARCHIVER_OUTFILE } = {}) {
  return bundleFunction('archiver.ts', outfile);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const option = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? resolve(process.argv[at + 1]) : undefined;
  };
  const outfile = option('--outfile');
  const archiverOutfile = option('--archiver-outfile');
  // --outfile alone builds the answer function's bundle only (the bench); the app and the bundle test get both.
  const archiver = outfile && !archiverOutfile ? [] : [await buildArchiver({ outfile: archiverOutfile })];
  const built = [await buildLambda({ outfile }), ...archiver];
  for (const { outfile: written, bytes } of built)
    console.log(`Built ${relative(process.cwd(), written)} (${(bytes / 1024).toFixed(0)} KiB)`);
}
