/**
 * int8 convolutions on cuda (native/cuda/quant_conv.cu), from Q/DQ models:
 *
 * 1. Geometries (channels that are and are not multiples of 16, kernels 1 to 5, strides,
 *    pads (asymmetric too), dilations, output channels past a tile, several k tiles, int8 and uint8 inputs with
 *    zero points) in two-convolution models, channels-last (the layout pass) and NCHW
 *    (HYBRIDRT_LAYOUT=0), and every tile shape forced (HYBRIDRT_CONV_TACTIC): against the cpu
 *    backend's int8 kernels on the same model, which compute the same int32 sums and the same
 *    epilogue (cpu/quant_epilogue.h): at most one output step apart, and nearly all equal.
 *    An int8 residual (residual-qdq.ts: the add's input a DequantizeLinear) likewise.
 * 2. A residual CNN quantize() writes: every convolution and the Gemm int8 on cuda, the
 *    convolutions channels-last, and the output within one step of its last quantized
 *    activation (through the Gemm after it) of onnxruntime's run of the same Q/DQ model as
 *    written; in fp16 also within 0.2% of the output's scale (the pooling in fp16).
 * 3. Implicit int8 (compile() with a calibration) on cuda: calibrated, the convolutions and
 *    the Gemm int8, and the output close to fp32's.
 * 4. int8 matmuls (Gemm with transB and a bias, MatMul of rank-3 a with per-column weight
 *    scales), run as the 1x1 convolution over a's rows: against the cpu int8 matmul, every tile.
 * 5. int8 depthwise convolutions (and HYBRIDRT_INT8_DEPTHWISE=0 leaving them float) against the cpu int8 kernels.
 * 6. cuBLASLt's int8 GEMM (matmuls and 1x1 convolutions): forced and timed, the tiles' output bit for bit.
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel, type NodeSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { cosineOf, fanInWeights, ortYs, smoothImage, worst } from '../quantize/helpers.js';
import { int8Weights, residualQdqModel, scalar, zero } from '../quantize/residual-qdq.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA } from './helpers.js';

interface Case {
  n: number;
  c: number;
  h: number;
  w: number;
  m: number;
  k: number;
  stride: number;
  pad: number;
  /** The trailing pads where they differ from the leading ones (SAME_UPPER). */
  padEnd?: number;
  dil: number;
  type: 'int8' | 'uint8';
  zero: number;
  relu: boolean;
  /** conv1 depthwise (groups = c = m). */
  dw?: boolean;
  /** conv1's activation SiLU (x * Sigmoid(x), which the fusion pass folds into it) rather than relu. */
  silu?: boolean;
}

