/**
 * Malformed networks, feeds and configs are refused with a HybridError naming the layer,
 * tensor or input, never a crash (a crash would kill this test's worker): duplicate
 * producers, bad ids, tensors never produced or used before being produced, shape and dtype
 * mismatches, unknown kinds and params, short or mistyped weights, out-of-range gather
 * indices at run time, and bad inputs.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { NetDraft } from './helpers/net.js';

const relu = { op: 'relu' };
const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });

/** A valid two-layer network to break in one place: x -> relu -> r; r + w -> y. */
function base(): { d: NetDraft; x: number; r: number; w: number; y: number } {
  const d = new NetDraft('base');
  const x = d.input('x', 'float32', [2, 3]);
  const w = d.constant('w', 'float32', [3], new Float32Array([1, 2, 3]));
  const [r] = d.layer('unary', 'act', [x], relu, [f32([2, 3])]);
  const [y] = d.layer('elementwise', 'add', [r!, w], { op: 'add' }, [f32([2, 3])]);
  d.output(y!);
  return { d, x, r: r!, w, y: y! };
}

async function refused(net: NetworkDefinition | unknown, ...fragments: string[]): Promise<HybridError> {
  const err = await buildEngine(net as NetworkDefinition).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the network was accepted').toBeInstanceOf(HybridError);
  const e = err as HybridError;
  expect(e.code).toBe('NATIVE');
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}

