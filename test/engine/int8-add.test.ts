/**
 * The int8 add of the cpu backend (native/cpu/quant_add.cc: the builder's int8 form of the
 * elementwise add, native/layers/quant_add.h) under every vector kernel this CPU can run
 * (portable, AVX2, AVX-512), each in a child process with HYBRIDRT_CPU_KERNEL forcing it: every
 * pair of byte values, ties, saturation at both ends, broadcasting, int8 and uint8 mixed, relu,
 * and tensors large enough to be cut among threads equal a scalar reference written in the
 * child bit for bit (helpers/int8-add-child.ts).
 */
import { expect } from 'vitest';
import { describeInt8Kernels } from './helpers/int8-kernels-suite.js';

describeInt8Kernels('int8 add', 'int8-add-child.ts', (n) => expect(n).toBe(86));
