/**
 * The sentence encoder's weights in TensorFlow.js's WebAssembly heap, and the backend's kernels that run on them
 * (sentence-encoder.ts loads the model with them). Profiled in a fresh process (node --cpu-prof and the process's
 * page faults), most of the library's load was not computing but touching fresh memory, which in a Firecracker
 * micro-VM such as Lambda's costs a page fault per 4 KiB (measured here: about 5 ms per MB). So the weights touch as
 * little new memory as they can:
 * - tfjs's file loader reads the 7 weight shards (28 MB), concatenates them into one ArrayBuffer, copies each
 *   weight out of it (decodeWeights) and copies that into the WebAssembly heap: four passes over 28 MB of new
 *   memory. Here each weight is read from its shard once, straight into the heap block its tensor owns, through
 *   the io namespace that `loadGraphModel` takes as its third argument (its `decodeWeights` is the only member
 *   GraphModel calls with the weights).
 * - the first embedding packed each weight matrix for XNNPACK (a copy as large as the matrix, in fresh memory) while
 *   the raw matrices stayed in the heap, never read again: about 20 MB of memory touched twice. Here each matrix is
 *   packed as soon as it is read, and its raw block freed, so the next matrix is read into pages already touched
 *   (packAndRelease).
 * - the embeddings table (8,002 pieces by 256 numbers, 8 MB) is only ever read a row per piece of the text. Here its
 *   block is allocated but left untouched, and a row is read from its shard the first time a text has its piece
 *   (readTableRowsOnDemand): a question reads a few KiB.
 * - the model's 4 Conv2D nodes are 1x1 convolutions (a matrix product per position), and the wasm backend's Conv2D
 *   first transposes its filter into a new buffer, with a generic transpose, before XNNPACK packs it. Here a 1x1
 *   Conv2D runs as the backend's own BatchMatMul (runPointwiseConvAsMatMul), which hands XNNPACK the weights as they
 *   are; XNNPACK runs a 1x1 convolution with the same matrix-product kernels.
 * The vectors stay the same to the last bit (test/knowledge/sentence-encoder.test.ts).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** The pieces of TensorFlow.js used here, typed here: the package's own types need @tensorflow/* installed. */
type WeightDtype = 'float32' | 'int32';
export interface Tensor {
  dispose(): void;
  array(): Promise<unknown>;
}
interface WasmBackend {
  readonly wasm: { readonly HEAPU8: Uint8Array; _malloc(bytes: number): number; _free(pointer: number): void };
  /** The backend's record of each tensor's data: where in the heap it lives. */
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  write(values: null, shape: readonly number[], dtype: WeightDtype): object;
  getMemoryOffset(dataId: object): number;
  readSync(dataId: object): ArrayLike<number>;
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
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}
/** A node of the graph (model.json's modelTopology.node): which op, reading which tensors, with which attributes. */
export interface GraphNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Readonly<Record<string, { b?: boolean; s?: number[] | string; list?: { i?: string[] } }>>;
}
export interface TensorFlow {
  backend(): WasmBackend;
  engine(): { makeTensorFromDataId(dataId: object, shape: number[], dtype: WeightDtype, backend: WasmBackend): Tensor };
  getKernel(kernelName: string, backendName: string): KernelConfig | undefined;
  unregisterKernel(kernelName: string, backendName: string): void;
  registerKernel(config: KernelConfig): void;
}

/** Every weight of the pinned model is a 4-byte float32 or int32, stored unquantized. */
const BYTES_PER_VALUE = 4;

/** Heap for an embedding's intermediate tensors, beyond the weights (a question's are well under 1 MB). */
const HEAP_FOR_EMBEDDING = 4 * 2 ** 20;

/**
 * Makes each weight's tensor as tfjs's own decodeWeights and the backend's write would (a heap block of the
 * weight's size, registered with the backend, then tracked by the engine), and reads the weight's bytes from the
 * shards into that block: the weights are laid end to end across the shards, in the manifest's order. Matrices are
 * packed and released as they are read; tables are left for their rows to be read on demand.
 */
