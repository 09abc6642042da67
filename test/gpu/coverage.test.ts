/**
 * Control flow and recurrent layers on the cuda backend (issue 15's ops, proven on the GPU as
 * issue 19 asks): the cpu suite of If through compile() (test/compiler/control-flow.test.ts)
 * again on cuda, and a bidirectional GRU (linear_before_reset, sequence_lens at run time) and a
 * stacked LSTM compiled whole onto one cuda engine, each run held to 1e-4 of its output's scale
 * against onnxruntime (TF32 off; cuBLAS sums in another order than onnxruntime's MLAS). The
 * conformance node cases of RNN, GRU and LSTM run on cuda in conformance-nodes.test.ts.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';
import { CUDA } from './helpers.js';

process.env.HYBRIDRT_TEST_BACKEND = 'cuda';
if (CUDA) await import('../compiler/control-flow.test.js');

const TOL = 1e-4;

function weights(dims: number[], seed: number) {
  const next = mulberry32(seed);
  return { dtype: 'float32' as const, dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => next() - 0.5) };
}

describe.skipIf(!CUDA)('recurrent layers on cuda', () => {
  it('a bidirectional GRU (linear_before_reset, sequence_lens) and a stacked LSTM: one engine, agreeing with onnxruntime', async () => {
    const [S, B, I, H] = [12, 3, 16, 32];
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'x', dtype: 'float32', shape: [S, B, I] },
          { name: 'lens', dtype: 'int32', shape: [B] },
        ],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          gw: weights([2, 3 * H, I], 1),
          gr: weights([2, 3 * H, H], 2),
          gb: weights([2, 6 * H], 3),
          lw: weights([1, 4 * H, 2 * H], 4),
          lr: weights([1, 4 * H, H], 5),
          lb: weights([1, 8 * H], 6),
          shape: { dtype: 'int64', dims: [3], data: BigInt64Array.of(BigInt(S), BigInt(B), BigInt(2 * H)) },
        },
        nodes: [
          {
            op: 'GRU',
            inputs: ['x', 'gw', 'gr', 'gb', 'lens'],
            outputs: ['g'],
            attrs: { hidden_size: H, direction: 'bidirectional', linear_before_reset: 1 },
          },
          { op: 'Transpose', inputs: ['g'], outputs: ['gt'], attrs: { perm: [0, 2, 1, 3] } },
          { op: 'Reshape', inputs: ['gt', 'shape'], outputs: ['gs'] },
          { op: 'LSTM', inputs: ['gs', 'lw', 'lr', 'lb'], outputs: ['y'], attrs: { hidden_size: H } },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cuda' });
    try {
      const s = m.report.data.summary;
      expect([s.engineNodes, s.fallbackSegments]).toEqual([s.nodes, 0]);
      for (const phase of [0, 1]) {
        const feeds = { x: sine([S, B, I], phase), lens: new ort.Tensor('int32', Int32Array.of(S, 5, 1 + phase), [B]) };
        const want = await ortRun(model, feeds);
        const got = await m.run(feeds);
        expect(relativeError(got.y!, want.y!), `phase ${phase}`).toBeLessThan(TOL);
      }
    } finally {
      await m.dispose();
    }
  });
});
