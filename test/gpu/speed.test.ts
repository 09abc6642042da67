/**
 * Issue 6's engine features on the cuda backend: CUDA graphs (captured on a context's second
 * run, replayed after; bit-equal to eager runs), run timing and per-layer profiles, reshapes
 * run as aliases (no launch; within 1e-4 of the cpu backend, the cuda fp32 contract), the fusion
 * pass (silu, residual, cuBLASLt bias epilogue) and the channels-last layout pass against the
 * same network built without them, the timing cache, and --benchmark's resident runs.
 *
 * Tolerances: fused and unfused fp32 do the same arithmetic in fp32 (1e-5 of the output's
 * scale: only the order of a bias and a residual sum, and cuBLASLt's epilogue, differ). The
 * layout pass changes which cuDNN kernels run, hence the order of fp32 accumulations inside a
 * convolution, and fp16 stores round each activation to 2^-11 relative: channels-last and
 * NCHW fp16 builds of the same network agree within 1e-2 of the output's scale (a few fp16
 * roundings over four convolutions), and both stay within 3e-2 of fp32 (precision.test.ts).
 */
import { expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { BenchmarkResult } from '../../src/cli/benchmark.js';
import { compile } from '../../src/compiler/compile.js';
import { buildEngine, type Engine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { X_SHAPE, rereadNet } from '../engine/helpers/alias-nets.js';
import { castPermNet, expectCastPerm } from '../engine/helpers/cast-perm-net.js';
import { fusable } from '../engine/helpers/fusable-net.js';
import { residualMatmulNet } from '../engine/helpers/residual-matmul-net.js';
import { NetDraft } from '../engine/helpers/net.js';
import { randomFloat } from '../engine/helpers/random.js';
import { resnet, sine } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { describeIf } from '../helpers/skip.js';
import { maxRelError } from '../engine/helpers/compare.js';

/**
 * Convolutions around pooling, a residual, a squeeze-excitation scale and a reduce:
 *
 *   x [2,8,16,16] -> conv_a 3x3 relu -> pool 2x2 -> conv_b 3x3 (+ pool, relu) -> t
 *   t -> mean over H,W -> conv_c 1x1 sigmoid -> s [2,16,1,1];  mul(t, s) -> conv_d 1x1 -> y [2,8,8,8]
 *   mean -> flatten -> z [2,16]
 */
function convNet(): NetworkDefinition {
  const d = new NetDraft('conv_net');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const x = d.input('x', 'float32', [2, 8, 16, 16]);
  let seed = 1;
  const conv = (name: string, input: number, cin: number, cout: number, k: number, hw: number, params: object = {}) => {
    const w = d.constant(`${name}_w`, 'float32', [cout, cin, k, k], randomFloat([cout, cin, k, k], seed++, -0.2, 0.2).data);
    const b = d.constant(`${name}_b`, 'float32', [cout], randomFloat([cout], seed++).data);
    const p = (k - 1) / 2;
    const win = { kernel: [k, k], strides: [1, 1], padsBegin: [p, p], padsEnd: [p, p], dilations: [1, 1], groups: 1, ...params };
    return d.layer('convolution', name, [input, w, b], win, [f32([2, cout, hw, hw])])[0]!;
  };
  const a = conv('conv_a', x, 8, 16, 3, 16);
  const [ar] = d.layer('unary', 'relu_a', [a], { op: 'relu' }, [f32([2, 16, 16, 16])]);
  const window = { kernel: [2, 2], strides: [2, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], ceilMode: false, countIncludePad: false };
  const [p] = d.layer('pooling', 'pool', [ar!], { mode: 'max', ...window }, [f32([2, 16, 8, 8])]);
  const b = conv('conv_b', p!, 16, 16, 3, 8);
  const [sum] = d.layer('elementwise', 'res', [b, p!], { op: 'add' }, [f32([2, 16, 8, 8])]);
  const [t] = d.layer('unary', 'relu_b', [sum!], { op: 'relu' }, [f32([2, 16, 8, 8])]);
  const [m] = d.layer('reduce', 'mean', [t!], { op: 'mean', axes: [2, 3], keepDims: true }, [f32([2, 16, 1, 1])]);
  const c = conv('conv_c', m!, 16, 16, 1, 1);
  const [s] = d.layer('unary', 'gate', [c], { op: 'sigmoid' }, [f32([2, 16, 1, 1])]);
  const [scaled] = d.layer('elementwise', 'scale', [t!, s!], { op: 'mul' }, [f32([2, 16, 8, 8])]);
  const y = conv('conv_d', scaled!, 16, 8, 1, 8);
  const [z] = d.layer('shuffle', 'flatten', [m!], { reshape: [2, 16] }, [f32([2, 16])]);
  d.output(y);
  d.output(z!);
  return d.finish();
}

async function outputsOf(engine: Engine, inputs: Float32Array[]): Promise<Float32Array[]> {
  return (await engine.createContext().run(inputs)) as Float32Array[];
}

describeIf(CUDA, 'CUDA graphs and run timing (cuda)', NO_CUDA, () => {
  it('a context captures its layers on the second run and replays them: results equal eager runs bit for bit', async () => {
    const engine = await buildEngine(fusable(), { backend: 'cuda' });
    const before = process.env.HYBRIDRT_CUDA_GRAPHS;
    try {
      const graphed = engine.createContext();
      process.env.HYBRIDRT_CUDA_GRAPHS = '0';
      const eager = engine.createContext();
      if (before === undefined) delete process.env.HYBRIDRT_CUDA_GRAPHS;
      else process.env.HYBRIDRT_CUDA_GRAPHS = before;
      expect([graphed.graph, eager.graph]).toEqual(['warm-up', 'off']);
      const states = [];
      for (let seed = 1; seed <= 5; seed++) {
        const x = [randomFloat([1, 4, 8, 8], seed).data as Float32Array];
        const got = (await graphed.run(x)) as Float32Array[];
        states.push(graphed.graph);
        const want = (await eager.run(x)) as Float32Array[];
        expect(
          got.map((t) => Array.from(t)),
          `seed ${seed}`,
        ).toEqual(want.map((t) => Array.from(t)));
      }
      expect(states).toEqual(['ready', 'captured', 'captured', 'captured', 'captured']);
      expect(eager.graph).toBe('off');
    } finally {
      engine.dispose();
    }
  });

  it("timing: 'coarse' times copies and layers; 'layers' times each layer, summing to no more than the layers' span", async () => {
    const engine = await buildEngine(convNet(), { backend: 'cuda', precisions: ['fp16'] });
    try {
      const ctx = engine.createContext();
      const x = [randomFloat([2, 8, 16, 16], 3).data as Float32Array];
      for (let i = 0; i < 3; i++) await ctx.run(x, { timing: 'coarse' });
      const t = ctx.timing!;
      expect(t.computeMs).toBeGreaterThan(0);
      expect(t.hostToDeviceMs).toBeGreaterThan(0);
      expect(t.totalMs).toBeGreaterThanOrEqual(t.computeMs);
      expect(t.layers).toBeUndefined();
      await ctx.run(x);
      expect(ctx.timing).toBeNull();
      for (let i = 0; i < 3; i++) await ctx.run(x, { timing: 'layers' });
      const p = ctx.timing!;
      const info = engine.info();
      expect(p.layers).toHaveLength(info.layers.length);
      // Constants and aliases (byte-view reshapes: native/src/builder/alias.h) launch nothing.
      info.layers.forEach((l, i) => {
        if (l.kind === 'constant' || l.tactic === 'alias') expect(p.layers![i], l.name).toBe(0);
        else expect(p.layers![i]!, l.name).toBeGreaterThan(0);
      });
      const sum = Array.from(p.layers!).reduce((a, b) => a + b, 0);
      expect(sum).toBeLessThanOrEqual(p.computeMs + 1e-3);
      expect(ctx.graph).toBe('captured');
    } finally {
      engine.dispose();
    }
  });

  it('aliases: byte-view reshapes launch nothing and take 0 ms; results as the cpu backend; an all-alias engine captures an empty graph', async () => {
    const gpu = await buildEngine(rereadNet(), { backend: 'cuda' });
    const cpu = await buildEngine(rereadNet(), { backend: 'cpu' });
    const d = new NetDraft('all_alias');
    const x = d.input('x', 'int64', [2, 3, 4]);
    const [a] = d.layer('shuffle', 'a', [x], { reshape: [6, 4] }, [{ dtype: 'int64', shape: [6, 4] }]);
    const [b] = d.layer('shuffle', 'b', [a!], { reshape: [24] }, [{ dtype: 'int64', shape: [24] }]);
    d.output(a!);
    d.output(b!);
    const views = await buildEngine(d.finish(), { backend: 'cuda' });
    try {
      const info = gpu.info();
      expect(info.layers.filter((l) => l.tactic === 'alias').map((l) => l.name)).toEqual(['f', 'u']);
      const ctx = gpu.createContext();
      for (let seed = 1; seed <= 3; seed++) {
        const xs = [randomFloat(X_SHAPE, seed).data as Float32Array];
        const [got, want] = [await outputsOf(gpu, xs), await outputsOf(cpu, xs)];
        got.forEach((t, i) => expect(maxRelError(t, want[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(1e-4));
        await ctx.run(xs);
      }
      expect(ctx.graph).toBe('captured');
      await ctx.run([randomFloat(X_SHAPE, 4).data as Float32Array], { timing: 'layers' });
      info.layers.forEach((l, i) => {
        if (l.tactic === 'alias') expect(ctx.timing!.layers![i], l.name).toBe(0);
      });
      expect(views.info().layers.map((l) => l.tactic)).toEqual(['alias', 'alias']);
      const vctx = views.createContext();
      for (let seed = 1; seed <= 3; seed++) {
        const data = BigInt64Array.from({ length: 24 }, (_, i) => BigInt(i * seed - 7));
        const out = (await vctx.run([data])) as BigInt64Array[];
        expect(out.map((o) => Array.from(o))).toEqual([Array.from(data), Array.from(data)]);
      }
      expect([vctx.graph, vctx.graphNodes]).toEqual(['captured', 0]);
    } finally {
      gpu.dispose();
      cpu.dispose();
      views.dispose();
    }
  });
});

describeIf(CUDA, 'builder passes (cuda)', NO_CUDA, () => {
  it('fusion: silu, residual + relu, matmul + bias (cuBLASLt epilogue) + relu; fp32 results as unfused within 1e-5', async () => {
    const fused = await buildEngine(fusable(), { backend: 'cuda' });
    const plain = await buildEngine(fusable(), { backend: 'cuda', fusion: false });
    try {
      expect(fused.info().build.fusions).toEqual({ attention: 0, silu: 1, matmulBias: 1, activation: 3, residual: 1, excite: 0, pointwise: 0 });
      expect(plain.info().build.fusions).toEqual({ attention: 0, silu: 0, matmulBias: 0, activation: 0, residual: 0, excite: 0, pointwise: 0 });
      const conv2 = fused.info().layers.find((l) => l.name === 'conv2')!;
      expect(conv2.tactic).toMatch(/^cudnn(_cba|_graph|_graph_fused)?:/);
      for (const seed of [1, 2]) {
        const x = [randomFloat([1, 4, 8, 8], seed).data as Float32Array];
        const [a, b] = [await outputsOf(fused, x), await outputsOf(plain, x)];
        a.forEach((t, i) => expect(maxRelError(t, b[i]!), `output ${i}`).toBeLessThanOrEqual(1e-5));
      }
    } finally {
      fused.dispose();
      plain.dispose();
    }
  });

  it("fusion: a matmul's residual as cuBLASLt's C (beside the bias epilogue and relu), in the activation pass where c uses C, and without a bias; fp32 as unfused within 1e-5", async () => {
    const fused = await buildEngine(residualMatmulNet(), { backend: 'cuda' });
    const plain = await buildEngine(residualMatmulNet(), { backend: 'cuda', fusion: false });
    try {
      expect(fused.info().build.fusions).toMatchObject({ matmulBias: 2, residual: 3 });
      for (const seed of [1, 2]) {
        const feeds = [randomFloat([2, 6, 16], seed).data as Float32Array, randomFloat([2, 16, 16], seed + 10).data as Float32Array];
        const [a, b] = [await outputsOf(fused, feeds), await outputsOf(plain, feeds)];
        a.forEach((t, i) => expect(maxRelError(t, b[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(1e-5));
      }
    } finally {
      fused.dispose();
      plain.dispose();
    }
  });

  it('layout: fp16 convolutions, pooling, the reduce and the scale run channels-last; results as NCHW within 1e-2', async () => {
    const nhwc = await buildEngine(convNet(), { backend: 'cuda', precisions: ['fp16'] });
    const nchw = await buildEngine(convNet(), { backend: 'cuda', precisions: ['fp16'], layout: false });
    const full = await buildEngine(convNet(), { backend: 'cuda' });
    try {
      const info = nhwc.info();
      const channelsLast = info.layers.filter((l) => l.layout === 'nhwc').map((l) => l.name);
      expect(channelsLast.sort()).toEqual(['conv_a', 'conv_b', 'conv_c', 'conv_d', 'pool'].sort());
      expect(info.build.nhwcLayers).toBeGreaterThanOrEqual(7); // + the reduce and the scale
      expect(info.build.layoutTransposes).toBeGreaterThanOrEqual(2); // into the first conv, out of the last
      // The input's fp16 cast writes it channels-last (one pass): no transpose layer for it.
      expect(info.layers.filter((l) => l.kind === 'shuffle' && l.name.endsWith(':to_nhwc')).map((l) => l.name)).toEqual([]);
      expect(nchw.info().build.nhwcLayers).toBe(0);
      expect(full.info().build.nhwcLayers).toBe(0); // fp32 stays NCHW
      expect(info.outputs).toEqual(nchw.info().outputs);
      // Every pair measured before any is asserted, so that a failure says which build is off.
      const errors: string[] = [];
      for (const seed of [1, 2]) {
        const x = [randomFloat([2, 8, 16, 16], seed).data as Float32Array];
        const [a, b, c] = [await outputsOf(nhwc, x), await outputsOf(nchw, x), await outputsOf(full, x)];
        a.forEach((t, i) => {
          const e = [maxRelError(t, b[i]!), maxRelError(t, c[i]!), maxRelError(b[i]!, c[i]!)];
          if (e[0]! > 1e-2 || e[1]! > 3e-2 || e[2]! > 3e-2) {
            errors.push(`seed ${seed} output ${i}: nhwc vs nchw ${e[0]}, nhwc vs fp32 ${e[1]}, nchw vs fp32 ${e[2]}`);
          }
        });
      }
      const tactics = (e: Engine) =>
        e
          .info()
          .layers.filter((l) => l.kind === 'convolution')
          .map((l) => `${l.name} ${l.tactic}`);
      expect(errors, `nhwc: ${tactics(nhwc).join(', ')}; nchw: ${tactics(nchw).join(', ')}`).toEqual([]);
    } finally {
      nhwc.dispose();
      nchw.dispose();
      full.dispose();
    }
  });

  it('transposing casts (the layout pass folds a transpose into its cast): float16 and back, and int32', async () => {
    const engine = await buildEngine(castPermNet(), { backend: 'cuda' });
    try {
      await expectCastPerm(engine);
    } finally {
      engine.dispose();
    }
  });

  it('timing cache: a second build takes every timed tactic from the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-gpu-tc-')), 'cache');
    const first = await buildEngine(convNet(), { backend: 'cuda', precisions: ['fp16'], timingCachePath: file });
    const second = await buildEngine(convNet(), { backend: 'cuda', precisions: ['fp16'], timingCachePath: file });
    try {
      const timed = first.info().layers.filter((l) => !['default', 'constant', 'alias'].includes(l.tactic)).length;
      expect(timed).toBeGreaterThanOrEqual(4);
      expect(second.info().build.timingCache!.hits).toBe(timed);
      expect(second.info().layers.map((l) => l.tactic)).toEqual(first.info().layers.map((l) => l.tactic));
    } finally {
      first.dispose();
      second.dispose();
    }
  });
});

describeIf(CUDA, '--benchmark on cuda', NO_CUDA, () => {
  it('measures compute with inputs resident on the GPU, and the graph is captured', async () => {
    let out = '';
    let err = '';
    const code = await main(
      [resnet, '--shape', 'input=1x3x64x64', '--backend', 'cuda', '--precision', 'fp16', '--benchmark', '5', '--warmup', '2', '--json', '--profile'],
      { out: (s) => (out += s), err: (s) => (err += s) },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const b = JSON.parse(out) as BenchmarkResult;
    expect(b.computeResident).toBe(true);
    expect(b.residentLatencyMs!.median).toBeGreaterThan(0);
    expect(b.computeMs!.median).toBeLessThanOrEqual(b.residentLatencyMs!.median);
    expect(b.computeMs!.median).toBeLessThanOrEqual(b.latencyMs.median);
    expect(b.segments.every((s) => s.kind !== 'engine' || s.graph === 'captured')).toBe(true);
    expect(b.profile!.layers.length).toBeGreaterThan(5);
  });

  it('a model run with timing carries each engine segment its timing, per layer with names', async () => {
    const model = await compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] } });
    try {
      const feeds = { [model.inputNames[0]!]: sine([1, 3, 64, 64], 1) };
      await model.run(feeds);
      const { stats } = await model.runWithStats(feeds, { timing: 'layers' });
      const seg = stats.segments.find((s) => s.kind === 'engine')!;
      expect(seg.timing!.computeMs).toBeGreaterThan(0);
      expect(seg.timing!.layers!.length).toBeGreaterThan(5);
      expect(seg.timing!.layers!.every((l) => typeof l.name === 'string' && l.ms >= 0)).toBe(true);
    } finally {
      await model.dispose();
    }
  });
});
