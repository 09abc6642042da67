/**
 * Split -> one `split` layer with explicit sizes. Sizes come from the `split` attribute
 * (opset 1/2/11; opset 1 also took them as a second input) or the constant `split` input
 * (13+); without them the parts are the output shapes shape inference gave (src/ir/infer:
 * equal parts, or from opset 18 `num_outputs` parts with a smaller last one), so the rule
 * for splitting a dim evenly lives there alone.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface SplitPlan {
  axis: number;
  sizes: number[];
}

function split(sinceVersion: number): Converter {
  return defineConverter<SplitPlan>({
    opType: 'Split',
    sinceVersion,
    notes:
      sinceVersion >= 18
        ? 'The split input must be a constant; num_outputs may leave the last part smaller.'
        : sinceVersion >= 13
          ? 'The split input must be a constant; without it, equal parts.'
          : 'Sizes from the split attribute (opset 1: or a constant input), else equal parts.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      const axis = v.axis(v.int('axis', 0), shape.length);
      const dim = shape[axis]!;
      const count = v.node.outputs.length;
      let sizes: number[] | undefined;
      if (sinceVersion >= 13 || (sinceVersion === 1 && v.has(1))) {
        if (v.has(1)) sizes = v.constInts(1, 'split', 'make it an initializer');
      } else {
        sizes = v.ints('split');
      }
      if (!sizes) {
        if (sinceVersion >= 18 && v.hasAttr('num_outputs')) {
          const k = v.int('num_outputs', count);
          v.check(k === count, () => `num_outputs=${k} but the node has ${count} outputs`);
        }
        sizes = v.node.outputs.map((_, i) => v.out(i).shape[axis]!);
      }
      v.check(sizes.length === count, () => `${sizes.length} sizes for ${count} outputs`);
      v.check(
        sizes.every((s) => Number.isInteger(s) && s >= 0) && sizes.reduce((a, b) => a + b, 0) === dim,
        () => `sizes [${sizes}] do not add up to dim ${axis} (${dim})`,
      );
      return { axis, sizes };
    },
    emit(e, p) {
      const outs = e.addMany('split', [e.input(0)], { axis: p.axis, sizes: p.sizes });
      outs.forEach((o, i) => e.output(i, o));
    },
  });
}

export const splitConverters: Converter[] = [split(1), split(13), split(18)];
