/**
 * A small CNN whose every layer holds for any batch and image size (a dynamic engine's network):
 *
 *   x [n,3,h,w] -> conv 3x3 pad 1 (relu) [n,8,h,w] -> maxpool 2x2 -> pooled [n,8,h/2,w/2]
 *     -> reduce mean over h,w [n,8,1,1] -> reshape [0,-1] [n,8] -> matmul (+bias) -> softmax -> y [n,5]
 *
 * Built at one shape, with `ranges` to make it dynamic; the same network built without ranges at
 * another shape is what the dynamic engine is compared with there.
 */
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

export function dynCnn(n: number, h: number, w: number, ranges?: NetworkDefinition['ranges']): NetworkDefinition {
  const d = new NetDraft('dyn_cnn');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const x = d.input('x', 'float32', [n, 3, h, w]);
  const w1 = d.constant('w1', 'float32', [8, 3, 3, 3], randomFloat([8, 3, 3, 3], 1).data);
  const b1 = d.constant('b1', 'float32', [8], randomFloat([8], 2).data);
  const win = { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };
  const [c1] = d.layer('convolution', 'conv1', [x, w1, b1], { kernel: [3, 3], ...win, groups: 1, activation: { op: 'relu' } }, [f32([n, 8, h, w])]);
  const pool = { strides: [2, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], ceilMode: false, countIncludePad: false };
  const [p1] = d.layer('pooling', 'pool1', [c1!], { mode: 'max', kernel: [2, 2], ...pool }, [f32([n, 8, h >> 1, w >> 1])]);
  const [m] = d.layer('reduce', 'gap', [p1!], { op: 'mean', axes: [2, 3], keepDims: true }, [f32([n, 8, 1, 1])]);
  const [flat] = d.layer('shuffle', 'flatten', [m!], { reshape: [0, -1], zeroIsPlaceholder: true }, [f32([n, 8])]);
  const wf = d.constant('wf', 'float32', [8, 5], randomFloat([8, 5], 4).data);
  const bf = d.constant('bf', 'float32', [5], randomFloat([5], 5).data);
  const [fc] = d.layer('matmul', 'fc', [flat!, wf, bf], { transA: false, transB: false, alpha: 1, beta: 1 }, [f32([n, 5])]);
  const [y] = d.layer('softmax', 'prob', [fc!], { axis: 1, log: false }, [f32([n, 5])]);
  d.output(y!);
  d.output(p1!);
  return { ...d.finish(), ...(ranges ? { ranges } : {}) };
}
