/**
 * Device residency on the cuda backend: the engine-level device-tensor suite
 * (test/engine/helpers/device-suite.ts), then the hybrid executor on a model whose partition
 * puts two engine segments next to each other, with a forced fallback beside them:
 *
 *   x -> Conv c1 -> Relu r1 -> Conv c2 -> Relu r2 ---------------> Add a -> Conv c3 -> Relu y
 *                                          r2 -> Neg nf (fallback) --^
 *   segments: E1 {c1 r1 c2 r2} -> F {nf} -> E2 {a c3 y}; E1 -> E2 directly as well.
 *
 * What crosses E1 -> E2 stays on the GPU (run statistics: copy 'none', zero host bytes);
 * what the fallback needs is downloaded once and its output uploaded, each counted.
 * Results within 1e-4 (fp32, max-norm relative) of onnxruntime.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { DeviceTensor } from '../../src/engine/device-tensor.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { RunStats } from '../../src/runtime/types.js';
import { deviceSuite } from '../engine/helpers/device-suite.js';
import { randomFloat } from '../engine/helpers/random.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { describeIf } from '../helpers/skip.js';
import ort from 'onnxruntime-node';

const SHAPE = [1, 8, 16, 16];
const BYTES = 8 * 16 * 16 * 4;

function model(): Uint8Array {
  const conv = (name: string, input: string, w: string, b: string) => ({
    op: 'Conv',
    name,
    inputs: [input, w, b],
    outputs: [name],
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
  });
  const initializers = Object.fromEntries(
    ['1', '2', '3'].flatMap((k, i) => [
      [`w${k}`, randomFloat([8, 8, 3, 3], 10 + i, -0.2, 0.2)],
      [`b${k}`, randomFloat([8], 20 + i, -0.1, 0.1)],
    ]),
  );
  return encodeModel(
    buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: SHAPE }],
      outputs: [{ name: 'y', dtype: 'float32', shape: SHAPE }],
      initializers,
      nodes: [
        conv('c1', 'x', 'w1', 'b1'),
        { op: 'Relu', name: 'r1', inputs: ['c1'], outputs: ['r1'] },
        conv('c2', 'r1', 'w2', 'b2'),
        { op: 'Relu', name: 'r2', inputs: ['c2'], outputs: ['r2'] },
        { op: 'Neg', name: 'nf', inputs: ['r2'], outputs: ['nf'] },
        { op: 'Add', name: 'a', inputs: ['r2', 'nf'], outputs: ['a'] },
        conv('c3', 'a', 'w3', 'b3'),
        { op: 'Relu', name: 'y', inputs: ['c3'], outputs: ['y'] },
      ],
    }),
  );
}

/** Host bytes that crossed from one engine segment into another (must be 0). */
function hostBytesBetweenEngines(stats: RunStats): number {
  const kind = new Map(stats.segments.map((s) => [s.id, s.kind]));
  let bytes = 0;
  for (const s of stats.segments) {
    if (s.kind !== 'engine') continue;
    for (const t of s.inputs) if (typeof t.from === 'number' && kind.get(t.from) === 'engine' && t.copy !== 'none') bytes += t.bytes;
  }
  return bytes;
}

