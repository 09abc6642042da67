/**
 * Child process of kernels.test.ts: runs GEMM-heavy layers (convolution tactics, deconvolution,
 * matmul with partial tiles and beta) against onnxruntime under whatever SGEMM micro-kernel
 * HYBRIDRT_CPU_KERNEL selected, and prints one JSON line: the kernel in use, and the error if
 * a case failed.
 */
import { deviceQuery } from '../../../src/engine/engine.js';
import { checkLayer } from './compare.js';
import { randomFloat } from './random.js';

const win = (k: number, pad: number) => ({ kernel: [k, k], strides: [1, 1], padsBegin: [pad, pad], padsEnd: [pad, pad], dilations: [1, 1] });
let error: string | undefined;
try {
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    inputs: [randomFloat([1, 40, 13, 11], 1), randomFloat([50, 40, 3, 3], 2), randomFloat([50], 3)],
    constants: [1, 2],
    kind: 'convolution',
    params: { ...win(3, 1), groups: 1 },
  });
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [1, 1] },
    inputs: [randomFloat([2, 33, 7, 5], 4), randomFloat([17, 33, 1, 1], 5)],
    constants: [1],
    kind: 'convolution',
    params: { ...win(1, 0), groups: 1 },
  });
  await checkLayer({
    op: 'ConvTranspose',
    attrs: { kernel_shape: [3, 3], strides: [2, 2] },
    inputs: [randomFloat([1, 9, 5, 4], 6), randomFloat([9, 7, 3, 3], 7)],
    constants: [1],
    kind: 'deconvolution',
    params: { kernel: [3, 3], strides: [2, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], outputPadding: [0, 0], groups: 1 },
  });
  await checkLayer({
    op: 'Gemm',
    attrs: { transB: 1, alpha: 0.75, beta: 1.5 },
    inputs: [randomFloat([151, 301], 8), randomFloat([37, 301], 9), randomFloat([151, 37], 10)],
    kind: 'matmul',
    params: { transA: false, transB: true, alpha: 0.75, beta: 1.5 },
  });
} catch (e) {
  error = (e as Error).message;
}
const kernel = /(\w+) sgemm kernel/.exec(deviceQuery('cpu').description)?.[1];
console.log(JSON.stringify({ kernel, error }));
