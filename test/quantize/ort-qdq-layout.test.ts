/**
 * A Q/DQ model in the layout onnxruntime's `quantize_static` (QDQ format) writes, the form issue
 * 16 says runs on engines: a ResNet block as onnxruntime 1.30 quantizes it (activations QUInt8
 * with weights per tensor, or QInt8 with weights per channel: the node order, the constants'
 * shapes, dtypes and axes, and the zero points' pattern are those its quantize_static wrote for
 * this block in fp32, and for the zoo's resnet18), its values drawn here:
 *
 *   x ─► Q ─► DQ ─► Conv(W1, B1) ─► Q ─► DQ ─► MaxPool ─► Q ─► DQ ─► m           (the Relu dropped:
 *   m ─► Conv(W2, B2) ─► Q ─► DQ ─► Add(·, m) ─► Q ─► DQ ─► GlobalAveragePool      the quantize clips)
 *     ─► Q ─► DQ ─► Flatten ─► Q ─► DQ ─► Gemm(Wf, Bf, transB) ─► Q ─► DQ ─► y
 *
 * What onnxruntime writes and hybridrt's own quantize() does not: biases as DequantizeLinear of
 * int32 (scale sx * sw with a zero point: per axis, or per tensor a scale of shape [1]),
 * weight zero points (scalars, or one per channel), uint8 activations with zero points, the
 * quantize on a convolution's output before the residual add, a pooling and a Flatten between
 * Q/DQ pairs of one scale. Every Conv, the Gemm and the Add must be int8 layers (the Add an
 * int8 add: native/layers/quant_add.h), and the output within one output step of
 * onnxruntime's run of the model as written (its optimizations off).
 */
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { runOrtY, smoothImage, worst } from './helpers.js';
import { int8Weights, scalar, zero } from './residual-qdq.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

type Act = 'int8' | 'uint8';

