/**
 * The business's knowledge in a turn (issue #14):
 * - canned answers: the share of the sample's eval questions the FAQ answers at once, and the handler time of
 *   those turns, with the loopback model asserted idle;
 * - retrieval at 1,000 and 10,000 passages generated from the sample, the question's embedding aside;
 * - the question's embedding by the local model;
 * - the prompt of a long call with passages: under the budget, the passages kept and old turns dropped;
 * and, as a part of its own (measureKnowledgeLoad), loading the model and a 1,000-passage index, as Lambda's init
 * phase does, in fresh processes.
 *
 * Runs alone with `npm run bench -- --only knowledge` or `--only "knowledge load"` (add `--quick` for fewer
 * repetitions).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Embeddings } from '@langchain/core/embeddings';
import { build } from 'esbuild';
import { createHandler } from '../lambda/src/handler';
import { type Passage, readKnowledgeFolder } from '../lambda/src/knowledge/documents';
import { embeddingsChoice, LOCAL_EMBEDDINGS_PACKAGES, LocalEmbeddings } from '../lambda/src/knowledge/embeddings';
import { Knowledge, type KnowledgeBase, type Lookup } from '../lambda/src/knowledge/knowledge';
import { KnowledgeIndex } from '../lambda/src/knowledge/search-index';
import { CachedEmbeddings, DEFAULT_VECTOR_CACHE_DIR } from '../lambda/src/knowledge/vector-cache';
import { BUILT_INDEX_FOLDER } from '../lib/definition/knowledge-index';
import { DEFAULT_KNOWLEDGE_DIR } from '../local/call-options';
import { stageModules } from '../scripts/build-knowledge';
import { atLeast, atMost, type Figure, type MeasurementResult, percentile, spreadOf, spreadsOf } from './figures';
import { asLambdaStarts, imageCompileCache } from './startup';
import { playTurn } from './turns';
import type { BenchWorld } from './world';

const run = promisify(execFile);
const root = join(__dirname, '..');

const CANNED_TURN_P99_TARGET_MS = 30;
const RETRIEVAL_P99_TARGET_MS = 5;
const EMBEDDING_P99_TARGET_MS = 40;
const LOAD_TARGET_MS = 400;
/** The prompt's token budget in the long call (HISTORY_TOKEN_BUDGET); small, so that old turns must go. */
const PROMPT_BUDGET_TOKENS = 1_500;
const SIZES = [1_000, 10_000] as const;

interface KnowledgeBenchOptions {
  readonly repetitions: number;
  /** Canned-answer turns timed per repetition. */
  readonly cannedTurns: number;
  /** Searches timed per index size and repetition. */
  readonly searches: number;
  /** Question embeddings timed per repetition. */
  readonly embeddings: number;
  /** Turns of the long call whose prompts are measured. */
  readonly promptTurns: number;
}

interface KnowledgeLoadOptions {
  /** Fresh processes that load the model and the 1,000-passage index (each, whole and split). */
  readonly loads: number;
  /** Where the loader is bundled: inside the repository, so its packages resolve from node_modules. */
  readonly workDir: string;
}

interface EvalCase {
  readonly q: string;
}

/** The sample's eval questions: paraphrases a caller might say (knowledge/eval.json). */
function evalQuestions(): string[] {
  const cases = JSON.parse(readFileSync(join(DEFAULT_KNOWLEDGE_DIR, 'eval.json'), 'utf8')) as EvalCase[];
  return cases.map((item) => item.q);
}

/** Knowledge that remembers how it answered the last question (canned or passages). */
class ObservedKnowledge implements KnowledgeBase {
  last?: Lookup;
  constructor(private readonly inner: KnowledgeBase) {}
  get problem() {
    return this.inner.problem;
  }
  get size() {
    return this.inner.size;
  }
  async lookUp(...args: Parameters<KnowledgeBase['lookUp']>): Promise<Lookup> {
    this.last = await this.inner.lookUp(...args);
    return this.last;
  }
}

