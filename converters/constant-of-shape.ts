/**
 * ConstantOfShape -> its one value as a constant, broadcast to the shape: with a constant shape
 * (or at static shapes) a step-0 `slice` of it; with a shape the model computes (from Shape: a
 * dynamic model's `zeros(batch, seq)`), a slice that reads the shape as a shape tensor at each
 * run's shapes (native/src/ir/computed_layers.h). The value is held once, never the filled tensor.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { attrTensor, findAttr } from '../src/ir/attributes.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  value: TensorData;
  out: number[];
  computed: boolean;
}

const constantOfShape = defineConverter<Plan>({
  opType: 'ConstantOfShape',
  sinceVersion: 9,
  notes: 'A value of an engine dtype; the shape a constant, or computed from shapes (read at run time as a shape tensor).',
  plan(v) {
    v.dtype(0, ['int64']);
    v.check(v.in(0).shape.length === 1, () => `${v.inLabel(0)} has rank ${v.in(0).shape.length}; a shape is 1-D`);
    const given = findAttr(v.node, 'value') ? attrTensor(v.node, 'value') : undefined;
    if (findAttr(v.node, 'value') && !given) v.fail('its value attribute is not a numeric tensor');
    const value: TensorData = given ?? { dtype: 'float32', dims: [], data: Float32Array.of(0) };
    v.check((ENGINE_DTYPES as readonly string[]).includes(value.dtype), () => `its value has dtype ${value.dtype}, which engines do not hold`);
    v.check(value.data.length === 1, () => `its value holds ${value.data.length} elements; ONNX asks for one`);
    const out = v.out(0).shape;
    const computed = v.computed(0, 'the shape', 'export with static shapes or pass --shape so that it folds to a constant');
    return { value: { ...value, dims: out.map(() => 1) }, out, computed };
  },
  emit(e, { value, out, computed }) {
    const one = e.constant(value, 'value');
    e.output(0, computed ? e.broadcastToComputed(one, true, e.input(0), out) : e.broadcastTo(one, out));
  },
});

export const constantOfShapeConverters: Converter[] = [constantOfShape];
