/**
 * Builds the knowledge index the function loads, beside its bundle (`npm run build` runs this after the bundle):
 * lambda/dist/knowledge-index/ (index.json, vectors.f32), one subfolder per locale with documents of its own
 * (knowledge-index/es_US/, from knowledge/es_US/; see lambda/src/knowledge/knowledge-locales.ts) and, with the local embedding model,
 * lambda/dist/node_modules/ holding that model's packages (runtime and weights, ~30 MB), which esbuild leaves
 * out of the bundle. lambda/Dockerfile copies both into the image, so the function never indexes at run time
 * and a changed document changes the image, and so the deploy.
 *
 *   tsx scripts/build-knowledge.ts [--out <dir>]      (default: lambda/dist)
 *
 * KNOWLEDGE_DIR names the folder of documents (default: knowledge/); EMBEDDINGS picks the embedding model
 * (local, the default; openai, with OPENAI_API_KEY; bedrock, with AWS credentials; none, keywords only).
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { transform } from 'esbuild';
import { embeddingsChoice, EMBEDDINGS_ENV, LOCAL_EMBEDDINGS_PACKAGES } from '../lambda/src/knowledge/embeddings';
import { TENSORFLOW_PACKAGE } from '../lambda/src/knowledge/sentence-encoder';
import { buildKnowledge } from '../lambda/src/knowledge/knowledge';
import { BUILT_INDEX_FOLDER, BUNDLE_FOLDER } from '../lib/definition/knowledge-index';
import { DEFAULT_VECTOR_CACHE_DIR } from '../lambda/src/knowledge/vector-cache';
import { FUNCTION_ENV } from '../lib/definition/function-settings';

const ROOT = resolve(__dirname, '..');
export const DEFAULT_KNOWLEDGE_SOURCE = join(ROOT, 'knowledge');
export const DEFAULT_OUT_DIR = join(ROOT, 'lambda', BUNDLE_FOLDER);
/** The folder of packages beside the bundle; Node resolves `require` from /var/task/node_modules in the image. */
export const STAGED_MODULES = 'node_modules';

export interface BuildKnowledgeOptions {
  readonly source?: string;
  readonly outDir?: string;
  readonly embeddings?: string;
}

/** Builds the index into `outDir` and stages what the function needs to load it. Returns a one-line summary. */
export async function buildKnowledgeIndex(options: BuildKnowledgeOptions = {}): Promise<string> {
  const source = resolve(
    options.source ?? (process.env[FUNCTION_ENV.knowledgeDir]?.trim() || DEFAULT_KNOWLEDGE_SOURCE),
  );
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const choice = embeddingsChoice(options.embeddings ?? process.env[EMBEDDINGS_ENV]);
  const started = Date.now();
  const knowledge = await buildKnowledge(source, { choice, vectorCacheDir: DEFAULT_VECTOR_CACHE_DIR });
  const indexDir = join(outDir, BUILT_INDEX_FOLDER);
  await rm(indexDir, { recursive: true, force: true });
  await knowledge.index.save(indexDir);
  for (const [localeId, own] of knowledge.locales) await own.index.save(join(indexDir, localeId));
  await stageModules(outDir, choice?.kind === 'local' ? LOCAL_EMBEDDINGS_PACKAGES : []);
  const indexed = [['', knowledge] as const, ...knowledge.locales].map(([localeId, { index, size }]) => {
    const by = index.embeddings ? `${index.embeddings.kind} embeddings (${index.embeddings.model})` : 'keywords only';
    return `${size.faq} FAQ questions and ${size.passages} passages${localeId ? ` in ${localeId}` : ''} with ${by}`;
  });
  return `Indexed ${indexed.join(', ')} from ${relative(process.cwd(), source) || '.'} into ${relative(process.cwd(), indexDir)} in ${Date.now() - started} ms`;
}

/**
 * Copies `packages` and everything they depend on into `<outDir>/node_modules`, as npm laid them out here, with
 * TensorFlow.js minified. The folder always exists (empty when nothing is needed), so the Dockerfile's COPY never
 * fails.
 */
export async function stageModules(outDir: string, packages: readonly string[]): Promise<void> {
  const target = join(outDir, STAGED_MODULES);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const copied = new Set<string>();
  const copy = async (name: string, from: string): Promise<void> => {
    if (copied.has(name)) return;
    copied.add(name);
    const manifest = require.resolve(`${name}/package.json`, { paths: [from] });
    const dir = dirname(manifest);
    await cp(dir, join(target, name), {
      recursive: true,
      filter: (path) => !path.slice(dir.length).includes('/node_modules/'),
    });
    const {
      dependencies = {},
      peerDependencies = {},
      peerDependenciesMeta = {},
    } = JSON.parse(await readFile(manifest, 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    // A runtime's peer (@energetic-ai/embeddings needs @energetic-ai/core) is needed too; an optional one is not.
    const peers = Object.keys(peerDependencies).filter((peer) => !peerDependenciesMeta[peer]?.optional);
    for (const dependency of [...Object.keys(dependencies), ...peers]) await copy(dependency, dir);
  };
  for (const name of packages) await copy(name, ROOT);
  if (copied.has(TENSORFLOW_PACKAGE)) await minifyTensorFlow(join(target, TENSORFLOW_PACKAGE));
}

/**
 * Replaces the staged TensorFlow.js (one 1.7 MB file: tfjs-core, tfjs-converter and the WebAssembly backend,
 * bundled unminified by @energetic-ai/core) with the same code minified by esbuild: 0.8 MB. Every cold start reads
 * it and keeps its text in memory, and without a code cache parses and compiles it, so a smaller file loads faster
 * and touches fewer fresh pages (bench: knowledge load).
 * Why it is safe: the file is transformed, not re-bundled, so nothing is dropped or reordered; minifying renames
 * only the file's own local names and removes whitespace and comments, and TensorFlow.js reads no function's name
 * or text (it reads `constructor.name` only of built-in arrays, for its error messages, and its serializable classes
 * name themselves with a `className` field). The license notices stay, at the end. The staged copy's vectors are
 * the library's, number for number (test/knowledge/sentence-encoder.test.ts).
 */
async function minifyTensorFlow(packageDir: string): Promise<void> {
  const { main = 'index.js' } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    main?: string;
  };
  const file = join(packageDir, main);
  const { code } = await transform(await readFile(file, 'utf8'), {
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    legalComments: 'eof',
    sourcefile: main,
  });
  await writeFile(file, code);
}

if (require.main === module) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  buildKnowledgeIndex({ outDir: values.out }).then(
    (summary) => console.log(summary),
    (error: unknown) => {
      console.error(`The knowledge index was not built: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