/** Vectors known in advance: what the index and the questions are embedded with when the model's time is not measured. */
class KnownVectors extends Embeddings {
  constructor(private readonly vectors: ReadonlyMap<string, number[]>) {
    super({ maxRetries: 0 });
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.known(text);
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.known(text));
  }
  private known(text: string): number[] {
    const vector = this.vectors.get(text);
    if (!vector) throw new Error(`no vector for "${text.slice(0, 40)}"`);
    return vector;
  }
}

/** A small deterministic random source (mulberry32), so every run generates the same passages. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` passages made from the sample's: each a sample passage with its sentences rotated and a product code of
 * its own, under a numbered heading, with the sample passage's vector moved a little (so a search scores every
 * row differently and no two are alike). The sample's FAQ stays as it is.
 */
async function generatedIndex(count: number, sampleVectors: ReadonlyMap<string, number[]>): Promise<KnowledgeIndex> {
  const sample = await readKnowledgeFolder(DEFAULT_KNOWLEDGE_DIR);
  const next = random(count);
  const vectors = new Map(sampleVectors);
  const passages: Passage[] = [];
  for (let position = 0; passages.length < count; position++) {
    const base = sample.passages[position % sample.passages.length];
    const copy = Math.floor(position / sample.passages.length) + 1;
    const sentences = base.text.split(/(?<=[.!?])\s+/);
    const shift = copy % sentences.length;
    const text = `${[...sentences.slice(shift), ...sentences.slice(0, shift)].join(' ')} Product code NC-${position}.`;
    const baseVector = sampleVectors.get(base.text);
    if (!baseVector) throw new Error(`the sample passage ${base.id} has no vector`);
    vectors.set(
      text,
      baseVector.map((value) => value + (next() - 0.5) * 0.05),
    );
    passages.push({ ...base, id: `${base.id}~${copy}`, heading: `${base.heading} (${copy})`, text, faqId: undefined });
  }
  return KnowledgeIndex.build(
    { faq: sample.faq, passages },
    { choice: localChoice(), embeddings: new KnownVectors(vectors) },
  );
}

function localChoice() {
  const choice = embeddingsChoice('local');
  if (!choice) throw new Error('the local embedding model is not a choice');
  return choice;
}

/**
 * In a fresh process, as the function does at init: `whole` loads a built index and its embedding model with the
 * function's own loadBuiltKnowledge (index, model, one warm-up embedding); `split` does the same three steps one
 * by one and times each. The code is the function's, bundled by esbuild as the function is, so no TypeScript
 * loader slows the measured requires; it sits in a folder laid out as the image (the model's packages as the build
 * stages them), and runs with or without the image's compile cache (NODE_COMPILE_CACHE, made by the Dockerfile).
 */
const LOADER = `
const { loadBuiltKnowledge, KnowledgeIndex, LocalEmbeddings, loadLocalModel, collectYoungGeneration } =
  require(process.argv[1]);
const [indexDir, mode] = process.argv.slice(2);
(async () => {
  let started = performance.now();
  const lap = () => {
    const ms = performance.now() - started;
    started = performance.now();
    return ms;
  };
  if (mode === 'whole') {
    const faults = process.resourceUsage().minorPageFault;
    const knowledge = await loadBuiltKnowledge(indexDir);
    const ms = lap();
    const pageFaults = process.resourceUsage().minorPageFault - faults;
    if (knowledge.problem) throw new Error(knowledge.problem);
    // Then the rest of the init phase as the handler does it (lambda/src/handler.ts): the warm-up look-ups, then
    // the young generation's collection; then the first callers' questions, each asked once: the rows of the
    // model's embeddings table they need are read from disk then, not at load (encoder-weights.ts).
    lap();
    await knowledge.warmUp?.();
    const warmUpMs = lap();
    collectYoungGeneration();
    const collectionMs = lap();
    const embeddings = new LocalEmbeddings();
    const firstQuestionMs = [];
    for (const question of JSON.parse(process.env.QUESTIONS)) {
      lap();
      await embeddings.embedQuery(question);
      firstQuestionMs.push(lap());
    }
    const { codeCache } = await loadLocalModel();
    process.stdout.write(
      JSON.stringify({
        ms,
        pageFaults,
        passages: knowledge.size.passages,
        warmUpMs,
        collectionMs,
        firstQuestionMs,
        codeCache,
      }),
    );
    return;
  }
  await KnowledgeIndex.load(indexDir);
  const indexMs = lap();
  await loadLocalModel();
  const modelMs = lap();
  await new LocalEmbeddings().embedQuery('What are your opening hours?');
  const firstEmbeddingMs = lap();
  process.stdout.write(JSON.stringify({ indexMs, modelMs, firstEmbeddingMs }));
})();
`;

