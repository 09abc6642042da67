/**
 * The ceilings hybridrt holds every model, input file and option to, in one place (docs/api.md
 * "Limits" lists them): what a model or an option asks to allocate is checked here before
 * anything is allocated, and refused with a HybridError naming the tensor, so that absurd
 * dimensions end in an error rather than an exhausted process.
 */
import os from 'node:os';
import { HybridError, type ErrorCode } from './errors.js';
import { type DType, DTYPE_SIZE } from './onnx/dtype.js';

export const LIMITS = {
  /** Elements of one tensor (the engine's own ceiling, native/src/ir/shape.h kMaxElements). */
  tensorElements: 2 ** 40,
  /** Threads of the cpu engines and of onnxruntime's sessions. */
  threads: 256,
  /** Execution contexts per engine. */
  maxContexts: 256,
  /** Nodes of a graph, after model-local functions are inlined. */
  graphNodes: 2_000_000,
  /** Steps one recurrence or loop is unrolled to (LSTM/GRU/RNN converters, Loop and Scan lowering). */
  unrolledSteps: 1024,
  /** Nested graphs (If/Loop/Scan bodies within bodies). */
  subgraphDepth: 64,
  /** Nested calls of model-local functions (a function calling a function...). */
  functionDepth: 64,
  /** Bytes of a .hybrid file: Node.js reads at most 2 GiB into one buffer (fs.readFileSync). */
  artifactBytes: 2 ** 31 - 1,
  /** Timed runs of a benchmark, and untimed warm-up runs. */
  benchmarkRuns: 10_000_000,
  warmupRuns: 1_000_000,
  /** Seconds a --duration benchmark may run (a day). */
  benchmarkSeconds: 86_400,
  /** Bytes of sample inputs shape probing may make (three samples of every input). */
  probeBytes: 2 ** 30,
  /** A random-input seed (32 bits). */
  seed: 2 ** 32 - 1,
} as const;

/**
 * Bytes one tensor may take: half of this machine's memory (a tensor the size of all memory
 * cannot be computed, and one of half leaves room for its producer's inputs).
 */
export function maxTensorBytes(): number {
  return Math.floor(os.totalmem() / 2);
}

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

/**
 * Checks a tensor of `dims` and `dtype` against the ceilings before it is allocated; `what`
 * names it ("input 'x'", "initializer 'w'"). Throws `code` (SHAPE by default) where a dim is
 * negative or not an integer, or the tensor is too large.
 */
export function checkTensorSize(what: string, dims: readonly number[], dtype: DType | undefined, code: ErrorCode = 'SHAPE'): void {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new HybridError(code, `${what}: dimension ${d} of [${dims.join(',')}] is not a non-negative integer`);
    n *= d;
  }
  if (n > LIMITS.tensorElements) {
    throw new HybridError(code, `${what}: [${dims.join(',')}] has ${n} elements, more than the ${LIMITS.tensorElements} (2^40) a tensor may have`);
  }
  const bytes = n * (dtype && dtype in DTYPE_SIZE ? DTYPE_SIZE[dtype as keyof typeof DTYPE_SIZE] : 1);
  const max = maxTensorBytes();
  if (bytes > max) {
    throw new HybridError(
      code,
      `${what}: [${dims.join(',')}] would take ${human(bytes)}, more than the ${human(max)} a tensor may take on this machine (half its memory)`,
    );
  }
}
