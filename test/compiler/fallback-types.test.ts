/**
 * Sub-models handed to onnxruntime (fallback segments, shape probes) declare the source
 * model's types, not the shapes fixed for the compile: onnxruntime's inference inside If
 * bodies refuses a branch that does not fit the static shapes even where that branch never
 * runs at them (Silero VAD's 8 kHz branch), and loads the same model when the shapes are
 * symbolic. compile() and the dry run must both load every fallback session. Outputs are
 * compared with onnxruntime alone within 1e-6 relative (an engine computes the tail).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { looseType } from '../../src/ir/extract.js';
import { encodeModel } from '../../src/onnx/model.js';
import { lstmIfBranches } from '../helpers/lstm-if.js';

/**
 *   x [N,M,K] ─► If(cond) ─┬─ then: Squeeze(x) ─► LSTM ─► Y_h ─► Reshape([-1])
 *                          └─ else: Neg(x) ─► Reshape([-1])
 *               ─► y ─► Abs ─► Sigmoid ─► Mul ─► out
 * Compiled for x [1,4,1] and run with cond false: the then-branch never runs, but where x is
 * declared [1,4,1] onnxruntime's inference squeezes it to rank 1 and refuses the LSTM ("First
 * input tensor must have rank 3"), as it refused Silero VAD.
 */
function model(): Uint8Array {
  const g = buildGraph({
    inputs: [
      { name: 'x', shape: ['N', 'M', 'K'] },
      { name: 'cond', dtype: 'bool', shape: [] },
    ],
    outputs: [{ name: 'out' }],
    nodes: [
      { op: 'If', inputs: ['cond'], outputs: ['y'], attrs: lstmIfBranches(true) },
      { op: 'Abs', inputs: ['y'], outputs: ['a'] },
      { op: 'Sigmoid', inputs: ['a'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'a'], outputs: ['out'] },
    ],
  });
  return encodeModel(g.toModel());
}

const x = new ort.Tensor('float32', Float32Array.from([0.5, -1, 2, -3]), [1, 4, 1]);
const cond = new ort.Tensor('bool', Uint8Array.from([0]), []);

describe('sub-models for onnxruntime keep the declared types', () => {
  it('compiles and runs a model whose untaken If branch does not fit the compiled shapes', async () => {
    const bytes = model();
    const hybrid = await compile(bytes, { backend: 'cpu', inputs: { x: [1, 4, 1] }, minBlockSize: 0, probeFeeds: { x, cond } });
    try {
      const got = await hybrid.run({ x, cond });
      const session = await ort.InferenceSession.create(bytes);
      const want = await session.run({ x, cond });
      await session.release();
      const a = got.out!.data as Float32Array;
      const b = want.out!.data as Float32Array;
      expect(a.length).toBe(b.length);
      // The engine's Sigmoid and onnxruntime's may round differently: 1e-6 relative.
      b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      // The If is on onnxruntime, the rest on an engine.
      expect(hybrid.report.data.summary.fallbackSegments).toBe(1);
      expect(hybrid.report.data.summary.engineSegments).toBe(1);
    } finally {
      await hybrid.dispose();
    }
  });

  it('the dry run opens every fallback session as compile() does', async () => {
    const r = await analyze(model(), {
      inputs: { x: [1, 4, 1] },
      minBlockSize: 0,
      checkFallbacks: true,
      probeFeeds: {
        x: { dtype: 'float32', dims: [1, 4, 1], data: x.data as Float32Array },
        cond: { dtype: 'bool', dims: [], data: cond.data as Uint8Array },
      },
    });
    expect(r.report.summary.fallbackSegments).toBe(1);
  });

  it('declares a boundary value with its declared type where that agrees, else its rank with unnamed dims; a 1-D integer keeps its length', () => {
    expect(looseType({ dtype: 'float32', shape: [1, 4] }, { dtype: 'float32', shape: ['N', 'M'] })).toEqual({ dtype: 'float32', shape: ['N', 'M'] });
    expect(looseType({ dtype: 'float32', shape: [1, 4] }, { dtype: 'float32', shape: [1, 5] }).shape).toEqual(['unk__loose0', 'unk__loose1']);
    expect(looseType({ dtype: 'float32', shape: [3] }, undefined)).toEqual({ dtype: 'float32', shape: ['unk__loose0'] });
    // A shape operand (test/compiler/ranged-resize-sizes.test.ts): its known length, declared or not.
    expect(looseType({ dtype: 'int64', shape: [3] }, undefined)).toEqual({ dtype: 'int64', shape: [3] });
    expect(looseType({ dtype: 'int64', shape: [3] }, { dtype: 'int64', shape: ['n'] })).toEqual({ dtype: 'int64', shape: [3] });
    expect(looseType({ dtype: 'int64', shape: ['n'] }, undefined)).toEqual({ dtype: 'int64', shape: ['unk__loose0'] });
    expect(looseType({ dtype: 'int64' }, undefined)).toEqual({ dtype: 'int64' });
  });
});
