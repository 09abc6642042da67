/**
 * A NonZero in a static model sizes its count as a range (views at 0, half and the bound:
 * data-dependent.ts); nodes that never see the count must still be judged and built as at fixed
 * shapes (shape-views.ts fixedAtEveryView). An Attention with unidirectional=1, which converts
 * only at fixed shapes (its causal mask is built for one length), went to onnxruntime once a
 * NonZero sat beside it: it goes to an engine with or without the NonZero.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { random } from '../converters/helpers/harness.js';

const model = (withNonZero: boolean) =>
  encodeModel(
    buildModel({
      opset: 17,
      opsets: { 'com.microsoft': 1 },
      inputs: [
        { name: 'x', shape: [1, 6, 8] },
        { name: 'k', shape: [10] },
      ],
      initializers: { w: random('float32', [8, 24], 12, -0.5, 0.5), bias: random('float32', [24], 13) },
      outputs: [{ name: 'y' }, withNonZero ? { name: 'n', dtype: 'int64' as const } : { name: 'r' }],
      nodes: [
        { op: 'Attention', domain: 'com.microsoft', inputs: ['x', 'w', 'bias'], outputs: ['y'], attrs: { num_heads: 2, unidirectional: 1 } },
        { op: 'Relu', inputs: ['k'], outputs: ['r'] },
        ...(withNonZero
          ? [
              { op: 'NonZero', inputs: ['r'], outputs: ['nz'] },
              { op: 'Add', inputs: ['nz', 'nz'], outputs: ['n'] },
            ]
          : []),
      ],
    }),
  );

it('a NonZero elsewhere in a static model does not change how an unrelated Attention node is judged', async () => {
  for (const nz of [false, true]) {
    const m = await compile(model(nz), { backend: 'cpu', threads: 1, minBlockSize: 1 });
    try {
      const att = m.report.data.nodes.find((n) => n.opType === 'Attention')!;
      expect(att.supported, `with NonZero ${nz}: ${att.reason}`).toBe(true);
    } finally {
      await m.dispose();
    }
  }
});
