/**
 * The warm-up of a batched model on cuda: one run at every batch size 1..max_batch_size while
 * the version loads, so that the dynamic batcher's merged batches never meet a shape the engine
 * has not prepared. A dynamic engine prepares an instance per input shape on first use, on the
 * JavaScript thread (docs/engine.md, "Shape ranges"); on cuda that takes up to seconds for a
 * CNN, during which the whole server answers nothing (measured: resnet50 served at 32 clients
 * fell to 16 requests/s with 3 s latencies while merged batches of new sizes kept coming). The
 * cpu backend prepares a shape in milliseconds and is not warmed. The feeds are zeros, shaped
 * beyond dim 0 as the opt of the first profile that holds the batch.
 */
import type { CompiledModel } from '../compiler/compile.js';
import { allocTyped, type TypedArray } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';

/** Whether a version is warmed: batched with dynamic batching on the cuda backend. */
export function wantsWarmup(model: CompiledModel, maxBatchSize: number, dynamicBatching: boolean): boolean {
  return model.backend === 'cuda' && dynamicBatching && maxBatchSize > 1;
}

/** The inputs a run is fed: those fixed at compile time are left out (not batched). */
const batchedInputs = (model: CompiledModel) => model.inputs.filter((i) => !i.value);

/**
 * The dims beyond dim 0 each input takes at batch `b`: the opt of the first profile whose dim-0
 * range holds `b` for every input (a static input: its shape); undefined where none does.
 */
function shapesAt(model: CompiledModel, b: number): number[][] | undefined {
  const live = batchedInputs(model);
  const profiles = Math.max(1, ...live.map((i) => i.ranges?.length ?? 1));
  for (let p = 0; p < profiles; p++) {
    const ranges = live.map((i) => i.ranges?.[p] ?? { min: i.shape, opt: i.shape, max: i.shape });
    if (ranges.every((r) => r.min[0]! <= b && b <= r.max[0]!)) return ranges.map((r) => r.opt.slice(1));
  }
  return undefined;
}

/**
 * Runs `model` once at each batch size 1..maxBatchSize (a size no profile holds is skipped);
 * resolves with the milliseconds it took. A failed run is an error naming the batch.
 */
export async function warmBatches(model: CompiledModel, maxBatchSize: number): Promise<number> {
  const t0 = performance.now();
  for (let b = 1; b <= maxBatchSize; b++) {
    const rest = shapesAt(model, b);
    if (!rest) continue;
    const feeds: Record<string, TensorData> = {};
    batchedInputs(model).forEach((input, i) => {
      const dims = [b, ...rest[i]!];
      const data = allocTyped(
        input.dtype as never,
        dims.reduce((a, d) => a * d, 1),
      ) as TypedArray;
      feeds[input.name] = { dtype: input.dtype, dims, data };
    });
    try {
      await model.run(feeds);
    } catch (e) {
      throw new Error(`warm-up at batch ${b}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return performance.now() - t0;
}