describeIf(CUDA, 'residency (cuda)', NO_CUDA, () => {
  deviceSuite('cuda');

  it('adjacent engine segments exchange tensors on the GPU: zero host bytes between them', async () => {
    const bytes = model();
    const m = await compile(bytes, { backend: 'cuda', fallbackNodes: ['nf'], minBlockSize: 1 });
    try {
      const segs = m.report.data.segments.map((s) => `${s.kind}:${s.nodes.join(',')}`);
      expect(segs).toEqual(['engine:c1,r1,c2,r2', 'fallback:nf', 'engine:a,c3,y']);
      const x = sine(SHAPE, 0.1);
      const want = await ortRun(bytes, { x });
      for (let round = 0; round < 2; round++) {
        const { outputs, stats } = await m.runWithStats({ x });
        expect(relativeError(outputs.y!, want.y!)).toBeLessThanOrEqual(1e-4);
        expect(hostBytesBetweenEngines(stats)).toBe(0);
        const e2 = stats.segments[2]!;
        expect(e2.inputs.find((t) => t.tensor === 'r2')).toMatchObject({ from: stats.segments[0]!.id, copy: 'none', bytes: BYTES });
        expect(e2.inputs.find((t) => t.tensor === 'nf')).toMatchObject({ copy: 'host-to-device', bytes: BYTES });
        // Host traffic: x up, r2 down for the fallback, nf up, y down: nothing else.
        expect(stats.hostToDevice).toEqual({ count: 2, bytes: 2 * BYTES });
        expect(stats.deviceToHost).toEqual({ count: 2, bytes: 2 * BYTES });
      }
    } finally {
      await m.dispose();
    }
  });

  it("run(feeds, { outputLocation: 'gpu' }) returns DeviceTensors that feed the next model without host copies", async () => {
    const bytes = model();
    const m = await compile(bytes, { backend: 'cuda' });
    try {
      const x = sine(SHAPE, 0.2);
      const host = await m.run({ x });
      const { outputs, stats } = await m.runWithStats({ x }, { outputLocation: 'gpu' });
      expect(outputs.y).toBeInstanceOf(DeviceTensor);
      expect(stats.deviceToHost).toEqual({ count: 0, bytes: 0 });
      const y = await outputs.y!.download();
      expect(Array.from(y.data as Float32Array)).toEqual(Array.from(host.y!.data as Float32Array));
      // The device output is the next run's input: no upload.
      const chained = await m.runWithStats({ x: outputs.y! }, { outputLocation: 'gpu' });
      expect(chained.stats.hostToDevice).toEqual({ count: 0, bytes: 0 });
      expect(chained.stats.deviceToHost).toEqual({ count: 0, bytes: 0 });
      const viaHost = await m.run({ x: new ort.Tensor('float32', y.data as Float32Array, SHAPE) });
      const z = await chained.outputs.y!.download();
      expect(Array.from(z.data as Float32Array)).toEqual(Array.from(viaHost.y!.data as Float32Array));
      // The caller's device tensor is not the model's to free.
      expect(outputs.y!.disposed).toBe(false);
      outputs.y!.dispose();
      chained.outputs.y!.dispose();
    } finally {
      await m.dispose();
    }
  });

  it("outputLocation 'gpu' uploads an output that a fallback segment produced, and counts the upload", async () => {
    const bytes = model();
    const m = await compile(bytes, { backend: 'cuda', fallbackNodes: ['y'], minBlockSize: 1 });
    try {
      expect(m.report.data.segments.at(-1)).toMatchObject({ kind: 'fallback', nodes: ['y'] });
      const x = sine(SHAPE, 0.4);
      const host = await m.run({ x });
      const { outputs, stats } = await m.runWithStats({ x }, { outputLocation: 'gpu' });
      expect(outputs.y).toBeInstanceOf(DeviceTensor);
      // x up, c3 down for the fallback, y up for the caller.
      expect(stats.hostToDevice).toEqual({ count: 2, bytes: 2 * BYTES });
      expect(stats.deviceToHost).toEqual({ count: 1, bytes: BYTES });
      expect(Array.from((await outputs.y!.download()).data as Float32Array)).toEqual(Array.from(host.y!.data as Float32Array));
      outputs.y!.dispose();
    } finally {
      await m.dispose();
    }
  });

  it("outputLocation 'gpu' on a cpu model is an OPTION error", async () => {
    const m = await compile(model(), { backend: 'cpu' });
    try {
      await expect(m.run({ x: sine(SHAPE, 0) }, { outputLocation: 'gpu' })).rejects.toMatchObject({ code: 'OPTION' });
    } finally {
      await m.dispose();
    }
  });
});
