/**
 * Edges of the opset raise (src/quantize/opset.ts) against onnxruntime, which runs each
 * opset's own kernels: a raised model must compute what the original computes, or the raise
 * must be refused.
 *
 *   Slice (opset 9) with ends = INT64_MAX (what PyTorch exports for `x[..., 1:]`): the raised
 *   model must slice to the end, not to nothing (2^63 - 1 is not a double).
 *   Add (opset 6) with the legacy broadcast=1 axis=1 ([C] against [N, C, H, W]): numpy
 *   broadcasting of opset 7+ aligns [C] with W, so the raise must refuse (or rewrite) it.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { makeAttr } from '../../src/ir/attributes.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toLong } from '../../src/onnx/proto.js';
import { modelGraph } from '../../src/quantize/calibrate.js';
import { raiseOpset } from '../../src/quantize/opset.js';
import { mulberry32 } from '../../src/util/random.js';

const SHAPE = [1, 4, 4, 4];
const input = (seed: number) => {
  const r = mulberry32(seed);
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: 64 }, () => r() * 2 - 1),
    SHAPE,
  );
};

async function ortRun(model: Uint8Array, x: ort.Tensor): Promise<ort.Tensor> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    return (await s.run({ x })).y!;
  } finally {
    await s.release();
  }
}

function raise(model: Uint8Array): { refused?: string; model: Uint8Array } {
  const g = modelGraph(model);
  const refused = raiseOpset(g, (base) => g.freshName(`${base}_`));
  return { ...(refused ? { refused } : {}), model: encodeModel(g.toModel()) };
}

describe('opset raise edges', () => {
  it('Slice (opset 9) ending at INT64_MAX slices to the end after the raise', async () => {
    const g = Graph.fromModel(
      buildModel({
        opset: 9,
        inputs: [{ name: 'x', shape: SHAPE }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Slice', inputs: ['x'], outputs: ['y'], attrs: { starts: [1], ends: [0], axes: [3] } }],
      }),
    );
    const slice = g.nodes[0]!;
    slice.attributes = [...slice.attributes.filter((a) => a.name !== 'ends'), makeAttr.ints('ends', [])];
    slice.attributes.find((a) => a.name === 'ends')!.ints = [toLong(9223372036854775807n)];
    const model = encodeModel(g.toModel());
    const { refused, model: up } = raise(model);
    expect(refused).toBeUndefined();
    const [want, got] = [await ortRun(model, input(1)), await ortRun(up, input(1))];
    expect(want.dims).toEqual([1, 4, 4, 3]);
    expect(got.dims).toEqual(want.dims);
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from(want.data as Float32Array));
  });

  it('Add (opset 6) with legacy broadcast on axis 1 is refused or computes the same', async () => {
    const model = encodeModel(
      buildModel({
        opset: 6,
        inputs: [{ name: 'x', shape: SHAPE }],
        outputs: [{ name: 'y' }],
        initializers: { b: { dtype: 'float32', dims: [4], data: Float32Array.of(1, 10, 100, 1000) } },
        nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['y'], attrs: { broadcast: 1, axis: 1 } }],
      }),
    );
    const { refused, model: up } = raise(model);
    if (refused !== undefined) return expect(refused).toMatch(/opset 6 is below 7/);
    // onnxruntime has no Add(6) kernel: the reference is the legacy rule, b[c] added along axis 1.
    const x = input(2);
    const want = Array.from(x.data as Float32Array, (v, i) => v + [1, 10, 100, 1000][Math.floor(i / 16) % 4]!);
    const got = await ortRun(up, x).catch((e: Error) => e);
    expect(got).toBeInstanceOf(ort.Tensor);
    expect(Array.from((got as ort.Tensor).data as Float32Array)).toEqual(want.map(Math.fround));
  });
});
