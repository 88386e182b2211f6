/**
 * The search index over a business's passages: keyword search (BM25 with English stemming, by Orama) and
 * semantic search (cosine similarity of sentence embeddings), fused into one ranking.
 *
 * Built once (by `npm run build` for the image, or by the local call at start) and saved as two files: the
 * Orama index with the passages as JSON, and the vectors as raw little-endian float32. The function only loads
 * them. The vectors are kept out of Orama: its saved index writes each vector as JSON numbers (~10 KB a passage,
 * parsed at load), and its search checks them one by one as number arrays; a single Float32Array scanned in one
 * loop loads in a read and searches 10,000 passages within the 5 ms a turn can spare.
 */
import { create, insertMultiple, load, type Orama, type RawData, save, search } from '@orama/orama';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import { INDEX_FILE } from '../../../lib/definition/knowledge-index';
import type { FaqEntry, KnowledgeDocuments, Passage } from './documents';
import type { EmbeddingsChoice } from './embeddings';

/** Bumped when the saved form changes, so an old index is refused with a clear message instead of misread. */
const INDEX_FORMAT = 1;
export const VECTORS_FILE = 'vectors.f32';

/**
 * Weight of semantic similarity against keyword relevance in the fused score. Keyword relevance is BM25 scaled
 * to the best keyword hit of the search: BM25's own scale changes with the corpus (a saturating curve tuned on
 * one folder misjudged another ten times smaller), the ratio does not.
 */
const VECTOR_WEIGHT = 0.6;
/** Keyword hits fetched from Orama before fusing. */
const KEYWORD_CANDIDATES = 20;

const SCHEMA = { heading: 'string', text: 'string' } as const;
type PassageIndex = Orama<typeof SCHEMA>;

export interface IndexedEmbeddings extends EmbeddingsChoice {
  readonly dimensions: number;
}

interface SavedIndex {
  readonly format: number;
  /** Absent for a keyword-only index. */
  readonly embeddings?: IndexedEmbeddings;
  readonly faq: readonly FaqEntry[];
  readonly passages: readonly Passage[];
  readonly orama: RawData;
}

export interface Hit {
  readonly passage: Passage;
  /** The fused score, 0 to 1: what the ranking is by. */
  readonly score: number;
  /** Cosine similarity of question and passage, when the index has vectors. */
  readonly similarity?: number;
  /** BM25 relevance relative to the best keyword hit of this search (0 to 1). */
  readonly keyword: number;
}

/** An FAQ question (or another wording of it) close in meaning to what the caller said. */
export interface FaqMatch {
  readonly entry: FaqEntry;
  /** The wording that matched best. */
  readonly question: string;
  readonly similarity: number;
}

export class KnowledgeIndexError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KnowledgeIndexError';
  }
}

export class KnowledgeIndex {
  private constructor(
    readonly faq: readonly FaqEntry[],
    readonly passages: readonly Passage[],
    private readonly orama: PassageIndex,
    /** Unit vectors, one row of `embeddings.dimensions` per passage. */
    private readonly vectors: Float32Array | undefined,
    readonly embeddings: IndexedEmbeddings | undefined,
    /** Unit vectors of every FAQ wording, in FAQ order (each entry's questions in turn). */
    private readonly questionVectors: Float32Array | undefined,
  ) {
    this.wordings = faq.flatMap((entry) => entry.questions.map((question) => ({ entry, question })));
  }

  /** Every FAQ wording with its entry, in the order of `questionVectors`' rows. */
  private readonly wordings: readonly { entry: FaqEntry; question: string }[];

  /** Indexes documents; embeds every passage with `embedder` (none: a keyword-only index). */
  static async build(
    documents: KnowledgeDocuments,
    embedder?: { readonly choice: EmbeddingsChoice; readonly embeddings: Embeddings },
  ): Promise<KnowledgeIndex> {
    const orama = createOrama();
    await insertMultiple(
      orama,
      documents.passages.map((passage, position) => ({
        id: String(position),
        heading: passage.heading,
        text: passage.text,
      })),
    );
    if (!embedder || documents.passages.length === 0) {
      return new KnowledgeIndex(documents.faq, documents.passages, orama, undefined, undefined, undefined);
    }
    // A passage is embedded without its heading: on the sample's paraphrases that found more than with it.
    const wordings = documents.faq.flatMap((entry) => entry.questions);
    const rows = await embedder.embeddings.embedDocuments([...documents.passages.map(({ text }) => text), ...wordings]);
    const dimensions = rows[0]?.length ?? 0;
    const all = new Float32Array(rows.length * dimensions);
    rows.forEach((row, position) => {
      all.set(unit(row), position * dimensions);
    });
    const split = documents.passages.length * dimensions;
    return new KnowledgeIndex(
      documents.faq,
      documents.passages,
      orama,
      all.subarray(0, split),
      { ...embedder.choice, dimensions },
      all.subarray(split),
    );
  }

