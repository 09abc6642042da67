/**
 * The `depthwise` tactic of the cpu convolution (native/cpu/depthwise.cc): one channel per
 * group, strides 1 or 2, the output as wide as the input (or its stride-2 phases). Each block
 * of 16 outputs of a plane reads a tap with one masked load from the unpadded input (strided:
 * from its phase planes), so what matters is where the masks cut: planes smaller than a block
 * (4x4, 3x3) or not a multiple of it (7x7, 13x17), several lines in one block, 5x5 and dilated
 * taps whose padding covers whole lines, asymmetric pads that keep the width but change the
 * height, odd sizes under stride 2 (phases of unequal size), 1-D, batches, fused activations. Against
 * onnxruntime; tolerance: helpers/compare.ts (1e-5 of the output's scale). The AVX2 and
 * portable forms: depthwise-kernels.test.ts runs this file with HYBRIDRT_CPU_KERNEL=avx2 / portable.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

interface Dw {
  x: number[]; // N, C, spatial...
  kernel: number[];
  pads: number[]; // begins then ends
  dilations?: number[];
  strides?: number[];
}

function params(g: Dw) {
  const sp = g.kernel.length;
  return {
    kernel: g.kernel,
    strides: g.strides ?? Array(sp).fill(1),
    padsBegin: g.pads.slice(0, sp),
    padsEnd: g.pads.slice(sp),
    dilations: g.dilations ?? Array(sp).fill(1),
    groups: g.x[1]!,
  };
}

function outShape(g: Dw): number[] {
  const p = params(g);
  return [
    g.x[0]!,
    g.x[1]!,
    ...g.kernel.map((k, i) => Math.floor((g.x[2 + i]! + p.padsBegin[i]! + p.padsEnd[i]! - p.dilations[i]! * (k - 1) - 1) / p.strides[i]!) + 1),
  ];
}

async function dw(g: Dw, opts: { bias?: boolean; seed?: number; then?: { op: string; attrs?: Record<string, number> }; activation?: object } = {}) {
  const seed = opts.seed ?? 3;
  const inputs = [randomFloat(g.x, seed), randomFloat([g.x[1]!, 1, ...g.kernel], seed + 1)];
  if (opts.bias) inputs.push(randomFloat([g.x[1]!], seed + 2));
  const p = params(g);
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: g.kernel, strides: p.strides, pads: g.pads, dilations: p.dilations, group: p.groups },
    inputs,
    constants: inputs.map((_, i) => i).slice(1),
    kind: 'convolution',
    params: opts.activation ? { ...p, activation: opts.activation } : p,
    ...(opts.then ? { then: [opts.then] } : {}),
  });
}

/** The tactic the cpu backend chooses for a depthwise layer of this geometry. */
async function tacticOf(g: Dw): Promise<string> {
  const d = new NetDraft('dw');
  const x = d.input('x', 'float32', g.x);
  const w = d.constant('w', 'float32', [g.x[1]!, 1, ...g.kernel], new Float32Array(g.x[1]! * g.kernel.reduce((a, b) => a * b, 1)));
  const [y] = d.layer('convolution', 'dw', [x, w], params(g), [{ dtype: 'float32', shape: outShape(g) }]);
  d.output(y!);
  const e = await buildEngine(d.finish(), { backend: 'cpu' });
  try {
    return e.info().layers.find((l) => l.name === 'dw')!.tactic;
  } finally {
    e.dispose();
  }
}

