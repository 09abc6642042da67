/**
 * Ops that only reinterpret the shape -> one `shuffle` layer with `reshape` = the output shape
 * (none at all when the shape does not change): Reshape (shape attribute in opset 1, a
 * constant input from 5, allowzero from 14), Flatten, Squeeze and Unsqueeze (axes attribute
 * before 13, a constant input from 13). The target shape is the one shape inference gives the
 * output (src/ir/infer, the one authority for ONNX output shapes); a converter only checks that
 * what decides it (the target or the axes) is known when the model is compiled, and that the
 * element count is kept.
 */
import { numel } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

const CONST_HINT = 'export with static shapes or pass --shape so that it folds to a constant';

/** `known` checks that the op's shape-deciding operand is known at compile time (its reason otherwise). */
function shapeOp(opType: string, sinceVersion: number, notes: string, known: (v: NodeView) => void = () => {}): Converter {
  return defineConverter<number[]>({
    opType,
    sinceVersion,
    notes,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      known(v);
      const shape = v.in(0).shape;
      const out = v.out(0).shape;
      v.check(numel(out) === numel(shape), () => `cannot reshape [${shape}] to [${out}]`);
      return out;
    },
    emit(e, out) {
      e.output(0, e.reshape(e.input(0), out));
    },
  });
}

function reshape(sinceVersion: number): Converter {
  return shapeOp(
    'Reshape',
    sinceVersion,
    sinceVersion === 1 ? 'Shape attribute.' : `The shape input must be a constant${sinceVersion >= 14 ? '; allowzero supported' : ''}.`,
    (v) => (sinceVersion === 1 ? (v.ints('shape') ?? v.fail('the shape attribute is missing')) : v.constInts(1, 'the target shape', CONST_HINT)),
  );
}

const flatten = shapeOp('Flatten', 1, 'Any engine dtype.');

function squeeze(sinceVersion: number): Converter {
  return shapeOp('Squeeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v) => {
    if (sinceVersion >= 13 && v.has(1)) v.constInts(1, 'axes', CONST_HINT);
  });
}

function unsqueeze(sinceVersion: number): Converter {
  return shapeOp('Unsqueeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v) =>
    sinceVersion >= 13 ? v.constInts(1, 'axes', CONST_HINT) : (v.ints('axes') ?? v.fail('the axes attribute is missing')),
  );
}

export const reshapeConverters: Converter[] = [flatten, reshape(1), reshape(5), reshape(14), squeeze(1), squeeze(13), unsqueeze(1), unsqueeze(13)];
