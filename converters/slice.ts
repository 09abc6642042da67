/**
 * Slice -> one `slice` layer with a start and a step for every dim and the output shape.
 * Opset 1 takes starts/ends/axes as attributes; opset 10 takes them, and steps, as inputs,
 * which must be constants. Starts and ends are clamped as ONNX says (negative counts from
 * the end; INT64_MAX-style sentinels mean "to the end").
 */
import { sameShape } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { sliceRange } from '../src/ir/infer/slicing.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface SlicePlan {
  starts: number[];
  steps: number[];
  shape: number[];
}

const HINT = 'export with static shapes or pass --shape so that it folds to a constant';

function slice(sinceVersion: number): Converter {
  return defineConverter<SlicePlan>({
    opType: 'Slice',
    sinceVersion,
    notes: sinceVersion >= 10 ? 'starts, ends, axes and steps must be constants.' : 'starts, ends and axes attributes.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      let starts: number[];
      let ends: number[];
      let axes: number[] | undefined;
      let steps: number[] | undefined;
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
      return plan;
    },
    emit(e, p) {
      const x = e.input(0);
      if (sameShape(p.shape, x.shape) && p.steps.every((s) => s === 1)) {
        e.output(0, x);
        return;
      }
      e.output(0, e.add('slice', [x], { starts: p.starts, steps: p.steps }, undefined, [{ shape: p.shape }]));
    },
  });
}

export const sliceConverters: Converter[] = [slice(1), slice(10)];
