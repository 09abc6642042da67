/**
 * One pooling layer (MaxPool or AveragePool at opset 19, and the engine's pooling layer of the
 * same geometry) against onnxruntime on a seeded random input of shape `x`: the pooling suites'
 * check (pool-reduce.test.ts, pool-flat-edges.test.ts). Tolerance: compare.ts.
 */
import { checkLayer } from './compare.js';
import { randomFloat } from './random.js';

export interface Pool {
  kernel: number[];
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  ceil?: boolean;
  includePad?: boolean;
  /** The engine's thread count (default: the builder's). */
  threads?: number;
}

export async function pool(mode: 'max' | 'average', x: number[], p: Pool, seed = 1) {
  const sp = p.kernel.length;
  const strides = p.strides ?? Array(sp).fill(1);
  const pads = p.pads ?? Array(2 * sp).fill(0);
  const dilations = p.dilations ?? Array(sp).fill(1);
  const attrs: Record<string, number | number[]> = { kernel_shape: p.kernel, strides, pads, dilations, ceil_mode: p.ceil ? 1 : 0 };
  if (mode === 'average') attrs.count_include_pad = p.includePad ? 1 : 0;
  await checkLayer({
    op: mode === 'max' ? 'MaxPool' : 'AveragePool',
    opset: 19,
    attrs,
    inputs: [randomFloat(x, seed)],
    kind: 'pooling',
    params: {
      mode,
      kernel: p.kernel,
      strides,
      padsBegin: pads.slice(0, sp),
      padsEnd: pads.slice(sp),
      dilations,
      ceilMode: !!p.ceil,
      countIncludePad: !!p.includePad,
    },
    ...(p.threads ? { threads: p.threads } : {}),
  });
}
