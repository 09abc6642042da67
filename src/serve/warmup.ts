/**
 * The warm-up of a batched model on cuda: one run at every batch size 1..max_batch_size while
 * the version loads, so that the dynamic batcher's merged batches never meet a shape the engine
 * has not prepared. A dynamic engine prepares an instance per input shape on first use, on the
 * JavaScript thread (docs/engine.md, "Shape ranges"); on cuda that takes up to seconds for a
 * CNN, during which the whole server answers nothing (measured: resnet50 served at 32 clients
 * fell to 16 requests/s with 3 s latencies while merged batches of new sizes kept coming). The
 * cpu backend prepares a shape in milliseconds and is not warmed. The feeds are zeros at the
 * first profile's opt shape beyond dim 0 (every dim a batched model's profiles must hold).
 */
import type { CompiledModel } from '../compiler/compile.js';
import { allocTyped, type TypedArray } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';

/** Whether a version is warmed: batched with dynamic batching on the cuda backend. */
export function wantsWarmup(model: CompiledModel, maxBatchSize: number, dynamicBatching: boolean): boolean {
  return model.backend === 'cuda' && dynamicBatching && maxBatchSize > 1;
}

/** Runs `model` once at each batch size 1..maxBatchSize; resolves with the milliseconds it took. */
export async function warmBatches(model: CompiledModel, maxBatchSize: number): Promise<number> {
  const t0 = performance.now();
  for (let b = 1; b <= maxBatchSize; b++) {
    const feeds: Record<string, TensorData> = {};
    for (const input of model.inputs) {
      const dims = [b, ...input.shape.slice(1)];
      const data = allocTyped(
        input.dtype as never,
        dims.reduce((a, d) => a * d, 1),
      ) as TypedArray;
      feeds[input.name] = { dtype: input.dtype, dims, data };
    }
    await model.run(feeds);
  }
  return performance.now() - t0;
}