/**
 * The function's knowledge code in one file, in `dir`: the image's folder, so the model's packages resolve from the
 * node_modules the build staged there, as in the image.
 */
async function bundleKnowledgeLoader(dir: string): Promise<string> {
  const outfile = join(dir, 'knowledge-loader.js');
  await build({
    stdin: {
      contents: [
        "export { loadBuiltKnowledge } from './lambda/src/knowledge/knowledge';",
        "export { KnowledgeIndex } from './lambda/src/knowledge/search-index';",
        "export { LocalEmbeddings, loadLocalModel } from './lambda/src/knowledge/embeddings';",
        "export { collectYoungGeneration } from './lambda/src/young-generation';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'warning',
    // Loaded at run time from node_modules, as in the image (lambda/src/knowledge/embeddings.ts says why).
    external: [...LOCAL_EMBEDDINGS_PACKAGES, '@langchain/aws'],
  });
  return outfile;
}

/**
 * A folder laid out as the image (lambda/Dockerfile): the function's bundle, the 1,000-passage index as its
 * knowledge index, the model's packages staged by the build; then the Dockerfile's own RUN line makes the compile
 * cache there, loading the model as the image build does. Returns the environment a cold start of the image has.
 */
async function imageFolder(dir: string, index: KnowledgeIndex): Promise<Record<string, string>> {
  await run(process.execPath, [join(root, 'scripts', 'build-lambda.mjs'), '--outdir', dir], { cwd: root });
  await index.save(join(dir, BUILT_INDEX_FOLDER));
  await stageModules(dir, LOCAL_EMBEDDINGS_PACKAGES);
  return imageCompileCache(dir);
}

interface WholeLoad {
  readonly ms: number;
  /** Fresh 4 KiB pages the load touched (minor page faults): most of its time, and of its spread. */
  readonly pageFaults: number;
  readonly passages: number;
  /** The rest of the init phase after the load: the warm-up look-ups and the young generation's collection. */
  readonly warmUpMs: number;
  /** The young generation written once and collected, at the init phase's end (lambda/src/young-generation.ts). */
  readonly collectionMs: number;
  /** Each eval question embedded once, after the load: the first callers' questions. */
  readonly firstQuestionMs: number[];
  /** What happened to TensorFlow.js's code cache (lambda/src/knowledge/code-cache.ts). */
  readonly codeCache: string;
}
interface SplitLoad {
  readonly indexMs: number;
  readonly modelMs: number;
  readonly firstEmbeddingMs: number;
}

/** With the image's compile cache (its environment), or without any. */
type Start = { readonly image: Record<string, string> } | 'no cache';

async function loadTimes(loader: string, indexDir: string, mode: 'whole', start: Start): Promise<WholeLoad>;
async function loadTimes(loader: string, indexDir: string, mode: 'split', start: Start): Promise<SplitLoad>;
async function loadTimes(
  loader: string,
  indexDir: string,
  mode: 'whole' | 'split',
  start: Start,
): Promise<WholeLoad | SplitLoad> {
  const env: NodeJS.ProcessEnv = { ...process.env, QUESTIONS: JSON.stringify(evalQuestions()) };
  delete env.NODE_COMPILE_CACHE;
  const image = start === 'no cache' ? {} : start.image;
  // Node.js as Lambda starts the function: the bootstrap's command line through the image's wrapper script.
  const [command, args] = asLambdaStarts(['-e', LOADER, loader, indexDir, mode], 'wrapper');
  const { stdout } = await run(command, args, {
    cwd: root,
    env: { ...env, ...image },
  });
  const loaded = JSON.parse(stdout) as WholeLoad | SplitLoad;
  if ('codeCache' in loaded) {
    // The figure must be of the start it says: TensorFlow.js read its code cache, or had none.
    const expected = start === 'no cache' ? 'none' : 'used';
    if (loaded.codeCache !== expected) {
      throw new Error(`TensorFlow.js's code cache was ${loaded.codeCache}, not ${expected}`);
    }
  }
  return loaded;
}

/** The request bodies the OpenAI client sends, read where it sends them (its fetch), in this process. */
function recordModelPrompts(): { prompts: { role: string; content: string }[][]; uninstall(): void } {
  const originalFetch = globalThis.fetch;
  const prompts: { role: string; content: string }[][] = [];
  globalThis.fetch = async (input, init) => {
    if (typeof init?.body === 'string' && init.body.includes('"messages"')) {
      const body = JSON.parse(init.body) as { messages: { role: string; content: string | null }[] };
      prompts.push(body.messages.map((message) => ({ role: message.role, content: message.content ?? '' })));
    }
    return originalFetch(input, init);
  };
  return {
    prompts,
    uninstall: () => {
      globalThis.fetch = originalFetch;
    },
  };
}

/** Tokens as the function's budget counts them (lambda/src/model.ts estimateTokens): four characters a token. */
function estimatedTokens(messages: readonly { content: string }[]): number {
  return messages.reduce((total, message) => total + Math.ceil(message.content.length / 4) + 4, 0);
}

const PASSAGES_HEADER = 'Passages from the business documents:';

export async function measureKnowledge(world: BenchWorld, options: KnowledgeBenchOptions): Promise<MeasurementResult> {
  const group = 'knowledge';
  const figures: Figure[] = [];
  const questions = evalQuestions();

  // The sample, indexed as the local call indexes it (vectors cached between runs), with the local model warm.
  const model = new LocalEmbeddings();
  const cached = new CachedEmbeddings(model, localChoice(), DEFAULT_VECTOR_CACHE_DIR);
  const sampleDocuments = await readKnowledgeFolder(DEFAULT_KNOWLEDGE_DIR);
  const sampleIndex = await KnowledgeIndex.build(sampleDocuments, { choice: localChoice(), embeddings: cached });
  const sample = new ObservedKnowledge(new Knowledge(sampleIndex, model));
  await model.embedQuery('warm up');

  // Canned answers: which eval questions the FAQ answers (each asked first in a call of its own), then those
  // asked again and again through the handler, timed, with the model watched.
  await world.setModelBehaviour({ reply: 'An answer from the model.' });
  const handler = createHandler({ env: world.env, knowledge: sample });
  for (let turn = 1; turn <= 5; turn++)
    await playTurn(handler, 'knowledge-warm-up', questions[turn % questions.length]);
  const canned: string[] = [];
  for (const [at, question] of questions.entries()) {
    await playTurn(handler, `knowledge-share-${at}`, question);
    if (sample.last?.kind === 'canned') canned.push(question);
  }
  figures.push({
    group,
    name: `eval questions answered by a canned FAQ answer (of ${questions.length})`,
    unit: 'questions',
    spread: spreadOf([canned.length]),
  });

  const cannedRuns: { p50: number; p99: number; modelRequests: number; notCanned: number }[] = [];
  for (let repetition = 0; repetition < options.repetitions && canned.length > 0; repetition++) {
    await world.clearModelRequests();
    const times: number[] = [];
    let notCanned = 0;
    for (let index = 0; index < options.cannedTurns; index++) {
      const callId = `knowledge-canned-${repetition}-${Math.floor(index / 10)}`;
      // Calls of ten turns; a filler on every other turn, so that no question follows itself (that would be a
      // turn delivered again, answered from the memory without looking anything up).
      const question = `${index % 2 === 1 ? 'Well, ' : ''}${canned[index % canned.length]}`;
      const played = await playTurn(handler, callId, question);
      if (sample.last?.kind !== 'canned' || played.error) notCanned += 1;
      times.push(played.elapsedMs);
    }
    const modelRequests = (await world.modelRequests()).length;
    cannedRuns.push({ p50: percentile(times, 50), p99: percentile(times, 99), modelRequests, notCanned });
  }
  if (cannedRuns.length > 0) {
    const of = spreadsOf(cannedRuns);
    const p99 = of((run) => run.p99);
    const requests = of((run) => run.modelRequests);
    figures.push(
      { group, name: 'canned-answer turn p50', unit: 'ms', spread: of((run) => run.p50) },
      {
        group,
        name: 'canned-answer turn p99',
        unit: 'ms',
        spread: p99,
        target: atMost(p99, CANNED_TURN_P99_TARGET_MS),
      },
      {
        group,
        name: 'model requests during canned-answer turns',
        unit: 'requests',
        spread: requests,
        target: atMost(requests, 0, 'max'),
      },
    );
  }

  // The question's embedding by the local model, warm.
  const embeddingRuns: { p50: number; p99: number }[] = [];
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    const times: number[] = [];
    for (let index = 0; index < options.embeddings; index++) {
      // A question the model has not seen in this run: the same text twice may be cheaper.
      const question = `${questions[index % questions.length]} ${repetition}-${index}`;
      const started = performance.now();
      await model.embedQuery(question);
      times.push(performance.now() - started);
    }
    embeddingRuns.push({ p50: percentile(times, 50), p99: percentile(times, 99) });
  }
  const embeddingP99 = spreadOf(embeddingRuns.map((run) => run.p99));
  figures.push(
    { group, name: 'question embedding p50', unit: 'ms', spread: spreadOf(embeddingRuns.map((run) => run.p50)) },
    {
      group,
      name: 'question embedding p99',
      unit: 'ms',
      spread: embeddingP99,
      target: atMost(embeddingP99, EMBEDDING_P99_TARGET_MS),
    },
  );

  // Retrieval at scale: the whole look-up of a turn (FAQ by meaning, keywords, vectors, fusion) with the
  // question's vector known in advance, so the embedding's time is not in it.
  const vectors = await sampleVectors(cached, model, questions);
  for (const size of SIZES) {
    const knowledge = new Knowledge(await generatedIndex(size, vectors), new KnownVectors(vectors));
    for (const question of questions) await knowledge.lookUp(question, [], { cannedAnswers: false });
    const runs: { p50: number; p99: number }[] = [];
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      const times: number[] = [];
      for (let index = 0; index < options.searches; index++) {
        const started = performance.now();
        await knowledge.lookUp(questions[index % questions.length], [], { cannedAnswers: false });
        times.push(performance.now() - started);
      }
      runs.push({ p50: percentile(times, 50), p99: percentile(times, 99) });
    }
    const p99 = spreadOf(runs.map((run) => run.p99));
    figures.push(
      { group, name: `retrieval p50 at ${size} passages`, unit: 'ms', spread: spreadOf(runs.map((run) => run.p50)) },
      {
        group,
        name: `retrieval p99 at ${size} passages`,
        unit: 'ms',
        spread: p99,
        ...(size === 10_000 ? { target: atMost(p99, RETRIEVAL_P99_TARGET_MS) } : {}),
      },
    );
  }

  figures.push(...(await promptFigures(world, sample, options.promptTurns, questions, canned)));

  return {
    figures,
    method:
      `The sample business (knowledge/) with the local embedding model. Canned answers: each of the ${questions.length} ` +
      `eval questions asked once through the handler (dynalite and the loopback model in the bench world), then ` +
      `${options.cannedTurns} turns of the canned ones per run, handler time, the model's requests counted. Retrieval: ` +
      'Knowledge.lookUp with the question vector known in advance, over passages generated from the sample ' +
      '(sentences rotated, a product code each, vectors moved a little). Embedding: LocalEmbeddings.embedQuery, warm. ' +
      `Prompt: a ${options.promptTurns}-turn call with HISTORY_TOKEN_BUDGET=${PROMPT_BUDGET_TOKENS}, ` +
      'the prompts read where the OpenAI client sends them.',
  };
}

