/**
 * The int8 add on cuda (native/cuda/quant_add.cu: the builder's int8 form of the elementwise
 * add, native/layers/quant_add.h), from Q/DQ models (test/quantize/add-qdq.ts):
 *
 * 1. The standalone adds the cpu suite runs (test/quantize/int8-add.test.ts: int8, uint8,
 *    mixed, broadcasting either way, relu, saturation at both ends, ties): one int8 layer,
 *    and y equal to onnxruntime's run of the model as written (its optimizations off) and to
 *    the cpu backend's, value for value: QuantAddRounded's steps are the Q/DQ graph's, each
 *    explicitly rounded on the device (no FMA contraction).
 * 2. An add after an int8 convolution, which the layout pass runs channels-last on cuda:
 *
 *      x ─► Q ─► DQ ─► xd ─► Conv 3x3 ─► Q ─► DQ ─┐
 *                     └──────────────────────────┴► Add ─► Q ─► DQ ─► y
 *
 *    both layers int8, and y within one output step of the cpu backend's and of onnxruntime's
 *    (the convolution's int32 sums agree; its float epilogue may round a value across a step).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { ADD_CASES, addModel, feeds, ortY } from '../quantize/add-qdq.js';
import { smoothImage, worst } from '../quantize/helpers.js';
import { int8Weights, scalar, zero } from '../quantize/residual-qdq.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA } from './helpers.js';

async function runOn(model: Uint8Array, backend: 'cpu' | 'cuda', f: Record<string, ort.Tensor>) {
  const m = await compile(model, { backend, requireFullCompilation: true });
  try {
    const y = (await m.run(f)).y!.data as Float32Array;
    return { y, engine: m.report.engines[0]!, int8: m.report.data.int8 };
  } finally {
    await m.dispose();
  }
}

function convAddModel(shape: number[], type: 'int8' | 'uint8', zeros: [number, number, number]): Uint8Array {
  const c = shape[1]!;
  const { q, s } = int8Weights(mulberry32(5), [c, c, 3, 3]);
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape }],
      outputs: [{ name: 'y' }],
      initializers: {
        wq: q,
        ws: s,
        sx: scalar(1 / 48),
        zx: zero(type, zeros[0]),
        sc: scalar(1 / 40),
        zc: zero(type, zeros[1]),
        sy: scalar(1 / 24),
        zy: zero(type, zeros[2]),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
        { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
        { op: 'DequantizeLinear', inputs: ['wq', 'ws'], outputs: ['w'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['xd', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'QuantizeLinear', inputs: ['c', 'sc', 'zc'], outputs: ['cq'] },
        { op: 'DequantizeLinear', inputs: ['cq', 'sc', 'zc'], outputs: ['cd'] },
        { op: 'Add', name: 'add', inputs: ['cd', 'xd'], outputs: ['s'] },
        { op: 'QuantizeLinear', inputs: ['s', 'sy', 'zy'], outputs: ['yq'] },
        { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] },
      ],
    }),
  );
}

describeIf(CUDA, 'int8 add (cuda)', NO_CUDA, () => {
  it("standalone adds: one int8 layer, equal to onnxruntime's Q/DQ run and to the cpu backend", async () => {
    for (const [what, spec] of ADD_CASES) {
      const model = addModel(spec);
      const f = feeds(spec, 1);
      const got = await runOn(model, 'cuda', f);
      expect(got.engine.build.int8Layers, what).toBe(1);
      expect([got.int8?.quantizable, got.int8?.int8], what).toEqual([1, 1]);
      const cpu = await runOn(model, 'cpu', f);
      const plain = await ortY(model, f, false);
      for (let i = 0; i < plain.length; i++) {
        if (got.y[i] !== plain[i] || got.y[i] !== cpu.y[i]) {
          throw new Error(`${what}: y[${i}] is ${got.y[i]} on cuda, ${cpu.y[i]} on cpu, ${plain[i]} on onnxruntime`);
        }
      }
    }
  }, 240_000);

  it('an add after an int8 convolution, channels-last: int8, within one step of cpu and onnxruntime', async () => {
    for (const [type, zeros] of [
      ['int8', [-5, 3, -20]],
      ['uint8', [100, 7, 30]],
    ] as const) {
      const shape = [2, 16, 9, 7];
      const model = convAddModel(shape, type, [...zeros]);
      const f = { x: smoothImage(shape, 1, 0.31, 0.6) };
      const got = await runOn(model, 'cuda', f);
      expect(got.engine.build.int8Layers, type).toBe(2);
      expect(got.engine.build.nhwcLayers, type).toBeGreaterThan(0);
      expect([got.int8?.quantizable, got.int8?.int8], type).toEqual([2, 2]);
      const cpu = await runOn(model, 'cpu', f);
      const plain = await ortY(model, f, false);
      expect(worst(got.y, cpu.y), type).toBeLessThanOrEqual((1 / 24) * 1.001);
      expect(worst(got.y, plain), type).toBeLessThanOrEqual((1 / 24) * 1.001);
    }
  }, 240_000);
});
