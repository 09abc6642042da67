// Pass fold-batchnorm: which BatchNormalizations fold into their producer, and onnxruntime's
// outputs before and after (random inputs and parameters, seeds fixed). Tolerance: rtol 1e-5,
// atol 1e-5: folding rounds new weights once, a few float32 ulps of outputs of order 1.
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };

/** BatchNormalization parameters for `c` channels (variance positive). */
function bnParams(c: number, seed: number): Record<string, TensorData> {
  const v = randomTensor('float32', [c], seed + 3);
  return {
    scale: randomTensor('float32', [c], seed),
    bias: randomTensor('float32', [c], seed + 1),
    mean: randomTensor('float32', [c], seed + 2),
    var: { dtype: 'float32', dims: [c], data: (v.data as Float32Array).map((x) => Math.abs(x) + 0.1) },
  };
}
const BN_INPUTS = ['scale', 'bias', 'mean', 'var'];

describe('fold-batchnorm', () => {
  it('folds into a Conv with a bias', async () => {
    //   x ─► Conv(W, B) ─► c ─► BatchNormalization ─► b ─► Relu ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 6, 6] }],
      outputs: [{ name: 'y' }],
      initializers: { W: randomTensor('float32', [4, 3, 3, 3], 1), B: randomTensor('float32', [4], 2), ...bnParams(4, 10) },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'BatchNormalization', inputs: ['c', ...BN_INPUTS], outputs: ['b'], attrs: { epsilon: 1e-3 } },
        { op: 'Relu', inputs: ['b'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'fold-batchnorm');
    expect(opTypes(g)).toEqual(['Conv', 'Relu']);
    expect(g.nodes[0]!.outputs).toEqual(['b']);
    expect(g.nodes[0]!.inputs[2]).not.toBe('B');
    expect(r.notes).toEqual(["folded 'BatchNormalization_1' into 'Conv_0' (Conv)"]);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [1, 3, 6, 6], 5) }, TOL)).toEqual([]);
  });

  it('folds into a grouped Conv without a bias and into a grouped ConvTranspose', async () => {
    //   x ─► Conv(group 2, no bias) ─► BN ─► y
    //   x ─► ConvTranspose(group 2) ─► BN ─► z
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 4, 5, 5] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: {
        W: randomTensor('float32', [6, 2, 3, 3], 1),
        T: randomTensor('float32', [4, 3, 2, 2], 2),
        ...bnParams(6, 20),
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'], attrs: { group: 2 } },
        { op: 'BatchNormalization', inputs: ['c', ...BN_INPUTS], outputs: ['y'] },
        { op: 'ConvTranspose', inputs: ['x', 'T'], outputs: ['t'], attrs: { group: 2, strides: [2, 2] } },
        { op: 'BatchNormalization', inputs: ['t', ...BN_INPUTS], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'fold-batchnorm');
    expect(opTypes(g)).toEqual(['Conv', 'ConvTranspose']);
    expect(r.counts['folded BatchNormalization']).toBe(2);
    expect(g.outputs).toEqual(['y', 'z']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 4, 5, 5], 6) }, TOL)).toEqual([]);
  });

  it('folds into a Gemm (transB, beta, C as a vector)', async () => {
    //   x[3,5] ─► Gemm(B^T, C, beta 0.5) ─► m ─► BatchNormalization ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3, 5] }],
      outputs: [{ name: 'y' }],
      initializers: { B: randomTensor('float32', [4, 5], 1), C: randomTensor('float32', [4], 2), ...bnParams(4, 30) },
      nodes: [
        { op: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['m'], attrs: { transB: 1, beta: 0.5, alpha: 1.5 } },
        { op: 'BatchNormalization', inputs: ['m', ...BN_INPUTS], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-batchnorm');
    expect(opTypes(g)).toEqual(['Gemm']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [3, 5], 7) }, TOL)).toEqual([]);
  });

  it('leaves a BatchNormalization whose input has other readers, or that is in training mode', async () => {
    //   x ─► Conv ─► c ─┬─► BN ─► y
    //                   └─► Neg ─► n
    //   x ─► Conv ─► d ─► BN(training_mode=1) ─► z
    const g = buildGraph({
      opset: 15,
      inputs: [{ name: 'x', shape: [1, 3, 4, 4] }],
      outputs: [{ name: 'y' }, { name: 'n' }, { name: 'z' }],
      initializers: { W: randomTensor('float32', [4, 3, 1, 1], 1), ...bnParams(4, 40) },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'] },
        { op: 'BatchNormalization', inputs: ['c', ...BN_INPUTS], outputs: ['y'] },
        { op: 'Neg', inputs: ['c'], outputs: ['n'] },
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['d'] },
        { op: 'BatchNormalization', inputs: ['d', ...BN_INPUTS], outputs: ['z'], attrs: { training_mode: 1 } },
      ],
    });
    const r = await runPass(g, 'fold-batchnorm');
    expect(opTypes(g)).toEqual(['Conv', 'BatchNormalization', 'Neg', 'Conv', 'BatchNormalization']);
    expect(r.changed).toBe(0);
    expect(r.notes.join('\n')).toMatch(/'c' has other readers/);
    expect(r.notes.join('\n')).toMatch(/training mode/);
  });
});
