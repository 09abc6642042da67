/**
 * Transformer-style residual adds after matrix products, for the matmul residual fusion
 * (native/src/builder/fusion.h) on cpu (test/engine/fusion.test.ts) and cuda
 * (test/gpu/speed.test.ts):
 *
 *   x [2,6,16] -> matmul(w [16,16]) -> + b -> + x -> relu = y1          (packed b, row bias, residual, relu)
 *   x, v [2,16,16] (an input) -> matmul(x, v) -> + b -> + x = y2        (b not a constant)
 *   x -> matmul(w) -> + y1 = y3                                          (no bias: the addend is a residual)
 */
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

export function residualMatmulNet(): NetworkDefinition {
  const d = new NetDraft('residual-matmul');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const x = d.input('x', 'float32', [2, 6, 16]);
  const v = d.input('v', 'float32', [2, 16, 16]);
  const w = d.constant('w', 'float32', [16, 16], randomFloat([16, 16], 7, -0.3, 0.3).data);
  const b = d.constant('b', 'float32', [16], randomFloat([16], 8).data);
  const mm = { transA: false, transB: false, alpha: 1, beta: 0 };
  const [p] = d.layer('matmul', 'proj', [x, w], mm, [f32([2, 6, 16])]);
  const [pb] = d.layer('elementwise', 'proj_bias', [p!, b], { op: 'add' }, [f32([2, 6, 16])]);
  const [pr] = d.layer('elementwise', 'proj_res', [x, pb!], { op: 'add' }, [f32([2, 6, 16])]);
  const [y1] = d.layer('unary', 'proj_relu', [pr!], { op: 'relu' }, [f32([2, 6, 16])]);
  const [q] = d.layer('matmul', 'mix', [x, v], mm, [f32([2, 6, 16])]);
  const [qb] = d.layer('elementwise', 'mix_bias', [q!, b], { op: 'add' }, [f32([2, 6, 16])]);
  const [y2] = d.layer('elementwise', 'mix_res', [qb!, x], { op: 'add' }, [f32([2, 6, 16])]);
  // No bias: the addend of the output's own shape is a residual (read in place), not a c.
  const [o] = d.layer('matmul', 'out', [x, w], mm, [f32([2, 6, 16])]);
  const [y3] = d.layer('elementwise', 'out_res', [o!, y1!], { op: 'add' }, [f32([2, 6, 16])]);
  d.output(y1!);
  d.output(y2!);
  d.output(y3!);
  return d.finish();
}
