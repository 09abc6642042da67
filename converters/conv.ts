/**
 * Conv -> one `convolution` layer [x, W, B?] with kernel, strides, dilations, groups and
 * explicit begin/end pads (auto_pad resolved). 1 to 3 spatial dims; float types. The
 * semantics are unchanged since opset 1 (later versions only clarified auto_pad and added
 * types).
 */
import type { ParamsOf } from '../src/engine/builder.js';
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { checkBias, convOperands, emitConvLike } from './conv-operands.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';
import { forwardWindow } from './window.js';

const conv = defineConverter<ParamsOf<'convolution'>>({
  opType: 'Conv',
  sinceVersion: 1,
  notes: `1 to 3 spatial dims; dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    const { x, w, dtype, kernel, groups } = convOperands(v);
    v.check(
      groups >= 1 && x.shape[1] === w.shape[1]! * groups && w.shape[0]! % groups === 0,
      () => `group=${groups} does not fit X channels ${x.shape[1]} and W [${w.shape}]`,
    );
    checkBias(v, dtype, w.shape[0]!);
    const win = forwardWindow(v, x.shape.slice(2), kernel);
    return { ...win, groups };
  },
  emit: (e, p) => emitConvLike(e, 'convolution', p),
});

export const convConverters: Converter[] = [conv];
