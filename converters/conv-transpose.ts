/**
 * ConvTranspose -> one `deconvolution` layer [x, W, B?] with explicit pads: from `pads`, or
 * worked out from `output_shape` or auto_pad SAME_* as the ONNX spec says (window.ts's
 * splitPads).
 */
import type { ParamsOf } from '../src/engine/builder.js';
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { checkBias, convOperands, emitConvLike } from './conv-operands.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';
import { autoPad, perDim, splitPads } from './window.js';

const convTranspose = defineConverter<ParamsOf<'deconvolution'>>({
  opType: 'ConvTranspose',
  sinceVersion: 1,
  notes: `1 to 3 spatial dims; dtypes ${FLOAT_DTYPES.join(', ')}; an output_shape beyond the unpadded size must fit in trailing cells.`,
  plan(v) {
    const { x, w, dtype, n, kernel, groups } = convOperands(v);
    v.check(
      groups >= 1 && x.shape[1] === w.shape[0] && w.shape[0]! % groups === 0,
      () => `group=${groups} does not fit X channels ${x.shape[1]} and W [${w.shape}]`,
    );
    const m = w.shape[1]! * groups;
    checkBias(v, dtype, m);
    const strides = perDim(v, 'strides', n, 1, 1);
    const dilations = perDim(v, 'dilations', n, 1, 1);
    const outputPadding = perDim(v, 'output_padding', n, 0, 0);
    const spatial = x.shape.slice(2);
    // The output size before any padding is taken off.
    const full = spatial.map((s, d) => strides[d]! * (s - 1) + outputPadding[d]! + dilations[d]! * (kernel[d]! - 1) + 1);
    const mode = autoPad(v);
    let padsBegin: number[];
    let padsEnd: number[];
    const target = v.ints('output_shape');
    v.check(!target || target.length === n || target.length === n + 2, () => `output_shape has ${target!.length} values for ${n} spatial dims`);
    if (target || mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
      // The output size is inference's (output_shape, or SAME's in * stride); pads follow from it.
      const want = v.out(0).shape.slice(2);
      const total = want.map((o, d) => full[d]! - o);
      padsBegin = total.map((t) => splitPads(t, mode).begin);
      padsEnd = total.map((t) => splitPads(t, mode).end);
      // A larger output_shape means negative padding: at the end it is extra output cells,
      // which is what output_padding adds; at the beginning the layer cannot express it.
      v.check(
        padsBegin.every((p) => p >= 0),
        () => `output_shape [${want}] would need negative leading pads; it exceeds [${full}] too much`,
      );
      padsEnd.forEach((p, d) => {
        if (p < 0) {
          outputPadding[d]! -= p;
          padsEnd[d] = 0;
        }
      });
    } else if (mode === 'VALID') {
      padsBegin = new Array<number>(n).fill(0);
      padsEnd = new Array<number>(n).fill(0);
    } else {
      const pads = perDim(v, 'pads', 2 * n, 0, 0);
      padsBegin = pads.slice(0, n);
      padsEnd = pads.slice(n);
    }
    return { kernel, strides, padsBegin, padsEnd, dilations, outputPadding, groups };
  },
  emit: (e, p) => emitConvLike(e, 'deconvolution', p),
});

export const convTransposeConverters: Converter[] = [convTranspose];