const CASES: Case[] = [
  { n: 2, c: 6, h: 13, w: 11, m: 32, k: 3, stride: 1, pad: 1, dil: 1, type: 'uint8', zero: 7, relu: true },
  { n: 1, c: 16, h: 9, w: 9, m: 16, k: 1, stride: 1, pad: 0, dil: 1, type: 'int8', zero: 0, relu: false },
  { n: 3, c: 32, h: 15, w: 15, m: 48, k: 3, stride: 2, pad: 1, dil: 1, type: 'uint8', zero: 128, relu: true },
  { n: 1, c: 64, h: 7, w: 7, m: 130, k: 3, stride: 1, pad: 1, dil: 1, type: 'int8', zero: -3, relu: true },
  { n: 2, c: 48, h: 12, w: 10, m: 64, k: 5, stride: 1, pad: 2, dil: 1, type: 'int8', zero: 0, relu: false },
  { n: 1, c: 16, h: 17, w: 17, m: 32, k: 3, stride: 1, pad: 2, dil: 2, type: 'uint8', zero: 30, relu: true },
  { n: 4, c: 24, h: 8, w: 8, m: 40, k: 3, stride: 2, pad: 0, dil: 1, type: 'int8', zero: 5, relu: false },
  { n: 2, c: 128, h: 28, w: 28, m: 256, k: 3, stride: 1, pad: 1, dil: 1, type: 'int8', zero: 0, relu: true },
  { n: 2, c: 32, h: 10, w: 10, m: 48, k: 3, stride: 2, pad: 0, padEnd: 1, dil: 1, type: 'uint8', zero: 9, relu: true },
  { n: 1, c: 5, h: 9, w: 12, m: 16, k: 4, stride: 1, pad: 1, padEnd: 2, dil: 1, type: 'int8', zero: -4, relu: false },
  { n: 1, c: 48, h: 6, w: 5, m: 37, k: 3, stride: 1, pad: 1, dil: 1, type: 'uint8', zero: 11, relu: false },
];
// Every tile shape, and splits of k (the 1x1 layers' k is one 64-byte step: 15 of 16 shares
// empty, and a 128-byte stage reads past the weights' padded rows, which must count as zeros).
// The cases they run: 0 (C = 6: byte by byte), 3 (130 channels), 5 (C = 16 with dilation: a
// thread's chunk moves over several taps per stage), 7 (C = 128), 10 (37 channels, odd: the
// epilogue's single stores).
const TILES = [
  'int8_mma_128x128',
  'int8_mma_128x64',
  'int8_mma_64x128',
  'int8_mma_64x64',
  'int8_mma_128x128_k128',
  'int8_mma_128x64_k128',
  'int8_mma_64x64_k128',
  'int8_mma_64x64_split2',
  'int8_mma_128x128_split16',
  'int8_mma_64x64_k128_split4',
];

/** x -> Q -> DQ -> conv1 (kxk) [-> Relu] -> Q -> DQ -> conv2 (1x1, m -> 16) -> Q -> DQ -> y. */
function twoConvModel(t: Case, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const w1 = int8Weights(r, [t.m, t.dw ? 1 : t.c, t.k, t.k]);
  const w2 = int8Weights(r, [16, t.m, 1, 1]);
  const z1 = t.type === 'int8' ? -2 : 100;
  const nodes: NodeSpec[] = [
    { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
    { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
    { op: 'DequantizeLinear', inputs: ['w1q', 'w1s'], outputs: ['w1d'], attrs: { axis: 0 } },
    {
      op: 'Conv',
      inputs: ['xd', 'w1d', 'b1'],
      outputs: ['c1'],
      attrs: {
        kernel_shape: [t.k, t.k],
        strides: [t.stride, t.stride],
        pads: [t.pad, t.pad, t.padEnd ?? t.pad, t.padEnd ?? t.pad],
        dilations: [t.dil, t.dil],
        group: t.dw ? t.c : 1,
      },
    },
    ...(t.relu ? [{ op: 'Relu', inputs: ['c1'], outputs: ['a1'] }] : []),
    ...(t.silu
      ? [
          { op: 'Sigmoid', inputs: ['c1'], outputs: ['g1'] },
          { op: 'Mul', inputs: ['c1', 'g1'], outputs: ['a1'] },
        ]
      : []),
    { op: 'QuantizeLinear', inputs: [t.relu || t.silu ? 'a1' : 'c1', 's1', 'z1'], outputs: ['q1'] },
    { op: 'DequantizeLinear', inputs: ['q1', 's1', 'z1'], outputs: ['d1'] },
    { op: 'DequantizeLinear', inputs: ['w2q', 'w2s'], outputs: ['w2d'], attrs: { axis: 0 } },
    { op: 'Conv', inputs: ['d1', 'w2d', 'b2'], outputs: ['c2'], attrs: { kernel_shape: [1, 1] } },
    { op: 'QuantizeLinear', inputs: ['c2', 's2', 'z2'], outputs: ['q2'] },
    { op: 'DequantizeLinear', inputs: ['q2', 's2', 'z2'], outputs: ['y'] },
  ];
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [t.n, t.c, t.h, t.w] }],
      outputs: [{ name: 'y' }],
      initializers: {
        sx: scalar(1 / 64),
        zx: zero(t.type, t.zero),
        w1q: w1.q,
        w1s: w1.s,
        b1: { dtype: 'float32', dims: [t.m], data: Float32Array.from({ length: t.m }, () => uniform(r, -0.2, 0.2)) },
        s1: scalar(1 / 40),
        z1: zero(t.type, z1),
        w2q: w2.q,
        w2s: w2.s,
        b2: { dtype: 'float32', dims: [16], data: Float32Array.from({ length: 16 }, () => uniform(r, -0.1, 0.1)) },
        s2: scalar(1 / 50),
        z2: zero('int8', 0),
      },
      nodes,
    }),
  );
}

