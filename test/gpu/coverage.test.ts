/**
 * Control flow and recurrent layers on the cuda backend (issue 15's ops, proven on the GPU as
 * issue 19 asks): the cpu suite of If through compile() (test/compiler/control-flow.test.ts)
 * again on cuda, and a bidirectional GRU (linear_before_reset, sequence_lens at run time) and a
 * stacked LSTM compiled whole onto one cuda engine, each run held to 1e-4 of its output's scale
 * against onnxruntime (TF32 off; cuBLAS sums in another order than onnxruntime's MLAS). The
 * conformance node cases of RNN, GRU and LSTM run on cuda in conformance-nodes.test.ts. CumSum:
 * integer position ids exact, an exclusive reverse float scan within 1e-4 of its scale (1e-2 in
 * an fp16 engine, whose inputs are rounded to fp16). ArgMax/ArgMin: onnxruntime's indices in
 * fp32; in fp16, where rounding may tie neighbours, indices whose values are within 1e-3 of the
 * extreme onnxruntime picked.
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

describe.skipIf(!CUDA)('scans and arg reductions on cuda', () => {
  it("CumSum (RoBERTa's position ids from a mask: int64, exclusive and reverse floats) and ArgMax/ArgMin in fp32 and fp16 engines", async () => {
    // ids [4, 33] int64 -> mask = ids != 0 -> cumsum(mask) * mask + 1 (the padding-aware position ids);
    // x [4, 33, 40] float -> exclusive reverse cumsum along 1, argmax along 2, argmin along 1 (keepdims).
    const axis = (a: number) => ({ dtype: 'int64' as const, dims: [], data: BigInt64Array.of(BigInt(a)) });
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'ids', dtype: 'int64', shape: [4, 33] },
          { name: 'x', dtype: 'float32', shape: [4, 33, 40] },
        ],
        outputs: [
          { name: 'positions', dtype: 'int64' },
          { name: 'scan', dtype: 'float32' },
          { name: 'best', dtype: 'int64' },
          { name: 'worst', dtype: 'int64' },
        ],
        initializers: {
          zero: { dtype: 'int64', dims: [], data: BigInt64Array.of(0n) },
          one: { dtype: 'int64', dims: [], data: BigInt64Array.of(1n) },
          a1: axis(1),
        },
        nodes: [
          { op: 'Equal', inputs: ['ids', 'zero'], outputs: ['pad'] },
          { op: 'Not', inputs: ['pad'], outputs: ['keep'] },
          { op: 'Cast', inputs: ['keep'], outputs: ['mask'], attrs: { to: 7 } },
          { op: 'CumSum', inputs: ['mask', 'a1'], outputs: ['count'] },
          { op: 'Mul', inputs: ['count', 'mask'], outputs: ['counted'] },
          { op: 'Add', inputs: ['counted', 'one'], outputs: ['positions'] },
          { op: 'CumSum', inputs: ['x', 'a1'], outputs: ['scan'], attrs: { exclusive: 1, reverse: 1 } },
          { op: 'ArgMax', inputs: ['x'], outputs: ['best'], attrs: { axis: 2, keepdims: 0 } },
          { op: 'ArgMin', inputs: ['x'], outputs: ['worst'], attrs: { axis: 1, keepdims: 1 } },
        ],
      }),
    );
    const next = mulberry32(11);
    const ids = BigInt64Array.from({ length: 4 * 33 }, (_, i) => (i % 33 > 20 + (i % 4) ? 0n : BigInt(1 + Math.floor(next() * 50))));
    const feeds = { ids: new ort.Tensor('int64', ids, [4, 33]), x: sine([4, 33, 40], 0.3) };
    const want = await ortRun(model, feeds);
    for (const precisions of [['fp32'], ['fp16']] as const) {
      const m = await compile(model, { backend: 'cuda', precisions: [...precisions] });
      try {
        const s = m.report.data.summary;
        expect([s.engineNodes, s.fallbackSegments]).toEqual([s.nodes, 0]);
        const got = await m.run(feeds);
        expect(Array.from(got.positions!.data as BigInt64Array)).toEqual(Array.from(want.positions!.data as BigInt64Array));
        const xs = feeds.x.data as Float32Array;
        // The value each index picks: best along axis 2 (line l = n*33 + t), worst along axis 1 (line l = n*40 + c).
        const at = (name: 'best' | 'worst', t: ort.Tensor, l: number) => {
          const k = Number((t.data as BigInt64Array)[l]);
          return name === 'best' ? xs[l * 40 + k]! : xs[Math.floor(l / 40) * 33 * 40 + k * 40 + (l % 40)]!;
        };
        for (const name of ['best', 'worst'] as const) {
          const lines = (want[name]!.data as BigInt64Array).length;
          if (precisions[0] === 'fp32')
            expect(Array.from(got[name]!.data as BigInt64Array), name).toEqual(Array.from(want[name]!.data as BigInt64Array));
          else
            for (let l = 0; l < lines; l++)
              expect(Math.abs(at(name, got[name]!, l) - at(name, want[name]!, l)), `${name} line ${l}`).toBeLessThan(1e-3);
        }
        // 33 fp32 terms at most (the running sum stays fp32 below 1024 terms even in an fp16 engine: its inputs are rounded to fp16).
        expect(relativeError(got.scan!, want.scan!), `scan ${precisions}`).toBeLessThan(precisions[0] === 'fp32' ? TOL : 1e-2);
      } finally {
        await m.dispose();
      }
    }
  });
});