/** The vectors of the sample's passages, FAQ wordings and eval questions, by text (passages cached between runs). */
async function sampleVectors(
  cached: Embeddings,
  model: Embeddings,
  questions: readonly string[],
): Promise<Map<string, number[]>> {
  const documents = await readKnowledgeFolder(DEFAULT_KNOWLEDGE_DIR);
  const texts = [...documents.passages.map((passage) => passage.text), ...documents.faq.flatMap((e) => e.questions)];
  const vectors = new Map<string, number[]>();
  (await cached.embedDocuments(texts)).forEach((vector, at) => {
    vectors.set(texts[at], vector);
  });
  for (const question of questions) vectors.set(question, await model.embedQuery(question));
  return vectors;
}

/**
 * Lambda's init phase: the embedding model and a 1,000-passage index generated from the sample, loaded in fresh
 * processes. A part of its own (`npm run bench -- --only "knowledge load"`), so it can be measured alone.
 */
export async function measureKnowledgeLoad(options: KnowledgeLoadOptions): Promise<MeasurementResult> {
  const group = 'knowledge';
  const model = new LocalEmbeddings();
  const cached = new CachedEmbeddings(model, localChoice(), DEFAULT_VECTOR_CACHE_DIR);
  const vectors = await sampleVectors(cached, model, evalQuestions());
  await mkdir(options.workDir, { recursive: true });
  const loadDir = await mkdtemp(join(options.workDir, 'knowledge-'));
  try {
    const image = await imageFolder(loadDir, await generatedIndex(1_000, vectors));
    const indexDir = join(loadDir, BUILT_INDEX_FOLDER);
    const loader = await bundleKnowledgeLoader(loadDir);
    const loads: { image: WholeLoad; uncached: WholeLoad }[] = [];
    const splits: SplitLoad[] = [];
    for (let attempt = 0; attempt < options.loads; attempt++) {
      // Alternating, so the machine's noise falls on both alike.
      const pair = {
        image: await loadTimes(loader, indexDir, 'whole', { image }),
        uncached: await loadTimes(loader, indexDir, 'whole', 'no cache'),
      };
      for (const loaded of Object.values(pair)) {
        if (loaded.passages !== 1_000) throw new Error(`the load found ${loaded.passages} passages, not 1000`);
      }
      loads.push(pair);
      splits.push(await loadTimes(loader, indexDir, 'split', { image }));
    }
    // The targets are read without a compile cache, the stricter reading (both pass either way). With it, beside.
    const whole = spreadsOf(loads);
    const load = whole((pair) => pair.uncached.ms);
    const firstQuestions = whole((pair) => percentile(pair.uncached.firstQuestionMs, 99));
    const part = spreadsOf(splits);
    return {
      figures: [
        {
          group,
          name: 'model and index load at 1000 passages (init, without a compile cache)',
          unit: 'ms',
          spread: load,
          target: atMost(load, LOAD_TARGET_MS),
        },
        {
          group,
          name: "the same, with the image's compile cache",
          unit: 'ms',
          spread: whole((pair) => pair.image.ms),
        },
        {
          group,
          name: 'pages of fresh memory the load touched (page faults)',
          unit: 'pages',
          spread: whole((pair) => pair.image.pageFaults),
        },
        {
          group,
          name: "then the init phase's warm-up look-ups (not in the load)",
          unit: 'ms',
          spread: whole((pair) => pair.image.warmUpMs),
        },
        {
          group,
          name: 'then the young generation written once and collected (not in the load)',
          unit: 'ms',
          spread: whole((pair) => pair.image.collectionMs),
        },
        {
          group,
          name: 'question embedding p99, each question the first time, after the init phase (no cache)',
          unit: 'ms',
          spread: firstQuestions,
          target: atMost(firstQuestions, EMBEDDING_P99_TARGET_MS),
        },
        {
          group,
          name: "the same, with the image's compile cache",
          unit: 'ms',
          spread: whole((pair) => percentile(pair.image.firstQuestionMs, 99)),
        },
        { group, name: 'of which the index alone', unit: 'ms', spread: part((split) => split.indexMs) },
        { group, name: 'of which the model (runtime and weights)', unit: 'ms', spread: part((split) => split.modelMs) },
        {
          group,
          name: 'of which the first embedding (warm-up)',
          unit: 'ms',
          spread: part((split) => split.firstEmbeddingMs),
        },
      ],
      method:
        'loadBuiltKnowledge of a saved 1,000-passage index generated from the sample, in a fresh process (model, ' +
        "index and one warm-up embedding), the function's code bundled by esbuild, in a folder laid out as the " +
        "image: the function's bundle, the index, the model's packages staged by the build (TensorFlow.js " +
        "minified), and the compile cache the Dockerfile's RUN line made there (it loads the model, so it holds " +
        "TensorFlow.js's code cache, lambda/src/knowledge/code-cache.ts); each load with that cache, as the image " +
        "starts, alternating with one without any; node started as Lambda starts the function (its bootstrap's " +
        "command line through the image's wrapper script, bench/startup.ts). With the " +
        'minor page faults the load took (each a fresh 4 KiB ' +
        'page, costly in a micro-VM); then the rest of the init phase as the handler does it (the warm-up ' +
        'look-ups, the young generation collected), and each eval question embedded once (the rows of the ' +
        "model's embeddings table a question needs are read then); the split, with the image's cache, from " +
        'another fresh process doing the three steps one by one.',
    };
  } finally {
    await rm(loadDir, { recursive: true, force: true });
  }
}

