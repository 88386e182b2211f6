/**
 * What the business knows, as a turn asks it: a canned FAQ answer when the caller clearly asked an FAQ
 * question, otherwise the passages of its documents that fit the question, with the best one ready to be spoken
 * when there is no model.
 *
 * Loaded once per process, before the first turn: the function loads the index `npm run build` wrote beside its
 * bundle (in Lambda's init phase); the local call and `npm run knowledge` build one from a folder. A missing or
 * broken index never stops a call: the knowledge is then empty and says why (`problem`), once, in the logs.
 * Each locale with documents of its own has its own index, carried in `locales` (see knowledge-locales.ts).
 */
import { join } from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { FUNCTION_ENV } from '../../../lib/definition/function-settings';
import { BUILT_INDEX_FOLDER } from '../../../lib/definition/knowledge-index';
import { cutAtSentence } from '../speakable';
import { CannedAnswers } from './canned-answers';
import { readKnowledgeFolder } from './documents';
import { createEmbeddings, type EmbeddingsChoice, type RemoteEmbeddingsOptions } from './embeddings';
import { pointsBack, words } from './question-words';
import { builtLocalesIn, embeddingsForLanguage, knowledgeLocalesIn } from './knowledge-locales';
import type { KeywordLanguage } from './keyword-index';
import { type Hit, KnowledgeIndex } from './search-index';
import { CachedEmbeddings } from './vector-cache';

/**
 * An FAQ wording this close in meaning to the question (cosine, Universal Sentence Encoder) is a canned answer.
 * On the sample, paraphrases of FAQ questions scored 0.82 to 0.87 and the closest unrelated question 0.63.
 */
const FAQ_MEANING_SIMILARITY = 0.8;
/** A passage below this fused score is not worth the model's attention. */
const RELEVANT_SCORE = 0.25;
/** Spoken without a model only from this fused score up: a wrong answer is worse than "I don't know". */
const EXTRACTIVE_SCORE = 0.5;
const EXTRACTIVE_SENTENCES = 3;
/** With vectors, a passage spoken without a model must also be this close in meaning to the question. */
const EXTRACTIVE_SIMILARITY = 0.45;
/** Keyword-only, a passage is spoken when it holds this share of the question's words. */
const KEYWORD_ONLY_COVERAGE = 0.75;
const SEARCH_LIMIT = 5;
/** Embedded once at load: the local model's first embedding is several times slower than the next ones. */
const WARM_UP_QUESTION = 'What are your opening hours?';
/**
 * Looked up by the init phase's warm-up (Knowledge.warmUp), the first through the FAQ, the second in the documents
 * alone: questions no FAQ holds word for word (so both are embedded), of lengths other than the load's question.
 * Why: V8 optimizes the model's code (TensorFlow.js's graph executor, the tokenizer) for what it has run; after
 * three embeddings of one five-word question, the first callers' questions of other lengths paid for optimizing it
 * again: 35-40 ms for the second and fourth of the sample's eval questions, against 15 ms once warm (bench
 * "knowledge load"). With these, the worst of them took about 35 ms instead of about 48 ms.
 */
const WARM_UP_LOOKUPS = [
  'Hello, I placed an order with you last week and I would like to know when it will arrive, can you help?',
  'Do you deliver?',
] as const;

export type Lookup =
  | {
      readonly kind: 'canned';
      readonly faqId: string;
      readonly answer: string;
      /** `wording`: the caller said an FAQ question's words; `meaning`: its embedding was close enough. */
      readonly via: 'wording' | 'meaning';
    }
  | {
      readonly kind: 'passages';
      /** Passages worth giving the model, best first. */
      readonly hits: readonly Hit[];
      /** What to say without a model: the best passage or FAQ answer, when it fits well enough. */
      readonly extractive?: string;
      /** The words searched for (the question, with the earlier question it leans on). */
      readonly searched: string;
      /** Set when the question could not be embedded and only keywords were searched. */
      readonly degraded?: string;
    };

