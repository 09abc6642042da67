/**
 * The matmul layer's one-row tactic on cuda (`gemv`, native/cuda/gemv.cu), forced with
 * HYBRIDRT_MATMUL_TACTIC=gemv, against the cpu engine of the same network (the correctness
 * oracle) in fp32 (1e-5 of the output's largest magnitude: fp32 sums in another order) and in
 * fp16 (1e-2: inputs and weights rounded to fp16, sums in fp32). Every case a product of one
 * row: b constant as [K, N] (the kernel's transposed copy) or [N, K] (transB), b an input
 * with transB, rank-3 a (the batch folded into the row), c one per output or one value, alpha
 * and beta, a residual with an activation, K not a multiple of 16 bytes (the element path), a
 * wide N (a language-model head). A product of two rows does not take it (tactic lt:<i>).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildEngine } from '../../src/engine/engine.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { maxRelError } from '../engine/helpers/compare.js';
import { NetDraft } from '../engine/helpers/net.js';
import { randomFloat } from '../engine/helpers/random.js';
import { describeIf } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';
import { CUDA, NO_CUDA, withEnv } from './helpers.js';

interface Case {
  label: string;
  rows?: number; // rows of a (default 1)
  rank3?: boolean; // a as [1, rows, K]
  k: number;
  n: number;
  transB?: boolean;
  bInput?: boolean; // b an engine input instead of a constant
  c?: 'row' | 'one';
  alpha?: number;
  beta?: number;
  residual?: boolean;
  relu?: boolean;
}

const cases: Case[] = [
  { label: 'b constant [K, N], c per output (a GPT-2 Conv1D)', k: 768, n: 2304, c: 'row', beta: 1 },
  { label: 'rank-3 a, b constant [K, N], no c', rank3: true, k: 768, n: 320 },
  { label: 'transB constant, c one value, alpha 2, beta 0.5', k: 256, n: 320, transB: true, c: 'one', alpha: 2, beta: 0.5 },
  { label: 'transB with b an input', k: 512, n: 96, transB: true, bInput: true },
  { label: 'K of 101: the element path', k: 101, n: 77, c: 'row', beta: 1 },
  { label: 'a residual and a relu', k: 384, n: 640, residual: true, relu: true },
  { label: 'a wide N (a language-model head)', k: 64, n: 50257, transB: true },
];

function net(c: Case): { net: NetworkDefinition; shapes: number[][] } {
  const d = new NetDraft('gemv');
  const rows = c.rows ?? 1;
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const aShape = c.rank3 ? [1, rows, c.k] : [rows, c.k];
  const bShape = c.transB ? [c.n, c.k] : [c.k, c.n];
  const outShape = c.rank3 ? [1, rows, c.n] : [rows, c.n];
  const shapes = [aShape];
  const inputs = [d.input('a', 'float32', aShape)];
  if (c.bInput) {
    inputs.push(d.input('b', 'float32', bShape));
    shapes.push(bShape);
  } else {
    inputs.push(d.constant('b', 'float32', bShape, randomFloat([bShape[0]! * bShape[1]!], 11, -1, 1).data as Float32Array));
  }
  if (c.c) {
    const cShape = c.c === 'row' ? [c.n] : [1];
    inputs.push(d.constant('c', 'float32', cShape, randomFloat([cShape[0]!], 12, -1, 1).data as Float32Array));
  }
  if (c.residual) {
    inputs.push(d.input('z', 'float32', outShape));
    shapes.push(outShape);
  }
  const params = {
    transA: false,
    transB: !!c.transB,
    alpha: c.alpha ?? 1,
    beta: c.c ? (c.beta ?? 1) : 0,
    ...(c.residual ? { residual: true } : {}),
    ...(c.relu ? { activation: { op: 'relu' } } : {}),
  };
  const [y] = d.layer('matmul', 'mm', inputs, params, [f32(outShape)]);
  d.output(y!);
  return { net: d.finish(), shapes };
}

async function compare(c: Case, precisions: Array<'fp16'>, tol: number): Promise<string> {
  const { net: n, shapes } = net(c);
  const feeds = shapes.map((s, i) => randomFloat([s.reduce((a, b) => a * b, 1)], 20 + i, -1, 1).data as Float32Array);
  const ref = await buildEngine(n, { backend: 'cpu' });
  try {
    const ours = await withEnv({ HYBRIDRT_MATMUL_TACTIC: 'gemv' }, () => buildEngine(n, { backend: 'cuda', precisions }));
    try {
      const [want] = (await ref.createContext().run(feeds)) as Float32Array[];
      const [have] = (await ours.createContext().run(feeds)) as Float32Array[];
      expect(want!.every(Number.isFinite)).toBe(true);
      expect(maxRelError(have!, want!)).toBeLessThanOrEqual(tol);
      return ours.info().layers.find((l) => l.name === 'mm')!.tactic!;
    } finally {
      ours.dispose();
    }
  } finally {
    ref.dispose();
  }
}

describeIf(CUDA, 'matmul: the one-row tactic (cuda)', NO_CUDA, () => {
  for (const c of cases) {
    it(`${c.label}: fp32 within 1e-5, fp16 within 1e-2 of the cpu engine`, async () => {
      expect(await compare(c, [], 1e-5)).toBe('gemv');
      expect(await compare(c, ['fp16'], 1e-2)).toBe('gemv');
    }, 60_000);
  }

  // A ranged engine: gemv only where b is already N rows of K (transB), the build's tactic at
  // opt (4 rows: cuBLASLt's) taken or replaced per instance; forced, the one-row instance takes it.
  for (const transB of [true, false]) {
    it(`a batch range 1..8 over a Gemm with ${transB ? 'transB' : 'b as [K, N]'}, gemv forced: full compilation, onnxruntime's values at 1, 4 and 8 rows`, async () => {
      const K = 96;
      const N = 40;
      const w = randomFloat([K * N], 31, -1, 1).data as Float32Array;
      const bias = randomFloat([N], 32, -1, 1).data as Float32Array;
      const model = encodeModel(
        buildModel({
          opset: 13,
          inputs: [{ name: 'a', shape: ['batch', K] }],
          outputs: [{ name: 'y' }],
          initializers: {
            w: { dtype: 'float32', dims: transB ? [N, K] : [K, N], data: w },
            bias: { dtype: 'float32', dims: [N], data: bias },
          },
          nodes: [{ op: 'Gemm', inputs: ['a', 'w', 'bias'], outputs: ['y'], attrs: { transB: transB ? 1 : 0 } }],
        }),
      );
      const m = await withEnv({ HYBRIDRT_MATMUL_TACTIC: 'gemv' }, () =>
        compile(model, { backend: 'cuda', requireFullCompilation: true, inputs: { a: { min: [1, K], opt: [4, K], max: [8, K] } } }),
      );
      try {
        for (const rows of [1, 4, 8, 1]) {
          const feeds = { a: new ort.Tensor('float32', randomFloat([rows * K], rows, -1, 1).data as Float32Array, [rows, K]) };
          const got = (await m.run(feeds)).y!;
          const want = (await ortRun(model, feeds)).y!;
          expect(got.dims).toEqual(want.dims);
          expect(maxRelError(got.data as Float32Array, want.data as Float32Array), `${rows} rows`).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        await m.dispose();
      }
    }, 60_000);
  }

  it('a product of two rows keeps a cuBLASLt tactic, forced or not', async () => {
    expect(await compare({ label: 'two rows', rows: 2, k: 256, n: 128 }, [], 1e-5)).toMatch(/^lt:/);
  }, 60_000);
});
