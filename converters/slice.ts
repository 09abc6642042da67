/**
 * Slice -> one `slice` layer with a start and a step for every dim and the output shape.
 * Opset 1 takes starts/ends/axes as attributes; opset 10 takes them, and steps, as inputs.
 * Starts and ends are clamped as ONNX says (negative counts from the end; INT64_MAX-style
 * sentinels mean "to the end"). Where the model computes starts or ends (from Shape: a dynamic
 * model's `x[:, :seq]`), the layer reads them as shape tensors at each run's shapes and clamps
 * them there (native/src/ir/computed_layers.h); axes and steps must be constants. Over a shape
 * range constant bounds take that form too, so that a window relative to a varying dim
 * (`x[:, 1:]`, `x[..., :-1]`) follows it; only a slice that keeps everything is left out.
 */
import { sameShape } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { TO_THE_END, sliceRange } from '../src/ir/infer/slicing.js';
import { defineConverter, tensorOf } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

interface SlicePlan {
  starts: number[];
  steps: number[];
  shape: number[];
  /** A window read at run time: the sliced dims (starts and ends are inputs 1 and 2, or `window`). */
  axes?: number[];
  /** Constant bounds to feed that window (attributes, opset < 10), one per axis. */
  window?: { starts: number[]; ends: number[] };
}

/** A bound as an int64 constant: JS numbers past 2^62 (INT64_MAX-style sentinels) clamp there, which means the same. */
const bound = (b: number) => Math.max(-(2 ** 62), Math.min(2 ** 62, b));

const HINT = 'export with static shapes or pass --shape so that it folds to a constant';

function slice(sinceVersion: number): Converter {
  return defineConverter<SlicePlan>({
    opType: 'Slice',
    sinceVersion,
    notes:
      sinceVersion >= 10
        ? 'axes and steps must be constants; starts and ends constants, or computed from shapes (read at run time as shape tensors).'
        : 'starts, ends and axes attributes.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      let starts: number[];
      let ends: number[];
      let axes: number[] | undefined;
      let steps: number[] | undefined;
      // `computed` rejects starts or ends from data (both checked, so that the reason names either).
      const computed = sinceVersion >= 10 && [v.computed(1, 'starts', HINT), v.computed(2, 'ends', HINT)].some(Boolean);
      if (computed) return computedWindow(v);
      if (sinceVersion >= 10) {
        starts = v.constInts(1, 'starts', HINT);
        ends = v.constInts(2, 'ends', HINT);
        if (v.has(3)) axes = v.constInts(3, 'axes', HINT);
        if (v.has(4)) steps = v.constInts(4, 'steps', HINT);
      } else {
        starts = v.ints('starts') ?? v.fail('the starts attribute is missing');
        ends = v.ints('ends') ?? v.fail('the ends attribute is missing');
        axes = v.ints('axes');
      }
      axes ??= starts.map((_, i) => i);
      steps ??= starts.map(() => 1);
      v.check(
        ends.length === starts.length && axes.length === starts.length && steps.length === starts.length,
        () => `starts, ends, axes and steps have different lengths (${starts.length}, ${ends.length}, ${axes!.length}, ${steps!.length})`,
      );
      v.axes(axes, shape.length); // in range, no repeats
      const plan: SlicePlan = { starts: shape.map(() => 0), steps: shape.map(() => 1), shape: [...shape] };
      axes.forEach((a, i) => {
        const d = a < 0 ? a + shape.length : a;
        const dim = shape[d]!;
        const step = steps![i]!;
        v.check(step !== 0, () => 'a step of 0 is invalid');
        const { start, len: n } = sliceRange(dim, starts[i]!, ends[i]!, step);
        plan.starts[d] = n > 0 ? start : 0;
        plan.steps[d] = step;
        plan.shape[d] = n;
      });
      v.check(sameShape(plan.shape, v.out(0).shape), () => `the slice gives [${plan.shape}], inference says [${v.out(0).shape}]`);
      const whole = starts.every((s) => s === 0) && ends.every((e) => e >= TO_THE_END) && steps.every((s) => s === 1);
      if (!v.ranged || whole) return plan;
      // Over a range the window is clamped at each run's shapes.
      if (sinceVersion >= 10) return computedWindow(v);
      const dims = axes.map((a) => (a < 0 ? a + shape.length : a));
      return { ...plan, starts: [], axes: dims, window: { starts: starts.map(bound), ends: ends.map(bound) } };
    },
    emit(e, p) {
      const x = e.input(0);
      if (p.axes) {
        const [starts, ends] = p.window
          ? [
              e.constant(tensorOf('int64', [p.axes.length], p.window.starts), 'starts'),
              e.constant(tensorOf('int64', [p.axes.length], p.window.ends), 'ends'),
            ]
          : [e.input(1), e.input(2)];
        e.output(0, e.add('slice', [x, starts, ends], { axes: p.axes, steps: p.steps }, undefined, [{ shape: p.shape }]));
        return;
      }
      if (sameShape(p.shape, x.shape) && p.steps.every((s) => s === 1)) {
        e.output(0, x);
        return;
      }
      e.output(0, e.add('slice', [x], { starts: p.starts, steps: p.steps }, undefined, [{ shape: p.shape }]));
    },
  });
}

/** Opset 10+ with starts or ends the model computes: read at run time, clamped there. */
function computedWindow(v: NodeView): SlicePlan {
  const rank = v.in(0).shape.length;
  for (const i of [1, 2]) {
    v.dtype(i, ['int32', 'int64']);
    v.check(v.in(i).shape.length === 1, () => `${v.inLabel(i)} has rank ${v.in(i).shape.length}; expected 1`);
  }
  const n = v.in(1).shape[0]!;
  const axes = v.has(3) ? v.constInts(3, 'axes', HINT) : Array.from({ length: n }, (_, i) => i);
  const steps = v.has(4) ? v.constInts(4, 'steps', HINT) : axes.map(() => 1);
  v.check(
    v.in(2).shape[0] === n && axes.length === n && steps.length === n,
    () => `starts, ends, axes and steps have different lengths (${n}, ${v.in(2).shape[0]}, ${axes.length}, ${steps.length})`,
  );
  v.axes(axes, rank);
  v.check(
    steps.every((s) => s !== 0),
    () => 'a step of 0 is invalid',
  );
  const perDim = Array.from({ length: rank }, () => 1);
  const dims = axes.map((a) => (a < 0 ? a + rank : a));
  dims.forEach((d, i) => (perDim[d] = steps[i]!));
  return { starts: [], steps: perDim, shape: v.out(0).shape, axes: dims };
}

export const sliceConverters: Converter[] = [slice(1), slice(10)];
