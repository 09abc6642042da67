/**
 * A small network that exercises many layer kinds and both arenas and constants, for the
 * plan, fuzzing and concurrency tests:
 *
 *   x [1,3,16,16] -> conv 3x3 (relu) -> maxpool 2x2 -> conv 3x3 groups 2 -> reshape
 *     -> matmul (+bias) -> softmax -> y [1,10]
 *   ids [4] (int64) -> gather(table) -> reduce mean -> z [1,6]
 */
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';
import type { NetworkDefinition } from '../../../src/engine/network.js';

export function smallCnn(): NetworkDefinition {
  const d = new NetDraft('small_cnn');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const x = d.input('x', 'float32', [1, 3, 16, 16]);
  const ids = d.input('ids', 'int64', [4]);
  const w1 = d.constant('w1', 'float32', [8, 3, 3, 3], randomFloat([8, 3, 3, 3], 1).data);
  const b1 = d.constant('b1', 'float32', [8], randomFloat([8], 2).data);
  const win = { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };
  const [c1] = d.layer('convolution', 'conv1', [x, w1, b1], { kernel: [3, 3], ...win, groups: 1, activation: { op: 'relu' } }, [f32([1, 8, 16, 16])]);
  const [p1] = d.layer(
    'pooling',
    'pool1',
    [c1!],
    { mode: 'max', kernel: [2, 2], strides: [2, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], ceilMode: false, countIncludePad: false },
    [f32([1, 8, 8, 8])],
  );
  const w2 = d.constant('w2', 'float32', [4, 4, 3, 3], randomFloat([4, 4, 3, 3], 3).data);
  const [c2] = d.layer('convolution', 'conv2', [p1!, w2], { kernel: [3, 3], ...win, groups: 2 }, [f32([1, 4, 8, 8])]);
  const [flat] = d.layer('shuffle', 'flatten', [c2!], { reshape: [1, 256] }, [f32([1, 256])]);
  const wf = d.constant('wf', 'float32', [256, 10], randomFloat([256, 10], 4, -0.1, 0.1).data);
  const bf = d.constant('bf', 'float32', [10], randomFloat([10], 5).data);
  const [fc] = d.layer('matmul', 'fc', [flat!, wf, bf], { transA: false, transB: false, alpha: 1, beta: 1 }, [f32([1, 10])]);
  const [y] = d.layer('softmax', 'prob', [fc!], { axis: 1, log: false }, [f32([1, 10])]);
  const table = d.constant('table', 'float32', [9, 6], randomFloat([9, 6], 6).data);
  const [emb] = d.layer('gather', 'embed', [table, ids], { axis: 0, mode: 'default' }, [f32([4, 6])]);
  const [z] = d.layer('reduce', 'pool_ids', [emb!], { op: 'mean', axes: [0], keepDims: true }, [f32([1, 6])]);
  d.output(y!);
  d.output(z!);
  return d.finish();
}

export function smallCnnInputs(seed: number): [Float32Array, BigInt64Array] {
  return [randomFloat([1, 3, 16, 16], seed).data as Float32Array, BigInt64Array.from([seed % 9, 3, -1, 0].map(BigInt))];
}
