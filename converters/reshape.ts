/**
 * Ops that only reinterpret the shape -> one `shuffle` layer with `reshape` = the output shape
 * (none at all when the shape does not change): Reshape (shape attribute in opset 1, a
 * constant input from 5, allowzero from 14), Flatten, Squeeze and Unsqueeze (axes attribute
 * before 13, a constant input from 13). Each resolves the target shape from the ONNX rules and
 * checks it against inference, so a disagreement is reported, not silently followed.
 */
import { numel, sameShape } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

const CONST_HINT = 'export with static shapes or pass --shape so that it folds to a constant';

function shapeOp(opType: string, sinceVersion: number, notes: string, target: (v: NodeView, shape: number[]) => number[]): Converter {
  return defineConverter<number[]>({
    opType,
    sinceVersion,
    notes,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      const out = target(v, shape);
      v.check(numel(out) === numel(shape), () => `cannot reshape [${shape}] to [${out}]`);
      v.check(sameShape(out, v.out(0).shape), () => `the target shape is [${out}], inference says [${v.out(0).shape}]`);
      return out;
    },
    emit(e, out) {
      e.output(0, e.reshape(e.input(0), out));
    },
  });
}

/** ONNX Reshape's rule: 0 copies the input dim (unless allowzero), one -1 is inferred. */
function reshapeTarget(v: NodeView, shape: number[], spec: number[], allowZero: boolean): number[] {
  v.check(spec.filter((d) => d === -1).length <= 1, () => `the target shape [${spec}] has more than one -1`);
  v.check(
    spec.every((d) => Number.isInteger(d) && d >= -1),
    () => `the target shape [${spec}] has an invalid value`,
  );
  v.check(!(allowZero && spec.includes(0) && spec.includes(-1)), () => `allowzero=1 with both 0 and -1 in [${spec}] is invalid`);
  const out = spec.map((d, i) => (d === 0 && !allowZero ? shape[i] : d));
  v.check(
    out.every((d) => d !== undefined),
    () => `the target shape [${spec}] copies a dim the input [${shape}] does not have`,
  );
  const known = numel((out as number[]).filter((d) => d !== -1));
  const i = out.indexOf(-1);
  if (i >= 0) {
    v.check(known > 0 && numel(shape) % known === 0, () => `cannot infer the -1 in [${spec}] from [${shape}]`);
    out[i] = numel(shape) / known;
  }
  return out as number[];
}

function reshape(sinceVersion: number): Converter {
  return shapeOp(
    'Reshape',
    sinceVersion,
    sinceVersion === 1 ? 'Shape attribute.' : `The shape input must be a constant${sinceVersion >= 14 ? '; allowzero supported' : ''}.`,
    (v, shape) => {
      const spec =
        sinceVersion === 1 ? (v.ints('shape') ?? v.fail('the shape attribute is missing')) : v.constInts(1, 'the target shape', CONST_HINT);
      return reshapeTarget(v, shape, spec, sinceVersion >= 14 && v.int('allowzero', 0) !== 0);
    },
  );
}

const flatten = shapeOp('Flatten', 1, 'Any engine dtype.', (v, shape) => {
  const axis = v.int('axis', 1);
  v.check(axis >= -shape.length && axis <= shape.length, () => `axis ${axis} is out of range for rank ${shape.length}`);
  const a = axis < 0 ? axis + shape.length : axis;
  return [numel(shape.slice(0, a)), numel(shape.slice(a))];
});

function squeeze(sinceVersion: number): Converter {
  return shapeOp('Squeeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v, shape) => {
    const given = sinceVersion >= 13 ? (v.has(1) ? v.constInts(1, 'axes', CONST_HINT) : undefined) : v.ints('axes');
    if (!given) return shape.filter((d) => d !== 1);
    const axes = v.axes(given, shape.length);
    v.check(
      axes.every((a) => shape[a] === 1),
      () => `axes [${given}] name dims of [${shape}] that are not 1`,
    );
    return shape.filter((_, i) => !axes.includes(i));
  });
}

function unsqueeze(sinceVersion: number): Converter {
  return shapeOp('Unsqueeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v, shape) => {
    const given = sinceVersion >= 13 ? v.constInts(1, 'axes', CONST_HINT) : (v.ints('axes') ?? v.fail('the axes attribute is missing'));
    const rank = shape.length + given.length;
    const axes = v.axes(given, rank);
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : shape[j++]!);
    return out;
  });
}

export const reshapeConverters: Converter[] = [flatten, reshape(1), reshape(5), reshape(14), squeeze(1), squeeze(13), unsqueeze(1), unsqueeze(13)];
