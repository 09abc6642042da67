/**
 * com.microsoft EmbedLayerNormalization (what onnxruntime's transformer optimizer makes of a
 * BERT embedding block) -> gathers, adds and a layer normalization:
 *
 *   sum  = word_embedding[input_ids] + position_embedding[position] (+ segment_embedding[segment_ids])
 *   output        = LayerNorm(sum; gamma, beta, epsilon) over the hidden dim
 *   mask_index    = per batch row, the count of mask entries equal to 1 (int32 [batch]), as
 *                   onnxruntime's CPU kernel counts; zeros without a mask (static batch)
 *   embedding_sum = sum (the optional third output)
 *
 * position is position_ids ([batch, S] or [1, S]) where given, else 0..S-1: a constant for one
 * shape, a range layer reading S from input_ids' shape over a shape range. Ids are int32, as
 * onnxruntime requires; an id out of range is the gather's run-time error.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter, tensorOf } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  epsilon: number;
  hidden: number;
  /** S where positions are a constant 0..S-1 (one shape), else undefined. */
  positions?: number;
  /** The batch for a mask_index of zeros (no mask, one shape). */
  zeroMaskBatch?: number;
}

const embedLayerNorm = defineConverter<Plan>({
  opType: 'EmbedLayerNormalization',
  domain: 'com.microsoft',
  sinceVersion: 1,
  notes:
    'int32 input_ids, segment_ids, mask and position_ids; embeddings [rows, hidden] of one float dtype; mask_index counts the mask ones (zeros without a mask, static shapes only).',
  plan(v) {
    const ids = v.in(0);
    v.check(ids.dtype === 'int32' && ids.shape.length === 2, () => `${v.inLabel(0)} is ${ids.dtype} [${ids.shape}]; expected int32 [batch, S]`);
    const dtype = v.dtype(2, FLOAT_DTYPES);
    const hidden = v.in(2).shape[1]!;
    for (const i of [2, 3, 4]) {
      if (!v.has(i)) continue;
      const s = v.in(i).shape;
      v.check(
        s.length === 2 && s[1] === hidden && v.in(i).dtype === dtype,
        () => `${v.inLabel(i)} is ${v.in(i).dtype} [${s}]; expected ${dtype} [rows, ${hidden}]`,
      );
    }
    v.check(v.has(3), () => 'position_embedding is required');
    for (const i of [5, 6])
      v.check(v.has(i) && v.in(i).dtype === dtype && v.in(i).shape.join() === String(hidden), () => `${v.inLabel(i)} must be ${dtype} [${hidden}]`);
    v.check(v.has(1) === v.has(4), () => 'segment_ids and segment_embedding come together');
    for (const i of [1, 7, 8]) {
      if (!v.has(i)) continue;
      const s = v.in(i).shape;
      const ok = v.in(i).dtype === 'int32' && s.length === 2 && s[1] === ids.shape[1] && (s[0] === ids.shape[0] || (i === 8 && s[0] === 1));
      v.check(ok, () => `${v.inLabel(i)} is ${v.in(i).dtype} [${s}]; expected int32 [batch, S]${i === 8 ? ' or [1, S]' : ''}`);
    }
    const S = ids.shape[1]!;
    v.check(v.has(8) || S <= v.in(3).shape[0]!, () => `S ${S} is more than position_embedding's ${v.in(3).shape[0]} rows`);
    const plan: Plan = { epsilon: v.float('epsilon', 1e-12), hidden };
    if (!v.has(8) && !v.ranged) plan.positions = S;
    if (v.hasOutput(1) && !v.has(7)) {
      v.check(!v.ranged, () => 'mask_index without a mask over a shape range is not supported');
      plan.zeroMaskBatch = ids.shape[0]!;
    }
    return plan;
  },
  emit(e, p) {
    const ids = e.input(0);
    const gather = (table: number, index: typeof ids, suffix: string) =>
      e.add('gather', [e.input(table), index], { axis: 0, mode: 'default' }, suffix);
    let sum = gather(2, ids, 'word');
    let position;
    if (e.node.inputs[8]) position = gather(3, e.input(8), 'position');
    else if (p.positions !== undefined) {
      const at = e.constant(
        tensorOf(
          'int32',
          [p.positions],
          Array.from({ length: p.positions }, (_, i) => i),
        ),
        'positions',
      );
      position = gather(3, at, 'position');
    } else {
      // 0..S-1 with S read from input_ids' shape at each run (a shape range).
      const dims = e.add('shape', [ids], {}, 'dims');
      const s = e.add('gather', [dims, e.fill(1, 'int64', 'seq_axis')], { axis: 0, mode: 'default' }, 'seq');
      const at = e.add('range', [e.fill(0, 'int64', 'zero'), s, e.fill(1, 'int64', 'one')], {}, 'positions', [
        { dtype: 'int64', shape: [ids.shape[1]!] },
      ]);
      position = gather(3, at, 'position');
    }
    sum = e.add('elementwise', [sum, position], { op: 'add' }, 'add_position');
    if (e.node.inputs[1]) sum = e.add('elementwise', [sum, gather(4, e.input(1), 'segment')], { op: 'add' }, 'add_segment');
    e.output(0, e.add('normalization', [sum, e.input(5), e.input(6)], { mode: 'layer', axis: 2, epsilon: p.epsilon, groups: 1 }));
    if (e.node.inputs[7]) {
      const ones = e.add('elementwise', [e.input(7), e.fill(1, 'int32', 'one_i32')], { op: 'equal' }, 'mask_ones');
      const counted = e.add('cast', [ones], { to: 'int32' }, 'mask_int');
      e.output(1, e.add('reduce', [counted], { op: 'sum', axes: [1], keepDims: false }, 'mask_index'));
    } else if (p.zeroMaskBatch !== undefined) {
      e.output(1, e.fill(0, 'int32', 'mask_index', [p.zeroMaskBatch]));
    }
    e.output(2, sum);
  },
});

export const embedLayerNormConverters: Converter[] = [embedLayerNorm];
