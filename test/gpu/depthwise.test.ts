/**
 * Our depthwise kernel (native/cuda/depthwise.cu, tactic "depthwise_nhwc"), forced with
 * HYBRIDRT_CONV_TACTIC so that it runs whether or not it is the fastest, against the same
 * network in fp32 on cuDNN (NCHW, no fusion of ours), for each kernel size and stride, a
 * fused activation (relu6, silu) and a residual:
 *
 *   x [N, 8, S, S] -> expand 1x1 8->C (+b) -> dw KxK stride s (+b, act) [-> + expand output when s = 1]
 *     -> project 1x1 C->8 (+b) = y
 *
 * A relu6 expansion in front (weights scaled so that it clips) makes the layout pass move the
 * clip into the depthwise layer (layout.h: inputClip): our kernel clips as it loads, cuDNN's
 * tactics read a clipped copy; each is forced in turn.
 *
 * Tolerance 2e-2 of the output's scale: fp16 stores round each activation to 2^-11 relative
 * and the weights too, over three convolutions (as speed.test.ts's fp16 against fp32).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { NetDraft } from '../engine/helpers/net.js';
import { randomFloat } from '../engine/helpers/random.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { maxRelError } from '../engine/helpers/compare.js';

interface Case {
  batch: number;
  channels: number;
  spatial: number;
  k: number;
  stride: number;
  act: { op: string; min?: number; max?: number } | undefined;
  residual: boolean;
  /** relu6 on the expansion, weights large enough that it clips. */
  expandRelu6?: boolean;
}

function dwNet(c: Case): NetworkDefinition {
  const d = new NetDraft('depthwise');
  const { batch: n, channels: ch, spatial: s, k, stride } = c;
  const pad = (k - 1) / 2;
  const os = Math.floor((s + 2 * pad - k) / stride) + 1;
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const win = (kk: number, st: number, p: number, groups: number) => ({
    kernel: [kk, kk],
    strides: [st, st],
    dilations: [1, 1],
    padsBegin: [p, p],
    padsEnd: [p, p],
    groups,
  });
  const x = d.input('x', 'float32', [n, 8, s, s]);
  const r0 = c.expandRelu6 ? 2.5 : 0.4;
  const w0 = d.constant('w0', 'float32', [ch, 8, 1, 1], randomFloat([ch, 8, 1, 1], 1, -r0, r0).data);
  const b0 = d.constant('b0', 'float32', [ch], randomFloat([ch], 2).data);
  const expandParams = { ...win(1, 1, 0, 1), ...(c.expandRelu6 ? { activation: { op: 'clip', min: 0, max: 6 } } : {}) };
  const [e] = d.layer('convolution', 'expand', [x, w0, b0], expandParams, [f32([n, ch, s, s])]);
  const w1 = d.constant('w1', 'float32', [ch, 1, k, k], randomFloat([ch, 1, k, k], 3, -0.4, 0.4).data);
  const b1 = d.constant('b1', 'float32', [ch], randomFloat([ch], 4).data);
  const dwParams = { ...win(k, stride, pad, ch), ...(c.act ? { activation: c.act } : {}), ...(c.residual ? { residual: true } : {}) };
  const [t] = d.layer('convolution', 'dw', c.residual ? [e!, w1, b1, e!] : [e!, w1, b1], dwParams, [f32([n, ch, os, os])]);
  const w2 = d.constant('w2', 'float32', [8, ch, 1, 1], randomFloat([8, ch, 1, 1], 5, -0.3, 0.3).data);
  const b2 = d.constant('b2', 'float32', [8], randomFloat([8], 6).data);
  const [y] = d.layer('convolution', 'project', [t!, w2, b2], win(1, 1, 0, 1), [f32([n, 8, os, os])]);
  d.output(y!);
  return d.finish();
}

