/**
 * The squeeze-excite fusion on the cuda backend (native/src/builder/fusion.h: a mean over H, W, two
 * 1x1 convolutions and the multiply by the gate as one reduce layer with an excite tail): x *
 * gate (or the gate, where it is a network output and the multiply stays) against a float64
 * reference from the engine's own input to the mean (the `t` output), and the block's output
 * against the same network built without fusion.
 *
 * Shapes cover each path of native/cuda/reduce.cu: C = 12 (fp16: the scalar column kernel and
 * the separate scale; fp32: row means), C = 32 over 20x20 (fp16: 8 columns per thread, many
 * slices per channel, the gate and scale in one kernel),
 * C = 1152 with Cr = 48 at 7x7 (one slice per channel, efficientnet's last stage), and
 * C = 12800 (the tail's scratch exceeds shared memory and lives in global memory).
 *
 * Tolerances, of the output's scale: fp32 1e-5 (float accumulation of at most 12800 terms
 * against float64). fp16 2e-2: the weights are fp16 (2^-11 relative each), t and the gate are
 * stored in fp16, and the unfused build also rounds the mean and the hidden layer to fp16.
 */
import { expect, it } from 'vitest';
import { buildEngine, type Engine } from '../../src/engine/engine.js';
import { describeIf } from '../helpers/skip.js';
import { exciteNet, exciteReference, scaleReference, type ExciteShape } from '../engine/helpers/excite-net.js';
import { randomFloat } from '../engine/helpers/random.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { maxRelError } from '../engine/helpers/compare.js';

async function outputsOf(engine: Engine, inputs: Float32Array[]): Promise<Float32Array[]> {
  return (await engine.createContext().run(inputs)) as Float32Array[];
}

const shapes: ExciteShape[] = [
  { batch: 2, inChannels: 3, channels: 12, hidden: 3, spatial: 5 },
  { batch: 3, inChannels: 4, channels: 32, hidden: 8, spatial: 20 },
  { batch: 2, inChannels: 8, channels: 1152, hidden: 48, spatial: 7 },
  { batch: 1, inChannels: 2, channels: 12800, hidden: 4, spatial: 3 },
];

describeIf(CUDA, 'squeeze-excite fusion (cuda)', NO_CUDA, () => {
  for (const precision of ['fp32', 'fp16'] as const) {
    const tol = precision === 'fp32' ? 1e-5 : 2e-2;
    for (const base of shapes) {
      for (const gateIsOutput of [false, true]) {
        const s: ExciteShape = { ...base, gateIsOutput };
        const what = gateIsOutput ? 'the gate (an output: the multiply stays)' : 'x * gate (the multiply fused)';
        const label = `${precision}, N=${s.batch} C=${s.channels} Cr=${s.hidden} ${s.spatial}x${s.spatial}`;
        it(`${label}: ${what} as a float64 reference, the block as unfused, within ${tol}`, async () => {
          const fused = await buildEngine(exciteNet(s), { backend: 'cuda', precisions: [precision] });
          const plain = await buildEngine(exciteNet(s), { backend: 'cuda', precisions: [precision], fusion: false });
          try {
            expect(fused.info().build.fusions.excite).toBe(1);
            const se = fused.info().layers.find((l) => l.name === 'se_mean')!;
            const merged = ['fc1', 'fc1_sig', 'fc1_mul', 'fc2', 'gate', ...(gateIsOutput ? [] : ['scale'])];
            expect([se.kind, se.fusedFrom]).toEqual(['reduce', merged]);
            const errors: string[] = [];
            for (const seed of [1, 2]) {
              const x = [randomFloat([s.batch, s.inChannels, s.spatial, s.spatial], seed).data as Float32Array];
              const [a, b] = [await outputsOf(fused, x), await outputsOf(plain, x)];
              const g = exciteReference(s, a[2]!);
              const want = gateIsOutput ? Float32Array.from(g) : scaleReference(s, a[2]!, g);
              const e1 = maxRelError(a[1]!, want);
              if (!(e1 <= tol)) errors.push(`seed ${seed}: output 1 off the reference by ${e1}`);
              const y = maxRelError(a[0]!, b[0]!);
              if (!(y <= tol)) errors.push(`seed ${seed}: y off the unfused build by ${y}`);
            }
            expect(errors).toEqual([]);
          } finally {
            fused.dispose();
            plain.dispose();
          }
        });
      }
    }
  }
});
