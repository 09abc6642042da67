/**
 * Cast and CastLike -> a `cast` layer between engine dtypes (float->int truncates toward zero, ->bool is
 * x != 0, as network.ts says). float64, 16-bit and unsigned wide integers, strings and the
 * float8/int4 family are not engine types: such casts fall back. `saturate` (opset 19) only
 * concerns float8 targets, so it never changes what an accepted cast computes.
 */
import type { EngineDType } from '../src/engine/network.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { dtypeFromOnnx, onnxTypeName } from '../src/onnx/dtype.js';
import { defineConverter } from './define.js';
import { isEngineDType } from './node-view.js';
import type { Converter } from './types.js';

const cast = defineConverter<EngineDType>({
  opType: 'Cast',
  sinceVersion: 6,
  notes: `Source and target among ${ENGINE_DTYPES.join(', ')}.`,
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const code = v.int('to', 0);
    const to = dtypeFromOnnx(code);
    v.check(
      to !== undefined && isEngineDType(to),
      () => `casting to ${to ?? onnxTypeName(code)} is not supported; engines hold ${ENGINE_DTYPES.join(', ')}`,
    );
    return to as EngineDType;
  },
  emit(e, to) {
    // A cast to the same type is the input itself.
    e.output(0, e.cast(e.input(0), to));
  },
});

/** CastLike -> the same `cast` layer, to the element type of input 1 (only its type is read). */
const castLike = defineConverter<EngineDType>({
  opType: 'CastLike',
  sinceVersion: 15,
  notes: `Source and target (the type of input 1) among ${ENGINE_DTYPES.join(', ')}.`,
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const to = v.in(1).dtype;
    v.check(isEngineDType(to), () => `casting to ${to} is not supported; engines hold ${ENGINE_DTYPES.join(', ')}`);
    return to as EngineDType;
  },
  emit(e, to) {
    e.output(0, e.cast(e.input(0), to));
  },
});

export const castConverters: Converter[] = [cast, castLike];