describe('network validation', () => {
  it('accepts the base network (so that each case below fails for its own reason)', async () => {
    const engine = await buildEngine(base().d.finish());
    const [y] = await engine.createContext().run([new Float32Array([-1, 0, 1, 2, -3, 4])]);
    expect(Array.from(y as Float32Array)).toEqual([1, 2, 4, 3, 2, 7]);
    engine.dispose();
  });
  it('a tensor produced twice', async () => {
    const { d, x, r } = base();
    d.layers.push({ kind: 'unary', name: 'again', params: relu, inputs: [x], outputs: [r] } as never);
    await refused(d.finish(), "layer 'again' (unary)", "tensor 'act' (id 2)", 'produced twice', "layer 'act'");
  });
  it('a layer writing a network input', async () => {
    const { d, x, r } = base();
    d.layers.push({ kind: 'unary', name: 'overwrite', params: relu, inputs: [r], outputs: [x] } as never);
    await refused(d.finish(), "layer 'overwrite'", "tensor 'x' (id 0)", 'network input');
  });
  it('an id out of range', async () => {
    const { d } = base();
    d.layers[1]!.inputs = [7];
    await refused(d.finish(), "layer 'act' (unary)", 'tensor id 7', 'out of range');
  });
  it('a tensor used before it is produced, and one never produced', async () => {
    const { d } = base();
    d.layers.reverse();
    await refused(d.finish(), "layer 'add'", 'not produced before this layer');
    const b = base();
    b.d.tensor('orphan', 'float32', [1]);
    await refused(b.d.finish(), "tensor 'orphan'", 'never produced');
  });
  it('an output shape or dtype that the layer does not produce', async () => {
    const { d, y } = base();
    d.tensors[y]!.shape = [3, 2];
    await refused(d.finish(), "layer 'add' (elementwise)", "tensor 'add'", 'has shape [3,2]; expected [2,3]');
    const b = base();
    b.d.tensors[b.y]!.dtype = 'int32';
    await refused(b.d.finish(), "layer 'add'", 'has dtype int32; expected float32');
  });
  it('inputs whose shapes do not fit the layer', async () => {
    const d = new NetDraft('conv');
    const x = d.input('x', 'float32', [1, 4, 5, 5]);
    const w = d.constant('w', 'float32', [2, 3, 3, 3], new Float32Array(54));
    const [y] = d.layer(
      'convolution',
      'conv',
      [x, w],
      { kernel: [3, 3], strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], groups: 1 },
      [f32([1, 2, 3, 3])],
    );
    d.output(y!);
    await refused(d.finish(), "layer 'conv' (convolution)", "input 1 (tensor 'w' (id 1))", 'channels/groups = 4');
  });
  it('pooling pads that are not smaller than the window (ONNX Runtime refuses them too)', async () => {
    const draft = (padsEnd: number[], dilations: number[], outW: number): NetworkDefinition => {
      const d = new NetDraft('pool');
      const x = d.input('x', 'float32', [1, 1, 4, 4]);
      const pool = { mode: 'max', kernel: [2, 2], strides: [1, 1], padsBegin: [0, 0], padsEnd, dilations, ceilMode: false, countIncludePad: false };
      d.output(d.layer('pooling', 'pool', [x], pool, [f32([1, 1, 3, outW])])[0]!);
      return d.finish();
    };
    // A window of 2 with 2 end pads leaves the last window all padding.
    await refused(draft([0, 2], [1, 1], 5), "layer 'pool' (pooling)", 'pads in spatial dim 1 are not smaller than the window 2');
    // The same pads under dilation 2 (window extent 3) are allowed and pool a real element.
    const engine = await buildEngine(draft([0, 2], [1, 2], 4));
    engine.dispose();
  });
  it('an unknown kind, an unknown or missing or mistyped param, an unknown enum value', async () => {
    const k = base();
    (k.d.layers[1] as { kind: string }).kind = 'swizzle';
    await refused(k.d.finish(), "layers[1] 'act'", "unknown kind 'swizzle'");
    const u = base();
    u.d.layers[1]!.params = { op: 'relu', alhpa: 1 } as never;
    await refused(u.d.finish(), "layer 'act'", "unknown param 'alhpa'");
    const m = base();
    m.d.layers[1]!.params = {} as never;
    await refused(m.d.finish(), "layer 'act'", "param 'op' is missing");
    const t = base();
    t.d.layers[2]!.params = { op: 7 } as never;
    await refused(t.d.finish(), "layer 'add'", "param 'op' must be a string");
    const e = base();
    e.d.layers[1]!.params = { op: 'swish' } as never;
    await refused(e.d.finish(), "layer 'act'", "param 'op' is 'swish'; expected one of");
    const p = base();
    p.d.layers[1]!.params = { op: 'leaky_relu' } as never;
    await refused(p.d.finish(), "layer 'act'", "needs param 'alpha'");
  });
  it('a dtype the layer does not take', async () => {
    const d = new NetDraft('and');
    const a = d.input('a', 'float32', [2]);
    const b = d.input('b', 'float32', [2]);
    const [y] = d.layer('elementwise', 'both', [a, b], { op: 'and' }, [f32([2])]);
    d.output(y!);
    await refused(d.finish(), "layer 'both'", "op 'and' does not take dtype float32");
    const p = new NetDraft('pow');
    const [a2, b2] = [p.input('a', 'int32', [2]), p.input('b', 'int32', [2])];
    p.output(p.layer('elementwise', 'power', [a2, b2], { op: 'pow' }, [{ dtype: 'int32', shape: [2] }])[0]!);
    await refused(p.finish(), "layer 'power'", "op 'pow' does not take dtype int32");
    const r = new NetDraft('resize');
    const xi = r.input('x', 'int32', [1, 4]);
    const resize = {
      mode: 'nearest',
      coordinateTransformation: 'asymmetric',
      nearestMode: 'floor',
      scales: [1, 2],
      cubicCoeffA: -0.75,
      excludeOutside: false,
      extrapolationValue: 0,
    };
    r.output(r.layer('resize', 'up', [xi], resize, [{ dtype: 'int32', shape: [1, 8] }])[0]!);
    await refused(r.finish(), "layer 'up' (resize)", 'has dtype int32; expected a float type');
  });
  it('weights that are short or of the wrong typed array', async () => {
    const s = base();
    (s.d.layers[0] as { weights: unknown }).weights = new Float32Array([1, 2]);
    await refused(s.d.finish(), "layer 'w' (constant)", 'weights hold 8 bytes', 'needs 12');
    const t = base();
    (t.d.layers[0] as { weights: unknown }).weights = new Int32Array([1, 2, 3]);
    await refused(t.d.finish(), "layers[0] 'w'.weights", 'is Int32Array; a float32 tensor needs Float32Array');
  });
  it('another format version, a shape too large, not an object at all', async () => {
    const v = base().d.finish();
    await refused({ ...v, formatVersion: 2 }, 'format version 2; this engine reads version 1');
    const big = base();
    big.d.tensors[0]!.shape = [1 << 20, 1 << 20, 1 << 20];
    await refused(big.d.finish(), "tensor 'x'", 'too large');
    await refused(null, 'must be an object');
    await refused({ formatVersion: 1 }, 'network.name is missing');
  });
});

