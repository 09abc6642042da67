/**
 * Concats in place in a dynamic engine (native/src/builder/alias.h; instances.cc): the planner
 * plans each shape's memory again, so a concat in place at one shape (one image) copies at
 * another (two images, each part in two blocks) and back. Against a reference written here
 * (ONNX's Concat of the producers' values: exact).
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });

/** y = -concat(-x, relu(x)) along the channels, per image. */
function reference(x: Float32Array, n: number, per: number): Float32Array {
  const y = new Float32Array(x.length * 2);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < per; k++) {
      const v = x[i * per + k]!;
      y[i * 2 * per + k] = v; // -(-v)
      y[i * 2 * per + per + k] = -Math.max(v, 0);
    }
  }
  return y;
}

describeIf(HAS_NATIVE, 'concats in place, dynamic engines', NATIVE_MISSING, () => {
  for (const opt of [1, 2]) {
    it(`built at batch ${opt}: batches 1, 2, 3, 1 give the reference`, async () => {
      const c = [8, 4, 8];
      const d = new NetDraft('concat-ranged');
      const x = d.input('x', 'float32', [opt, ...c]);
      const [a] = d.layer('unary', 'neg', [x], { op: 'neg' }, [f32([opt, ...c])]);
      const [b] = d.layer('unary', 'relu', [x], { op: 'relu' }, [f32([opt, ...c])]);
      const [cat] = d.layer('concat', 'cat', [a!, b!], { axis: 1 }, [f32([opt, 16, 4, 8])]);
      const [y] = d.layer('unary', 'y', [cat!], { op: 'neg' }, [f32([opt, 16, 4, 8])]);
      d.output(y!);
      const engine = await buildEngine({ ...d.finish(), ranges: [{ min: [1, ...c], max: [3, ...c] }] }, { backend: 'cpu' });
      try {
        const tactic = engine.info().layers.find((l) => l.name === 'cat')!.tactic;
        expect(tactic === 'alias', tactic).toBe(opt === 1);
        const ctx = engine.createContext();
        for (const n of [1, 2, 3, 1]) {
          const xv = randomFloat([n, ...c], 10 + n).data as Float32Array;
          const [got] = (await ctx.run([xv], { shapes: [[n, ...c]] })) as Float32Array[];
          expect(Array.from(got!), `batch ${n}`).toEqual(Array.from(reference(xv, n, 8 * 4 * 8)));
        }
      } finally {
        engine.dispose();
      }
    });
  }
});