async function runOn(model: Uint8Array, backend: 'cpu' | 'cuda', x: ort.Tensor, env: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  const m = await compile(model, { backend, requireFullCompilation: true }).finally(() => {
    for (const k of Object.keys(env)) delete process.env[k];
  });
  try {
    const y = (await m.run({ x })).y!.data as Float32Array;
    return { y, engine: m.report.engines[0]! };
  } finally {
    await m.dispose();
  }
}

function expectClose(got: Float32Array, ref: Float32Array, step: number, what: string) {
  let equal = 0;
  for (let i = 0; i < ref.length; i++) equal += got[i] === ref[i] ? 1 : 0;
  const max = worst(got, ref);
  expect(max, `${what}: max difference ${max} (one step ${step})`).toBeLessThanOrEqual(step * 1.001);
  expect(equal / ref.length, `${what}: ${ref.length - equal} of ${ref.length} differ`).toBeGreaterThanOrEqual(0.99);
}

interface MatmulCase {
  /** a's dims; K is the last. */
  a: number[];
  n: number;
  gemm: boolean;
  type: 'int8' | 'uint8';
  zero: number;
  relu: boolean;
}

// K a multiple of 16 (16-byte chunks) and not, one k step and several, N past a tile, rows
// past a tile, a of rank 3 (rows over two dims).
const MATMULS: MatmulCase[] = [
  { a: [5, 64], n: 10, gemm: true, type: 'int8', zero: 0, relu: false },
  { a: [2, 77, 40], n: 130, gemm: false, type: 'uint8', zero: 120, relu: true },
  { a: [197, 768], n: 96, gemm: true, type: 'int8', zero: -3, relu: true },
  { a: [3, 129, 300], n: 64, gemm: false, type: 'int8', zero: 4, relu: false },
];

/** x -> Q -> DQ -> Gemm(transB, bias) or MatMul (per-column weight scales) [-> Relu] -> Q -> DQ -> y. */
function matmulModel(t: MatmulCase, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const k = t.a[t.a.length - 1]!;
  const w = int8Weights(r, [t.n, k]); // [N, K], a scale per row: Gemm's transB layout
  // MatMul's b is [K, N] with a scale per column (axis 1): the same values transposed.
  const wq = t.gemm
    ? w.q
    : { dtype: 'int8' as const, dims: [k, t.n], data: Int8Array.from({ length: k * t.n }, (_, i) => w.q.data[(i % t.n) * k + Math.floor(i / t.n)]!) };
  const product: NodeSpec = t.gemm
    ? { op: 'Gemm', inputs: ['xd', 'wd', 'b'], outputs: ['c'], attrs: { transB: 1 } }
    : { op: 'MatMul', inputs: ['xd', 'wd'], outputs: ['c'] };
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: t.a }],
      outputs: [{ name: 'y' }],
      initializers: {
        sx: scalar(1 / 64),
        zx: zero(t.type, t.zero),
        wq,
        ws: w.s,
        ...(t.gemm ? { b: { dtype: 'float32' as const, dims: [t.n], data: Float32Array.from({ length: t.n }, () => uniform(r, -0.2, 0.2)) } } : {}),
        sy: scalar(1 / 50),
        zy: zero('int8', 0),
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
        { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
        { op: 'DequantizeLinear', inputs: ['wq', 'ws'], outputs: ['wd'], attrs: { axis: t.gemm ? 0 : 1 } },
        product,
        ...(t.relu ? [{ op: 'Relu', inputs: ['c'], outputs: ['a'] }] : []),
        { op: 'QuantizeLinear', inputs: [t.relu ? 'a' : 'c', 'sy', 'zy'], outputs: ['yq'] },
        { op: 'DequantizeLinear', inputs: ['yq', 'sy', 'zy'], outputs: ['y'] },
      ],
    }),
  );
}

