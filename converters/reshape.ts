/**
 * Ops that only reinterpret the shape -> one `shuffle` layer with `reshape` = the output shape
 * (none at all when the shape does not change): Reshape (shape attribute in opset 1, a
 * constant input from 5, allowzero from 14), Flatten, Squeeze and Unsqueeze (axes attribute
 * before 13, a constant input from 13). A Reshape whose target the model computes (from Shape:
 * a dynamic model's reshape arithmetic) becomes a shuffle that takes the target as its second
 * input, a shape tensor the engine evaluates on the host for each shape (derive_shapes.cc).
 * The target shape is the one shape inference gives the output (src/ir/infer, the one authority for ONNX output shapes); a converter only checks that
 * what decides it (the target or the axes) is known when the model is compiled, and that the
 * element count is kept.
 */
import { numel } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

const CONST_HINT = 'export with static shapes or pass --shape so that it folds to a constant';

/** What `known` gives for a Reshape target the model computes: the shuffle reads it at run time. */
const COMPUTED = Symbol('computed target');

/**
 * What `known` gives for a Squeeze or Unsqueeze of an engine that serves a range: the unit axes
 * moved by the shuffle's permutations around a reshape of 0s (copies), one layer for every shape
 * of the range, where the output's dims cannot all be written as 0 at their own index and one -1
 * (a leading unit axis squeezed from [1,B,8,W,15]). Moving unit axes moves no bytes
 * (native/src/builder/alias.cc).
 */
class Moved {
  constructor(
    /** How many leading dims the reshape copies (0s); 1s follow up to the output's rank. */
    readonly copies: number,
    readonly perms: { firstPerm?: number[]; secondPerm?: number[] },
  ) {}
}

interface Plan {
  /**
   * fixed: `target` is the output shape; relative: it holds 0/-1; computed: input 1 is read at run
   * time; moved: `target` holds 0s between the permutations of `perms`.
   */
  form: 'fixed' | 'relative' | 'computed' | 'moved';
  target: number[];
  /** A 0 in the target copies the input's dim (allowzero 0). */
  placeholder: boolean;
  perms?: Moved['perms'];
}

/**
 * `known` checks that the op's shape-deciding operand is known at compile time (its reason
 * otherwise) and may return the target to emit instead of the output shape: a Reshape target
 * with ONNX's 0 (copy a dim) or -1 (infer one), which the shuffle layer resolves itself, so that
 * the layer holds for every shape of a dynamic engine (lowering writes such targets where dims
 * are symbolic: src/lowering/normalize-shapes.ts), or COMPUTED for a target the model computes.
 */
function shapeOp(opType: string, sinceVersion: number, notes: string, known: (v: NodeView) => unknown = () => {}): Converter {
  return defineConverter<Plan>({
    opType,
    sinceVersion,
    notes,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const target = known(v);
      const shape = v.in(0).shape;
      const out = v.out(0).shape;
      v.check(numel(out) === numel(shape), () => `cannot reshape [${shape}] to [${out}]`);
      // A literal 0 (allowzero 1) is an empty dim, not a copy: such a target is not relative.
      const placeholder = !(sinceVersion >= 14 && v.int('allowzero', 0) === 1);
      if (target === COMPUTED) {
        v.dtype(1, ['int64']);
        v.check(v.in(1).shape.length === 1, () => `${v.inLabel(1)} has rank ${v.in(1).shape.length}; a shape is 1-D`);
        return { form: 'computed', target: out, placeholder };
      }
      if (target instanceof Moved) {
        const ones = new Array<number>(out.length - target.copies).fill(1);
        return { form: 'moved', target: [...new Array<number>(target.copies).fill(0), ...ones], placeholder, perms: target.perms };
      }
      // An empty input (a data-dependent count of 0) keeps the relative form where its -1, if any,
      // is told by the other dims (0 elements over a product that is not 0: native/layers/shuffle.cc),
      // so that one layer serves the count's whole range.
      const told = (t: number[]) => t.reduce((p, d, i) => p * (d === -1 ? 1 : d === 0 && placeholder ? (shape[i] ?? 0) : d), 1) !== 0;
      const relative =
        Array.isArray(target) && (numel(shape) > 0 || !target.includes(-1) || told(target)) && placeholder && target.some((d) => d === 0 || d === -1);
      return relative ? { form: 'relative', target: target as number[], placeholder } : { form: 'fixed', target: out, placeholder };
    },
    emit(e, { form, target, placeholder, perms }) {
      const x = e.input(0);
      if (form === 'moved') {
        e.output(0, e.add('shuffle', [x], { ...perms, reshape: target, zeroIsPlaceholder: true }));
      } else if (form === 'computed') {
        e.output(0, e.add('shuffle', [x, e.input(1)], placeholder ? { zeroIsPlaceholder: true } : {}, undefined, [{ shape: target }]));
      } else {
        e.output(0, form === 'relative' ? e.reshapeRelative(x, target) : e.reshape(x, target));
      }
    },
  });
}

