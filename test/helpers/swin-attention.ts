/**
 * Swin's shifted-window attention scores as torchvision's export writes them, the shape the
 * lowering's merge-score-adds pass and the attention fusion must bring to one attention layer:
 *
 *   q [B*nW, H, S, D], k [B*nW, H, D, S] (inputs) -> MatMul -> Add(bias [1, H, S, S], a constant)
 *     -> Reshape [B, nW, H, S, S] -> Add(mask [1, nW, 1, S, S], an input) -> Reshape [B*nW, H, S, S]
 *     -> Softmax -> MatMul(v [B*nW, H, S, D]) -> y
 */
import type { ModelSpec } from '../../src/ir/model-builder.js';
import { randomFloat } from '../engine/helpers/random.js';

export interface WindowSize {
  b: number;
  nW: number;
  h: number;
  s: number;
  d: number;
  /** The mask's shape (default [1, nW, 1, S, S]). */
  mask?: number[];
}

const i64 = (v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v, BigInt) });

export function swinScoresSpec({ b, nW, h, s, d, mask }: WindowSize): ModelSpec {
  const bw = b * nW;
  return {
    inputs: [
      { name: 'q', shape: [bw, h, s, d] },
      { name: 'k', shape: [bw, h, d, s] },
      { name: 'v', shape: [bw, h, s, d] },
      { name: 'mask', shape: mask ?? [1, nW, 1, s, s] },
    ],
    outputs: [{ name: 'y' }],
    initializers: {
      bias: randomFloat([1, h, s, s], 11, -1, 1),
      windows: i64([b, nW, h, s, s]),
      back: i64([bw, h, s, s]),
    },
    nodes: [
      { op: 'MatMul', inputs: ['q', 'k'], outputs: ['sc'] },
      { op: 'Add', inputs: ['sc', 'bias'], outputs: ['sb'] },
      { op: 'Reshape', inputs: ['sb', 'windows'], outputs: ['sw'] },
      { op: 'Add', inputs: ['sw', 'mask'], outputs: ['sm'] },
      { op: 'Reshape', inputs: ['sm', 'back'], outputs: ['s2'] },
      { op: 'Softmax', inputs: ['s2'], outputs: ['p'], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: ['p', 'v'], outputs: ['y'] },
    ],
  };
}

/** Feeds: the mask as Swin's, 0 within a window's region and -100 across regions. */
export function swinFeeds({ b, nW, h, s, d, mask }: WindowSize, seed: number) {
  const m = randomFloat(mask ?? [1, nW, 1, s, s], seed + 3, 0, 1);
  const data = m.data as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = data[i]! < 0.3 ? -100 : 0;
  return {
    q: randomFloat([b * nW, h, s, d], seed, -1, 1),
    k: randomFloat([b * nW, h, d, s], seed + 1, -1, 1),
    v: randomFloat([b * nW, h, s, d], seed + 2, -1, 1),
    mask: m,
  };
}
