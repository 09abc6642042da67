/**
 * Pad -> one `pad` layer with begin/end pads at full rank (negative pads crop). Opset 2 has
 * pads/value attributes; from 11 pads and constant_value are inputs, which must be
 * constants; 18 adds an `axes` input (pads for those axes only); 19 adds mode 'wrap'.
 */
import type { ParamsOf } from '../src/engine/builder.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

type Mode = ParamsOf<'pad'>['mode'];
const HINT = 'make it a constant (an initializer) or export with static shapes';

function pad(sinceVersion: number): Converter {
  const modes: Mode[] = sinceVersion >= 19 ? ['constant', 'reflect', 'edge', 'wrap'] : ['constant', 'reflect', 'edge'];
  return defineConverter<ParamsOf<'pad'>>({
    opType: 'Pad',
    sinceVersion,
    notes: `Modes ${modes.join(', ')}${sinceVersion >= 11 ? '; pads, constant_value and axes must be constants' : ''}.`,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const shape = v.in(0).shape;
      const rank = shape.length;
      const mode = v.choice<Mode>('mode', 'constant', modes);
      let pads: number[];
      let value = 0;
      let axes = shape.map((_, i) => i);
      if (sinceVersion >= 11) {
        pads = v.constInts(1, 'pads', HINT);
        if (v.has(2)) value = v.constNumbers(2, 'constant_value', HINT)[0] ?? 0;
        if (sinceVersion >= 18 && v.has(3)) axes = v.constInts(3, 'axes', HINT).map((a) => v.axis(a, rank, 'axes'));
      } else {
        pads = v.ints('pads') ?? v.fail('the pads attribute is missing');
        value = v.float('value', 0);
      }
      v.check(new Set(axes).size === axes.length, () => `axes [${axes}] repeat an axis`);
      v.check(pads.length === 2 * axes.length, () => `pads has ${pads.length} values for ${axes.length} axes`);
      const padsBegin = new Array<number>(rank).fill(0);
      const padsEnd = new Array<number>(rank).fill(0);
      axes.forEach((a, i) => {
        padsBegin[a] = pads[i]!;
        padsEnd[a] = pads[i + axes.length]!;
      });
      for (let i = 0; i < rank; i++) {
        // Negative pads crop first (ONNX reference, onnxruntime); the mode pads what is left.
        const kept = shape[i]! + Math.min(padsBegin[i]!, 0) + Math.min(padsEnd[i]!, 0);
        v.check(kept >= 0, () => `pads [${pads}] crop more than [${shape}] holds`);
        const grows = padsBegin[i]! > 0 || padsEnd[i]! > 0;
        if (mode === 'reflect' && grows) {
          v.check(
            padsBegin[i]! < kept && padsEnd[i]! < kept,
            () => `reflect pads in dim ${i} must be smaller than its size after cropping (${kept})`,
          );
        }
        if (mode !== 'constant' && grows) v.check(kept > 0, () => `${mode} padding of the empty dim ${i}`);
      }
      return { mode, padsBegin, padsEnd, value };
    },
    emit(e, p) {
      e.output(0, e.add('pad', [e.input(0)], p));
    },
  });
}

export const padConverters: Converter[] = [pad(2), pad(11), pad(18), pad(19)];