export function readWeightsIntoHeap(
  tf: TensorFlow,
  paths: readonly string[],
  specs: readonly WeightSpec[],
  nodes: readonly GraphNode[],
): Record<string, Tensor> {
  const backend = tf.backend();
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matMul) throw new Error('the wasm backend has no BatchMatMul kernel');
  const matrices = matrixWeights(nodes, specs);
  const tables = tableWeights(nodes, specs);
  const shards = paths.map((path) => ({ path, size: statSync(path).size }));
  const reader = new ShardReader(shards);
  const tensors: Record<string, Tensor> = {};
  try {
    const total = shards.reduce((sum, shard) => sum + shard.size, 0);
    const largestMatrix = Math.max(0, ...specs.filter((spec) => matrices.has(spec.name)).map(bytesOf));
    reserveHeap(backend, total + largestMatrix + HEAP_FOR_EMBEDDING);
    // Where each weight lies: one after the other across the shards, in the manifest's order.
    let position = 0;
    const placed = specs.map((spec) => {
      const dtype = spec.dtype;
      if ((dtype !== 'float32' && dtype !== 'int32') || spec.quantization !== undefined) {
        throw new Error(`weight ${spec.name} is ${dtype}${spec.quantization ? ', quantized' : ''}: not expected`);
      }
      const bytes = bytesOf(spec);
      if (position + bytes > total) throw new Error(`the weight shards end before weight ${spec.name}`);
      position += bytes;
      return { spec, dtype: dtype as WeightDtype, position: position - bytes, bytes };
    });
    if (position !== total) throw new Error(`the weight shards hold ${total - position} bytes no weight names`);
    // The other weights first, then the matrices from the largest down: each matrix is then read into the block the
    // one before freed, and a smaller one's packed copy fits in what is left of that block.
    const isMatrix = (entry: (typeof placed)[number]) => matrices.has(entry.spec.name);
    const order = [
      ...placed.filter((entry) => !isMatrix(entry)),
      ...placed.filter(isMatrix).sort((a, b) => b.bytes - a.bytes),
    ];
    for (const { spec, dtype, position, bytes } of order) {
      const shape = [...spec.shape];
      const dataId = backend.write(null, shape, dtype);
      tensors[spec.name] = tf.engine().makeTensorFromDataId(dataId, shape, dtype, backend);
      if (tables.has(spec.name)) {
        tablesOnDemand.set(dataId, { shards, position, rowBytes: bytes / shape[0], read: new Uint8Array(shape[0]) });
      } else {
        // HEAPU8 is read after the write: the heap may have grown for the block, which replaces the view.
        reader.read(position, backend.wasm.HEAPU8, backend.getMemoryOffset(dataId), bytes);
        if (matrices.has(spec.name)) packAndRelease(backend, matMul, dataId, spec.name, shape);
      }
    }
    return tensors;
  } catch (error) {
    // A load that fails leaves no weights in the heap: a later load (see loadLocalModel) starts afresh.
    for (const tensor of Object.values(tensors)) tensor.dispose();
    throw error;
  } finally {
    reader.close();
  }
}

