/**
 * GRU and LSTM in a ranged compile whose sequence length and batch vary (a model exported with
 * dynamic_axes on both): a direction that runs as one recurrent layer reads its step count
 * from its input at each run's shapes, so the node stays on the engine (before, the converter
 * reshaped X with one view's step count, the two ends of the range disagreed, and the node
 * fell back to onnxruntime). A bidirectional GRU with linear_before_reset and a forward LSTM
 * with an initial state, each run through the range and held to onnxruntime alone on the same
 * feeds (max |a - b| over max |b| within FP32_TOL, test/helpers/ranges.ts).
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectMatches, shapesIn } from '../helpers/ranges.js';
import { sine } from '../runtime/helpers.js';

const I = 5;
const H = 4;
const weights = (n: number, seed: number) => ({
  dtype: 'float32' as const,
  data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 0.5),
});

// x [s, b, I] -> GRU (bidirectional) -> Y [s, 2, b, H]
const gru = encodeModel(
  buildModel({
    opset: 14,
    inputs: [{ name: 'x', dtype: 'float32', shape: ['s', 'b', I] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: {
      W: { ...weights(2 * 3 * H * I, 1), dims: [2, 3 * H, I] },
      R: { ...weights(2 * 3 * H * H, 2), dims: [2, 3 * H, H] },
      B: { ...weights(2 * 6 * H, 3), dims: [2, 6 * H] },
    },
    nodes: [
      {
        op: 'GRU',
        inputs: ['x', 'W', 'R', 'B'],
        outputs: ['y'],
        attrs: { hidden_size: H, direction: 'bidirectional', linear_before_reset: 1 },
      },
    ],
  }),
);

// x [s, b, I], h0 [1, b, H] -> LSTM -> Y [s, 1, b, H], Y_h [1, b, H]
const lstm = encodeModel(
  buildModel({
    opset: 14,
    inputs: [
      { name: 'x', dtype: 'float32', shape: ['s', 'b', I] },
      { name: 'h0', dtype: 'float32', shape: [1, 'b', H] },
    ],
    outputs: [
      { name: 'y', dtype: 'float32' },
      { name: 'yh', dtype: 'float32' },
    ],
    initializers: {
      W: { ...weights(4 * H * I, 4), dims: [1, 4 * H, I] },
      R: { ...weights(4 * H * H, 5), dims: [1, 4 * H, H] },
    },
    nodes: [{ op: 'LSTM', inputs: ['x', 'W', 'R', '', '', 'h0'], outputs: ['y', 'yh'], attrs: { hidden_size: H } }],
  }),
);

describeIf(HAS_NATIVE, 'recurrent ops in a ranged compile (sequence and batch vary)', NATIVE_MISSING, () => {
  it('a bidirectional GRU: on the engine, as onnxruntime computes it at every shape', async () => {
    const range = { min: [1, 1, I], opt: [6, 2, I], max: [12, 3, I] };
    const m = await compile(gru, { backend: 'cpu', threads: 1, minBlockSize: 1, inputs: { x: range } });
    try {
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      for (const shape of shapesIn(range, 3, 5)) await expectMatches(m, gru, { x: sine(shape, 0.4) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('an LSTM with an initial state: on the engine, as onnxruntime computes it at every shape', async () => {
    const x = { min: [1, 1, I], opt: [6, 2, I], max: [12, 3, I] };
    const h0 = { min: [1, 1, H], opt: [1, 2, H], max: [1, 3, H] };
    const m = await compile(lstm, { backend: 'cpu', threads: 1, minBlockSize: 1, inputs: { x, h0 } });
    try {
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      for (const [s, b] of [
        [1, 1],
        [12, 3],
        [7, 2],
        [3, 3],
      ] as const) {
        await expectMatches(m, lstm, { x: sine([s, b, I], 0.4), h0: sine([1, b, H], 0.7) }, `[${s}, ${b}]`);
      }
    } finally {
      await m.dispose();
    }
  });
});