/** `perChannel`: weight scales and zero points per output channel (else one of each). */
function ortLayoutModel(shape: number[], act: Act, perChannel: boolean, zeros: number[], seed = 3): Uint8Array {
  const r = mulberry32(seed);
  const c = shape[1]!;
  const classes = 16;
  const sx = 1 / 48;
  const sm = 1 / 40;
  const sg = 1 / 60;
  const init: Record<string, unknown> = {};
  const nodes: Array<{ op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, unknown> }> = [];
  const q = (t: string, s: string, z: string, out: string) => {
    nodes.push({ op: 'QuantizeLinear', inputs: [t, s, z], outputs: [`${out}_q`] });
    nodes.push({ op: 'DequantizeLinear', inputs: [`${out}_q`, s, z], outputs: [out] });
  };
  const act_ = (name: string, s: number, z: number) => {
    init[`${name}_scale`] = scalar(s);
    init[`${name}_zero_point`] = zero(act, z);
  };
  // Weights [k, ...] with their bias: int8 per channel (or the largest scale for all), int32 bias at sIn * sw.
  const weight = (name: string, dims: number[], sIn: number) => {
    const k = dims[0]!;
    const { q: wq, s } = int8Weights(r, dims);
    const sw = perChannel ? s.data : Float32Array.of(Math.max(...s.data));
    init[`${name}_quantized`] = wq;
    init[`${name}_scale`] = { dtype: 'float32', dims: perChannel ? [k] : [], data: sw };
    init[`${name}_zero_point`] = perChannel ? { dtype: 'int8', dims: [k], data: new Int8Array(k) } : zero('int8', 0);
    const axis = perChannel ? { attrs: { axis: 0 } } : {}; // per tensor onnxruntime writes no axis
    nodes.push({ op: 'DequantizeLinear', inputs: [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`], outputs: [name], ...axis });
    init[`${name}_b_quantized`] = { dtype: 'int32', dims: [k], data: Int32Array.from({ length: k }, () => Math.round(uniform(r, -3000, 3000))) };
    init[`${name}_b_scale`] = { dtype: 'float32', dims: [perChannel ? k : 1], data: Float32Array.from(sw, (v) => Math.fround(sIn * v)) };
    init[`${name}_b_zero_point`] = perChannel
      ? { dtype: 'int32', dims: [k], data: new Int32Array(k) }
      : { dtype: 'int32', dims: [], data: Int32Array.of(0) };
    const b = `${name}_b`;
    nodes.push({ op: 'DequantizeLinear', inputs: [`${b}_quantized`, `${b}_scale`, `${b}_zero_point`], outputs: [b], ...axis });
    return [name, b];
  };
  act_('x', sx, zeros[0]!);
  act_('a', sm, zeros[1]!);
  act_('c2', 1 / 30, zeros[2]!);
  act_('s', 1 / 32, zeros[1]!);
  act_('g', sg, zeros[1]!);
  act_('y', 1 / 20, zeros[3]!);
  q('x', 'x_scale', 'x_zero_point', 'xd');
  nodes.push({ op: 'Conv', inputs: ['xd', ...weight('w1', [c, c, 3, 3], sx)], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } });
  q('c1', 'a_scale', 'a_zero_point', 'c1d');
  nodes.push({ op: 'MaxPool', inputs: ['c1d'], outputs: ['p'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } });
  q('p', 'a_scale', 'a_zero_point', 'm');
  nodes.push({ op: 'Conv', inputs: ['m', ...weight('w2', [c, c, 3, 3], sm)], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } });
  q('c2', 'c2_scale', 'c2_zero_point', 'c2d');
  nodes.push({ op: 'Add', inputs: ['c2d', 'm'], outputs: ['s'] });
  q('s', 's_scale', 's_zero_point', 'sd');
  nodes.push({ op: 'GlobalAveragePool', inputs: ['sd'], outputs: ['g'] });
  q('g', 'g_scale', 'g_zero_point', 'gd');
  nodes.push({ op: 'Flatten', inputs: ['gd'], outputs: ['f'], attrs: { axis: 1 } });
  q('f', 'g_scale', 'g_zero_point', 'fd');
  nodes.push({ op: 'Gemm', inputs: ['fd', ...weight('wf', [classes, c], sg)], outputs: ['z'], attrs: { transB: 1 } });
  q('z', 'y_scale', 'y_zero_point', 'y');
  return encodeModel(
    buildModel({ opset: 13, inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }], initializers: init as never, nodes: nodes as never }),
  );
}

describe("onnxruntime quantize_static's QDQ layout (cpu)", () => {
  for (const [act, perChannel, zeros] of [
    ['uint8', false, [120, 0, 131, 128]],
    ['int8', true, [-3, -128, 4, 0]],
  ] as const) {
    const what = `${act} activations, weights ${perChannel ? 'per channel' : 'per tensor'}`;
    itIf(HAS_NATIVE, `${what}: every Conv, the Gemm and the Add int8, onnxruntime's result within one output step`, NATIVE_MISSING, async () => {
      const shape = [2, 8, 9, 7];
      const model = ortLayoutModel(shape, act, perChannel, [...zeros]);
      const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
      try {
        expect(m.report.engines.map((e) => e.build.int8Layers).reduce((a, b) => a + b, 0)).toBe(4);
        expect([m.report.data.int8?.quantizable, m.report.data.int8?.int8, m.report.data.int8?.kept]).toEqual([4, 4, []]);
        const step = 1 / 20;
        for (const seed of [1, 2]) {
          const x = smoothImage(shape, seed, 0.31, 0.6);
          const got = (await m.run({ x })).y!.data as Float32Array;
          const ref = await runOrtY(model, x, false);
          expect(worst(got, ref)).toBeLessThanOrEqual(step * 1.001);
          let equal = 0;
          for (let i = 0; i < ref.length; i++) equal += got[i] === ref[i] ? 1 : 0;
          expect(equal / ref.length).toBeGreaterThanOrEqual(0.9);
        }
      } finally {
        await m.dispose();
      }
    });
  }
});
