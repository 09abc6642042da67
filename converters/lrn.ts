/**
 * LRN (local response normalization across channels, AlexNet/GoogLeNet/ZFNet) -> layers of the
 * catalogue, as TensorRT builds it from primitives:
 *   y = x / (bias + alpha/size * sum_{c' in window(c)} x[c']^2)^beta
 * The channel-window sum is an average pooling of x^2 over x viewed as [N, 1, C, spatial],
 * kernel [size, 1], padded (size-1)/2 rounded down before and up after, the padding counted
 * in the divisor: every window then divides by `size`, so alpha * average = alpha/size * sum.
 * Opset 1 and 13 differ only in the types they list, so one converter covers both.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { numel } from '../src/engine/shape-math.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface LrnPlan {
  alpha: number;
  beta: number;
  bias: number;
  size: number;
}

const lrn = defineConverter<LrnPlan>({
  opType: 'LRN',
  sinceVersion: 1,
  notes: `X of rank >= 2 (N, C, ...); dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    v.dtype(0, FLOAT_DTYPES);
    const rank = v.in(0).shape.length;
    v.check(rank >= 2, () => `X has rank ${rank}; LRN needs (N, C, ...)`);
    v.check(v.hasAttr('size'), () => 'the size attribute is missing');
    const size = v.int('size', 1);
    v.check(size >= 1, () => `size ${size} must be at least 1`);
    return { alpha: v.float('alpha', 1e-4), beta: v.float('beta', 0.75), bias: v.float('bias', 1), size };
  },
  emit(e, p) {
    const x = e.input(0);
    const [n, c] = x.shape as [number, number];
    const dtype = x.dtype;
    const square = e.add('elementwise', [x, x], { op: 'mul' }, 'square');
    // Relative targets (0: the batch as it comes), so that a dynamic batch keeps one layer.
    const columns =
      numel(x.shape) === 0 ? e.reshape(square, [n, 1, c, numel(x.shape.slice(2))], 'channels') : e.reshapeRelative(square, [0, 1, c, -1], 'channels');
    const average = e.add(
      'pooling',
      [columns],
      {
        mode: 'average',
        kernel: [p.size, 1],
        strides: [1, 1],
        padsBegin: [Math.floor((p.size - 1) / 2), 0],
        padsEnd: [Math.ceil((p.size - 1) / 2), 0],
        dilations: [1, 1],
        ceilMode: false,
        countIncludePad: true,
      },
      'window_mean',
    );
    const mean = numel(x.shape) === 0 ? e.reshape(average, x.shape, 'unflatten') : e.reshapeRelative(average, [0, ...x.shape.slice(1)], 'unflatten');
    const scaled = e.add('elementwise', [mean, e.fill(p.alpha, dtype, 'alpha')], { op: 'mul' }, 'alpha_mul');
    const base = e.add('elementwise', [scaled, e.fill(p.bias, dtype, 'bias')], { op: 'add' }, 'bias_add');
    const denominator = e.add('elementwise', [base, e.fill(p.beta, dtype, 'beta')], { op: 'pow' }, 'pow');
    e.output(0, e.add('elementwise', [x, denominator], { op: 'div' }));
  },
});

export const lrnConverters: Converter[] = [lrn];
