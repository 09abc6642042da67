/**
 * A network every fusion pattern of native/src/builder/fusion.h applies to, and one place where a
 * pattern must not apply (a network output in between), for the fusion tests on cpu
 * (test/engine/fusion.test.ts) and cuda (test/gpu/speed.test.ts):
 *
 *   x [1,4,8,8]
 *    |
 *   conv1 (+b1) ---> sigmoid ---> mul(conv1, sigmoid)        silu, fused into conv1
 *    |                                   |
 *    |                              conv2 (+b2) ---> add(conv2, m) ---> relu
 *    |                                   m ------------^               |      residual + relu into conv2
 *    |                                                                 r
 *   (conv1 is read by sigmoid and mul only)                 conv3 (+b3) = out_c3 (a network output)
 *                                                                      |
 *                                                                    relu   NOT fused: conv3's output is an output
 *                                                                      |
 *                                                                   flatten -> matmul -> add(bias) -> relu = y
 *                                                                              matmul + bias + relu, one layer
 */
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

export function fusable(): NetworkDefinition {
  const d = new NetDraft('fusable');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const x = d.input('x', 'float32', [1, 4, 8, 8]);
  const win = { strides: [1, 1], dilations: [1, 1], groups: 1 };
  const conv = (name: string, input: number, k: number, seed: number) => {
    const w = d.constant(`${name}_w`, 'float32', [8, input === x ? 4 : 8, k, k], randomFloat([8, input === x ? 4 : 8, k, k], seed, -0.3, 0.3).data);
    const b = d.constant(`${name}_b`, 'float32', [8], randomFloat([8], seed + 100).data);
    const p = (k - 1) / 2;
    return d.layer('convolution', name, [input, w, b], { kernel: [k, k], padsBegin: [p, p], padsEnd: [p, p], ...win }, [f32([1, 8, 8, 8])])[0]!;
  };
  const c1 = conv('conv1', x, 3, 1);
  const [s] = d.layer('unary', 'sig', [c1], { op: 'sigmoid' }, [f32([1, 8, 8, 8])]);
  const [m] = d.layer('elementwise', 'silu_mul', [c1, s!], { op: 'mul' }, [f32([1, 8, 8, 8])]);
  const c2 = conv('conv2', m!, 3, 2);
  const [a] = d.layer('elementwise', 'res_add', [c2, m!], { op: 'add' }, [f32([1, 8, 8, 8])]);
  const [r] = d.layer('unary', 'res_relu', [a!], { op: 'relu' }, [f32([1, 8, 8, 8])]);
  const c3 = conv('conv3', r!, 1, 3);
  const [r3] = d.layer('unary', 'relu3', [c3], { op: 'relu' }, [f32([1, 8, 8, 8])]);
  const [flat] = d.layer('shuffle', 'flatten', [r3!], { reshape: [1, 512] }, [f32([1, 512])]);
  const wf = d.constant('fc_w', 'float32', [512, 10], randomFloat([512, 10], 4, -0.1, 0.1).data);
  const bf = d.constant('fc_b', 'float32', [10], randomFloat([10], 5).data);
  const [mm] = d.layer('matmul', 'fc', [flat!, wf], { transA: false, transB: false, alpha: 1, beta: 0 }, [f32([1, 10])]);
  const [fb] = d.layer('elementwise', 'fc_bias', [mm!, bf], { op: 'add' }, [f32([1, 10])]);
  const [y] = d.layer('unary', 'fc_relu', [fb!], { op: 'relu' }, [f32([1, 10])]);
  d.output(y!);
  d.output(c3);
  return d.finish();
}