function bytesOf(spec: WeightSpec): number {
  return spec.shape.reduce((product, size) => product * size, 1) * BYTES_PER_VALUE;
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

interface Shard {
  readonly path: string;
  readonly size: number;
}

/** Reads the weight shards as one run of bytes (the shards laid end to end), opening each when first read. */
class ShardReader {
  private readonly fds = new Map<Shard, number>();

  constructor(private readonly shards: readonly Shard[]) {}

  /** Reads `length` bytes at `position` into `target` at `offset`. */
  read(position: number, target: Uint8Array, offset: number, length: number): void {
    let start = 0;
    for (const shard of this.shards) {
      const end = start + shard.size;
      while (length > 0 && position < end) {
        const read = readSync(this.fd(shard), target, offset, Math.min(length, end - position), position - start);
        if (read === 0) throw new Error(`${shard.path} ended early`);
        position += read;
        offset += read;
        length -= read;
      }
      start = end;
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(shard: Shard): number {
    let fd = this.fds.get(shard);
    if (fd === undefined) {
      fd = openSync(shard.path, 'r');
      this.fds.set(shard, fd);
    }
    return fd;
  }
}

/** Every use of each weight in the graph: the node, and which of its inputs the weight is. */
function usesOf(nodes: readonly GraphNode[], specs: readonly WeightSpec[]): Map<WeightSpec, [GraphNode, number][]> {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const uses = new Map<WeightSpec, [GraphNode, number][]>();
  for (const node of nodes) {
    (node.input ?? []).forEach((input, at) => {
      const spec = byName.get(input.replace(/^\^/, '').replace(/:0$/, ''));
      if (spec) uses.set(spec, [...(uses.get(spec) ?? []), [node, at]]);
    });
  }
  return uses;
}

/** The weights whose every use in the graph passes `test`. */
function weightsUsedOnlyAs(
  nodes: readonly GraphNode[],
  specs: readonly WeightSpec[],
  test: (node: GraphNode, input: number, spec: WeightSpec) => boolean,
): Set<string> {
  return new Set(
    [...usesOf(nodes, specs)]
      .filter(([spec, uses]) => uses.every(([node, input]) => test(node, input, spec)))
      .map(([spec]) => spec.name),
  );
}

/**
 * The weights the graph uses only as the matrix of a matrix product: the second input of a MatMul without
 * transposes, or the [1, 1, in, out] filter of a Conv2D that runPointwiseConvAsMatMul runs as one. XNNPACK reads
 * such a weight once, when it packs it, and never again.
 */
export function matrixWeights(nodes: readonly GraphNode[], specs: readonly WeightSpec[]): Set<string> {
  return weightsUsedOnlyAs(nodes, specs, (node, input, spec) => input === 1 && asMatrixProduct(node, spec.shape));
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

/** The weights the graph uses only as the table a GatherV2 takes rows from: rows are read when first gathered. */
export function tableWeights(nodes: readonly GraphNode[], specs: readonly WeightSpec[]): Set<string> {
  return weightsUsedOnlyAs(nodes, specs, (node, input, spec) => {
    return node.op === 'GatherV2' && input === 0 && spec.shape.length === 2;
  });
}

/** The data of matrices released once XNNPACK packed them: nothing may read them again (see packAndRelease). */
const released = new WeakSet<object>();

/**
 * Has XNNPACK pack a matrix now, through the backend's BatchMatMul as the graph will call it (the packed operator
 * is cached on the matrix's tensor), then frees the matrix's heap block. Why: packing writes a copy as large as the
 * matrix into fresh heap; the next matrix is read into the block freed here, so the matrices' raw and packed copies
 * no longer both touch new memory. The tensor stays, as the operator's key, with no data: its offset becomes 0,
 * which the backend's dispose frees as nothing.
 *
 * The product is of the row [1, 0, 0, ...], which must give the matrix's first row: when XNNPACK could not pack it
 * (out of memory, say), the backend only warns and leaves the product unwritten, and a matrix freed then would be
 * read from freed memory at the first embedding. Such a matrix is kept, and the load fails saying so.
 */
function packAndRelease(
  backend: WasmBackend,
  matMul: KernelConfig,
  dataId: object,
  name: string,
  shape: readonly number[],
): void {
  const columns = shape[shape.length - 1];
  const rows = shape.reduce((product, size) => product * size, 1) / columns;
  const probe = backend.write(null, [1, 1, rows], 'float32');
  const probeOffset = backend.getMemoryOffset(probe);
  backend.wasm.HEAPU8.fill(0, probeOffset, probeOffset + rows * BYTES_PER_VALUE);
  new Float32Array(backend.wasm.HEAPU8.buffer, probeOffset, 1)[0] = 1;
  const product = matMul.kernelFunc({
    inputs: {
      a: { dataId: probe, shape: [1, 1, rows], dtype: 'float32' },
      b: { dataId, shape: [1, rows, columns], dtype: 'float32' },
    },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
  const heap = backend.wasm.HEAPU8.buffer;
  const firstRow = new Float32Array(heap, backend.getMemoryOffset(dataId), columns);
  const got = new Float32Array(heap, backend.getMemoryOffset(product.dataId), columns);
  const packed = got.every(
    (value, at) => value === firstRow[at] || (Number.isNaN(value) && Number.isNaN(firstRow[at])),
  );
  backend.disposeData(product.dataId);
  backend.disposeData(probe);
  if (!packed) throw new Error(`XNNPACK did not pack the matrix ${name}: its product came out wrong`);
  const data = backend.dataIdMap.get(dataId);
  if (!data) throw new Error(`the packed matrix ${name} has no data to release`);
  backend.wasm._free(data.memoryOffset);
  data.memoryOffset = 0;
  released.add(dataId);
}

/** A table whose rows are read into its heap block when first gathered; `read` marks the rows read. */
interface TableOnDemand {
  readonly shards: readonly Shard[];
  /** Where the table starts in the shards laid end to end. */
  readonly position: number;
  readonly rowBytes: number;
  readonly read: Uint8Array;
}

/** By the table tensor's data id. */
const tablesOnDemand = new WeakMap<object, TableOnDemand>();

/** Mark the kernels registered below, so a second load in the same process keeps them as they are. */
const POINTWISE = Symbol('chalkbot pointwise Conv2D');
const ON_DEMAND = Symbol('chalkbot GatherV2 with rows read on demand');

/** Registers the kernels the weights read here need: before the model's weights are read. */
export function registerWeightKernels(tf: TensorFlow): void {
  runPointwiseConvAsMatMul(tf);
  readTableRowsOnDemand(tf);
}

/**
 * Registers, for the wasm backend, a GatherV2 kernel that first reads, into a table left unread at load, the rows
 * the gather takes and that were never read; then the backend's own GatherV2 gathers them. Indices it cannot see
 * (on another axis, batched, or not int32) read the whole table.
 */
function readTableRowsOnDemand(tf: TensorFlow): void {
  const gather = tf.getKernel('GatherV2', 'wasm');
  if (!gather) throw new Error('the wasm backend has no GatherV2 kernel');
  if (ON_DEMAND in gather) return;
  const kernel: KernelConfig & { [ON_DEMAND]: true } = {
    ...gather,
    [ON_DEMAND]: true,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const table = tablesOnDemand.get(inputs.x.dataId);
      if (!table) return gather.kernelFunc(args);
      const { x, indices } = inputs;
      const axis = Array.isArray(attrs.axis) ? attrs.axis[0] : attrs.axis;
      const byRow = (axis === 0 || axis === -x.shape.length) && !attrs.batchDims && indices.dtype === 'int32';
      const reader = new ShardReader(table.shards);
      try {
        const start = backend.getMemoryOffset(x.dataId);
        if (!byRow) {
          reader.read(table.position, backend.wasm.HEAPU8, start, table.read.length * table.rowBytes);
          table.read.fill(1);
        }
        const rows = byRow ? backend.readSync(indices.dataId) : [];
        for (let at = 0; at < rows.length; at++) {
          const row = rows[at];
          // A row out of range is left to the backend's GatherV2, which says so.
          if (!(row >= 0 && row < table.read.length) || table.read[row]) continue;
          const offset = start + row * table.rowBytes;
          reader.read(table.position + row * table.rowBytes, backend.wasm.HEAPU8, offset, table.rowBytes);
          table.read[row] = 1;
        }
      } finally {
        reader.close();
      }
      return gather.kernelFunc(args);
    },
  };
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel(kernel);
}

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
