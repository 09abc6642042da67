/**
 * The cuda backend as an engine target: what the device query says, tactics recorded per
 * layer (cuDNN algorithms for convolutions, cuBLASLt candidates for matmuls) and kept by a
 * plan round trip, a tactic the device cannot use refused as a PLAN error, run-time data
 * errors of a kernel (gather's out-of-range index) reported as INPUT errors naming the layer
 * without breaking the context, and parity with the cpu backend on the small CNN (fp32,
 * within 1e-4 of the output's scale).
 */
import { expect, it } from 'vitest';
import { buildEngine, deserializeEngine, deviceQuery } from '../../src/engine/engine.js';
import { NetDraft } from '../engine/helpers/net.js';
import { reseal } from '../engine/helpers/xxh64.js';
import { smallCnn, smallCnnInputs } from '../engine/helpers/small-cnn.js';
import { CUDA, DEVICE, NO_CUDA, withEnv } from './helpers.js';
import { describeIf } from '../helpers/skip.js';
import { maxRelError } from '../engine/helpers/compare.js';

describeIf(CUDA, 'cuda engines', NO_CUDA, () => {
  it('the device query names the GPU, its architecture and the libraries', () => {
    const s = deviceQuery('cuda');
    console.log(`cuda device: ${DEVICE}`);
    expect(s.available).toBe(true);
    expect(s.arch).toMatch(/^sm_\d+$/);
    expect(s.description).toMatch(/sm_\d+, \d+ GiB, driver CUDA [\d.]+, runtime [\d.]+, cuDNN \d+\.\d+\.\d+, cuBLASLt \d+/);
  });

  it('matches the cpu backend on the small CNN; tactics are recorded and survive a plan round trip', async () => {
    const cpu = await buildEngine(smallCnn(), { backend: 'cpu', threads: 1 });
    const gpu = await buildEngine(smallCnn(), { backend: 'cuda' });
    const info = gpu.info();
    expect(info.backend).toBe('cuda');
    expect(info.deviceArch).toBe(deviceQuery('cuda').arch);
    const tactic = new Map(info.layers.map((l) => [l.name, l.tactic]));
    // fp32 convolutions: a legacy algorithm in FMA math (never TF32), the fused legacy call, or a
    // graph-API configuration (whose engines are filtered to fp32 arithmetic: cudnn_graph.cc).
    expect(tactic.get('conv1')).toMatch(/^(cudnn(_cba)?:[a-z0-9_]+:fma|cudnn_graph(_fused)?:\d+)$/);
    // The fc layer is a product of one row (batch 1): cuBLASLt's candidates or the one-row kernel, timed.
    expect(tactic.get('fc')).toMatch(/^(lt:\d+|gemv)$/);
    const again = await deserializeEngine(gpu.serialize());
    try {
      expect(again.info().layers.map((l) => l.tactic)).toEqual(info.layers.map((l) => l.tactic));
      const [c, g, r] = [cpu.createContext(), gpu.createContext(), again.createContext()];
      for (const seed of [1, 2, 3]) {
        const want = (await c.run(smallCnnInputs(seed))) as Float32Array[];
        const got = (await g.run(smallCnnInputs(seed))) as Float32Array[];
        const replayed = (await r.run(smallCnnInputs(seed))) as Float32Array[];
        got.forEach((t, i) => expect(maxRelError(t, want[i]!), `output ${i}`).toBeLessThanOrEqual(1e-4));
        expect(replayed.map((t) => Array.from(t))).toEqual(got.map((t) => Array.from(t)));
      }
    } finally {
      cpu.dispose();
      gpu.dispose();
      again.dispose();
    }
  });

  it('a plan whose tactic this device lacks is a PLAN error', async () => {
    // cuBLASLt's candidates only (the switch is read when the engine is built), so the plan holds an `lt:<k>`.
    const gpu = await withEnv({ HYBRIDRT_MATMUL_TACTIC: 'lt' }, () => buildEngine(smallCnn(), { backend: 'cuda' }));
    try {
      const plan = gpu.serialize();
      const text = Buffer.from(plan).toString('latin1');
      const at = text.indexOf('lt:');
      expect(at).toBeGreaterThan(0);
      // Rewrite "lt:<k>" into "lt:9" (9 > the candidates kept) and re-seal the checksum.
      const bad = Uint8Array.from(plan);
      bad[at + 3] = '9'.charCodeAt(0);
      await expect(deserializeEngine(reseal(bad))).rejects.toMatchObject({ code: 'PLAN', message: expect.stringContaining("tactic 'lt:9'") });
    } finally {
      gpu.dispose();
    }
  });

  it("gather's out-of-range index is an INPUT error naming the layer, and the context runs on", async () => {
    const d = new NetDraft('gather');
    const table = d.constant(
      'table',
      'float32',
      [5, 3],
      Float32Array.from({ length: 15 }, (_, i) => i),
    );
    const ids = d.input('ids', 'int64', [4]);
    const [y] = d.layer('gather', 'lookup', [table, ids], { axis: 0, mode: 'default' }, [{ dtype: 'float32', shape: [4, 3] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish(), { backend: 'cuda' });
    try {
      const ctx = engine.createContext();
      await expect(ctx.run([BigInt64Array.from([0n, 7n, 1n, 2n])])).rejects.toMatchObject({
        code: 'INPUT',
        message: "layer 'lookup' (gather): index 7 at position 1 of the indices is out of range for a dim of 5 (valid: -5 to 4)",
      });
      const [ok] = (await ctx.run([BigInt64Array.from([4n, -1n, 0n, -5n])])) as Float32Array[];
      expect(Array.from(ok!)).toEqual([12, 13, 14, 12, 13, 14, 0, 1, 2, 0, 1, 2]);
    } finally {
      engine.dispose();
    }
  });
});