describe('depthwise convolution, the flat masked form', () => {
  it('3x3, pad 1: planes of one block (4x4), less than one (3x3, 1x1), and of several (8x8, 7x7)', async () => {
    await dw({ x: [1, 24, 4, 4], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true });
    await dw({ x: [1, 5, 3, 3], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 4 });
    await dw({ x: [1, 7, 1, 1], kernel: [3, 3], pads: [1, 1, 1, 1] }, { seed: 5 });
    await dw({ x: [1, 16, 8, 8], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 6 });
    await dw({ x: [1, 9, 7, 7], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 7 });
  });
  it('5x5, pad 2, on planes narrower than the kernel reaches (2x2, 4x4) and odd ones (13x17)', async () => {
    await dw({ x: [1, 12, 2, 2], kernel: [5, 5], pads: [2, 2, 2, 2] }, { bias: true, seed: 8 });
    await dw({ x: [1, 40, 4, 4], kernel: [5, 5], pads: [2, 2, 2, 2] }, { bias: true, seed: 9 });
    await dw({ x: [1, 6, 13, 17], kernel: [5, 5], pads: [2, 2, 2, 2] }, { seed: 10 });
  });
  it('a large plane (64x64), batch 2 with bias', () => dw({ x: [2, 8, 64, 64], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 11 }));
  it('3x3/1 pad 1 on rows a multiple of 16 wide (read as whole vectors): one to four vectors a row, 1 to 9 rows, batch 2', async () => {
    await dw({ x: [1, 7, 5, 16], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 40 });
    await dw({ x: [2, 5, 9, 32], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 41 });
    await dw({ x: [1, 3, 1, 48], kernel: [3, 3], pads: [1, 1, 1, 1] }, { seed: 42 });
    await dw({ x: [1, 4, 3, 64], kernel: [3, 3], pads: [1, 1, 1, 1] }, { bias: true, seed: 43, then: { op: 'Relu' }, activation: { op: 'relu' } });
  });
  it('3x3/1 on rows a multiple of 16 wide, Clip fused (clamped as stored), with and without a residual before it', async () => {
    const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });
    for (const [x, seed, residual] of [
      [[1, 6, 4, 32], 44, false],
      [[2, 3, 5, 16], 46, true],
    ] as const) {
      const p = params({ x: [...x], kernel: [3, 3], pads: [1, 1, 1, 1] });
      // Inputs up to 3 so that the clamp cuts on both sides.
      const inputs = [randomFloat([...x], seed, -3, 3), randomFloat([x[1], 1, 3, 3], seed + 1), randomFloat([x[1]], seed + 2)];
      if (residual) inputs.push(randomFloat([...x], seed + 3));
      const then: Array<{ op: string; extraInputs?: string[] }> = residual ? [{ op: 'Add', extraInputs: ['x3'] }] : [];
      then.push({ op: 'Clip', extraInputs: ['lo', 'hi'] });
      await checkLayer({
        op: 'Conv',
        attrs: { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: x[1] },
        inputs,
        constants: [1, 2],
        kind: 'convolution',
        ...(residual ? { onnxInputs: ['x0', 'x1', 'x2'] } : {}),
        then,
        onnxExtra: { lo: scalar(-0.25), hi: scalar(0.5) },
        params: { ...p, activation: { op: 'clip', min: -0.25, max: 0.5 }, ...(residual ? { residual: true } : {}) },
      });
    }
  });
  it('dilation 2 and asymmetric pads that keep the width but not the height', async () => {
    await dw({ x: [1, 6, 9, 10], kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] }, { bias: true, seed: 12 });
    await dw({ x: [1, 5, 9, 10], kernel: [3, 3], pads: [0, 2, 1, 0] }, { bias: true, seed: 13 });
    await dw({ x: [1, 5, 6, 11], kernel: [2, 4], pads: [1, 1, 0, 2] }, { seed: 14 });
  });
  it('stride 2: 3x3 and 5x5 "same" pads on even and odd planes, 64x64, lines wider than 32', async () => {
    const s2 = { strides: [2, 2] };
    await dw({ x: [1, 24, 8, 8], kernel: [3, 3], pads: [1, 1, 1, 1], ...s2 }, { bias: true, seed: 19 });
    await dw({ x: [1, 10, 7, 7], kernel: [3, 3], pads: [1, 1, 1, 1], ...s2 }, { bias: true, seed: 20 });
    await dw({ x: [1, 10, 9, 11], kernel: [5, 5], pads: [2, 2, 2, 2], ...s2 }, { bias: true, seed: 21 });
    await dw({ x: [1, 6, 4, 4], kernel: [5, 5], pads: [1, 1, 2, 2], ...s2 }, { seed: 22 });
    await dw({ x: [2, 4, 64, 64], kernel: [3, 3], pads: [0, 0, 1, 1], ...s2 }, { bias: true, seed: 23 });
    await dw({ x: [1, 3, 5, 70], kernel: [3, 3], pads: [1, 1, 1, 1], ...s2 }, { seed: 24 });
  });
  it('stride 2 along one axis only, dilation 2 with stride 2, 1-D stride 2', async () => {
    await dw({ x: [1, 5, 9, 10], kernel: [3, 3], pads: [1, 1, 1, 1], strides: [2, 1] }, { bias: true, seed: 25 });
    await dw({ x: [1, 5, 9, 11], kernel: [3, 3], pads: [1, 1, 1, 1], strides: [1, 2] }, { bias: true, seed: 26 });
    await dw({ x: [1, 4, 12, 12], kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2], strides: [2, 2] }, { seed: 27 });
    await dw({ x: [2, 6, 41], kernel: [5], pads: [2, 2], strides: [2] }, { bias: true, seed: 28 });
  });
  it('1-D (a line of 37), kernel 3 and 7', async () => {
    await dw({ x: [2, 10, 37], kernel: [3], pads: [1, 1] }, { bias: true, seed: 15 });
    await dw({ x: [1, 4, 37], kernel: [7], pads: [3, 3] }, { seed: 16 });
  });
  it('3-D with one depth: unpadded, and with a front depth pad that puts the only depth tap in the padding', async () => {
    await dw({ x: [1, 4, 1, 6, 6], kernel: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1] }, { bias: true, seed: 21 });
    // Output depth floor((1 + 1 - 1) / 2) + 1 = 1, read at depth -1: the bias alone (review finding).
    await dw({ x: [1, 4, 1, 6, 6], kernel: [1, 3, 3], pads: [1, 1, 1, 0, 1, 1], strides: [2, 1, 1] }, { bias: true, seed: 22 });
  });
  it('fused clip (relu6) and relu over chunks of planes', async () => {
    const g = { x: [1, 300, 4, 4], kernel: [3, 3], pads: [1, 1, 1, 1] };
    await dw(g, { bias: true, seed: 17, then: { op: 'Relu' }, activation: { op: 'relu' } });
    await dw(
      { ...g, x: [2, 96, 8, 8] },
      { bias: true, seed: 18, then: { op: 'LeakyRelu', attrs: { alpha: 0.1 } }, activation: { op: 'leaky_relu', alpha: 0.1 } },
    );
  });
});

