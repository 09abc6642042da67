/**
 * The com.microsoft ops of onnxruntime's transformer optimizer (converters/microsoft.ts) against
 * onnxruntime-node's own contrib kernels on the same inputs, to 1e-5 relative / 1e-5 absolute
 * (onnxruntime's GELU and layer normalization use their own erf/tanh and summation order): each
 * op with its optional inputs and attributes, SkipLayerNormalization's four outputs, and a block
 * as the optimizer writes it compiled whole onto one cpu engine (inference rules included).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel, type ModelSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

const MS = { 'com.microsoft': 1 };
const TOL = { rtol: 1e-5, atol: 1e-5 };

function one(
  op: string,
  inputs: Record<string, TensorData>,
  outputs: string[],
  attrs: ModelSpec['nodes'][number]['attrs'] = {},
  optional: string[] = [],
) {
  const names = Object.keys(inputs);
  return {
    spec: {
      opset: 17,
      opsets: MS,
      inputs: names.map((name) => ({ name, dtype: inputs[name]!.dtype as 'float32', shape: inputs[name]!.dims })),
      outputs: outputs.filter((o) => o).map((name) => ({ name })),
      nodes: [{ op, domain: 'com.microsoft', inputs: [...names, ...optional], outputs, attrs }],
    },
    feeds: inputs,
    ...TOL,
  };
}

const x = random('float32', [2, 3, 8], 1);
const bias = random('float32', [8], 2);

describe('com.microsoft ops against onnxruntime', () => {
  it('Gelu, BiasGelu, FastGelu with and without a bias', async () => {
    await checkAgainstOrt(one('Gelu', { x }, ['y']));
    await checkAgainstOrt(one('BiasGelu', { x, bias }, ['y']));
    await checkAgainstOrt(one('FastGelu', { x, bias }, ['y']));
    await checkAgainstOrt(one('FastGelu', { x }, ['y']));
  });

  it('QuickGelu with its default alpha and a given one', async () => {
    await checkAgainstOrt(one('QuickGelu', { x }, ['y']));
    await checkAgainstOrt(one('QuickGelu', { x }, ['y'], { alpha: 1.25 }));
  });

  it('SkipLayerNormalization: all four outputs, with beta and bias', async () => {
    const inputs = { x, skip: random('float32', [2, 3, 8], 3), gamma: random('float32', [8], 4), beta: random('float32', [8], 5), bias };
    await checkAgainstOrt(one('SkipLayerNormalization', inputs, ['y', 'mean', 'inv_std', 'sum'], { epsilon: { float: 1e-5 } }));
  });

  it('SkipLayerNormalization: gamma only, the default epsilon, one output', async () => {
    await checkAgainstOrt(one('SkipLayerNormalization', { x, skip: random('float32', [2, 3, 8], 6), gamma: random('float32', [8], 7) }, ['y']));
  });

  it('FusedMatMul with transA, transB and alpha', async () => {
    await checkAgainstOrt(
      one('FusedMatMul', { a: random('float32', [2, 4, 5], 8), b: random('float32', [2, 6, 5], 9) }, ['y'], { transB: 1, alpha: 0.5 }),
    );
    await checkAgainstOrt(one('FusedMatMul', { a: random('float32', [5, 4], 10), b: random('float32', [5, 3], 11) }, ['y'], { transA: 1 }));
  });
});

describeIf(HAS_NATIVE, 'a transformer block as onnxruntime optimizes it', NATIVE_MISSING, () => {
  it('FusedMatMul, BiasGelu and SkipLayerNormalization compile onto one engine and agree with onnxruntime', async () => {
    const w = (dims: number[], seed: number) => random('float32', dims, seed, -0.3, 0.3);
    const model = encodeModel(
      buildModel({
        opset: 17,
        opsets: MS,
        inputs: [{ name: 'h', dtype: 'float32', shape: [2, 5, 16] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: { w1: w([32, 16], 1), b1: w([32], 2), w2: w([32, 16], 3), b2: w([16], 4), gamma: w([16], 5), beta: w([16], 6) },
        nodes: [
          { op: 'FusedMatMul', domain: 'com.microsoft', inputs: ['h', 'w1'], outputs: ['up'], attrs: { transB: 1 } },
          { op: 'BiasGelu', domain: 'com.microsoft', inputs: ['up', 'b1'], outputs: ['act'] },
          { op: 'MatMul', inputs: ['act', 'w2'], outputs: ['down'] },
          {
            op: 'SkipLayerNormalization',
            domain: 'com.microsoft',
            inputs: ['down', 'h', 'gamma', 'beta', 'b2'],
            outputs: ['y'],
            attrs: { epsilon: { float: 1e-5 } },
          },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cpu' });
    try {
      const s = m.report.data.summary;
      expect([s.engineNodes, s.fallbackSegments]).toEqual([s.nodes, 0]);
      const feeds = { h: sine([2, 5, 16], 1) };
      expect(relativeError((await m.run(feeds)).y!, (await ortRun(model, feeds)).y!)).toBeLessThan(1e-5);
    } finally {
      await m.dispose();
    }
  });
});
