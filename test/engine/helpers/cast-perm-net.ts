/**
 * Transposing casts (the builder form the layout pass makes of a cast next to a transpose),
 * hand-written, for the cpu (test/engine/fusion.test.ts) and cuda (test/gpu/speed.test.ts)
 * tests:
 *
 *   x [2, 3, 4, 5] float32 -> cast to float16, perm [0, 2, 3, 1] -> h [2, 4, 5, 3]
 *   h -> cast to float32, perm [0, 3, 1, 2] -> back [2, 3, 4, 5]   (x again, for x exact in fp16)
 *   x -> cast to int32, perm [3, 1, 0, 2] -> i [5, 3, 2, 4]           (truncated toward zero)
 *
 * `castPermExpectedInt` transposes independently of the engine; `expectCastPerm` runs an
 * engine built from `castPermNet` and checks both outputs.
 */
import { expect } from 'vitest';
import type { Engine } from '../../../src/engine/engine.js';
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';

export const CAST_PERM_SHAPE = [2, 3, 4, 5];

export function castPermNet(): NetworkDefinition {
  const d = new NetDraft('cast_perm');
  const x = d.input('x', 'float32', CAST_PERM_SHAPE);
  const [h] = d.layer('cast', 'to_half', [x], { to: 'float16', perm: [0, 2, 3, 1] }, [{ dtype: 'float16', shape: [2, 4, 5, 3] }]);
  const [back] = d.layer('cast', 'to_float', [h!], { to: 'float32', perm: [0, 3, 1, 2] }, [{ dtype: 'float32', shape: [2, 3, 4, 5] }]);
  const [i] = d.layer('cast', 'to_int', [x], { to: 'int32', perm: [3, 1, 0, 2] }, [{ dtype: 'int32', shape: [5, 3, 2, 4] }]);
  d.output(back!);
  d.output(i!);
  return d.finish();
}

/** x: quarters in [-64, 64), exact in fp16. */
export function castPermInput(): Float32Array {
  const n = CAST_PERM_SHAPE.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, k) => ((k * 37) % 512) / 4 - 64);
}

/** x transposed by perm, truncated to integers. */
export function castPermExpectedInt(x: Float32Array): Int32Array {
  const [n, c, h, w] = CAST_PERM_SHAPE as [number, number, number, number];
  const out = new Int32Array(x.length);
  let k = 0;
  for (let a = 0; a < w; a++) {
    for (let b = 0; b < c; b++) {
      for (let e = 0; e < n; e++) {
        for (let f = 0; f < h; f++) out[k++] = Math.trunc(x[((e * c + b) * h + f) * w + a]!);
      }
    }
  }
  return out;
}

/** Runs `engine` (built from castPermNet) and checks both outputs against the references. */
export async function expectCastPerm(engine: Engine): Promise<void> {
  const x = castPermInput();
  const [back, ints] = (await engine.createContext().run([x])) as [Float32Array, Int32Array];
  expect(Array.from(back)).toEqual(Array.from(x));
  expect(Array.from(ints)).toEqual(Array.from(castPermExpectedInt(x)));
}