/** The layer's output for x, with a residual input z (a builder form) or without. */
async function runDw(g: Dw, x: Float32Array, w: Float32Array, bias: Float32Array, z?: Float32Array): Promise<Float32Array> {
  const d = new NetDraft('dw_residual');
  const xi = d.input('x', 'float32', g.x);
  const wi = d.constant('w', 'float32', [g.x[1]!, 1, ...g.kernel], w);
  const bi = d.constant('b', 'float32', [g.x[1]!], bias);
  const inputs = [xi, wi, bi];
  if (z) inputs.push(d.input('z', 'float32', outShape(g)));
  const [y] = d.layer('convolution', 'dw', inputs, { ...params(g), ...(z ? { residual: true } : {}) }, [{ dtype: 'float32', shape: outShape(g) }]);
  d.output(y!);
  const e = await buildEngine(d.finish(), { backend: 'cpu' });
  try {
    expect(e.info().layers.find((l) => l.name === 'dw')!.tactic).toBe('depthwise');
    const [out] = await e.createContext().run(z ? [x, z] : [x]);
    return out as Float32Array;
  } finally {
    e.dispose();
  }
}

describeIf(HAS_NATIVE, 'depthwise tactic choice', NATIVE_MISSING, () => {
  it('a residual input is added after the bias: the same bits as adding it to the output', async () => {
    for (const g of [
      { x: [1, 8, 13, 17], kernel: [3, 3], pads: [1, 1, 1, 1] },
      { x: [2, 3, 7, 32], kernel: [3, 3], pads: [1, 1, 1, 1] },
      { x: [2, 5, 9, 9], kernel: [5, 5], pads: [2, 2, 2, 2], strides: [2, 2] },
    ]) {
      const x = randomFloat(g.x, 30).data as Float32Array;
      const w = randomFloat([g.x[1]!, 1, ...g.kernel], 31).data as Float32Array;
      const bias = randomFloat([g.x[1]!], 32).data as Float32Array;
      const z = randomFloat(outShape(g), 33).data as Float32Array;
      const plain = await runDw(g, x, w, bias);
      const fused = await runDw(g, x, w, bias, z);
      expect(Array.from(fused)).toEqual(Array.from(plain, (v, i) => Math.fround(v + z[i]!)));
    }
  });

  it('takes the flat form where the output is as wide as the input (or its phases), else direct', async () => {
    expect(await tacticOf({ x: [1, 32, 8, 8], kernel: [3, 3], pads: [1, 1, 1, 1] })).toBe('depthwise');
    expect(await tacticOf({ x: [1, 32, 7, 9], kernel: [5, 5], pads: [2, 2, 2, 2] })).toBe('depthwise');
    expect(await tacticOf({ x: [1, 32, 8, 8], kernel: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] })).toBe('depthwise');
    expect(await tacticOf({ x: [1, 32, 8, 8], kernel: [3, 3], pads: [0, 0, 0, 0] })).toBe('direct');
    expect(await tacticOf({ x: [1, 32, 8, 8], kernel: [3, 3], pads: [0, 0, 0, 0], strides: [2, 2] })).toBe('direct');
    expect(await tacticOf({ x: [1, 32, 9, 9], kernel: [3, 3], pads: [1, 1, 1, 1], strides: [3, 3] })).toBe('direct');
    // A mask table past its budget (blocks x taps above 4 M): direct, which keeps none.
    expect(await tacticOf({ x: [1, 1, 1 << 20], kernel: [129], pads: [64, 64] })).toBe('direct');
    expect(await tacticOf({ x: [1, 1, 1 << 16], kernel: [129], pads: [64, 64] })).toBe('depthwise');
  });
});
