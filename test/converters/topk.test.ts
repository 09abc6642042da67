/**
 * TopK as a `topk` layer against onnxruntime on the same input, through the reference
 * interpreter and the cpu engine, exactly (values are the input's own, indices int64): random
 * float32 lines and lines of ties (few distinct values: onnxruntime puts the lower index first)
 * along every axis, largest and smallest, k from 0 to the whole axis; k as the attribute of
 * opset 1 and the constant input of opset 10 and 11; int32 and int64 inputs; float16 (onnxruntime
 * run on the same values in float32, which are exact in float16); sorted=0 (the layer sorts, as
 * onnxruntime's sorted output is one of the orders sorted=0 allows, compared as sorted); over a
 * shape range, a constant k and a k computed from Shape (the layer's shape-tensor form); a k from
 * data, refused (its outputs' size is unknown). The
 * ONNX suite's cases run through engines too (test/conformance).
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { float32ToFloat16Bits } from '../../src/onnx/half.js';
import { checkAgainstOrt, random, runOrt, tensor, validateNode } from './helpers/harness.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { inferShapes } from '../../src/ir/infer/index.js';

/** Values in {-1.5, -0.5, 0.5, 1.5}: long runs of equal values. */
const ties = (dims: number[], seed: number): TensorData => {
  const r = random('float32', dims, seed);
  return { ...r, data: Float32Array.from(r.data as Float32Array, (v) => Math.round(v * 0.75) + 0.5) };
};

function topk(x: TensorData, k: number, attrs: Record<string, number>, opset = 11) {
  const kInput = opset >= 10;
  return {
    spec: {
      opset,
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'values' }, { name: 'indices' }],
      initializers: kInput ? { k: { dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(BigInt(k)) } } : undefined,
      nodes: [{ op: 'TopK', inputs: kInput ? ['x', 'k'] : ['x'], outputs: ['values', 'indices'], attrs: kInput ? attrs : { ...attrs, k } }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

describe('TopK', () => {
  const x = random('float32', [3, 4, 5], 1);
  for (const largest of [1, 0]) {
    it.each([
      [0, 2],
      [1, 3],
      [2, 5],
      [-1, 1],
      [-2, 0],
    ])(`float32 [3,4,5] axis %i, k %i, largest ${largest}`, async (axis, k) => {
      await checkAgainstOrt(topk(x, k, { axis, largest }));
    });

    it.each([0, 1, 2])(`ties [4,6,7] along axis %i, largest ${largest}`, async (axis) => {
      const t = ties([4, 6, 7], 2 + axis);
      await checkAgainstOrt(topk(t, t.dims[axis]! - 1, { axis, largest }));
      await checkAgainstOrt(topk(t, 2, { axis, largest }));
    });
  }

  it('a long line of few values (a detection head: k 150 of 1500)', async () => {
    await checkAgainstOrt(topk(ties([1, 1500], 9), 150, {}));
  });

  it('k as opset 1 attribute and opset 10 input (largest only, axis default -1)', async () => {
    await checkAgainstOrt(topk(ties([5, 8], 3), 3, {}, 1));
    await checkAgainstOrt(topk(ties([5, 8], 4), 4, { axis: 0 }, 10));
  });

  it('int32 and int64 inputs', async () => {
    await checkAgainstOrt(topk(random('int32', [5, 6], 5), 3, { axis: 1 }));
    await checkAgainstOrt(topk(random('int64', [4, 3, 2], 6), 2, { axis: 0, largest: 0 }));
  });

  it('float16: the float32 answer of the same values', async () => {
    const t = ties([3, 9], 7);
    const half = (d: TensorData): TensorData => ({
      dtype: 'float16',
      dims: d.dims,
      data: Uint16Array.from(d.data as Float32Array, float32ToFloat16Bits),
    });
    for (const largest of [1, 0]) {
      const ref = await runOrt(buildGraph(topk(t, 4, { axis: 1, largest }).spec), { x: t });
      const c = topk(half(t), 4, { axis: 1, largest });
      await checkAgainstOrt({ ...c, expected: { values: half(ref.values!), indices: ref.indices! } });
    }
  });

  it('sorted=0: the same values, in sorted order', async () => {
    const t = random('float32', [6, 10], 8);
    const ref = await runOrt(buildGraph(topk(t, 4, { axis: 1, sorted: 0 }).spec), { x: t });
    const sorted = await runOrt(buildGraph(topk(t, 4, { axis: 1 }).spec), { x: t });
    // onnxruntime's unsorted rows hold the sorted rows' elements.
    for (let r = 0; r < 6; r++) {
      const row = (d: TensorData) => [...(d.data as Float32Array).slice(r * 4, r * 4 + 4)].sort();
      expect(row(ref.values!)).toEqual(row(sorted.values!));
    }
    await checkAgainstOrt({ ...topk(t, 4, { axis: 1, sorted: 0 }), expected: sorted });
  });

  // onnxruntime has no defined order for NaN (on this tensor it puts NaN first for largest and
  // smallest alike, and 2 before NaN in the second row): the layer's order is held to by hand.
  it('NaN ranks above every number; a tensor of NaNs, infinities and ties runs', async () => {
    const t = tensor('float32', [2, 5], [1, NaN, Infinity, -Infinity, 1, NaN, 2, NaN, -1, 2]);
    // The sorted orders with NaN largest, lower index first among equals.
    const expected = {
      values: tensor('float32', [2, 3], [NaN, Infinity, 1, NaN, NaN, 2]),
      indices: tensor('int64', [2, 3], [1, 2, 0, 0, 2, 1]),
    };
    await checkAgainstOrt({ ...topk(t, 3, { axis: 1 }), expected });
  });

  it('over a shape range: a constant k, and a k computed from Shape (min(dim, 3), read as a shape tensor)', async () => {
    await checkAgainstOrt({ ...topk(x, 2, { axis: 1 }), ranged: true });
    const i64 = (v: number) => ({ dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(BigInt(v)) });
    for (const largest of [1, 0]) {
      await checkAgainstOrt({
        spec: {
          opset: 13,
          inputs: [{ name: 'x', dtype: 'float32' as const, shape: x.dims }],
          outputs: [{ name: 'values' }, { name: 'indices' }],
          initializers: { two: i64(2), three: i64(3) },
          nodes: [
            { op: 'Shape', inputs: ['x'], outputs: ['s'] },
            { op: 'Gather', inputs: ['s', 'two'], outputs: ['n'], attrs: { axis: 0 } },
            { op: 'Min', inputs: ['n', 'three'], outputs: ['k'] },
            { op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'], attrs: { axis: 2, largest } },
          ],
        },
        feeds: { x },
        rtol: 0,
        atol: 0,
        ranged: true,
      });
    }
  });

  it('a k from data falls back: its outputs have no static shape', () => {
    const graph = buildGraph({
      opset: 11,
      inputs: [
        { name: 'x', dtype: 'float32', shape: x.dims },
        { name: 'k', dtype: 'int64', shape: [1] },
      ],
      outputs: [{ name: 'values' }, { name: 'indices' }],
      nodes: [{ op: 'TopK', name: 'topk', inputs: ['x', 'k'], outputs: ['values', 'indices'], attrs: { axis: 1 } }],
    });
    inferShapes(graph);
    for (const ranged of [false, true]) {
      const verdict = validateNode(graph, 'topk', ranged);
      expect(verdict.ok ? '' : verdict.reason).toMatch(/the shape of output 'values' is not static/);
    }
  });
});
