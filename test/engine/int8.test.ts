/**
 * The int8 convolution and matmul of the cpu backend (native/cpu/quant_conv.cc,
 * quant_matmul.cc, igemm*.cc) under every int8 micro-kernel this CPU can run (portable, AVX2,
 * AVX-512 VNNI), each in a child process with HYBRIDRT_CPU_KERNEL forcing it (the choice is
 * made once per process): random geometries (1 to 3 spatial dims, groups, strides, dilations,
 * pads; int8 and uint8 inputs with zero points; per-tensor and per-channel weight scales; bias,
 * residual, relu; float32, int8 and uint8 outputs) equal a scalar reference written in the
 * child bit for bit (helpers/int8-variant-child.ts).
 */
import { expect } from 'vitest';
import { describeInt8Kernels } from './helpers/int8-kernels-suite.js';

describeInt8Kernels('int8 micro-kernels', 'int8-variant-child.ts', (n) => expect(n).toBeGreaterThan(90));
