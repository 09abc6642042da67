/**
 * Pointwise chains on the cuda backend (native/src/builder/pointwise_fusion.h; the kernels NVRTC
 * compiles, native/cuda/pointwise.cc): the chain is one layer with tactic 'nvrtc', and its
 * output matches onnxruntime on the same chain (fp32: 1e-5 of the output's scale, the
 * device's erff/expf against onnxruntime's; fp16 tensors: against onnxruntime fp32 on the
 * fp16-rounded input, 1e-3, the output's one fp16 rounding plus the fp16 constants) and the
 * same network built with `pointwise: false` (separate kernels).
 *
 * Shapes reach each path of the generated code: 8 outputs per thread with 16-byte accesses
 * (fp16 in and out), 4 per thread (fp32, or fp16 in and fp32 out), a bias broadcast along
 * the last dim (stride 0) beside contiguous inputs, and one output per thread with general
 * broadcasting (last dim 6). Also: CUDA graph capture and a plan round trip (compiled again
 * on load), and dynamic engines, whose chains take their sizes as kernel arguments
 * ('nvrtc_sizes': one compiled kernel serves every shape that merges alike), held to static
 * engines of each shape (fp32 within 1e-6 of the scale; fp16 bit-equal: the same fp32
 * arithmetic and one rounding).
 */
import { expect, it } from 'vitest';
import { type Engine, buildEngine, deserializeEngine } from '../../src/engine/engine.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { describeIf } from '../helpers/skip.js';
import { type Chain, broadcastIO, chainFeeds, chainNetwork, chainReference, gelu16Network, geluChain } from '../engine/helpers/chain-net.js';
import { maxRelError } from '../engine/helpers/compare.js';
import { randomFloat } from '../engine/helpers/random.js';
import { CUDA, NO_CUDA } from './helpers.js';

const computeLayers = (e: Engine) => e.info().layers.filter((l) => l.kind !== 'constant');

const gelu = (shape: number[]): Chain => ({ ...geluChain, inputs: [{ name: 'x', shape }] });

const biasTanh: Chain = {
  inputs: [
    { name: 'x', shape: [8, 256] },
    { name: 'r', shape: [8, 256] },
  ],
  constants: [{ name: 'b', shape: [256], values: Array.from({ length: 256 }, (_, i) => Math.sin(i)) }],
  steps: [
    { op: 'Add', inputs: ['x', 'b'], output: 'xb' },
    { op: 'Tanh', inputs: ['xb'], output: 'th' },
    { op: 'Mul', inputs: ['th', 'r'], output: 'y' },
  ],
  outputs: ['y'],
};

const broadcasting: Chain = {
  ...broadcastIO,
  steps: [
    { op: 'Add', inputs: ['x', 'b'], output: 't' },
    { op: 'LeakyRelu', inputs: ['t'], output: 'l', alpha: 0.2 },
    { op: 'Mul', inputs: ['l', 'z'], output: 'm' },
    { op: 'Clip', inputs: ['m'], output: 'y', min: -1, max: 1.5 },
  ],
  outputs: ['y'],
};

