/**
 * Conv -> one `convolution` layer [x, W, B?] with kernel, strides, dilations, groups and
 * explicit begin/end pads (auto_pad resolved). 1 to 3 spatial dims; float types. The
 * semantics are unchanged since opset 1 (later versions only clarified auto_pad and added
 * types).
 */
import { FLOAT_DTYPES, sameShape } from '../src/engine/layer-shapes.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';
import { forwardWindow, windowOutput } from './window.js';

const conv = defineConverter<ParamsOf<'convolution'>>({
  opType: 'Conv',
  sinceVersion: 1,
  notes: `1 to 3 spatial dims; dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    const x = v.in(0);
    const w = v.in(1);
    const dtype = v.dtype(0, FLOAT_DTYPES);
    v.check(w.dtype === dtype, () => `W has dtype ${w.dtype}, X ${dtype}`);
    const n = x.shape.length - 2;
    v.check(n >= 1 && n <= 3, () => `X has rank ${x.shape.length}; engines convolve 1 to 3 spatial dims (rank 3 to 5)`);
    v.check(w.shape.length === n + 2, () => `W [${w.shape}] does not match X [${x.shape}]`);
    const kernel = w.shape.slice(2);
    const ks = v.ints('kernel_shape');
    v.check(!ks || sameShape(ks, kernel), () => `kernel_shape [${ks}] differs from W's [${kernel}]`);
    const groups = v.int('group', 1);
    v.check(groups >= 1 && x.shape[1] === w.shape[1]! * groups && w.shape[0]! % groups === 0, () =>
      `group=${groups} does not fit X channels ${x.shape[1]} and W [${w.shape}]`,
    );
    if (v.has(2)) {
      const b = v.in(2);
      v.check(b.dtype === dtype && sameShape(b.shape, [w.shape[0]!]), () => `B ${b.dtype}[${b.shape}] must be ${dtype}[${w.shape[0]}]`);
    }
    const win = forwardWindow(v, x.shape.slice(2), kernel);
    const out = [x.shape[0]!, w.shape[0]!, ...windowOutput(win, x.shape.slice(2))];
    v.check(sameShape(out, v.out(0).shape), () => `the attributes give output [${out}], inference says [${v.out(0).shape}]`);
    return { ...win, groups };
  },
  emit(e, p) {
    const inputs = [e.input(0), e.input(1)];
    if (e.node.inputs[2]) inputs.push(e.input(2));
    e.output(0, e.add('convolution', inputs, p));
  },
});

export const convConverters: Converter[] = [conv];
