/**
 * Sliding-window attributes shared by Conv, ConvTranspose and the pools: kernel, strides,
 * dilations and pads resolved per spatial dim, auto_pad turned into explicit begin/end pads.
 */
import type { NodeView } from './node-view.js';

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
}

export type AutoPad = 'NOTSET' | 'VALID' | 'SAME_UPPER' | 'SAME_LOWER';

export function autoPad(v: NodeView): AutoPad {
  // Some exporters write an empty string for NOTSET.
  const s = v.string('auto_pad', 'NOTSET') || 'NOTSET';
  v.check(['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'].includes(s), () => `auto_pad '${s}' is not an ONNX value`);
  return s as AutoPad;
}

/** A per-dim int attribute of length n, or n copies of `dflt`. */
export function perDim(v: NodeView, name: string, n: number, dflt: number, min: number): number[] {
  const vals = v.ints(name) ?? new Array<number>(n).fill(dflt);
  v.check(vals.length === n, () => `${name} has ${vals.length} values, expected ${n}`);
  v.check(
    vals.every((x) => Number.isInteger(x) && x >= min),
    () => `${name} [${vals}] must be integers >= ${min}`,
  );
  return vals;
}

/**
 * ONNX's split of a SAME total padding (auto_pad, and ConvTranspose's output_shape): half at
 * each side, the odd cell at the end for SAME_UPPER and at the beginning otherwise.
 */
export function splitPads(total: number, mode: AutoPad): { begin: number; end: number } {
  const half = Math.floor(total / 2);
  const begin = mode === 'SAME_UPPER' ? half : total - half;
  return { begin, end: total - begin };
}

/**
 * Reads kernel/strides/dilations/pads for a forward window (Conv, pools) over `spatial`
 * input sizes. SAME_* pads so that out = ceil(in / stride), the odd cell at the end
 * (SAME_UPPER) or the beginning (SAME_LOWER).
 */
export function forwardWindow(v: NodeView, spatial: number[], kernel: number[]): Window {
  const n = spatial.length;
  const strides = perDim(v, 'strides', n, 1, 1);
  const dilations = perDim(v, 'dilations', n, 1, 1);
  const mode = autoPad(v);
  let padsBegin = new Array<number>(n).fill(0);
  let padsEnd = new Array<number>(n).fill(0);
  if (mode === 'NOTSET') {
    const pads = perDim(v, 'pads', 2 * n, 0, 0);
    padsBegin = pads.slice(0, n);
    padsEnd = pads.slice(n);
  } else if (mode !== 'VALID') {
    // SAME: the output size is inference's (ceil(in / stride)); the pads follow from it.
    const outShape = v.out(0).shape;
    for (let d = 0; d < n; d++) {
      const out = outShape[outShape.length - n + d]!;
      const total = Math.max(0, (out - 1) * strides[d]! + (kernel[d]! - 1) * dilations[d]! + 1 - spatial[d]!);
      ({ begin: padsBegin[d], end: padsEnd[d] } = splitPads(total, mode));
    }
  }
  return { kernel, strides, dilations, padsBegin, padsEnd };
}
