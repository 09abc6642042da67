/**
 * The reduced-precision rewrite (native/src/builder/precision.h) on a given backend: which layers run
 * in fp16/bf16, which stay fp32 and why, that the engine's inputs and outputs keep their
 * float32 contract, that the arena shrinks, that a plan keeps it, and that the results stay
 * within a stated tolerance of the same network built in fp32 on the same backend (itself
 * checked against onnxruntime by the layer tests).
 *
 * Tolerance, relative to the output's largest magnitude: 5e-3 for fp16, 8e-2 for bf16. The
 * small CNN stores every activation in the reduced type (one rounding of 2^-11 resp. 2^-8
 * relative per layer) and accumulates in fp32. Its softmax turns the absolute error of the
 * logits into relative error of the probabilities: logits of magnitude ~10 stored in bf16
 * are off by up to 10 * 2^-8 ~ 0.04 (seen: 0.039), in fp16 by 10 * 2^-11 ~ 5e-3.
 *
 * The native buildEngine is called directly: the TypeScript buildEngine leaves the cpu
 * backend in fp32 (precisions are a cuda feature there), but the rewrite itself is
 * backend-independent, so CI checks it on the cpu backend.
 */
import { describe, expect, it } from 'vitest';
import { deserializeEngine, Engine } from '../../../src/engine/engine.js';
import { loadNative } from '../../../src/engine/native.js';
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';
import { smallCnn, smallCnnInputs } from './small-cnn.js';
import { maxRelError } from './compare.js';

export const HALF_TOL = { fp16: 5e-3, bf16: 8e-2 } as const;

async function build(net: NetworkDefinition, backend: 'cpu' | 'cuda', precisions: string[]): Promise<Engine> {
  return new Engine(await loadNative().buildEngine(net, { backend, threads: 1, precisions }));
}

/** x [1,2048] -> exp -> reduce sum over 2048 -> y; and x -> reduce mean -> z. */
function exponentNet(): NetworkDefinition {
  const d = new NetDraft('policy');
  const x = d.input('x', 'float32', [1, 2048]);
  const [e] = d.layer('unary', 'exp', [x], { op: 'exp' }, [{ dtype: 'float32', shape: [1, 2048] }]);
  const [s] = d.layer('reduce', 'sum', [e!], { op: 'sum', axes: [1], keepDims: false }, [{ dtype: 'float32', shape: [1] }]);
  const [m] = d.layer('reduce', 'mean', [x], { op: 'mean', axes: [1], keepDims: false }, [{ dtype: 'float32', shape: [1] }]);
  d.output(s!);
  d.output(m!);
  return d.finish();
}

export function precisionSuite(backend: 'cpu' | 'cuda'): void {
  describe(`reduced precision on the ${backend} backend`, () => {
    for (const p of ['fp16', 'bf16'] as const) {
      it(`${p}: float layers run in ${p}, casts at the fp32 boundary, results within ${HALF_TOL[p]} of fp32`, async () => {
        const full = await build(smallCnn(), backend, []);
        const half = await build(smallCnn(), backend, [p]);
        try {
          const info = half.info();
          // The external contract is the network's.
          expect(info.inputs).toEqual(full.info().inputs);
          expect(info.outputs).toEqual(full.info().outputs);
          const byName = new Map(info.layers.map((l) => [l.name, l]));
          for (const name of ['conv1', 'pool1', 'conv2', 'flatten', 'fc', 'prob', 'embed', 'pool_ids']) {
            expect(byName.get(name)?.precision, name).toBe(p);
          }
          const inserted = info.layers.filter((l) => l.precisionNote === 'inserted: precision conversion').map((l) => l.name);
          expect(inserted.sort()).toEqual(['pool_ids:to_fp32', 'prob:to_fp32', `x:to_${p}`].sort());
          expect(full.info().layers.every((l) => l.precision !== p && l.precisionNote === undefined)).toBe(true);
          // Activations are stored in the reduced type: less activation memory, although the
          // fp32 input and outputs are still there beside their converted copies.
          expect(info.memory.activationBytes).toBeLessThan(full.info().memory.activationBytes);
          const ctxF = full.createContext();
          const ctxH = half.createContext();
          for (const seed of [1, 2, 3]) {
            const want = (await ctxF.run(smallCnnInputs(seed))) as Float32Array[];
            const got = (await ctxH.run(smallCnnInputs(seed))) as Float32Array[];
            got.forEach((g, i) => {
              expect(g).toBeInstanceOf(Float32Array);
              expect(maxRelError(g, want[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(HALF_TOL[p]);
            });
          }
        } finally {
          full.dispose();
          half.dispose();
        }
      });
    }

    it('the addon takes fp32, fp16 and bf16 and chooses fp16 where both halves are allowed; int8 and other names are refused', async () => {
      const both = await build(smallCnn(), backend, ['fp32', 'bf16', 'fp16']);
      try {
        expect(both.info().layers.find((l) => l.name === 'conv1')?.precision).toBe('fp16');
      } finally {
        both.dispose();
      }
      for (const name of ['int8', 'fp64']) {
        await expect(build(smallCnn(), backend, [name])).rejects.toThrow(
          `build config: precision '${name}' is not one engines compute in (fp32, fp16, bf16)`,
        );
      }
    });

    it('fp16 keeps exp and a 2048-element sum in fp32 and says why; bf16 (fp32 range) runs them in bf16', async () => {
      const fp16 = await build(exponentNet(), backend, ['fp16']);
      const bf16 = await build(exponentNet(), backend, ['bf16']);
      try {
        const l16 = new Map(fp16.info().layers.map((l) => [l.name, l]));
        expect(l16.get('exp')).toMatchObject({ precision: 'fp32', precisionNote: 'kept fp32: exp overflows fp16 for inputs above 11' });
        expect(l16.get('sum')).toMatchObject({ precision: 'fp32', precisionNote: "kept fp32: a sum of 2048 elements may leave fp16's range" });
        expect(l16.get('mean')?.precision).toBe('fp16');
        const lb = new Map(bf16.info().layers.map((l) => [l.name, l]));
        expect([lb.get('exp')?.precision, lb.get('sum')?.precision, lb.get('mean')?.precision]).toEqual(['bf16', 'bf16', 'bf16']);
        // exp(x) for x near 12 overflows fp16 (65504) but not in fp32: the kept-fp32 path is exact enough.
        const x = randomFloat([1, 2048], 9, 11, 12).data as Float32Array;
        const [sum] = (await fp16.createContext().run([x])) as Float32Array[];
        let ref = 0;
        for (const v of x) ref += Math.exp(v);
        expect(Math.abs(sum![0]! - ref) / ref).toBeLessThan(1e-5);
      } finally {
        fp16.dispose();
        bf16.dispose();
      }
    });

    it('a plan keeps the rewritten network: same precisions and notes after deserialize', async () => {
      const half = await build(smallCnn(), backend, ['fp16']);
      const again = await deserializeEngine(half.serialize());
      try {
        const strip = (e: Engine) => e.info().layers.map(({ name, kind, precision, precisionNote }) => ({ name, kind, precision, precisionNote }));
        expect(strip(again)).toEqual(strip(half));
        const a = (await half.createContext().run(smallCnnInputs(4))) as Float32Array[];
        const b = (await again.createContext().run(smallCnnInputs(4))) as Float32Array[];
        expect(b.map((t) => Array.from(t))).toEqual(a.map((t) => Array.from(t)));
      } finally {
        half.dispose();
        again.dispose();
      }
    });
  });
}
