/**
 * Why the builder's qdq pass (native/src/builder/qdq_fusion.h) leaves a convolution or matmul
 * that reads a dequantize float, as the pass itself says it (engine.info() layers[i].notInt8:
 * the one account, which the report's int8 section reads): by 'backend' where the int8 kernel
 * table refuses the layer (Int8KernelsOf), by 'pass' where the pass does not fold its form.
 * The cuda table is reached on the cpu backend through the build config's `int8Kernels` test
 * hook (build_config.h), so these run without a GPU. Each network:
 *
 *   x int8 ─► dequantize ─┐
 *   W int8 ─► dequantize ─┴─► convolution / matmul ─► y float32
 */
import { expect, it } from 'vitest';
import { Engine, buildEngine, deserializeEngine } from '../../src/engine/engine.js';
import { type NativeBuildConfig, type NativeLayerInfo, loadNative } from '../../src/engine/native.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { BACKEND_PRECISIONS } from '../../src/engine/precision.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { NetDraft } from './helpers/net.js';

const int8s = (n: number, seed: number) => Int8Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 61) - 30);

/** x [1,c,spatial...] int8 -> dequantize; W [4, c/groups, 3...] int8 -> dequantize; convolution. */
function convNet(spatial: number[], groups: number, c = 4): NetworkDefinition {
  const d = new NetDraft('qdq-conv');
  const x = d.input('x', 'int8', [1, c, ...spatial]);
  const wShape = [4, c / groups, ...spatial.map(() => 3)];
  const w = d.constant(
    'W',
    'int8',
    wShape,
    int8s(
      wShape.reduce((a, b) => a * b),
      1,
    ),
  );
  const sx = d.constant('sx', 'float32', [], Float32Array.of(0.05));
  const sw = d.constant('sw', 'float32', [], Float32Array.of(0.02));
  const [xf] = d.layer('dequantize', 'dq_x', [x, sx], { axis: 1 }, [{ dtype: 'float32', shape: [1, c, ...spatial] }]);
  const [wf] = d.layer('dequantize', 'dq_w', [w, sw], { axis: 0 }, [{ dtype: 'float32', shape: wShape }]);
  const zeros = spatial.map(() => 0);
  const [y] = d.layer(
    'convolution',
    'conv',
    [xf!, wf!],
    { kernel: spatial.map(() => 3), strides: spatial.map(() => 1), padsBegin: zeros, padsEnd: zeros, dilations: spatial.map(() => 1), groups },
    [{ dtype: 'float32', shape: [1, 4, ...spatial.map((s) => s - 2)] }],
  );
  d.output(y!);
  return d.finish();
}

/** x [3,6] int8 -> dequantize (transposed with transA: [6,3]); W [6,5] int8 -> dequantize; matmul. */
function matmulNet(params: { transA?: boolean; alpha?: number }): NetworkDefinition {
  const d = new NetDraft('qdq-matmul');
  const xShape = params.transA ? [6, 3] : [3, 6];
  const x = d.input('x', 'int8', xShape);
  const w = d.constant('W', 'int8', [6, 5], int8s(30, 2));
  const sx = d.constant('sx', 'float32', [], Float32Array.of(0.1));
  const sw = d.constant('sw', 'float32', [], Float32Array.of(0.01));
  const [xf] = d.layer('dequantize', 'dq_x', [x, sx], { axis: 1 }, [{ dtype: 'float32', shape: xShape }]);
  const [wf] = d.layer('dequantize', 'dq_w', [w, sw], { axis: 1 }, [{ dtype: 'float32', shape: [6, 5] }]);
  const [y] = d.layer('matmul', 'mm', [xf!, wf!], { transA: params.transA ?? false, transB: false, alpha: params.alpha ?? 1, beta: 1 }, [
    { dtype: 'float32', shape: [3, 5] },
  ]);
  d.output(y!);
  return d.finish();
}

/** The engine of `net` on the cpu backend, its qdq pass folding by `int8Kernels`'s table. */
async function build(net: NetworkDefinition, config: NativeBuildConfig = {}): Promise<Engine> {
  return new Engine(await loadNative().buildEngine(net, { backend: 'cpu', threads: 1, ...config }));
}

async function layerOf(net: NetworkDefinition, name: string, config: NativeBuildConfig = {}): Promise<NativeLayerInfo> {
  const e = await build(net, config);
  try {
    return e.info().layers.find((l) => l.name === name)!;
  } finally {
    e.dispose();
  }
}

