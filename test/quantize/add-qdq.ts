/**
 * A standalone element-wise add between Q/DQ pairs, as onnxruntime's QDQ format and TensorRT's
 * Q/DQ placement write it, with both inputs quantized in the model (test/quantize/int8-add.test.ts,
 * test/gpu/int8-add.test.ts):
 *
 *   x ─► Q(sx, zx) ─► DQ ─► a ─┐
 *                              Add (─► Relu) ─► s ─► Q(sy, zy) ─► DQ ─► y
 *   u ─► Q(su, zu) ─► DQ ─► b ─┘
 *
 * and the variants the builder's qdq pass leaves float (u per axis, no quantize after the add,
 * u float); seeded feeds with ties and saturation; and the cases both suites run.
 */
import ort from 'onnxruntime-node';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { scalar, zero } from './residual-qdq.js';

export type QType = 'int8' | 'uint8';

export interface AddModel {
  x: number[];
  u: number[];
  types: [QType, QType, QType];
  zeros: [number, number, number];
  scales: [number, number, number];
  relu?: boolean;
  /** u's dequantize per axis (axis 1, one scale per channel): the pass does not fold it. */
  perAxisU?: boolean;
  /** The add's output is the graph's output, with no quantize after it. */
  noQ?: boolean;
  /** u enters the add as it is (float), not through a Q/DQ pair. */
  floatU?: boolean;
}

export function addModel(m: AddModel): Uint8Array {
  const [tx, tu, ty] = m.types;
  const c = m.u[1] ?? 1;
  const nodes: Array<{ op: string; name?: string; inputs: string[]; outputs: string[]; attrs?: Record<string, unknown> }> = [
    { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
    { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['a'] },
  ];
  if (!m.floatU) {
    const s = m.perAxisU ? ['su_c', 'zu_c'] : ['su', 'zu'];
    const axis = m.perAxisU ? { attrs: { axis: 1 } } : {};
    nodes.push({ op: 'QuantizeLinear', inputs: ['u', ...s], outputs: ['uq'], ...axis });
    nodes.push({ op: 'DequantizeLinear', inputs: ['uq', ...s], outputs: ['b'], ...axis });
  }
  const sum = m.noQ ? 'y' : 's';
  nodes.push({ op: 'Add', name: 'add', inputs: ['a', m.floatU ? 'u' : 'b'], outputs: [m.relu ? 'p' : sum] });
  if (m.relu) nodes.push({ op: 'Relu', inputs: ['p'], outputs: [sum] });
  if (!m.noQ) {
    nodes.push({ op: 'QuantizeLinear', inputs: ['s', 'sy', 'zy'], outputs: ['yq'] });
    nodes.push({ op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] });
  }
  const perChannel = (v: number, type: QType) =>
    type === 'int8'
      ? { dtype: 'int8' as const, dims: [c], data: Int8Array.from({ length: c }, (_, i) => v - i) }
      : { dtype: 'uint8' as const, dims: [c], data: Uint8Array.from({ length: c }, (_, i) => v + i) };
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [
        { name: 'x', shape: m.x },
        { name: 'u', shape: m.u },
      ],
      outputs: [{ name: 'y' }],
      initializers: {
        sx: scalar(m.scales[0]),
        zx: zero(tx, m.zeros[0]),
        su: scalar(m.scales[1]),
        zu: zero(tu, m.zeros[1]),
        su_c: { dtype: 'float32', dims: [c], data: Float32Array.from({ length: c }, (_, i) => m.scales[1] * (1 + i / 4)) },
        zu_c: perChannel(m.zeros[1], tu),
        sy: scalar(m.scales[2]),
        zy: zero(ty, m.zeros[2]),
      },
      nodes: nodes as never,
    }),
  );
}

/**
 * Feeds for x and u: values on multiples of half a step (so that the sums land on ties), with
 * the first and last few far beyond the quantizers' ranges (both ends saturate), drawn from a
 * seeded stream.
 */
export function feeds(m: AddModel, seed: number): Record<string, ort.Tensor> {
  const r = mulberry32(seed);
  const make = (shape: number[], s: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: n }, () => (Math.round(uniform(r, -180, 180)) * s) / 2);
    for (let i = 0; i < Math.min(3, n); i++) {
      data[i] = 1000 * s;
      data[n - 1 - i] = -1000 * s;
    }
    return new ort.Tensor('float32', data, shape);
  };
  return { x: make(m.x, m.scales[0]), u: make(m.u, m.scales[1]) };
}

/** Output y on onnxruntime, its graph optimizations on (its QLinearAdd) or off (the Q/DQ graph as written). */
export async function ortY(model: Uint8Array, f: Record<string, ort.Tensor>, optimize: boolean): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
    graphOptimizationLevel: optimize ? 'all' : 'disabled',
  });
  try {
    return (await s.run(f)).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

/** The folding cases: int8, uint8, mixed, broadcasting either way, relu, a tensor cut among threads. */
export const ADD_CASES: Array<[string, AddModel]> = [
  [
    'int8, u broadcast per channel',
    { x: [2, 6, 5, 7], u: [1, 6, 1, 1], types: ['int8', 'int8', 'int8'], zeros: [-5, 3, -20], scales: [0.05, 0.025, 0.05] },
  ],
  [
    'uint8, u broadcast along the last dim',
    { x: [3, 4, 9], u: [9], types: ['uint8', 'uint8', 'uint8'], zeros: [100, 7, 30], scales: [0.0625, 0.03125, 0.0625] },
  ],
  [
    'int8 and uint8 into uint8, same shapes',
    { x: [2, 3, 8], u: [2, 3, 8], types: ['int8', 'uint8', 'uint8'], zeros: [4, 131, 128], scales: [0.03, 0.015, 0.03] },
  ],
  [
    'uint8 with relu, x broadcast',
    { x: [1, 5, 1], u: [4, 5, 6], types: ['uint8', 'uint8', 'uint8'], zeros: [128, 120, 12], scales: [0.05, 0.05, 0.05], relu: true },
  ],
  [
    'int8, large (the kernel cut among threads)',
    { x: [2, 32, 40, 40], u: [2, 32, 40, 40], types: ['int8', 'int8', 'int8'], zeros: [-1, 2, -3], scales: [0.02, 0.01, 0.02] },
  ],
];