/**
 * A long call whose questions find passages: every prompt within the budget, passages in the last prompt, and old
 * turns dropped for them.
 */
async function promptFigures(
  world: BenchWorld,
  knowledge: KnowledgeBase,
  turns: number,
  questions: readonly string[],
  canned: readonly string[],
): Promise<Figure[]> {
  const group = 'knowledge prompt';
  await world.setModelBehaviour({
    reply:
      'Thanks for asking. From what our documents say, here is the short answer, and I can tell you more about ' +
      'any part of it if you would like: just ask me again and I will go through it step by step with you.',
  });
  const recorder = recordModelPrompts();
  try {
    // A handler of its own: the OpenAI client takes the recording fetch when it is made, at its first turn.
    const handler = createHandler({
      env: { ...world.env, HISTORY_TOKEN_BUDGET: String(PROMPT_BUDGET_TOKENS) },
      knowledge,
    });
    const asked = questions.filter((question) => !canned.includes(question));
    for (let turn = 0; turn < turns; turn++) {
      // Longer than a caller's usual question, so the history outgrows the budget within the call.
      const question = `I have been wondering about something for a while now, so let me ask: ${asked[turn % asked.length]}`;
      await playTurn(handler, 'knowledge-prompt', question);
    }
  } finally {
    recorder.uninstall();
  }
  const { prompts } = recorder;
  if (prompts.length === 0) throw new Error('the long call made no model request');
  const largest = spreadOf([Math.max(...prompts.map(estimatedTokens))]);
  const last = prompts.at(-1) ?? [];
  const context = last.find((message) => message.role === 'system' && message.content.startsWith(PASSAGES_HEADER));
  const passages = context ? (context.content.match(/^\[\d+\] /gm) ?? []).length : 0;
  const earlierTurns = last.filter((message) => message.role === 'user').length - 1;
  const withPassages = prompts.filter((prompt) =>
    prompt.some((message) => message.role === 'system' && /^\[1\] /m.test(message.content)),
  ).length;
  const passagesSpread = spreadOf([passages]);
  const dropped = spreadOf([prompts.length - 1 - earlierTurns]);
  return [
    {
      group,
      name: `largest prompt, estimated tokens (budget ${PROMPT_BUDGET_TOKENS})`,
      unit: 'tokens',
      spread: largest,
      target: atMost(largest, PROMPT_BUDGET_TOKENS, 'max'),
    },
    {
      group,
      name: `prompts carrying passages (of ${prompts.length})`,
      unit: 'prompts',
      spread: spreadOf([withPassages]),
    },
    {
      group,
      name: 'passages in the last prompt',
      unit: 'passages',
      spread: passagesSpread,
      target: atLeast(passagesSpread, 1, 'min'),
    },
    {
      group,
      name: `earlier turns dropped from the last prompt (of ${prompts.length - 1})`,
      unit: 'turns',
      spread: dropped,
      target: atLeast(dropped, 1, 'min'),
    },
  ];
}