describeIf(HAS_NATIVE, 'the qdq pass says why it leaves a layer float', NATIVE_MISSING, () => {
  it("cuda's int8 kernels refuse grouped and non-2-d convolutions (cpu's take them); both take matmuls", async () => {
    const grouped = convNet([6, 6], 2);
    const cpu = await layerOf(grouped, 'conv');
    expect([cpu.precision, cpu.notInt8]).toEqual(['int8', undefined]);
    const cuda = await layerOf(grouped, 'conv', { int8Kernels: 'cuda' });
    expect(cuda.precision).toBe('fp32');
    expect(cuda.notInt8).toEqual({
      by: 'backend',
      reason: expect.stringMatching(/^the cuda backend has no int8 kernel for convolutions of several groups/),
    });

    for (const [spatial, d] of [
      [[7], '1-d'],
      [[4, 4, 4], '3-d'],
    ] as const) {
      const net = convNet([...spatial], 1);
      expect((await layerOf(net, 'conv')).precision).toBe('int8');
      expect((await layerOf(net, 'conv', { int8Kernels: 'cuda' })).notInt8).toEqual({
        by: 'backend',
        reason: `the cuda backend has no int8 kernel for ${d} convolutions (2-d only)`,
      });
    }
    // Depthwise (4 groups of one channel): cuda's kernel folds it by default; with
    // HYBRIDRT_INT8_DEPTHWISE=0 the pass leaves it float and says so.
    const depthwise = convNet([6, 6], 4);
    const folded = await layerOf(depthwise, 'conv', { int8Kernels: 'cuda' });
    expect([folded.precision, folded.notInt8]).toEqual(['int8', undefined]);
    expect((await layerOf(grouped, 'conv', { int8Kernels: 'cuda' })).notInt8?.reason).toMatch(/several groups but depthwise ones/);
    process.env.HYBRIDRT_INT8_DEPTHWISE = '0';
    try {
      expect((await layerOf(depthwise, 'conv', { int8Kernels: 'cuda' })).notInt8).toEqual({
        by: 'backend',
        reason: "the cuda backend's int8 depthwise kernel is switched off (HYBRIDRT_INT8_DEPTHWISE=0)",
      });
    } finally {
      delete process.env.HYBRIDRT_INT8_DEPTHWISE;
    }
    // Fewer than 4 input channels (a 3-channel stem): cuda's kernels would take it, but the pass
    // leaves it float, where it is faster (qdq_fusion.h fold_min_channels); cpu's folds it.
    const stem = convNet([6, 6], 1, 3);
    expect((await layerOf(stem, 'conv')).precision).toBe('int8');
    expect((await layerOf(stem, 'conv', { int8Kernels: 'cuda' })).notInt8).toEqual({
      by: 'backend',
      reason: expect.stringMatching(/^it reads 3 input channels: the cuda backend keeps a convolution of fewer than 4 in float/),
    });
    // A 2-d convolution of one group, and a matrix product: cuda's kernels take them.
    expect((await layerOf(convNet([6, 6], 1), 'conv', { int8Kernels: 'cuda' })).precision).toBe('int8');
    expect((await layerOf(matmulNet({}), 'mm', { int8Kernels: 'cuda' })).precision).toBe('int8');
  });

  it("names what the pass does not fold: a matmul's alpha, a transposed A; the note survives a plan", async () => {
    const alpha = await build(matmulNet({ alpha: 2 }));
    try {
      const mm = alpha.info().layers.find((l) => l.name === 'mm')!;
      expect(mm.precision).toBe('fp32');
      expect(mm.notInt8).toEqual({ by: 'pass', reason: expect.stringMatching(/alpha 2 /) });
      const again = await deserializeEngine(alpha.serialize());
      try {
        expect(again.info().layers.find((l) => l.name === 'mm')!.notInt8).toEqual(mm.notInt8);
      } finally {
        again.dispose();
      }
    } finally {
      alpha.dispose();
    }
    expect((await layerOf(matmulNet({ transA: true }), 'mm')).notInt8).toEqual({ by: 'pass', reason: expect.stringMatching(/transposed A/) });
  });

  it('buildEngine({ qdq: false }) leaves every layer float, the pass noting that it is off; int8Kernels must name a table', async () => {
    const on = await buildEngine(convNet([6, 6], 1), { backend: 'cpu', threads: 1 });
    const off = await buildEngine(convNet([6, 6], 1), { backend: 'cpu', threads: 1, qdq: false });
    try {
      expect(on.info().build.int8Layers).toBe(1);
      expect(off.info().build.int8Layers).toBe(0);
      expect(off.info().layers.find((l) => l.name === 'conv')).toMatchObject({
        precision: 'fp32',
        notInt8: { by: 'pass', reason: expect.stringMatching(/^the qdq pass is off/) },
      });
    } finally {
      on.dispose();
      off.dispose();
    }
    await expect(build(convNet([6, 6], 1), { int8Kernels: 'tpu' })).rejects.toThrow(/'int8Kernels' must name a backend with int8 kernels/);
  });

  it("BACKEND_PRECISIONS (precision.ts) says int8 exactly where the addon's int8 kernel table has kernels", async () => {
    for (const backend of Object.keys(BACKEND_PRECISIONS) as Array<keyof typeof BACKEND_PRECISIONS>) {
      const addonHasInt8 = await build(convNet([6, 6], 1), { int8Kernels: backend }).then(
        (e) => (e.dispose(), true),
        () => false,
      );
      expect(addonHasInt8, backend).toBe(BACKEND_PRECISIONS[backend].includes('int8'));
    }
  });
});
