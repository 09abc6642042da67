/**
 * Windows and fills the model computes from shapes, over shape ranges: Slice with starts or ends
 * from Shape, Expand and ConstantOfShape to a shape from Shape, Range to a length from Shape. These are a transformer's
 * embedding and mask arithmetic as exporters write it (BERT's `position_ids[:, :seq]`, its
 * token types expanded to (batch, seq), the mask expanded to (batch, 1, seq, seq), a fill of
 * (batch, seq), the last token `x[:, seq-1:]`, a causal mask from `arange(seq)`). Each stays in one engine, whose slice and range layers
 * read the values at each run's shapes (native/src/ir/computed_layers.h), and every shape in the
 * range agrees with onnxruntime within FP32_TOL (test/helpers/ranges.ts).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { engineOnly, expectMatches, shapesIn } from '../helpers/ranges.js';
import { sine as sineTensor } from '../runtime/helpers.js';

const MAX_POS = 16;
const HIDDEN = 8;
const VOCAB = 11;

const i64 = (...v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const table = (rows: number, seed: number) => {
  const next = mulberry32(seed);
  return { dtype: 'float32' as const, dims: [rows, HIDDEN], data: Float32Array.from({ length: rows * HIDDEN }, () => next() * 2 - 1) };
};

/** BERT's embeddings and masks over ids [b, s] and mask [b, s]: six outputs, each from a computed window, fill or range. */
const embeddings = encodeModel(
  buildModel({
    inputs: [
      { name: 'ids', dtype: 'int64', shape: ['b', 's'] },
      { name: 'mask', dtype: 'int64', shape: ['b', 's'] },
    ],
    outputs: [
      { name: 'emb', dtype: 'float32' },
      { name: 'bias', dtype: 'float32' },
      { name: 'ones', dtype: 'float32' },
      { name: 'last', dtype: 'float32' },
      { name: 'stacked', dtype: 'float32' },
      { name: 'causal', dtype: 'float32' },
    ],
    initializers: {
      positions: { dtype: 'int64', dims: [1, MAX_POS], data: BigInt64Array.from({ length: MAX_POS }, (_, i) => BigInt(i)) },
      types: { dtype: 'int64', dims: [1, MAX_POS], data: new BigInt64Array(MAX_POS) },
      words: table(VOCAB, 1),
      posTable: table(MAX_POS, 2),
      typeTable: table(2, 3),
      zero: i64(0),
      one: i64(1),
      zeroScalar: { dtype: 'int64', dims: [], data: BigInt64Array.of(0n) },
      oneScalar: { dtype: 'int64', dims: [], data: BigInt64Array.of(1n) },
      two: i64(2),
      end: i64(2 ** 53),
      axis1: i64(1),
      oneF: { dtype: 'float32', dims: [], data: Float32Array.of(1) },
      big: { dtype: 'float32', dims: [], data: Float32Array.of(-10000) },
    },
    nodes: [
      { op: 'Shape', inputs: ['ids'], outputs: ['shape'] },
      { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['batch'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['shape', 'one'], outputs: ['seq'], attrs: { axis: 0 } },
      // position_ids[:, :seq], token types[:, :seq].expand(batch, seq)
      { op: 'Slice', inputs: ['positions', 'zero', 'seq', 'axis1'], outputs: ['pos'] },
      { op: 'Slice', inputs: ['types', 'zero', 'seq', 'axis1'], outputs: ['tt'] },
      { op: 'Concat', inputs: ['batch', 'seq'], outputs: ['bs'], attrs: { axis: 0 } },
      { op: 'Expand', inputs: ['tt', 'bs'], outputs: ['tte'] },
      { op: 'Gather', inputs: ['words', 'ids'], outputs: ['we'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['posTable', 'pos'], outputs: ['pe'], attrs: { axis: 0 } },
      { op: 'Gather', inputs: ['typeTable', 'tte'], outputs: ['te'], attrs: { axis: 0 } },
      { op: 'Add', inputs: ['we', 'pe'], outputs: ['wp'] },
      { op: 'Add', inputs: ['wp', 'te'], outputs: ['emb'] },
      // mask[:, None, None, :].expand(batch, 1, seq, seq), (1 - m) * -10000
      { op: 'Unsqueeze', inputs: ['mask', 'one'], outputs: ['m1'] },
      { op: 'Unsqueeze', inputs: ['m1', 'one'], outputs: ['m2'] },
      { op: 'Concat', inputs: ['batch', 'one', 'seq', 'seq'], outputs: ['bss'], attrs: { axis: 0 } },
      { op: 'Expand', inputs: ['m2', 'bss'], outputs: ['m4'] },
      { op: 'Cast', inputs: ['m4'], outputs: ['mf'], attrs: { to: 1 } },
      { op: 'Sub', inputs: ['oneF', 'mf'], outputs: ['inv'] },
      { op: 'Mul', inputs: ['inv', 'big'], outputs: ['bias'] },
      // ones(batch, seq) + the sum of each embedding
      {
        op: 'ConstantOfShape',
        inputs: ['bs'],
        outputs: ['fill'],
        attrs: { value: { dtype: 'float32', dims: [1], data: Float32Array.of(1) } },
      },
      { op: 'ReduceSum', inputs: ['emb', 'two'], outputs: ['rowSum'], attrs: { keepdims: 0 } },
      { op: 'Add', inputs: ['fill', 'rowSum'], outputs: ['ones'] },
      // the last token, x[:, seq-1:], and emb stacked twice along a new axis (a rank-raising expand of a varying input)
      { op: 'Sub', inputs: ['seq', 'one'], outputs: ['lastStart'] },
      { op: 'Slice', inputs: ['emb', 'lastStart', 'end', 'axis1'], outputs: ['last'] },
      { op: 'Shape', inputs: ['emb'], outputs: ['embShape'] },
      { op: 'Concat', inputs: ['two', 'embShape'], outputs: ['twice'], attrs: { axis: 0 } },
      { op: 'Expand', inputs: ['emb', 'twice'], outputs: ['stacked'] },
      // a causal mask from arange(seq): j <= i
      { op: 'Squeeze', inputs: ['seq', 'zero'], outputs: ['seqScalar'] },
      { op: 'Range', inputs: ['zeroScalar', 'seqScalar', 'oneScalar'], outputs: ['positions2'] },
      { op: 'Unsqueeze', inputs: ['positions2', 'zero'], outputs: ['row'] },
      { op: 'Unsqueeze', inputs: ['positions2', 'one'], outputs: ['col'] },
      { op: 'LessOrEqual', inputs: ['row', 'col'], outputs: ['allowed'] },
      { op: 'Cast', inputs: ['allowed'], outputs: ['causal'], attrs: { to: 1 } },
    ],
  }),
);

/** Ids and a padding mask (the last `pad` positions of each row but the first) for shape [b, s]. */
function feeds([b, s]: number[], seed: number): Record<string, ort.Tensor> {
  const next = mulberry32(seed);
  const ids = BigInt64Array.from({ length: b! * s! }, () => BigInt(Math.floor(next() * VOCAB)));
  const mask = BigInt64Array.from({ length: b! * s! }, (_, i) => BigInt(i >= s! && i % s! >= s! - 1 - (i % 3) ? 0 : 1));
  return { ids: new ort.Tensor('int64', ids, [b!, s!]), mask: new ort.Tensor('int64', mask, [b!, s!]) };
}

describeIf(HAS_NATIVE, `windows and fills computed from shapes (${BACKEND})`, NATIVE_MISSING, () => {
  it("BERT's embedding and mask arithmetic stays on one engine over batch and sequence ranges", async () => {
    const range = { min: [1, 1], opt: [2, 7], max: [4, MAX_POS] };
    const m = await compile(embeddings, { backend: BACKEND, minBlockSize: 1, inputs: { ids: range, mask: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      expect(m.report.data.summary.engineSegments).toBe(1);
      for (const shape of shapesIn(range, 4, 5)) await expectMatches(m, embeddings, feeds(shape, shape[1]!), `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('the same model compiled for one shape folds every window to constants and agrees', async () => {
    const m = await compile(embeddings, { backend: BACKEND, minBlockSize: 1, inputs: { ids: [3, 5], mask: [3, 5] } });
    try {
      expect(engineOnly(m)).toBe(true);
      // Lowering folded the shape arithmetic: no node computes a shape or a range any more.
      expect(m.report.data.nodes.filter((n) => ['Shape', 'Range', 'ConstantOfShape'].includes(n.opType))).toEqual([]);
      await expectMatches(m, embeddings, feeds([3, 5], 9), 'static [3,5]');
    } finally {
      await m.dispose();
    }
  });

  it('constant windows relative to a varying dim (x[:, 1:], x[..., :-1], an opset-9 attribute slice) follow it on one engine', async () => {
    const i64c = (v: bigint) => ({ dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(v) });
    const models = [10, 9].map((opset) =>
      encodeModel(
        buildModel({
          opset,
          inputs: [{ name: 'x', dtype: 'float32', shape: ['b', 's', 6] }],
          outputs: [
            { name: 'tail', dtype: 'float32' },
            { name: 'head', dtype: 'float32' },
          ],
          initializers: opset >= 10 ? { one: i64c(1n), big: i64c(2n ** 62n), ax1: i64c(1n), zero: i64c(0n), m1: i64c(-1n), ax2: i64c(2n) } : {},
          nodes:
            opset >= 10
              ? [
                  { op: 'Slice', inputs: ['x', 'one', 'big', 'ax1'], outputs: ['tail'] },
                  { op: 'Slice', inputs: ['x', 'zero', 'm1', 'ax2'], outputs: ['cut'] },
                  { op: 'Relu', inputs: ['cut'], outputs: ['head'] },
                ]
              : [
                  { op: 'Slice', inputs: ['x'], outputs: ['tail'], attrs: { starts: [1], ends: [2 ** 62], axes: [1] } },
                  { op: 'Slice', inputs: ['x'], outputs: ['cut'], attrs: { starts: [0, -3], ends: [-1, 2 ** 62], axes: [1, 2] } },
                  { op: 'Relu', inputs: ['cut'], outputs: ['head'] },
                ],
        }),
      ),
    );
    const range = { min: [1, 2, 6], opt: [2, 5, 6], max: [3, 9, 6] };
    for (const model of models) {
      const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
      try {
        expect(engineOnly(m)).toBe(true);
        for (const shape of shapesIn(range, 2, 8)) await expectMatches(m, model, { x: sineTensor(shape) }, `[${shape}]`);
      } finally {
        await m.dispose();
      }
    }
  });

  it('a slice end computed from data cannot follow a range: onnxruntime runs it, and the report says why', async () => {
    // The end is the largest element of a second input: no shape gives it.
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'x', dtype: 'float32', shape: ['b', 6] },
          { name: 'flags', dtype: 'float32', shape: [1] },
        ],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: { zero: i64(0), axis1: i64(1) },
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'] },
          { op: 'Ceil', inputs: ['flags'], outputs: ['up'] },
          { op: 'Cast', inputs: ['up'], outputs: ['n'], attrs: { to: 7 } },
          { op: 'Slice', inputs: ['r', 'zero', 'n', 'axis1'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: { min: [1, 6], opt: [2, 6], max: [3, 6] }, flags: [1] } });
    try {
      const slice = m.report.data.nodes.find((n) => n.opType === 'Slice');
      expect(m.report.data.segments[slice!.segment]!.kind).toBe('fallback');
      expect(slice!.reason).toMatch(/ends \(input 'n'\) is computed at run time from data, not from shapes/);
      const input = {
        x: new ort.Tensor(
          'float32',
          Float32Array.from({ length: 18 }, (_, i) => i - 9),
          [3, 6],
        ),
      };
      await expectMatches(m, model, { ...input, flags: new ort.Tensor('float32', Float32Array.of(3.5), [1]) }, 'end 4');
    } finally {
      await m.dispose();
    }
  });
});