function reshape(sinceVersion: number): Converter {
  if (sinceVersion === 1) return shapeOp('Reshape', 1, 'Shape attribute.', (v) => v.ints('shape') ?? v.fail('the shape attribute is missing'));
  // A constant target is a layer param; one the model computes (known at these shapes at most) is read at run time.
  return shapeOp(
    'Reshape',
    sinceVersion,
    `A constant shape input${sinceVersion >= 14 ? ' (allowzero supported)' : ''}, or one computed from shapes: a shuffle that reads it at run time ` +
      "(a shape tensor), so that a dynamic engine reshapes to each run's target.",
    (v) => (v.fixed(1) ? v.constInts(1, 'the target shape', CONST_HINT) : COMPUTED),
  );
}

const flatten = shapeOp('Flatten', 1, 'Any engine dtype.');

/** `{ [key]: perm }`, or nothing for the identity (a shuffle without it). */
function unlessIdentity(key: 'firstPerm' | 'secondPerm', perm: number[]): Moved['perms'] {
  return perm.every((p, i) => p === i) ? {} : { [key]: perm };
}

function squeeze(sinceVersion: number): Converter {
  return shapeOp('Squeeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v) => {
    const given = sinceVersion >= 13 ? (v.has(1) ? v.constInts(1, 'axes', CONST_HINT) : undefined) : v.ints('axes');
    if (!v.ranged) return undefined;
    // The squeezed axes last (firstPerm), then 0s copy the kept dims.
    const shape = v.in(0).shape;
    const squeezed = given ? v.axes(given, shape.length) : shape.flatMap((d, i) => (d === 1 ? [i] : []));
    const kept = shape.flatMap((_, i) => (squeezed.includes(i) ? [] : [i]));
    return new Moved(kept.length, unlessIdentity('firstPerm', [...kept, ...[...squeezed].sort((a, b) => a - b)]));
  });
}

function unsqueeze(sinceVersion: number): Converter {
  return shapeOp('Unsqueeze', sinceVersion, sinceVersion >= 13 ? 'The axes input must be a constant.' : 'Axes attribute.', (v) => {
    const given = sinceVersion >= 13 ? v.constInts(1, 'axes', CONST_HINT) : (v.ints('axes') ?? v.fail('the axes attribute is missing'));
    if (!v.ranged) return undefined;
    // 0s copy the input's dims, 1s follow, and secondPerm puts each 1 at its axis.
    const rank = v.in(0).shape.length;
    const axes = v.axes(given, rank + given.length);
    let kept = 0;
    let unit = rank;
    const perm = Array.from({ length: rank + given.length }, (_, i) => (axes.includes(i) ? unit++ : kept++));
    return new Moved(rank, unlessIdentity('secondPerm', perm));
  });
}

export const reshapeConverters: Converter[] = [flatten, reshape(1), reshape(5), reshape(14), squeeze(1), squeeze(13), unsqueeze(1), unsqueeze(13)];
