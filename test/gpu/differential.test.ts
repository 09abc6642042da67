/**
 * Differential on the cuda backend (test/helpers/differential-suite.ts; the cpu backend runs
 * it in test/runtime/differential.test.ts): the hybrid executor (cuda engines + onnxruntime
 * fallbacks) against onnxruntime alone, with fallbacks forced at random to create many segment
 * boundaries; here also every engine-to-engine hand-over must carry zero host bytes. Seed 0
 * forces no fallback (the whole model on cuda where supported).
 *
 * Error measure: max |hybrid - ort| / max |ort| per output (test/runtime/helpers.ts), at most
 * 1e-4 in fp32 (TF32 off; cuDNN and cuBLASLt sum in other orders than onnxruntime).
 */
import { differentialCases, differentialSuite, seedRange } from '../helpers/differential-suite.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA } from './helpers.js';

const { examples, light } = differentialCases({ resnet: seedRange(1, 8), transformer: seedRange(101, 8), light: () => [0, 7, 8] });

describeIf(CUDA, 'differential (cuda)', NO_CUDA, () =>
  differentialSuite([...examples, ...light], {
    backend: 'cuda',
    tolerance: 1e-4,
    boundaries: 'some',
    checkReport: false,
    checkHandovers: true,
  }),
);