describeIf(CUDA, 'pointwise chains (cuda, NVRTC)', NO_CUDA, () => {
  const cases: Array<[string, Chain]> = [
    ['GELU [2,8,64] (4 per thread)', gelu([2, 8, 64])],
    ['GELU [3,5,7] (1 per thread)', gelu([3, 5, 7])],
    ['bias + tanh * r [8,256] (a stride-0 bias beside contiguous inputs)', biasTanh],
    ['add, leaky_relu, mul, clip with broadcasting [2,4,6]', broadcasting],
  ];
  for (const [label, chain] of cases) {
    it(`fp32 ${label}: one nvrtc layer, as onnxruntime within 1e-5, as separate kernels within 1e-6`, async () => {
      const net = chainNetwork(chain);
      const fused = await buildEngine(net, { backend: 'cuda' });
      const plain = await buildEngine(net, { backend: 'cuda', pointwise: false });
      try {
        const last = computeLayers(fused).at(-1)!;
        expect([last.kind, last.tactic]).toEqual(['pointwise', 'nvrtc']);
        expect(computeLayers(plain).some((l) => l.kind === 'pointwise')).toBe(false);
        const feeds = chainFeeds(chain, 4);
        const args = chain.inputs.map((i) => feeds[i.name]!.data as Float32Array);
        const want = await chainReference(chain, feeds);
        const [have] = (await fused.createContext().run(args)) as Float32Array[];
        const [separate] = (await plain.createContext().run(args)) as Float32Array[];
        expect(maxRelError(have!, want[0]!)).toBeLessThanOrEqual(1e-5);
        expect(maxRelError(have!, separate!)).toBeLessThanOrEqual(1e-6);
      } finally {
        fused.dispose();
        plain.dispose();
      }
    });
  }

  for (const castOutput of [false, true]) {
    const shape = [4, 128, 3072];
    const what = castOutput ? 'fp16 in, fp32 out (4 per thread)' : 'fp16 in and out (8 per thread, 16-byte accesses)';
    it(`GELU on fp16 tensors [${shape}], ${what}: as onnxruntime on the rounded input within 1e-3`, async () => {
      const e = await buildEngine(gelu16Network(shape, castOutput), { backend: 'cuda' });
      try {
        expect(computeLayers(e).map((l) => [l.kind, l.tactic])).toEqual([['pointwise', 'nvrtc']]);
        const x32 = randomFloat(shape, 9, -4, 4).data as Float32Array;
        const bits = Uint16Array.from(x32, (v) => float32ToFloat16Bits(v));
        const rounded = Float32Array.from(bits, (b) => float16BitsToFloat32(b));
        const [want] = await chainReference(gelu(shape), { x: { dtype: 'float32', dims: shape, data: rounded } });
        const [out] = (await e.createContext().run([bits])) as Array<Float32Array | Uint16Array>;
        const have = castOutput ? (out as Float32Array) : Float32Array.from(out as Uint16Array, (b) => float16BitsToFloat32(b));
        expect(maxRelError(have, want!)).toBeLessThanOrEqual(1e-3);
      } finally {
        e.dispose();
      }
    });
  }

  it('is captured in the CUDA graph (bit-equal replays) and compiled again from a plan (bit-equal)', async () => {
    const e = await buildEngine(chainNetwork(biasTanh), { backend: 'cuda' });
    const again = await deserializeEngine(e.serialize());
    try {
      const feeds = chainFeeds(biasTanh, 6);
      const args = biasTanh.inputs.map((i) => feeds[i.name]!.data as Float32Array);
      const ctx = e.createContext();
      const first = Array.from(((await ctx.run(args)) as Float32Array[])[0]!);
      for (let i = 0; i < 3; i++) expect(Array.from(((await ctx.run(args)) as Float32Array[])[0]!)).toEqual(first);
      expect(ctx.graph).toBe('captured');
      expect(computeLayers(again).map((l) => [l.kind, l.tactic])).toEqual(computeLayers(e).map((l) => [l.kind, l.tactic]));
      expect(Array.from(((await again.createContext().run(args)) as Float32Array[])[0]!)).toEqual(first);
    } finally {
      e.dispose();
      again.dispose();
    }
  });

  it("a dynamic engine's chain takes its sizes as arguments ('nvrtc_sizes'): every shape agrees with a static engine of that shape", async () => {
    // x, r [n, 256] with the bias [256]: merged dims [n, 256], or [256] alone at n = 1 (another kernel).
    const chain = (n: number): Chain => ({ ...biasTanh, inputs: biasTanh.inputs.map((i) => ({ ...i, shape: [n, 256] })) });
    const ranges = [0, 1].map(() => ({ min: [1, 256], max: [16, 256] }));
    const e = await buildEngine({ ...chainNetwork(biasTanh), ranges }, { backend: 'cuda' });
    try {
      expect(computeLayers(e).map((l) => [l.kind, l.tactic])).toEqual([['pointwise', 'nvrtc_sizes']]);
      const ctx = e.createContext();
      for (const n of [8, 1, 16, 5, 3, 1, 8]) {
        const feeds = chainFeeds(chain(n), n);
        const args = biasTanh.inputs.map((i) => feeds[i.name]!.data as Float32Array);
        const [have] = (await ctx.run(args, {
          shapes: [
            [n, 256],
            [n, 256],
          ],
        })) as Float32Array[];
        const fixed = await buildEngine(chainNetwork(chain(n)), { backend: 'cuda' });
        try {
          expect(computeLayers(fixed).map((l) => l.tactic)).toEqual(['nvrtc']);
          const [want] = (await fixed.createContext().run(args)) as Float32Array[];
          expect(maxRelError(have!, want!), `n = ${n}`).toBeLessThanOrEqual(1e-6);
        } finally {
          fixed.dispose();
        }
      }
    } finally {
      e.dispose();
    }
  });

  it('a dynamic chain whose merged dims are not powers of two ([n, 7, 5] with a [7, 1] bias): the magic-number division', async () => {
    // The bias walks dim 1 only, so nothing merges: three dims, divisors 5 and 7 (and n, whose quotient is 0).
    const chain = (n: number): Chain => ({
      inputs: [
        { name: 'x', shape: [n, 7, 5] },
        { name: 'r', shape: [n, 7, 5] },
      ],
      constants: [{ name: 'b', shape: [7, 1], values: [0.5, -1, 2, 0.25, -0.75, 1.5, -2] }],
      steps: biasTanh.steps,
      outputs: ['y'],
    });
    const e = await buildEngine({ ...chainNetwork(chain(4)), ranges: [0, 1].map(() => ({ min: [1, 7, 5], max: [9, 7, 5] })) }, { backend: 'cuda' });
    try {
      expect(computeLayers(e).map((l) => l.tactic)).toEqual(['nvrtc_sizes']);
      const ctx = e.createContext();
      for (const n of [4, 1, 9, 7]) {
        const feeds = chainFeeds(chain(n), 20 + n);
        const args = ['x', 'r'].map((k) => feeds[k]!.data as Float32Array);
        const [have] = (await ctx.run(args, {
          shapes: [
            [n, 7, 5],
            [n, 7, 5],
          ],
        })) as Float32Array[];
        const [want] = await chainReference(chain(n), feeds);
        expect(maxRelError(have!, want!), `n = ${n}`).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      e.dispose();
    }
  });

  it('an fp16 dynamic chain keeps 8 outputs per thread where the shape allows, and one where it does not', async () => {
    // [b, s, 64]: the last dim a multiple of 8 (vector accesses); the static engine of each shape is the reference.
    const net = (b: number, s: number) => gelu16Network([b, s, 64], false);
    const e = await buildEngine({ ...net(2, 16), ranges: [{ min: [1, 1, 64], max: [4, 40, 64] }] }, { backend: 'cuda' });
    try {
      expect(computeLayers(e).map((l) => l.tactic)).toEqual(['nvrtc_sizes']);
      const ctx = e.createContext();
      for (const [b, s] of [
        [2, 16],
        [1, 1],
        [4, 40],
        [3, 7],
      ] as const) {
        const x = Uint16Array.from(randomFloat([b, s, 64], b * 100 + s, -4, 4).data as Float32Array, (v) => float32ToFloat16Bits(v));
        const [have] = (await ctx.run([x], { shapes: [[b, s, 64]] })) as Uint16Array[];
        const fixed = await buildEngine(net(b, s), { backend: 'cuda' });
        try {
          const [want] = (await fixed.createContext().run([x])) as Uint16Array[];
          expect(Array.from(have!), `[${b},${s},64]`).toEqual(Array.from(want!));
        } finally {
          fixed.dispose();
        }
      }
    } finally {
      e.dispose();
    }
  });
});