const relu6 = { op: 'clip', min: 0, max: 6 };
const cases: Case[] = [
  { batch: 2, channels: 32, spatial: 11, k: 3, stride: 1, act: relu6, residual: false },
  { batch: 2, channels: 96, spatial: 12, k: 3, stride: 2, act: relu6, residual: false },
  { batch: 1, channels: 264, spatial: 9, k: 5, stride: 1, act: { op: 'silu' }, residual: false },
  { batch: 3, channels: 40, spatial: 10, k: 5, stride: 2, act: undefined, residual: false },
  { batch: 1, channels: 16, spatial: 8, k: 7, stride: 1, act: { op: 'silu' }, residual: true },
];

describeIf(CUDA, 'depthwise kernel (cuda)', NO_CUDA, () => {
  let before: string | undefined;
  beforeEach(() => {
    before = process.env.HYBRIDRT_CONV_TACTIC;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.HYBRIDRT_CONV_TACTIC;
    else process.env.HYBRIDRT_CONV_TACTIC = before;
  });

  for (const c of cases) {
    const label = `C=${c.channels} ${c.k}x${c.k}/${c.stride}, ${c.act?.op ?? 'no activation'}${c.residual ? ', residual' : ''}`;
    it(`${label}: fp16 channels-last as fp32 cuDNN within 2e-2`, async () => {
      const ref = await buildEngine(dwNet(c), { backend: 'cuda', fusion: false });
      process.env.HYBRIDRT_CONV_TACTIC = 'depthwise_nhwc';
      const ours = await buildEngine(dwNet(c), { backend: 'cuda', precisions: ['fp16'] });
      try {
        const dw = ours.info().layers.find((l) => l.name === 'dw')!;
        expect([dw.tactic, dw.layout]).toEqual(['depthwise_nhwc', 'nhwc']);
        for (const seed of [1, 2]) {
          const x = randomFloat([c.batch, 8, c.spatial, c.spatial], seed).data as Float32Array;
          const [want] = (await ref.createContext().run([x])) as Float32Array[];
          const [have] = (await ours.createContext().run([x])) as Float32Array[];
          expect(maxRelError(have!, want!), `seed ${seed}`).toBeLessThanOrEqual(2e-2);
        }
      } finally {
        ref.dispose();
        ours.dispose();
      }
    });
  }

  it('a relu6 expansion feeding it: the clip moves into the depthwise layer; ours clips on load, cuDNN reads a clipped copy; both as fp32 within 2e-2', async () => {
    const c: Case = { batch: 2, channels: 48, spatial: 10, k: 3, stride: 1, act: relu6, residual: false, expandRelu6: true };
    const ref = await buildEngine(dwNet(c), { backend: 'cuda', fusion: false });
    const x = randomFloat([c.batch, 8, c.spatial, c.spatial], 5).data as Float32Array;
    const [want] = (await ref.createContext().run([x])) as Float32Array[];
    ref.dispose();
    const errors: string[] = [];
    for (const [env, value, tactic] of [
      ['HYBRIDRT_CONV_TACTIC', 'depthwise_nhwc', /^depthwise_nhwc$/],
      ['HYBRIDRT_DEPTHWISE', '0', /^cudnn/],
    ] as const) {
      process.env[env] = value;
      try {
        const ours = await buildEngine(dwNet(c), { backend: 'cuda', precisions: ['fp16'] });
        try {
          const got = ours.info().layers.find((l) => l.name === 'dw')!.tactic;
          if (!tactic.test(got)) errors.push(`${env}=${value}: tactic ${got}`);
          const [have] = (await ours.createContext().run([x])) as Float32Array[];
          const e = maxRelError(have!, want!);
          if (!(e <= 2e-2)) errors.push(`${env}=${value}: ${got} off fp32 by ${e}`);
        } finally {
          ours.dispose();
        }
      } finally {
        delete process.env[env];
      }
    }
    expect(errors).toEqual([]);
  });

  it('channels not a multiple of 8: not a candidate, cuDNN runs it', async () => {
    process.env.HYBRIDRT_CONV_TACTIC = 'depthwise_nhwc';
    const engine = await buildEngine(dwNet({ ...cases[0]!, channels: 12 }), { backend: 'cuda', precisions: ['fp16'] });
    try {
      expect(engine.info().layers.find((l) => l.name === 'dw')!.tactic).toMatch(/^cudnn/);
    } finally {
      engine.dispose();
    }
  });
});
