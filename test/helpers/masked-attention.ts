/**
 * A transformer attention block with a padding mask, batch and sequence both symbolic, written
 * as exporters write it (Reshape with 0 to split heads, Transpose, MatMul, scale, mask bias,
 * Softmax, MatMul, merge heads, residual):
 *
 *   x [batch, seq, 16], mask [batch, seq] (1 keep, 0 pad) -> y [batch, seq, 16]
 *
 * Random weights (seeded), so that a mixed-up head or position changes the output.
 */
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { mulberry32 } from '../../src/util/random.js';

const D = 16;
const HEADS = 2;

function weight(seed: number): TensorData {
  const next = mulberry32(seed);
  return { dtype: 'float32', dims: [D, D], data: Float32Array.from({ length: D * D }, () => (next() * 2 - 1) / Math.sqrt(D)) };
}

const ints = (v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v, BigInt) });
const scalar = (v: number): TensorData => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

export function maskedAttention(): Uint8Array {
  const split = (from: string, to: string, perm: number[]) => [
    { op: 'Reshape', inputs: [from, 'heads_shape'], outputs: [`${to}_r`] },
    { op: 'Transpose', inputs: [`${to}_r`], outputs: [to], attrs: { perm } },
  ];
  return encodeModel(
    buildModel({
      name: 'masked_attention',
      inputs: [
        { name: 'x', dtype: 'float32', shape: ['batch', 'seq', D] },
        { name: 'mask', dtype: 'float32', shape: ['batch', 'seq'] },
      ],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 'seq', D] }],
      initializers: {
        wq: weight(1),
        wk: weight(2),
        wv: weight(3),
        heads_shape: ints([0, 0, HEADS, D / HEADS]),
        merge_shape: ints([0, 0, D]),
        mask_axes: ints([1, 2]),
        scale: scalar(1 / Math.sqrt(D / HEADS)),
        one: scalar(1),
        big: scalar(-10000),
      },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'wq'], outputs: ['q'] },
        { op: 'MatMul', inputs: ['x', 'wk'], outputs: ['k'] },
        { op: 'MatMul', inputs: ['x', 'wv'], outputs: ['v'] },
        ...split('q', 'qh', [0, 2, 1, 3]),
        ...split('k', 'kt', [0, 2, 3, 1]),
        ...split('v', 'vh', [0, 2, 1, 3]),
        { op: 'MatMul', inputs: ['qh', 'kt'], outputs: ['scores'] },
        { op: 'Mul', inputs: ['scores', 'scale'], outputs: ['scaled'] },
        { op: 'Sub', inputs: ['one', 'mask'], outputs: ['padded'] },
        { op: 'Mul', inputs: ['padded', 'big'], outputs: ['bias2'] },
        { op: 'Unsqueeze', inputs: ['bias2', 'mask_axes'], outputs: ['bias4'] },
        { op: 'Add', inputs: ['scaled', 'bias4'], outputs: ['logits'] },
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: -1 } },
        { op: 'MatMul', inputs: ['probs', 'vh'], outputs: ['ctx'] },
        { op: 'Transpose', inputs: ['ctx'], outputs: ['ctx_t'], attrs: { perm: [0, 2, 1, 3] } },
        { op: 'Reshape', inputs: ['ctx_t', 'merge_shape'], outputs: ['merged'] },
        { op: 'Add', inputs: ['merged', 'x'], outputs: ['y'] },
      ],
    }),
  );
}

/** A padding mask: each row keeps a prefix of random length (at least 1). */
export function paddingMask(batch: number, seq: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const m = new Float32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    const keep = 1 + Math.floor(next() * seq);
    for (let s = 0; s < keep; s++) m[b * seq + s] = 1;
  }
  return m;
}
