/**
 * The residual add of two convolutions (targets.ts residualTargets), as a ResNet stage's first
 * block has it:
 *
 *   x [2,4,8,8] ─► Conv c1 (3x3, pad 1) ─► Relu r1 ─┬─► Conv c2 (1x1) ─► BatchNormalization b2 ─┐
 *                                                   └─► Conv c3 (1x1, stride 1) ───────────────┴─► Add ─► Relu ─► y
 *
 * Neither input of the Add enters a Conv, so no activation target covers it. quantize() gives
 * the side whose Conv comes first (b2, the BatchNormalization seen through) a Q/DQ pair: the
 * builder then folds c2's output quantize into c2 and c3 takes the add with an int8 residual
 * (two quantize layers folded, where one was before: c1's). Numerics: hybridrt agrees with
 * onnxruntime's run of the same Q/DQ model (optimizations off) within one int8 step of b2 plus
 * 1e-4 of the output range (a tie rounded the other way in one of the two quantized sums), and
 * the Q/DQ model stays within 6% of the fp32 model's output range (three quantized layers and
 * the residual's rounding). A calibration cache written before this pair existed (without b2's
 * line) still quantizes, leaving the add as it was. Where that side's tensor is also read by
 * another Add (an input on its other side), that Add keeps the fp32 tensor: the pair is the
 * residual add's alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type ModelSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { Graph } from '../../src/ir/graph.js';
import { quantize } from '../../src/quantize/quantize.js';
import { formatCache, readCache } from '../../src/quantize/cache.js';
import { residualTargets } from '../../src/quantize/targets.js';
import { modelGraph } from '../../src/quantize/calibrate.js';
import { fanInWeights, runOrtY, smoothImage, worst } from './helpers.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const shape = [2, 4, 8, 8];
const weight = fanInWeights(23);
const positive = (n: number, lo: number, hi: number) => ({
  dtype: 'float32' as const,
  dims: [n],
  data: Float32Array.from({ length: n }, (_, i) => lo + ((i * 0.37) % 1) * (hi - lo)),
});
const buildSpec = (): ModelSpec => ({
  opset: 13,
  inputs: [{ name: 'x', shape }],
  outputs: [{ name: 'y' }],
  initializers: {
    W1: weight([8, 4, 3, 3], -1, 3),
    B1: weight([8], -0.1, 0.1),
    W2: weight([8, 8, 1, 1], -1, 3),
    W3: weight([8, 8, 1, 1], -1, 3),
    gamma: positive(8, 0.5, 1.5),
    beta: positive(8, -0.2, 0.2),
    mean: positive(8, -0.1, 0.1),
    var: positive(8, 0.5, 2),
  },
  nodes: [
    { op: 'Conv', name: 'c1', inputs: ['x', 'W1', 'B1'], outputs: ['h1'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['h1'], outputs: ['r1'] },
    { op: 'Conv', name: 'c2', inputs: ['r1', 'W2'], outputs: ['h2'] },
    { op: 'BatchNormalization', inputs: ['h2', 'gamma', 'beta', 'mean', 'var'], outputs: ['b2'] },
    { op: 'Conv', name: 'c3', inputs: ['r1', 'W3'], outputs: ['h3'] },
    { op: 'Add', name: 'residual', inputs: ['b2', 'h3'], outputs: ['s'] },
    { op: 'Relu', inputs: ['s'], outputs: ['y'] },
  ],
});
const fp32 = encodeModel(buildModel(buildSpec()));
const image = (seed: number) => smoothImage(shape, seed, 0.3, 0.3);
const calibration = Array.from({ length: 12 }, (_, k) => ({ x: image(k) }));
const tests = [image(100), image(101)];
const range = (a: Float32Array) => Math.max(...Array.from(a, Math.abs));

describe('residual adds of two convolutions', () => {
  it('residualTargets names the first Conv side (through its BatchNormalization), and nothing where an activation target is on the add', () => {
    expect(residualTargets(modelGraph(fp32))).toEqual(['b2']);
    // The add reading r1 (an activation target: it enters c2 and c3) is the ordinary residual case.
    const g = modelGraph(fp32);
    g.nodes.find((n) => n.opType === 'Add')!.inputs = ['b2', 'r1'];
    g.invalidate();
    expect(residualTargets(g)).toEqual([]);
  });

  it('quantize() gives that side a Q/DQ pair, only on the add', async () => {
    const q = await quantize(fp32, { data: calibration, method: 'minmax', progress: false });
    expect(q.activations).toEqual(['x', 'r1', 'b2']);
    const g = Graph.fromModel(q.model);
    const add = g.nodes.find((n) => n.opType === 'Add')!;
    expect(add.inputs.map((v) => g.producer(v)?.opType)).toEqual(['DequantizeLinear', 'Conv']);
    expect(g.nodes.filter((n) => n.opType === 'QuantizeLinear').length).toBe(3);
    // The written model is still close to the fp32 one.
    const bytes = encodeModel(q.model);
    for (const x of tests) {
      const want = await runOrtY(fp32, x, false);
      const got = await runOrtY(bytes, x, false);
      expect(worst(got, want) / range(want)).toBeLessThan(0.06);
    }
  });

  it('the pair goes on that add only: another Add reading the same tensor earlier keeps fp32', async () => {
    // b2 also feeds an Add with an input (no Conv on its other side), placed before the residual add.
    const spec = buildSpec();
    spec.inputs.push({ name: 'z', shape: [2, 8, 8, 8] });
    spec.outputs.push({ name: 'y0' });
    spec.nodes.splice(5, 0, { op: 'Add', name: 'plain', inputs: ['b2', 'z'], outputs: ['y0'] });
    const model = encodeModel(buildModel(spec));
    const z = smoothImage([2, 8, 8, 8], 7, 0.3, 0.3);
    const q = await quantize(model, { data: calibration.map((f) => ({ ...f, z })), method: 'minmax', progress: false });
    expect(q.activations).toEqual(['x', 'r1', 'b2']);
    const g = Graph.fromModel(q.model);
    const producers = (name: string) => g.nodes.find((n) => n.name === name)!.inputs.map((v) => g.producer(v)?.opType ?? 'input');
    expect(producers('plain')).toEqual(['Conv', 'input']);
    expect(producers('residual')).toEqual(['DequantizeLinear', 'Conv']);
  });

  itIf(
    HAS_NATIVE,
    "the cpu engine folds c2's output quantize and takes the add into c3 with an int8 residual; onnxruntime agrees",
    NATIVE_MISSING,
    async () => {
      const q = await quantize(fp32, { data: calibration, method: 'minmax', progress: false });
      const bytes = encodeModel(q.model);
      const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true });
      try {
        const e = m.report.engines[0]!;
        expect(e.build.int8Layers).toBe(3);
        expect(e.build.quantizeFolded).toBe(2); // r1 into c1, b2 into c2
        expect(e.layerKinds.dequantize ?? 0).toBe(0); // the residual's dequantize folded into c3 too
        const step = q.calibration.scales.get('b2')!;
        for (const x of tests) {
          const want = await runOrtY(bytes, x, false);
          const got = (await m.run({ x })).y!.data as Float32Array;
          const err = worst(got, want);
          expect(err, `${err} against one step of b2, ${step}`).toBeLessThanOrEqual(step * 1.01 + 1e-4 * range(want));
        }
      } finally {
        await m.dispose();
      }
    },
  );

  it("a cache without the pair's tensor (written before it existed) still quantizes, the add left as it was", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'residual-cache-'));
    try {
      const cache = path.join(dir, 'model.cache');
      await quantize(fp32, { data: calibration, method: 'minmax', cache, progress: false });
      const full = readCache(cache);
      expect(full.scales.has('b2')).toBe(true);
      const old = new Map([...full.scales].filter(([t]) => t !== 'b2'));
      fs.writeFileSync(cache, formatCache(old, 'minmax'));
      const q = await quantize(fp32, { cache });
      expect(q.activations).toEqual(['x', 'r1']);
      const g = Graph.fromModel(q.model);
      const add = g.nodes.find((n) => n.opType === 'Add')!;
      expect(add.inputs.map((v) => g.producer(v)?.opType)).toEqual(['Conv', 'Conv']); // the BatchNormalization folded into c2, no pair;
      // A cache lacking a tensor every layer needs is still an error naming it.
      fs.writeFileSync(cache, formatCache(new Map([...old].filter(([t]) => t !== 'r1')), 'minmax'));
      await expect(quantize(fp32, { cache })).rejects.toThrow(/no scale for 1 tensor.*'r1'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
