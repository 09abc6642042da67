/**
 * Tile -> a reshape that puts a 1 before every dim, a broadcast of each 1 to its repeat count
 * (a `slice` with step 0: Emitter.broadcastTo), and a reshape merging each pair:
 *
 *   [d0, d1] x repeats [r0, r1]: -> [1, d0, 1, d1] -> [r0, d0, r1, d1] -> [r0·d0, r1·d1]
 *
 * which is Tile's definition (the input laid out r times along each axis). The repeats must be
 * a constant; the output shape is inference's.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  repeats: number[];
  /** The output shape, inference's. */
  out: number[];
}

function tile(sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType: 'Tile',
    sinceVersion,
    notes: 'The repeats input must be a constant; any engine dtype.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const repeats = v.constInts(1, 'repeats', 'export with static repeats so that it folds to a constant');
      v.check(repeats.length === v.in(0).shape.length, () => `${repeats.length} repeats for rank ${v.in(0).shape.length}`);
      v.check(
        repeats.every((r) => r >= 1),
        () => `repeats [${repeats}] must be at least 1 (an empty tile runs on onnxruntime)`,
      );
      return { repeats, out: [...v.out(0).shape] };
    },
    emit(e, { repeats, out }) {
      const x = e.input(0);
      if (repeats.every((r) => r === 1)) return e.output(0, x);
      const spread = e.reshape(
        x,
        x.shape.flatMap((d) => [1, d]),
        'spread',
      );
      const stretched = e.broadcastTo(
        spread,
        x.shape.flatMap((d, i) => [repeats[i]!, d]),
        'repeat',
      );
      e.output(0, e.reshape(stretched, out));
    },
  });
}

export const tileConverters: Converter[] = [tile(6), tile(13)];