describe('run-time errors', () => {
  it('gather indices out of range name the layer and the index', async () => {
    const d = new NetDraft('lookup');
    const table = d.constant('table', 'float32', [4, 2], new Float32Array(8));
    const idx = d.input('ids', 'int64', [3]);
    const [y] = d.layer('gather', 'embed', [table, idx], { axis: 0, mode: 'default' }, [f32([3, 2])]);
    d.output(y!);
    const engine = await buildEngine(d.finish());
    const ctx = engine.createContext();
    const err = await ctx.run([BigInt64Array.from([0n, 4n, 1n])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).code).toBe('INPUT');
    expect((err as HybridError).message).toContain("layer 'embed' (gather): index 4 at position 1");
    // The context stays usable.
    const [ok] = await ctx.run([BigInt64Array.from([0n, -4n, 3n])]);
    expect(ok).toHaveLength(6);
    engine.dispose();
  });
  it('feeds of the wrong count, typed array or length name the input', async () => {
    const engine = await buildEngine(base().d.finish());
    const ctx = engine.createContext();
    const bad = async (inputs: unknown, ...fragments: string[]) => {
      const err = await ctx.run(inputs as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HybridError);
      expect((err as HybridError).code).toBe('INPUT');
      for (const f of fragments) expect((err as HybridError).message).toContain(f);
    };
    await bad([], 'takes 1 inputs (x), got 0');
    await bad([new Int32Array(6)], "input 'x': expected Float32Array (float32), got Int32Array");
    await bad([new Float32Array(5)], "input 'x': expected 6 elements (shape [2,3]), got 5");
    await bad({ y: new Float32Array(6) }, "unknown input 'y'");
    await bad({}, "input 'x' of engine 'base' is missing");
    engine.dispose();
  });
  it('bad build configs', async () => {
    const net = base().d.finish();
    await expect(buildEngine(net, { backend: 'tpu' as never })).rejects.toMatchObject({ code: 'OPTION' });
    await expect(buildEngine(net, { threads: -1 })).rejects.toMatchObject({ code: 'OPTION' });
    await expect(buildEngine(net, { precisions: ['fp64' as never] })).rejects.toMatchObject({ code: 'OPTION' });
  });
  describe("the int8 form's residual (quant_form.h)", () => {
    /** x int8 [1,2,3,3] -> 1x1 int8 convolution with a residual z of `zType` -> y float32. */
    function quantConv(zType: 'int8' | 'float32', quant: Record<string, unknown>, residual = true): NetworkDefinition {
      const d = new NetDraft('q');
      const x = d.input('x', 'int8', [1, 2, 3, 3]);
      const z = d.input('z', zType, [1, 2, 3, 3]);
      const w = d.constant('w', 'int8', [2, 2, 1, 1], new Int8Array([1, 2, 3, 4]));
      const params = { kernel: [1, 1], strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], groups: 1, residual };
      const base = { inputScale: 0.1, inputZeroPoint: 0, weightScales: [0.5] };
      const [y] = d.layer('convolution', 'conv', residual ? [x, w, z] : [x, w], { ...params, quant: { ...base, ...quant } }, [f32([1, 2, 3, 3])]);
      d.output(y!);
      return d.finish();
    }
    it('an int8 residual with its scale is accepted and dequantized as it is added', async () => {
      const engine = await buildEngine(quantConv('int8', { residualScale: 0.25, residualZeroPoint: 2 }));
      const x = new Int8Array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
      const z = new Int8Array(18).fill(6);
      const [y] = await engine.createContext().run([x, z]);
      // y[c][p] = (w[c][0] x[0][p] + w[c][1] x[1][p]) * 0.1 * 0.5 + (6 - 2) * 0.25, w = [[1, 2], [3, 4]]
      const want = { 0: 1 * 0.05 + 1, 1: 2 * 0.05 + 1, 2: 1, 9: 3 * 0.05 + 1, 10: 4 * 0.05 + 1, 11: 1 };
      for (const [i, v] of Object.entries(want)) expect((y as Float32Array)[Number(i)]).toBeCloseTo(v, 6);
      engine.dispose();
    });
    it('an int8 residual without its scale', async () => {
      await refused(quantConv('int8', {}), "layer 'conv'", 'expected float32 (the int8 form)');
    });
    it('a residual scale on a float residual', async () => {
      await refused(quantConv('float32', { residualScale: 0.25, residualZeroPoint: 0 }), 'a quantized residual is int8 or uint8');
    });
    it('a residual scale without a residual', async () => {
      await refused(quantConv('int8', { residualScale: 0.25, residualZeroPoint: 0 }, false), 'needs a residual input');
    });
    it('a residual zero point outside int8', async () => {
      await refused(quantConv('int8', { residualScale: 0.25, residualZeroPoint: 300 }), "'quant.residualZeroPoint' is 300");
    });
  });
  describe("the int8 form's matmul (native/layers/quant_form.cc CheckInt8Matmul: what both backends' int8 kernels take)", () => {
    /** a int8 [aShape] x b int8 [bShape] (+ c float32 [cShape]) in the int8 form -> y float32 [3,4]. */
    function quantMatmul(params: Record<string, unknown>, aShape = [3, 5], bShape = [5, 4], cShape?: number[]): NetworkDefinition {
      const d = new NetDraft('qm');
      const a = d.input('a', 'int8', aShape);
      const b = d.constant('b', 'int8', bShape, new Int8Array(bShape.reduce((p, v) => p * v, 1)).fill(1));
      const c = cShape ? [d.constant('c', 'float32', cShape, new Float32Array(cShape.reduce((p, v) => p * v, 1)))] : [];
      const quant = { inputScale: 0.1, inputZeroPoint: 0, weightScales: [0.5] };
      const [y] = d.layer('matmul', 'mm', [a, b, ...c], { transA: false, transB: false, alpha: 1, beta: 1, ...params, quant }, [f32([3, 4])]);
      d.output(y!);
      return d.finish();
    }
    it('a plain one, with a bias of N values, builds and computes', async () => {
      const engine = await buildEngine(quantMatmul({}, [3, 5], [5, 4], [4]));
      const [y] = await engine.createContext().run([new Int8Array(15).fill(2)]);
      // y = 5 products of 2 * 1, times 0.1 * 0.5, plus a bias of 0
      for (const v of y as Float32Array) expect(v).toBeCloseTo(0.5, 6);
      engine.dispose();
    });
    it('a transposed a, alpha or beta other than 1, a c that is not a bias, are refused by the shape rule', async () => {
      await refused(quantMatmul({ transA: true }, [5, 3]), "layer 'mm'", 'an int8 matmul takes no transposed A (transA)');
      await refused(quantMatmul({ alpha: 2 }), 'an int8 matmul takes alpha 1 and beta 1');
      await refused(quantMatmul({ beta: 0.5 }, [3, 5], [5, 4], [4]), 'an int8 matmul takes alpha 1 and beta 1');
      await refused(quantMatmul({}, [3, 5], [5, 4], [3, 4]), 'is a bias of N = 4 values');
    });
  });
});
