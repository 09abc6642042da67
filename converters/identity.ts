/**
 * Identity and inference-mode Dropout: the output is the input tensor itself (no layer; the
 * segment converter adds a copy only where a segment output would otherwise alias an input
 * or another output). Dropout's optional mask is all ones in inference, so it becomes a
 * constant. Training-mode Dropout (is_test=0 before opset 7, a true training_mode from
 * opset 12) is random and is rejected, except with a constant ratio of 0, which keeps every
 * element (the identity, with a mask of all ones).
 */
import type { EngineDType } from '../src/engine/network.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter, tensorOf } from './define.js';
import { tensorNumbers } from './node-view.js';
import type { Converter } from './types.js';

const identity = defineConverter<null>({
  opType: 'Identity',
  sinceVersion: 1,
  notes: 'Tensors only (not sequences or optionals).',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    return null;
  },
  emit(e) {
    e.output(0, e.input(0));
  },
});

type Mask = { dtype: EngineDType; shape: number[] } | undefined;

function dropout(sinceVersion: number): Converter {
  return defineConverter<Mask>({
    opType: 'Dropout',
    sinceVersion,
    notes:
      sinceVersion === 1
        ? 'Inference only: is_test must be 1; the mask output is not filled in that mode and must be unused.'
        : sinceVersion === 12
          ? 'Inference, or training_mode true with a constant ratio of 0 (every element kept): training_mode must be a constant.'
          : 'Inference (the mask output is all ones).',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      if (sinceVersion === 1) {
        v.check(v.int('is_test', 0) !== 0, () => 'is_test=0 asks for training-mode (random) dropout; export the model in inference (eval) mode');
        v.check(!v.hasOutput(1), () => 'the mask output is not defined in test mode; leave it unused');
      }
      if (sinceVersion >= 12 && v.has(2)) {
        const t = v.constant(2);
        v.check(t !== undefined, () => 'training_mode is computed at run time; engines run inference only (make it a constant false)');
        // Training with ratio 0 keeps every element and scales by 1/(1-0): the identity (what
        // torchvision's swin_t exports for its stochastic depth at p=0).
        const ratio = v.has(1) ? v.constant(1) : undefined;
        const keepsAll = ratio !== undefined && tensorNumbers(ratio).every((x) => x === 0);
        v.check(
          tensorNumbers(t!).every((x) => x === 0) || keepsAll,
          () => 'training_mode is true with a ratio that is not a constant 0 (random dropout); engines run inference only',
        );
      }
      if (!v.hasOutput(1)) return undefined;
      const m = v.out(1);
      return { dtype: m.dtype as EngineDType, shape: m.shape };
    },
    emit(e, mask) {
      e.output(0, e.input(0));
      if (mask) {
        const n = mask.shape.reduce((a, b) => a * b, 1);
        e.output(1, e.constant(tensorOf(mask.dtype, mask.shape, new Array<number>(n).fill(1)), 'mask'));
      }
    },
  });
}

export const identityConverters: Converter[] = [identity, dropout(1), dropout(7), dropout(12)];
