/**
 * A residual block as onnxruntime's QDQ quantizer and TensorRT's Q/DQ placement write it: the
 * residual add reads a DequantizeLinear (both of its inputs dequantized), so the builder's qdq
 * pass folds that dequantize into the convolution as an int8 residual (quant_form.h):
 *
 *   x ─► Q ─► DQ ─► xd ─► conv1 3x3 ─► Relu ─► Q ─► DQ ─► conv2 3x3 ─► Add(·, xd) ─► Relu ─► Q ─► DQ ─► y
 *
 * Activations int8 or uint8 with the zero points given; weights int8 per output channel.
 * Also the pieces every hand-written Q/DQ test model takes from here (scalar scales, zero
 * points, per-channel int8 weights): test/quantize/qdq-edges.test.ts, test/gpu/int8.test.ts.
 */
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32, uniform } from '../../src/util/random.js';

/** A float32 scalar initializer (a scale). */
export const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: Float32Array.of(v) });
/** A zero point of `type`. */
export const zero = (type: 'int8' | 'uint8', v: number) =>
  type === 'int8' ? { dtype: 'int8' as const, dims: [], data: Int8Array.of(v) } : { dtype: 'uint8' as const, dims: [], data: Uint8Array.of(v) };

/**
 * Symmetric int8 weights of `dims` with one scale per output channel (dims[0]) from r: every
 * value in [-127, 127], then every scale, about 1 / (127 sqrt(fan-in)) so that sums stay in range.
 */
export function int8Weights(r: () => number, dims: number[]) {
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  return {
    q: { dtype: 'int8' as const, dims, data: Int8Array.from({ length: dims[0]! * per }, () => Math.round(uniform(r, -127, 127))) },
    s: {
      dtype: 'float32' as const,
      dims: [dims[0]!],
      data: Float32Array.from({ length: dims[0]! }, () => (0.5 + uniform(r, 0, 1)) / (127 * Math.sqrt(per))),
    },
  };
}

/** `shape` [N, C, H, W]; zero points of x, the inner activation and the output. */
export function residualQdqModel(shape: number[], type: 'int8' | 'uint8', zeros: [number, number, number], seed = 1): Uint8Array {
  const r = mulberry32(seed);
  const c = shape[1]!;
  const weights = (name: string) => {
    const { q, s } = int8Weights(r, [c, c, 3, 3]);
    return { [`${name}q`]: q, [`${name}s`]: s };
  };
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape }],
      outputs: [{ name: 'y' }],
      initializers: {
        ...weights('w1'),
        ...weights('w2'),
        b2: { dtype: 'float32', dims: [c], data: Float32Array.from({ length: c }, () => uniform(r, -0.2, 0.2)) },
        sx: scalar(1 / 48),
        zx: zero(type, zeros[0]),
        sa: scalar(1 / 40),
        za: zero(type, zeros[1]),
        sy: scalar(1 / 24),
        zy: zero(type, zeros[2]),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
        { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
        { op: 'DequantizeLinear', inputs: ['w1q', 'w1s'], outputs: ['w1'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['xd', 'w1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['a1'] },
        { op: 'QuantizeLinear', inputs: ['a1', 'sa', 'za'], outputs: ['aq'] },
        { op: 'DequantizeLinear', inputs: ['aq', 'sa', 'za'], outputs: ['ad'] },
        { op: 'DequantizeLinear', inputs: ['w2q', 'w2s'], outputs: ['w2'], attrs: { axis: 0 } },
        { op: 'Conv', inputs: ['ad', 'w2', 'b2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Add', inputs: ['c2', 'xd'], outputs: ['s'] },
        { op: 'Relu', inputs: ['s'], outputs: ['r'] },
        { op: 'QuantizeLinear', inputs: ['r', 'sy', 'zy'], outputs: ['yq'] },
        { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] },
      ],
    }),
  );
}
