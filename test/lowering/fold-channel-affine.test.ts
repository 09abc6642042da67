// Pass fold-channel-affine: per-channel Mul/Add/Sub folded into Conv, Gemm and BatchNormalization,
// and onnxruntime's outputs before and after (random data, seeds fixed). Tolerance: rtol 1e-5,
// atol 1e-5: the folded parameters are rounded once (a few float32 ulps of outputs of order 1).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };
const positive = (t: TensorData): TensorData => ({ ...t, data: (t.data as Float32Array).map((v) => Math.abs(v) + 0.1) });

describe('fold-channel-affine', () => {
  it('folds Mul [C,1,1] then Add [1,C,1,1] into the Conv before them', async () => {
    //   x ─► Conv ─► c ─► Mul(s) ─► m ─► Add(t) ─► a ─► Relu ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 5, 5] }],
      outputs: [{ name: 'y' }],
      initializers: {
        W: randomTensor('float32', [4, 3, 3, 3], 1),
        B: randomTensor('float32', [4], 2),
        s: randomTensor('float32', [4, 1, 1], 3),
        t: randomTensor('float32', [1, 4, 1, 1], 4),
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['c'] },
        { op: 'Mul', inputs: ['c', 's'], outputs: ['m'] },
        { op: 'Add', inputs: ['t', 'm'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'fold-channel-affine');
    expect(opTypes(g)).toEqual(['Conv', 'Relu']);
    expect(g.nodes[0]!.outputs).toEqual(['a']);
    expect(r.counts).toEqual({ 'folded Mul': 1, 'folded Add': 1 });
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [1, 3, 5, 5], 5) }, TOL)).toEqual([]);
  });

  it('folds Mul and Sub into a BatchNormalization (the Caffe BatchNorm + Scale pair)', async () => {
    //   x ─► BatchNormalization ─► b ─► Mul(s) ─► m ─► Sub(m, t) ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4, 4] }],
      outputs: [{ name: 'y' }],
      initializers: {
        scale: randomTensor('float32', [3], 1),
        bias: randomTensor('float32', [3], 2),
        mean: randomTensor('float32', [3], 3),
        var: positive(randomTensor('float32', [3], 4)),
        s: randomTensor('float32', [3, 1, 1], 5),
        t: randomTensor('float32', [3, 1, 1], 6),
      },
      nodes: [
        { op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'var'], outputs: ['b'] },
        { op: 'Mul', inputs: ['b', 's'], outputs: ['m'] },
        { op: 'Sub', inputs: ['m', 't'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-channel-affine');
    expect(opTypes(g)).toEqual(['BatchNormalization']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 4, 4], 7) }, TOL)).toEqual([]);
  });

  it('folds a Mul by a row vector into a Gemm', async () => {
    //   x[2,5] ─► Gemm(B, C) ─► m ─► Mul(s[4]) ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 5] }],
      outputs: [{ name: 'y' }],
      initializers: { B: randomTensor('float32', [5, 4], 1), C: randomTensor('float32', [4], 2), s: randomTensor('float32', [4], 3) },
      nodes: [
        { op: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['m'] },
        { op: 'Mul', inputs: ['m', 's'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-channel-affine');
    expect(opTypes(g)).toEqual(['Gemm']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 5], 4) }, TOL)).toEqual([]);
  });

  it('leaves a Mul that varies along a spatial axis, a Sub of the conv output from a constant, a Mul by an activation', async () => {
    //   x ─► Conv ─► c ─► Mul(h[1,1,3,1]) ─► y
    //   x ─► Conv ─► d ─► Sub(t, d) ─► z
    //   x ─► Conv ─► e ─► Mul(e, x) ─► w
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 2, 3, 3] }],
      outputs: [{ name: 'y' }, { name: 'z' }, { name: 'w' }],
      initializers: {
        W: randomTensor('float32', [2, 2, 1, 1], 1),
        h: randomTensor('float32', [1, 1, 3, 1], 2),
        t: randomTensor('float32', [2, 1, 1], 3),
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'] },
        { op: 'Mul', inputs: ['c', 'h'], outputs: ['y'] },
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['d'] },
        { op: 'Sub', inputs: ['t', 'd'], outputs: ['z'] },
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['e'] },
        { op: 'Mul', inputs: ['e', 'x'], outputs: ['w'] },
      ],
    });
    const r = await runPass(g, 'fold-channel-affine');
    expect(r.changed).toBe(0);
    expect(opTypes(g)).toEqual(['Conv', 'Mul', 'Conv', 'Sub', 'Conv', 'Mul']);
  });
});
