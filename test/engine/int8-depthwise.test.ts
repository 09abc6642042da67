/**
 * The int8 depthwise convolution summed in integers (native/cpu/quant_depthwise.cc, the
 * `int8_depthwise` tactic of quant_conv.cc) under every int8 kernel this CPU can run (portable,
 * AVX2, AVX-512 VNNI), each in a child process with HYBRIDRT_CPU_KERNEL forcing it (the choice
 * is made once per process): MobileNet's and EfficientNet's 3x3 and 5x5 depthwise shapes and
 * their edges, on 1 and 2 threads, equal an integer reference bit for bit
 * (helpers/int8-depthwise-child.ts).
 */
import { expect } from 'vitest';
import { describeInt8Kernels } from './helpers/int8-kernels-suite.js';

describeInt8Kernels('int8 depthwise in integers', 'int8-depthwise-child.ts', (n) => expect(n).toBe(60));