export interface KnowledgeBase {
  /** Why the knowledge is missing or incomplete; undefined when it loaded whole. */
  readonly problem?: string;
  /** Passages and FAQ entries it holds. */
  readonly size: { readonly passages: number; readonly faq: number };
  /** Looks the question up; `earlierQuestions` are the caller's earlier questions in this call, oldest first. */
  lookUp(question: string, earlierQuestions?: readonly string[], options?: LookUpOptions): Promise<Lookup>;
  /**
   * The knowledge of the other locales that have documents of their own, by Lex locale id, in their language;
   * a locale not here uses this one's (knowledge-language.ts).
   */
  readonly locales?: ReadonlyMap<string, KnowledgeBase>;
  /**
   * Looks questions up once with no caller, so the first caller's look-up finds the search's code compiled (the
   * handler's init phase calls it). Never rejects, and sends nothing: an index whose questions are embedded by a
   * remote model is left alone.
   */
  warmUp?(): Promise<void>;
}

export interface LookUpOptions {
  /** False: search the documents only (the question is another part's business, an order number say). */
  readonly cannedAnswers?: boolean;
}

export class Knowledge implements KnowledgeBase {
  private readonly canned: CannedAnswers;

  constructor(
    readonly index: KnowledgeIndex,
    private readonly embeddings: Embeddings | undefined,
    readonly problem?: string,
    readonly locales: ReadonlyMap<string, Knowledge> = new Map(),
  ) {
    this.canned = new CannedAnswers(index.faq, index.language);
  }

  get size() {
    return { passages: this.index.passages.length, faq: this.index.faq.length };
  }

  async lookUp(
    question: string,
    earlierQuestions: readonly string[] = [],
    options: LookUpOptions = {},
  ): Promise<Lookup> {
    const cannedAnswers = options.cannedAnswers ?? true;
    const byWording = cannedAnswers ? this.canned.answer(question) : undefined;
    if (byWording) return { kind: 'canned', faqId: byWording.id, answer: byWording.answer, via: 'wording' };

    const { language } = this.index;
    const searched = searchText(question, earlierQuestions, language);
    let vector: number[] | undefined;
    let degraded: string | undefined;
    if (this.embeddings && this.index.hasVectors) {
      try {
        vector = await this.embeddings.embedQuery(searched);
      } catch (error) {
        degraded = `the question could not be embedded, so only keywords were searched: ${(error as Error).message}`;
      }
    }
    // Only the question itself is compared with the FAQ: an earlier question changes what is searched, not
    // what was asked.
    if (vector && cannedAnswers && searched === question) {
      const match = this.index.closestFaq(vector);
      if (match && match.similarity >= FAQ_MEANING_SIMILARITY) {
        return { kind: 'canned', faqId: match.entry.id, answer: match.entry.answer, via: 'meaning' };
      }
    }
    const hits = this.index
      .search(keywordTerms(searched, language), vector, SEARCH_LIMIT)
      .filter((hit) => hit.score >= RELEVANT_SCORE);
    const best = hits[0];
    const extractive = best && fitsWell(best, searched, language) ? firstSentences(best.passage.text) : undefined;
    return { kind: 'passages', hits, extractive, searched, degraded };
  }

  async warmUp(): Promise<void> {
    if (this.embeddings && this.index.embeddings?.kind !== 'local') return;
    try {
      // Both ways a look-up goes: the FAQ first, then the documents alone (as for a question about an order).
      await this.lookUp(WARM_UP_LOOKUPS[0]);
      await this.lookUp(WARM_UP_LOOKUPS[1], [], { cannedAnswers: false });
    } catch {
      // The first caller's look-up meets whatever this did, and reports it.
    }
  }
}

/** Knowledge that knows nothing, and says why. */
export function emptyKnowledge(problem: string): KnowledgeBase {
  return {
    problem,
    size: { passages: 0, faq: 0 },
    lookUp: async (question) => ({ kind: 'passages', hits: [], searched: question }),
  };
}

