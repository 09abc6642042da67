/**
 * QuantizeLinear / DequantizeLinear -> the `quantize` / `dequantize` layers (network.ts):
 * y = saturate(round_half_even(x / scale) + zp) into int8/uint8, and x = (q - zp) * scale from
 * int8/uint8/int32, per tensor (a scale of one element) or per axis (a 1-D scale along `axis`),
 * with or without a zero point. One converter per opset form:
 * - 10: per tensor only, float32 scales;
 * - 13: per axis (`axis`, default 1);
 * - 19: float16/bfloat16 inputs and scales (`saturate` concerns float8 only, which is refused);
 * - 21: `block_size` (refused: the layers take one scale per tensor or per channel, not per
 *   block) and QuantizeLinear's `output_dtype` (int8 or uint8 only).
 * float8, int4, int16 and the other narrow types are not engine types: such nodes fall back.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import type { EngineDType } from '../src/engine/network.js';
import { dtypeFromOnnx, onnxTypeName } from '../src/onnx/dtype.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

/** The integer types of the layers: what quantize makes and dequantize reads. */
const QUANT_DTYPES: readonly EngineDType[] = ['int8', 'uint8'];
const DEQUANT_DTYPES: readonly EngineDType[] = ['int8', 'uint8', 'int32'];

interface QuantPlan {
  /** The layer's axis (0 for a per-tensor scale, where it is not read). */
  axis: number;
  /** The scale's shape, which a zero point of another one-element shape is reshaped to. */
  scaleShape: number[];
  hasZeroPoint: boolean;
  /** Quantize: the integer type made. Dequantize: the output's float type. */
  out: EngineDType;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The scale and zero point as the layers take them: per tensor, or 1-D along `axis`. */
function readScale(v: NodeView, since: number): Pick<QuantPlan, 'axis' | 'scaleShape' | 'hasZeroPoint'> {
  const blockSize = since >= 21 ? v.int('block_size', 0) : 0;
  v.check(
    blockSize === 0,
    () => `block quantization (block_size ${blockSize}) is not supported: the quantize layers take one scale per tensor or per axis, not per block`,
  );
  const x = v.in(0);
  const scale = v.in(1);
  v.dtype(1, since >= 19 ? FLOAT_DTYPES : ['float32']);
  const perTensor = scale.shape.length <= 1 && numel(scale.shape) === 1;
  let axis = 0;
  if (!perTensor) {
    v.check(since >= 13, () => `${v.inLabel(1)} has shape [${scale.shape}]; before opset 13 the scale is a scalar (per tensor)`);
    v.check(scale.shape.length === 1, () => `${v.inLabel(1)} has shape [${scale.shape}]; expected a scalar or a 1-D scale (per axis)`);
    axis = v.axis(v.int('axis', 1), x.shape.length);
    v.check(
      scale.shape[0] === x.shape[axis],
      () => `${v.inLabel(1)} has ${scale.shape[0]} elements; per-axis quantization along axis ${axis} needs ${x.shape[axis]}`,
    );
  }
  const hasZeroPoint = v.has(2);
  if (hasZeroPoint) {
    const zp = v.in(2);
    const same = perTensor ? numel(zp.shape) === 1 && zp.shape.length <= 1 : zp.shape.join() === scale.shape.join();
    v.check(same, () => `${v.inLabel(2)} has shape [${zp.shape}]; expected the scale's [${scale.shape}]`);
  }
  return { axis, scaleShape: scale.shape, hasZeroPoint };
}

function quantizeLinear(since: number): Converter {
  return defineConverter<QuantPlan>({
    opType: 'QuantizeLinear',
    sinceVersion: since,
    notes:
      `x: ${since >= 19 ? FLOAT_DTYPES.join(', ') : 'float32'}; y: int8 or uint8; per tensor` +
      (since >= 13 ? ' or per axis' : '') +
      (since >= 21 ? '; block quantization (block_size) is refused' : '') +
      '.',
    plan(v) {
      v.dtype(0, since >= 19 ? FLOAT_DTYPES : ['float32']);
      if (since >= 21 && v.int('output_dtype', 0)) {
        const code = v.int('output_dtype', 0);
        const to = dtypeFromOnnx(code);
        v.check(
          to !== undefined && (QUANT_DTYPES as readonly string[]).includes(to),
          () => `output_dtype ${to ?? onnxTypeName(code)} is not supported; the quantize layers make int8 or uint8`,
        );
      }
      const out = v.out(0).dtype;
      v.check((QUANT_DTYPES as readonly string[]).includes(out), () => `${v.outLabel(0)} has dtype ${out}; the quantize layers make int8 or uint8`);
      const s = readScale(v, since);
      if (s.hasZeroPoint) v.check(v.in(2).dtype === out, () => `${v.inLabel(2)} has dtype ${v.in(2).dtype}; expected the output's ${out}`);
      return { ...s, out: out as EngineDType };
    },
    emit(e, p) {
      const inputs = [e.input(0), e.input(1)];
      if (p.hasZeroPoint) inputs.push(e.reshape(e.input(2), p.scaleShape, 'zero_point'));
      e.output(0, e.add('quantize', inputs, { axis: p.axis }, undefined, [{ dtype: p.out }]));
    },
  });
}

function dequantizeLinear(since: number): Converter {
  return defineConverter<QuantPlan>({
    opType: 'DequantizeLinear',
    sinceVersion: since,
    notes:
      `x: int8, uint8 or int32; per tensor` +
      (since >= 13 ? ' or per axis' : '') +
      (since >= 19 ? `; y: the scale's type (${FLOAT_DTYPES.join(', ')})` : '; y: float32') +
      (since >= 21 ? '; block quantization (block_size) is refused' : '') +
      '.',
    plan(v) {
      const x = v.dtype(0, DEQUANT_DTYPES);
      const s = readScale(v, since);
      if (s.hasZeroPoint) v.check(v.in(2).dtype === x, () => `${v.inLabel(2)} has dtype ${v.in(2).dtype}; expected x's ${x}`);
      const out = v.out(0).dtype;
      v.check((FLOAT_DTYPES as readonly string[]).includes(out), () => `${v.outLabel(0)} has dtype ${out}; expected a float type`);
      return { ...s, out: out as EngineDType };
    },
    emit(e, p) {
      const inputs = [e.input(0), e.input(1)];
      if (p.hasZeroPoint) inputs.push(e.reshape(e.input(2), p.scaleShape, 'zero_point'));
      // The layer's output has the scale's type; a later opset's output_dtype may ask for another.
      const y = e.add('dequantize', inputs, { axis: p.axis }, p.out === inputs[1]!.dtype ? undefined : 'dequantize');
      e.output(0, e.cast(y, p.out));
    },
  });
}

export const quantizeConverters: Converter[] = [10, 13, 19, 21].flatMap((since) => [quantizeLinear(since), dequantizeLinear(since)]);