describeIf(CUDA, 'int8 convolutions (cuda)', NO_CUDA, () => {
  it('match the cpu int8 kernels over geometries, channels-last and NCHW', async () => {
    for (const [i, t] of CASES.entries()) {
      const model = twoConvModel(t, 100 + i);
      const x = smoothImage([t.n, t.c, t.h, t.w], i, 0.37, 0.5);
      const cpu = await runOn(model, 'cpu', x);
      const what = `case ${i} ${JSON.stringify(t)}`;
      const nhwc = await runOn(model, 'cuda', x);
      expect(nhwc.engine.build.int8Layers, what).toBe(2);
      expect(nhwc.engine.build.nhwcLayers, what).toBeGreaterThan(0);
      expectClose(nhwc.y, cpu.y, 1 / 50, `${what} channels-last`);
      const nchw = await runOn(model, 'cuda', x, { HYBRIDRT_LAYOUT: '0' });
      expect(nchw.engine.build.nhwcLayers, what).toBe(0);
      expectClose(nchw.y, cpu.y, 1 / 50, `${what} NCHW`);
    }
    // Fewer than 4 input channels (a 3-channel stem): the qdq pass leaves the convolution float
    // on cuda (qdq_fusion.h fold_min_channels: faster than int8 there), the second one int8; the
    // float convolution computes the same dequantized products, so the result is as close.
    const stem: Case = { ...CASES[0]!, c: 3 };
    const model = twoConvModel(stem, 199);
    const x = smoothImage([stem.n, 3, stem.h, stem.w], 0, 0.37, 0.5);
    const cpu = await runOn(model, 'cpu', x);
    const got = await runOn(model, 'cuda', x);
    expect(cpu.engine.build.int8Layers).toBe(2);
    expect(got.engine.build.int8Layers).toBe(1);
    expectClose(got.y, cpu.y, 1 / 50, 'a 3-channel stem left float');
  }, 240_000);

  it('match them with every tile shape', async () => {
    for (const i of [0, 3, 5, 7, 10]) {
      const t = CASES[i]!;
      const model = twoConvModel(t, 100 + i);
      const x = smoothImage([t.n, t.c, t.h, t.w], i, 0.37, 0.5);
      const cpu = await runOn(model, 'cpu', x);
      for (const tile of TILES) {
        const got = await runOn(model, 'cuda', x, { HYBRIDRT_CONV_TACTIC: tile });
        expectClose(got.y, cpu.y, 1 / 50, `case ${i}, ${tile}`);
      }
    }
  }, 240_000);

  // cuDNN's int8 configurations (quant_conv.cu; on by default, HYBRIDRT_INT8_CUDNN=1 said explicitly):
  // where x is int8 with zero point 0, channels-last, output channels multiples of 4 (input
  // channels padded to 4). Forced (the build fails where cuDNN cannot plan it) and timed against
  // the tiles, on the cases that qualify, a residual among them.
  it("cuDNN's int8 convolutions, forced and timed, match the cpu int8 kernels", async () => {
    const on = { HYBRIDRT_INT8_CUDNN: '1' };
    // Case 9 with zero point 0: 5 input channels, padded to 8 for cuDNN (quant_conv_cudnn.h).
    // And a 1x1/2 downsample on an even size (its last input row unread: cuDNN refused the
    // negative post-padding this used to give, quant_conv_cudnn.h Int8CudnnGeometry).
    const downsample: Case = { n: 2, c: 32, h: 14, w: 14, m: 64, k: 1, stride: 2, pad: 0, dil: 1, type: 'int8', zero: 0, relu: true };
    const forced = [...[1, 4, 7, 9].map((i) => [i, i === 9 ? { ...CASES[i]!, zero: 0 } : CASES[i]!] as const), [11, downsample] as const];
    for (const [i, t] of forced) {
      const model = twoConvModel(t, 100 + i);
      const x = smoothImage([t.n, t.c, t.h, t.w], i, 0.37, 0.5);
      const cpu = await runOn(model, 'cpu', x);
      for (const env of [{ ...on, HYBRIDRT_CONV_TACTIC: 'cudnn_int8:0' }, on]) {
        const got = await runOn(model, 'cuda', x, env);
        expect(got.engine.build.int8Layers).toBe(2);
        expectClose(got.y, cpu.y, 1 / 50, `case ${i}, ${JSON.stringify(env)}`);
      }
    }
    const model = residualQdqModel([2, 16, 9, 8], 'int8', [0, 0, 0]);
    const x = smoothImage([2, 16, 9, 8], 5, 0.31, 0.6);
    const cpu = await runOn(model, 'cpu', x);
    const got = await runOn(model, 'cuda', x, { ...on, HYBRIDRT_CONV_TACTIC: 'cudnn_int8:0' });
    expectClose(got.y, cpu.y, 1 / 24, 'residual, cudnn_int8:0');
    // SiLU in cuDNN's epilogue (swish): efficientnet's convolutions.
    const silu: Case = { ...CASES[4]!, relu: false, silu: true };
    const sm = twoConvModel(silu, 104);
    const sx = smoothImage([silu.n, silu.c, silu.h, silu.w], 4, 0.37, 0.5);
    const scpu = await runOn(sm, 'cpu', sx);
    const sgot = await runOn(sm, 'cuda', sx, { ...on, HYBRIDRT_CONV_TACTIC: 'cudnn_int8:0' });
    expect(sgot.engine.build.int8Layers).toBe(2);
    expectClose(sgot.y, scpu.y, 1 / 50, 'SiLU, cudnn_int8:0');
  }, 240_000);

  // The depthwise kernel (quant_depthwise_kernel.cuh), folded by default (HYBRIDRT_INT8_DEPTHWISE=0: not):
  // 3x3 and 5x5, strides 1 and 2, asymmetric pads, dilation, int8 and uint8 with zero points,
  // channel counts even, odd and past a block's threads, channels-last and NCHW (multiples of 4
  // channels-last: the four-channel kernel; 37 channels and NCHW: one channel a thread).
  it('int8 depthwise convolutions match the cpu int8 kernels, channels-last and NCHW', async () => {
    const on = { HYBRIDRT_INT8_DEPTHWISE: '1' };
    const cases: Case[] = [
      { n: 2, c: 32, h: 14, w: 14, m: 32, k: 3, stride: 1, pad: 1, dil: 1, type: 'int8', zero: 0, relu: true, dw: true },
      { n: 1, c: 96, h: 15, w: 13, m: 96, k: 3, stride: 2, pad: 1, dil: 1, type: 'uint8', zero: 9, relu: true, dw: true },
      { n: 3, c: 37, h: 9, w: 11, m: 37, k: 5, stride: 1, pad: 2, dil: 1, type: 'int8', zero: -5, relu: false, dw: true },
      { n: 1, c: 24, h: 10, w: 10, m: 24, k: 3, stride: 2, pad: 0, padEnd: 1, dil: 1, type: 'uint8', zero: 128, relu: false, dw: true },
      { n: 2, c: 300, h: 7, w: 6, m: 300, k: 3, stride: 1, pad: 2, dil: 2, type: 'int8', zero: 3, relu: true, dw: true },
    ];
    for (const [i, t] of cases.entries()) {
      const model = twoConvModel(t, 300 + i);
      const x = smoothImage([t.n, t.c, t.h, t.w], i, 0.37, 0.5);
      const cpu = await runOn(model, 'cpu', x);
      const what = `depthwise case ${i} ${JSON.stringify(t)}`;
      expect(cpu.engine.build.int8Layers, what).toBe(2);
      expect((await runOn(model, 'cuda', x, { HYBRIDRT_INT8_DEPTHWISE: '0' })).engine.build.int8Layers, `${what}, switch off`).toBe(1);
      const nhwc = await runOn(model, 'cuda', x, on);
      expect(nhwc.engine.build.int8Layers, what).toBe(2);
      expectClose(nhwc.y, cpu.y, 1 / 50, `${what} channels-last`);
      const nchw = await runOn(model, 'cuda', x, { ...on, HYBRIDRT_LAYOUT: '0' });
      expect([nchw.engine.build.int8Layers, nchw.engine.build.nhwcLayers], what).toEqual([2, 0]);
      expectClose(nchw.y, cpu.y, 1 / 50, `${what} NCHW`);
    }
  }, 240_000);

  it('an int8 residual (a dequantized add input folded in) matches the cpu kernels', async () => {
    for (const [shape, type, zeros] of [
      [[2, 16, 9, 7], 'int8', [0, 0, 0]],
      [[1, 32, 14, 14], 'uint8', [100, 7, 30]],
      [[3, 24, 5, 6], 'int8', [-5, 3, -20]],
    ] as const) {
      const model = residualQdqModel([...shape], type, [...zeros]);
      const x = smoothImage([...shape], 5, 0.31, 0.6);
      const cpu = await runOn(model, 'cpu', x);
      for (const env of [{}, { HYBRIDRT_LAYOUT: '0' }] as Array<Record<string, string>>) {
        const got = await runOn(model, 'cuda', x, env);
        expect(got.engine.build.int8Layers).toBe(2);
        expect(got.engine.layerKinds.dequantize).toBe(1);
        expectClose(got.y, cpu.y, 1 / 24, `residual ${JSON.stringify(shape)} ${type} ${JSON.stringify(env)}`);
      }
    }
  }, 120_000);

  it('int8 matmuls (the 1x1 convolution over rows) match the cpu int8 kernels, with every tile shape', async () => {
    for (const [i, t] of MATMULS.entries()) {
      const model = matmulModel(t, 300 + i);
      const x = smoothImage(t.a, 40 + i, 0.29, 0.5);
      const cpu = await runOn(model, 'cpu', x);
      expect(cpu.engine.build.int8Layers).toBe(1);
      for (const tile of ['', ...TILES]) {
        const got = await runOn(model, 'cuda', x, tile ? { HYBRIDRT_CONV_TACTIC: tile } : {});
        const what = `matmul ${i} ${JSON.stringify(t)} ${tile || 'timed'}`;
        expect(got.engine.build.int8Layers, what).toBe(1);
        expectClose(got.y, cpu.y, 1 / 50, what);
      }
    }
  }, 240_000);

  // cuBLASLt's int8 GEMM (quant_gemm_lt.h): int8 x (any zero point), k and n multiples of 4, and
  // matmuls or channels-last 1x1 convolutions of stride 1 without padding. Its int32 sums go
  // through the tiles' epilogue, so the output is the tiles' bit for bit; forced, then timed.
  it("cuBLASLt's int8 GEMM, forced and timed, gives the tiles' output bit for bit", async () => {
    const tacticsOf = async (model: Uint8Array, x: ort.Tensor, env: Record<string, string>) => {
      for (const [k, v] of Object.entries(env)) process.env[k] = v;
      const m = await compile(model, { backend: 'cuda', requireFullCompilation: true }).finally(() => {
        for (const k of Object.keys(env)) delete process.env[k];
      });
      try {
        const r = await m.runWithStats({ x }, { timing: 'layers' });
        const layers = r.stats.segments.find((s) => s.timing)!.timing!.layers!;
        return { y: (r.outputs.y as ort.Tensor).data as Float32Array, tactics: layers.map((l) => l.tactic) };
      } finally {
        await m.dispose();
      }
    };
    const lt = 'cublaslt_int8:0';
    const gemms: Array<[string, Uint8Array, ort.Tensor]> = [
      ...[2, 3].map(
        (i) => [`matmul ${i}`, matmulModel(MATMULS[i]!, 300 + i), smoothImage(MATMULS[i]!.a, 40 + i, 0.29, 0.5)] as [string, Uint8Array, ort.Tensor],
      ),
      // conv1 a 1x1 convolution of 16 channels; conv2 (1x1, 32 -> 16) too.
      ['1x1 convolutions', twoConvModel({ ...CASES[1]!, m: 32, zero: 5 }, 101), smoothImage([1, 16, 9, 9], 1, 0.37, 0.5)],
    ];
    for (const [what, model, x] of gemms) {
      const tile = await tacticsOf(model, x, { HYBRIDRT_CONV_TACTIC: 'int8_mma_64x64' });
      const forced = await tacticsOf(model, x, { HYBRIDRT_CONV_TACTIC: lt });
      expect(forced.tactics, what).toContain(lt);
      expect(tile.tactics, what).not.toContain(lt);
      expect(Array.from(forced.y), `${what}: ${lt} against int8_mma_64x64`).toEqual(Array.from(tile.y));
      const timed = await tacticsOf(model, x, {});
      expect(Array.from(timed.y), `${what}: timed (${timed.tactics.join(', ')})`).toEqual(Array.from(tile.y));
      const off = await tacticsOf(model, x, { HYBRIDRT_INT8_CUBLASLT: '0' });
      expect(
        off.tactics.some((t) => t.startsWith('cublaslt_int8:')),
        `${what}: HYBRIDRT_INT8_CUBLASLT=0`,
      ).toBe(false);
    }
    // uint8 x (cuBLASLt's int8 GEMM takes int8): not a candidate, so forcing it leaves the tiles' choice.
    const u8 = await tacticsOf(matmulModel(MATMULS[1]!, 301), smoothImage(MATMULS[1]!.a, 41, 0.29, 0.5), { HYBRIDRT_CONV_TACTIC: lt });
    expect(u8.tactics).not.toContain(lt);
  }, 240_000);

  // x [2,3,32,32] -> conv 3->32 -> Relu -> r1 -> conv 32->32 -> Relu -> conv 32->32 -> + r1 -> Relu
  //   -> conv 32->64 /2 -> Relu -> GlobalAveragePool -> Flatten -> Gemm(transB) -> y [2,10]
  const weight = fanInWeights(11);
  const w5 = weight([10, 64]);
  const cnn = encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3, 32, 32] }],
      outputs: [{ name: 'y' }],
      initializers: {
        W1: weight([32, 3, 3, 3]),
        B1: weight([32], -0.1, 0.1),
        W2: weight([32, 32, 3, 3]),
        W3: weight([32, 32, 3, 3]),
        W4: weight([64, 32, 3, 3]),
        B4: weight([64], -0.1, 0.1),
        W5: w5,
        B5: weight([10], -0.2, 0.1),
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'W1', 'B1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'Conv', inputs: ['r1', 'W2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
        { op: 'Conv', inputs: ['r2', 'W3'], outputs: ['c3'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Add', inputs: ['c3', 'r1'], outputs: ['s'] },
        { op: 'Relu', inputs: ['s'], outputs: ['r4'] },
        { op: 'Conv', inputs: ['r4', 'W4', 'B4'], outputs: ['c4'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c4'], outputs: ['r5'] },
        { op: 'GlobalAveragePool', inputs: ['r5'], outputs: ['p'] },
        { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'W5', 'B5'], outputs: ['y'], attrs: { transB: 1 } },
      ],
    }),
  );
  const image = (seed: number) => smoothImage([2, 3, 32, 32], seed, 0.2, 0.4);
  const calibration = Array.from({ length: 6 }, (_, k) => ({ x: image(k) }));

  it("a residual CNN quantize() writes: int8 convolutions, onnxruntime's result within one step", async () => {
    const q = await quantize(cnn, { data: calibration, method: 'minmax', progress: false });
    const bytes = encodeModel(q.model);
    // A step of the last conv's output and one of the pooled activation, through the Gemm's
    // largest row (|W| summed): what a one-step difference in either moves the output by.
    const rowL1 = Math.max(...Array.from({ length: 10 }, (_, j) => w5.data.slice(j * 64, j * 64 + 64).reduce((a, v) => a + Math.abs(v), 0)));
    const scales = ['r5', 'p', 'f'].map((t) => q.calibration.scales.get(t) ?? 0);
    const step = (scales[0]! + Math.max(scales[1]!, scales[2]!)) * rowL1;
    const xs = [100, 101, 102].map(image);
    const ref = await ortYs(
      bytes,
      xs.map((x) => ({ x })),
      false,
    );
    for (const precision of ['fp32', 'fp16'] as const) {
      const m = await compile(bytes, { backend: 'cuda', precisions: [precision], requireFullCompilation: true });
      try {
        const e = m.report.engines[0]!;
        // The 3-channel first convolution stays float on cuda (qdq_fusion.h fold_min_channels).
        expect(e.build.int8Layers).toBe(4);
        expect(e.build.nhwcLayers).toBeGreaterThan(0);
        // Three convolutions and the Gemm compute in int8; a layout change the layout pass puts
        // on an int8 tensor moves int8 bytes and counts as int8 too.
        expect(e.layerPrecisions.int8).toBeGreaterThanOrEqual(4);
        expect(e.layerPrecisions.int8).toBeLessThanOrEqual(4 + (e.layerKinds.shuffle ?? 0));
        for (const [i, x] of xs.entries()) {
          const got = (await m.run({ x })).y!.data as Float32Array;
          const scale = Math.max(...Array.from(ref[i]!, Math.abs));
          const tol = step + (precision === 'fp16' ? 2e-3 * scale : 1e-5 * scale);
          expect(worst(got, ref[i]!), `${precision} input ${i}: step ${step}`).toBeLessThanOrEqual(tol);
        }
      } finally {
        await m.dispose();
      }
    }
  }, 120_000);

  it('implicit int8 on cuda: calibrated, the convolutions and the Gemm int8', async () => {
    const m = await compile(cnn, {
      backend: 'cuda',
      precisions: ['int8', 'fp16'],
      calibration: { data: calibration, method: 'minmax' },
      requireFullCompilation: true,
    });
    try {
      const int8 = m.report.data.int8!;
      // The 3-channel first convolution stays float on cuda (qdq_fusion.h fold_min_channels), and the report says why.
      expect(int8.int8).toBe(4);
      expect(int8.kept).toEqual([
        expect.objectContaining({ opType: 'Conv', precision: 'fp16', reason: expect.stringMatching(/reads 3 input channels/) }),
      ]);
      const xs = [200, 201].map(image);
      const got = await Promise.all(xs.map(async (x) => (await m.run({ x })).y!.data as Float32Array));
      const ref = await ortYs(
        cnn,
        xs.map((x) => ({ x })),
        true,
      );
      expect(cosineOf(got, ref)).toBeGreaterThan(0.99);
    } finally {
      await m.dispose();
    }
  }, 120_000);
});