export interface LoadOptions extends RemoteEmbeddingsOptions {
  /** Embeddings to use instead of the ones the index names (the tests share one local model this way). */
  readonly embeddings?: Embeddings;
}

/**
 * Loads a built index and its embedding model, and embeds one question so the model's first real question is
 * not slowed by its warm-up. Never rejects: a missing or broken index gives empty knowledge, a model that will
 * not load gives keyword search; each says why in `problem`.
 */
export async function loadBuiltKnowledge(indexDir: string, options: LoadOptions = {}): Promise<KnowledgeBase> {
  const knowledge = await loadIndex(indexDir, options);
  const locales = new Map<string, KnowledgeBase>();
  const problems: string[] = [];
  for (const { locale, folder } of await builtLocalesIn(indexDir)) {
    const own = await loadIndex(join(indexDir, folder), options);
    // A locale whose index is broken falls back to the default locale's knowledge rather than knowing nothing.
    if (own.size.passages === 0 && own.problem) problems.push(`${locale.localeId}: ${own.problem}`);
    else locales.set(locale.localeId, own);
  }
  if (locales.size === 0 && problems.length === 0) return knowledge;
  return {
    problem: [knowledge.problem, ...problems].filter(Boolean).join('; ') || undefined,
    size: knowledge.size,
    lookUp: (question, earlierQuestions, lookUpOptions) => knowledge.lookUp(question, earlierQuestions, lookUpOptions),
    locales,
    warmUp: async () => {
      for (const each of [knowledge, ...locales.values()]) await each.warmUp?.();
    },
  };
}

async function loadIndex(indexDir: string, options: LoadOptions): Promise<KnowledgeBase> {
  let index: KnowledgeIndex;
  try {
    index = await KnowledgeIndex.load(indexDir);
  } catch (error) {
    return emptyKnowledge((error as Error).message);
  }
  return withEmbeddings(index, index.embeddings, options);
}

export interface FolderOptions extends LoadOptions {
  /** How to embed the passages; undefined builds a keyword-only index. */
  readonly choice?: EmbeddingsChoice;
  /** Keep passage vectors here between runs (see vector-cache.ts); undefined embeds every passage each time. */
  readonly vectorCacheDir?: string;
}

/**
 * Reads a knowledge folder and builds its index, and one for each locale subfolder (the build, the local call,
 * `npm run knowledge`). Throws a KnowledgeFolderError for a folder it cannot read or a locale folder it does
 * not know.
 */
export async function buildKnowledge(dir: string, options: FolderOptions = {}): Promise<Knowledge> {
  const locales = new Map<string, Knowledge>();
  for (const { locale, folder, language } of await knowledgeLocalesIn(dir)) {
    const choice = embeddingsForLanguage(language, options.choice);
    locales.set(locale.localeId, await buildFolder(join(dir, folder), { ...options, choice }, language));
  }
  return buildFolder(dir, options, undefined, locales);
}

async function buildFolder(
  dir: string,
  options: FolderOptions,
  language: KeywordLanguage | undefined,
  locales?: ReadonlyMap<string, Knowledge>,
): Promise<Knowledge> {
  const documents = await readKnowledgeFolder(dir);
  const { choice } = options;
  if (!choice) {
    return new Knowledge(await KnowledgeIndex.build(documents, undefined, { language }), undefined, undefined, locales);
  }
  const embeddings = options.embeddings ?? createEmbeddings(choice, options);
  const forPassages = options.vectorCacheDir
    ? new CachedEmbeddings(embeddings, choice, options.vectorCacheDir)
    : embeddings;
  const index = await KnowledgeIndex.build(documents, { choice, embeddings: forPassages }, { language });
  if (choice.kind === 'local') await embeddings.embedQuery(WARM_UP_QUESTION);
  return new Knowledge(index, embeddings, undefined, locales);
}

