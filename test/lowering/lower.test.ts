// The whole pipeline: pass order, the report, options (skip, inputShapes, errors), and a small
// exporter-style model lowered end to end and compared on onnxruntime (random input, seed
// fixed; rtol 1e-5, atol 1e-5 for the BatchNormalization fold's rounding).
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { type ModelSpec, buildGraph } from '../../src/ir/model-builder.js';
import { LOWERING_PASSES, formatLoweringReport, lower } from '../../src/lowering/index.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareOnOrt, opTypes, randomTensor, snapshot } from './helpers.js';

const i64 = (values: number[]): TensorData => ({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, BigInt) });

/**
 * What a PyTorch export of conv -> bn -> relu -> flatten -> dropout -> linear looks like:
 *
 *   x[N,3,8,8] ─► Conv ─► BatchNormalization ─► Relu ─► r ─┬─► Shape ─► Gather(0) ─► Unsqueeze ─┐
 *                                                          │                       [-1] ───────┴► Concat ─► s
 *                                                          └─► Reshape(r, s) ─► Dropout ─► Identity ─► MatMul(Wt) ─► Add(b) ─► y
 *   Constant(unused) ─► dead
 */
function exportLike(): ModelSpec {
  const c = 4;
  return {
    opset: 13,
    inputs: [{ name: 'x', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W: randomTensor('float32', [c, 3, 3, 3], 1),
      scale: randomTensor('float32', [c], 2),
      bias: randomTensor('float32', [c], 3),
      mean: randomTensor('float32', [c], 4),
      var: { dtype: 'float32', dims: [c], data: Float32Array.from({ length: c }, (_, i) => 0.5 + i) },
      zero: { dtype: 'int64', dims: [], data: BigInt64Array.from([0n]) },
      axes: i64([0]),
      minus1: i64([-1]),
      Wt: randomTensor('float32', [c * 36, 10], 5),
      b: randomTensor('float32', [10], 6),
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'W'], outputs: ['c'] },
      { op: 'BatchNormalization', inputs: ['c', 'scale', 'bias', 'mean', 'var'], outputs: ['bn'] },
      { op: 'Relu', inputs: ['bn'], outputs: ['r'] },
      { op: 'Shape', inputs: ['r'], outputs: ['shape'] },
      { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
      { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['s'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['r', 's'], outputs: ['flat'] },
      { op: 'Dropout', inputs: ['flat'], outputs: ['d'] },
      { op: 'Identity', inputs: ['d'], outputs: ['i'] },
      { op: 'MatMul', inputs: ['i', 'Wt'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'b'], outputs: ['y'] },
      { op: 'Constant', inputs: [], outputs: ['unused'], attrs: { value_ints: [1, 2] } },
    ],
  };
}

describe('lower', () => {
  it('lowers an exporter-style model to Conv -> Relu -> Reshape -> Gemm with the same outputs', async () => {
    const g = buildGraph(exportLike());
    const original = snapshot(g);
    const report = await lower(g, { inputShapes: { x: [2, 3, 8, 8] } });
    expect(opTypes(g)).toEqual(['Conv', 'Relu', 'Reshape', 'Gemm']);
    expect(report.passes.map((p) => p.name)).toEqual(LOWERING_PASSES.map((p) => p.name));
    expect(report.nodesBefore).toBe(13);
    expect(report.nodesAfter).toBe(4);
    const byName = Object.fromEntries(report.passes.map((p) => [p.name, p]));
    expect(byName['remove-identity']!.counts).toEqual({ 'removed Dropout': 1, 'removed Identity': 1 });
    expect(byName['fold-batchnorm']!.counts).toEqual({ 'folded BatchNormalization': 1 });
    expect(byName['normalize-gemm']!.counts['MatMul+Add to Gemm']).toBe(1);
    expect([...g.constant(g.nodes[2]!.inputs[1]!)!.data]).toEqual([2n, 144n]);
    const text = formatLoweringReport(report);
    expect(text).toMatch(/^lowering model: 13 -> 4 nodes/);
    expect(text).toMatch(/fold-batchnorm\s+folded BatchNormalization: 1/);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 8, 8], 9) }, { rtol: 1e-5, atol: 1e-5 })).toEqual([]);
  });

  it('keeps the batch symbolic without inputShapes', async () => {
    const g = buildGraph(exportLike());
    const original = snapshot(g);
    await lower(g);
    // The flatten computed from Shape of [N,4,6,6] becomes a Reshape to [0,144]: 0 copies the
    // batch whatever it is, and the Shape arithmetic goes; the rest lowers the same.
    expect(opTypes(g)).not.toContain('Shape');
    const reshape = g.nodes.find((n) => n.opType === 'Reshape')!;
    expect(Array.from(g.constant(reshape.inputs[1]!)!.data, Number)[0]).toBe(0);
    expect(opTypes(g).filter((o) => ['BatchNormalization', 'Dropout', 'Identity', 'Constant'].includes(o))).toEqual([]);
    for (const n of [1, 3]) {
      const x = randomTensor('float32', [n, 3, 8, 8], 10 + n);
      expect(await compareOnOrt(original, g, { x }, { rtol: 1e-5, atol: 1e-5 })).toEqual([]);
    }
  });

  it('skips the passes it is told to skip', async () => {
    const g = buildGraph(exportLike());
    const report = await lower(g, { skip: ['fold-batchnorm', 'remove-identity'] });
    expect(opTypes(g)).toContain('BatchNormalization');
    expect(opTypes(g)).toContain('Dropout');
    expect(report.passes.filter((p) => p.skipped).map((p) => p.name)).toEqual(['remove-identity', 'fold-batchnorm']);
  });

  it('answers bad options with a HybridError naming what is wrong', async () => {
    const skip = lower(buildGraph(exportLike()), { skip: ['fold-everything'] });
    await expect(skip).rejects.toThrow(HybridError);
    await expect(skip).rejects.toThrow(/unknown lowering pass 'fold-everything'.*fold-constants/);
    await expect(lower(buildGraph(exportLike()), { inputShapes: { nope: [1] } })).rejects.toThrow(/'nope', which is not an input/);
    await expect(lower(buildGraph(exportLike()), { inputShapes: { x: [2, 4, 8, 8] } })).rejects.toThrow(/dimension 1 is 3/);
  });
});