  /** Writes `index.json` and, with vectors, `vectors.f32` into `dir`. */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const saved: SavedIndex = {
      format: INDEX_FORMAT,
      embeddings: this.embeddings,
      faq: this.faq,
      passages: this.passages,
      orama: save(this.orama),
    };
    await writeFile(join(dir, INDEX_FILE), JSON.stringify(saved));
    if (this.vectors && this.questionVectors) {
      // The passages' rows, then the FAQ wordings'.
      const rows = [this.vectors, this.questionVectors].map((part) =>
        Buffer.from(part.buffer, part.byteOffset, part.byteLength),
      );
      await writeFile(join(dir, VECTORS_FILE), Buffer.concat(rows));
    }
  }

  /** Loads an index saved by `save`. Throws a KnowledgeIndexError naming what is missing or wrong. */
  static async load(dir: string): Promise<KnowledgeIndex> {
    let saved: SavedIndex;
    try {
      saved = JSON.parse(await readFile(join(dir, INDEX_FILE), 'utf8')) as SavedIndex;
    } catch (error) {
      throw new KnowledgeIndexError(
        `no readable knowledge index in ${dir} (run npm run build): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (saved.format !== INDEX_FORMAT) {
      throw new KnowledgeIndexError(
        `the knowledge index in ${dir} has format ${saved.format}, expected ${INDEX_FORMAT}: rebuild it`,
      );
    }
    const orama = createOrama();
    load(orama, saved.orama);
    let vectors: Float32Array | undefined;
    let questionVectors: Float32Array | undefined;
    if (saved.embeddings) {
      const bytes = await readFile(join(dir, VECTORS_FILE)).catch((error: Error) => {
        throw new KnowledgeIndexError(
          `the knowledge index in ${dir} has no readable ${VECTORS_FILE}: ${error.message}`,
        );
      });
      // Copied into an aligned buffer: a Float32Array view needs an offset that is a multiple of 4.
      const all = new Float32Array(new Uint8Array(bytes).buffer);
      const wordings = saved.faq.reduce((count, entry) => count + entry.questions.length, 0);
      const split = saved.passages.length * saved.embeddings.dimensions;
      if (all.length !== split + wordings * saved.embeddings.dimensions) {
        throw new KnowledgeIndexError(`${VECTORS_FILE} in ${dir} does not match its passages and FAQ: rebuild it`);
      }
      vectors = all.subarray(0, split);
      questionVectors = all.subarray(split);
    }
    return new KnowledgeIndex(saved.faq, saved.passages, orama, vectors, saved.embeddings, questionVectors);
  }

  get hasVectors(): boolean {
    return this.vectors !== undefined;
  }

  /**
   * The best passages for `terms` (keyword search) and `vector` (the question's embedding, ignored by a
   * keyword-only index), best first. Fused score: similarity weighted against keyword relevance.
   */
  search(terms: string, vector: readonly number[] | undefined, limit: number): Hit[] {
    const keyword = this.keywordScores(terms);
    const similarity = vector && this.vectors ? this.similarities(this.vectors, vector) : undefined;
    const candidates = new Set<number>(keyword.keys());
    if (similarity) for (const position of topPositions(similarity, limit * 2)) candidates.add(position);

    const hits: Hit[] = [...candidates].map((position) => {
      const relevance = keyword.get(position) ?? 0;
      const cosine = similarity?.[position];
      const score =
        cosine === undefined ? relevance : VECTOR_WEIGHT * Math.max(0, cosine) + (1 - VECTOR_WEIGHT) * relevance;
      return { passage: this.passages[position], score, similarity: cosine, keyword: relevance };
    });
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** The FAQ entry whose wording is closest in meaning to the question's embedding; none without vectors. */
  closestFaq(vector: readonly number[]): FaqMatch | undefined {
    if (!this.questionVectors || this.wordings.length === 0) return undefined;
    const similarity = this.similarities(this.questionVectors, vector);
    const [best] = topPositions(similarity, 1);
    return { ...this.wordings[best], similarity: similarity[best] };
  }

  /** BM25 scores of the passages matching any of the terms, scaled so the best is 1. */
  private keywordScores(terms: string): Map<number, number> {
    const scores = new Map<number, number>();
    if (terms.trim() === '') return scores;
    // Orama's search is synchronous for a plain in-memory index; the cast records that.
    const result = search(this.orama, {
      term: terms,
      properties: ['heading', 'text'],
      limit: KEYWORD_CANDIDATES,
      threshold: 1,
    }) as {
      hits: { id: string; score: number }[];
    };
    const best = result.hits[0]?.score ?? 0;
    if (best <= 0) return scores;
    for (const hit of result.hits) scores.set(Number(hit.id), hit.score / best);
    return scores;
  }

  /** Cosine similarity of the question with every row: one pass over the vectors (all unit length). */
  private similarities(vectors: Float32Array, vector: readonly number[]): Float32Array {
    const query = unit(vector);
    const dimensions = this.embeddings!.dimensions;
    if (query.length !== dimensions) {
      throw new KnowledgeIndexError(`the question's embedding has ${query.length} dimensions, the index ${dimensions}`);
    }
    const scores = new Float32Array(vectors.length / dimensions);
    for (let row = 0, offset = 0; row < scores.length; row++, offset += dimensions) {
      let dot = 0;
      for (let i = 0; i < dimensions; i++) dot += vectors[offset + i] * query[i];
      scores[row] = dot;
    }
    return scores;
  }
}

function createOrama(): PassageIndex {
  return create({ schema: SCHEMA, components: { tokenizer: { language: 'english', stemming: true } } });
}

function unit(vector: readonly number[]): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Float32Array.from(vector, (value) => value * scale);
}

/** Positions of the `count` highest scores, without sorting them all. */
function topPositions(scores: Float32Array, count: number): number[] {
  const top: number[] = [];
  for (let position = 0; position < scores.length; position++) {
    if (top.length === count && scores[position] <= scores[top[count - 1]]) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && scores[top[at - 1]] < scores[position]) at--;
    top.splice(at, 0, position);
    if (top.length > count) top.pop();
  }
  return top;
}