async function withEmbeddings(
  index: KnowledgeIndex,
  choice: EmbeddingsChoice | undefined,
  options: LoadOptions,
): Promise<Knowledge> {
  if (!choice) return new Knowledge(index, undefined);
  const embeddings = options.embeddings ?? createEmbeddings(choice, options);
  // Remote models are not called at start: that would cost a request per cold start and fail without network.
  if (choice.kind !== 'local') return new Knowledge(index, embeddings);
  try {
    await embeddings.embedQuery(WARM_UP_QUESTION);
    return new Knowledge(index, embeddings);
  } catch (error) {
    return new Knowledge(
      index,
      undefined,
      `the local embedding model did not load; searching keywords only: ${(error as Error).message}`,
    );
  }
}

/** A short question that points back at an earlier one ("and how long does that take?") is searched with it. */
const MAX_CONTENT_WORDS_OF_A_FOLLOW_UP = 3;

export function searchText(
  question: string,
  earlierQuestions: readonly string[],
  language: KeywordLanguage = 'en',
): string {
  const earlier = earlierQuestions.at(-1);
  if (!earlier) return question;
  const leans = pointsBack(question, language);
  return leans && words(question, language).content.size <= MAX_CONTENT_WORDS_OF_A_FOLLOW_UP
    ? `${earlier} ${question}`
    : question;
}

/**
 * Good enough to speak without a model. With vectors, the fused score says so. Keyword-only, the best hit always
 * scores 1 (scores are relative), so it must also hold most of the question's words: "do you sell cars" must
 * not be answered with the one passage that says "sell".
 */
function fitsWell(hit: Hit, question: string, language: KeywordLanguage): boolean {
  if (hit.score < EXTRACTIVE_SCORE) return false;
  // Keyword relevance is relative (the best keyword hit scores 1), so meaning must agree on its own too.
  if (hit.similarity !== undefined) return hit.similarity >= EXTRACTIVE_SIMILARITY;
  const terms = keywordTerms(question, language).toLowerCase().split(' ').filter(Boolean);
  const text = `${hit.passage.heading} ${hit.passage.text}`.toLowerCase();
  // A crude stem (the first five letters) is enough to count "cakes" in "cake" or "ordering" in "order".
  const found = terms.filter((term) => text.includes(term.slice(0, 5)));
  return terms.length > 0 && found.length / terms.length >= KEYWORD_ONLY_COVERAGE;
}

/**
 * The words of a question worth a keyword search: question words, pronouns and fillers ("what", "your", "um")
 * go; a code like "GF-22" stays whole, as the index's tokenizer saw it in the documents.
 */
export function keywordTerms(question: string, language: KeywordLanguage = 'en'): string {
  return question
    .split(/\s+/)
    .map((token) => token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((token) => words(token, language).content.size > 0)
    .join(' ');
}

/**
 * Made once: making one per look-up cost about 8 µs of a look-up's time. Made at the first passage spoken, not at
 * load: the first segmenter a process makes loads ICU's break rules, which a turn without knowledge never needs.
 */
let sentences: Intl.Segmenter | undefined;

/** A few sentences of a passage: enough to answer, short enough to listen to. */
function firstSentences(text: string): string {
  sentences ??= new Intl.Segmenter('en', { granularity: 'sentence' });
  const segments = [...sentences.segment(text)].map(({ segment }) => segment);
  return cutAtSentence(segments.slice(0, EXTRACTIVE_SENTENCES).join('').trim(), Number.MAX_SAFE_INTEGER);
}

/**
 * The index the function loads: KNOWLEDGE_DIR when set (a folder holding a built index, not documents: the
 * function never indexes), else the one beside the bundle.
 */
export function builtKnowledgeDir(env: Readonly<Record<string, string | undefined>>): string {
  return env[FUNCTION_ENV.knowledgeDir]?.trim() || join(__dirname, BUILT_INDEX_FOLDER);
}
