/**
 * The recurrent layer (src/engine/recurrent-layer.ts: a whole direction of an RNN, GRU or LSTM
 * from its input projection) against onnxruntime's RNN, GRU and LSTM on the same data, on the
 * backend compare.ts names (test/gpu/engine-layers.test.ts runs these cases on cuda). The layer
 * is ONNX's node with W the identity and Wb 0: onnxruntime gets X = the layer's x ([S, B, G*H]
 * for [S, 1, B, G*H], the same values), W = I, R = r and B = [0, rb], so X W^T is x exactly.
 * Sizes reach each product path of the cpu kernel: the row kernel, once per batch row, where H
 * is at most 256 on AVX-512 (the zoo's H 64, 16 steps, one row; three rows at H 40), the blocked
 * product past it (three rows at H 260, one at H 300; every size on other kernels), a product
 * big enough to take two threads, and r fed at run time (transposed every run). Tolerance:
 * compare.ts's fp32 one, relative beyond 1 (1e-5 on cpu, 1e-4 on cuda); onnxruntime's sigmoid
 * and tanh are its own approximations.
 */
import ort from 'onnxruntime-node';
import { describe } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { BACKEND, FP32_TOL, expectClose } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

type Cell = 'rnn' | 'gru' | 'lstm';
const GATES: Record<Cell, number> = { rnn: 1, gru: 3, lstm: 4 };

interface Case {
  cell: Cell;
  steps: number;
  batch: number;
  hidden: number;
  reverse?: boolean;
  linearBeforeReset?: boolean;
  recurrentBias?: boolean;
  initial?: boolean;
  lens?: number[];
  /** r fed at run time rather than a constant. */
  runtimeR?: boolean;
  threads?: number;
}

const f32 = (t: TensorData) => t.data as Float32Array;

async function check(c: Case, seed: number): Promise<void> {
  const { cell, steps: S, batch: B, hidden: H } = c;
  const W = GATES[cell] * H;
  const x = randomFloat([S, 1, B, W], seed, -1.5, 1.5);
  const r = randomFloat([W, H], seed + 1, -0.3, 0.3);
  const rb = c.recurrentBias ? randomFloat([W], seed + 2, -0.5, 0.5) : undefined;
  const h0 = c.initial ? randomFloat([1, 1, B, H], seed + 3, -0.8, 0.8) : undefined;
  const c0 = c.initial && cell === 'lstm' ? randomFloat([1, 1, B, H], seed + 4, -0.8, 0.8) : undefined;
  const lens = c.lens ? Int32Array.from(c.lens) : undefined;

  // onnxruntime: the ONNX node with W = I, B = [0, rb].
  const eye = new Float32Array(W * W);
  for (let i = 0; i < W; i++) eye[i * W + i] = 1;
  const bias = new Float32Array(2 * W);
  if (rb) bias.set(f32(rb), W);
  const node = cell === 'rnn' ? 'RNN' : cell === 'gru' ? 'GRU' : 'LSTM';
  const names = ['X', 'W', 'R', 'B', lens ? 'lens' : '', h0 ? 'h0' : '', c0 ? 'c0' : ''];
  const used = names.length - [...names].reverse().findIndex((n) => n !== '');
  const outs = cell === 'lstm' ? ['y', 'y_h', 'y_c'] : ['y', 'y_h'];
  const state = [1, B, H];
  const model = buildModel({
    opset: 14,
    inputs: [
      { name: 'X', shape: [S, B, W] },
      ...(lens ? [{ name: 'lens', dtype: 'int32' as const, shape: [B] }] : []),
      ...(h0 ? [{ name: 'h0', shape: state }] : []),
      ...(c0 ? [{ name: 'c0', shape: state }] : []),
    ],
    outputs: outs.map((name) => ({ name })),
    initializers: {
      W: { dtype: 'float32', dims: [1, W, W], data: eye },
      R: { dtype: 'float32', dims: [1, W, H], data: f32(r) },
      B: { dtype: 'float32', dims: [1, 2 * W], data: bias },
    },
    nodes: [
      {
        op: node,
        inputs: names.slice(0, used),
        outputs: outs,
        attrs: {
          hidden_size: H,
          ...(c.reverse ? { direction: 'reverse' } : {}),
          ...(c.linearBeforeReset ? { linear_before_reset: 1 } : {}),
        },
      },
    ],
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  const feeds: Record<string, ort.Tensor> = { X: toOrtTensor({ dtype: 'float32', dims: [S, B, W], data: f32(x) }) };
  if (lens) feeds.lens = toOrtTensor({ dtype: 'int32', dims: [B], data: lens });
  if (h0) feeds.h0 = toOrtTensor({ dtype: 'float32', dims: state, data: f32(h0) });
  if (c0) feeds.c0 = toOrtTensor({ dtype: 'float32', dims: state, data: f32(c0) });
  const expected = await session.run(feeds);
  await session.release();

  // The engine: the layer alone.
  const d = new NetDraft('recurrent');
  const fed: Array<Float32Array | Int32Array> = [];
  const input = (name: string, t: TensorData) => {
    fed.push(t.data as Float32Array);
    return d.input(name, t.dtype as 'float32', t.dims);
  };
  const ins = [input('x', x), c.runtimeR ? input('r', r) : d.constant('r', 'float32', [W, H], f32(r))];
  if (rb) ins.push(d.constant('rb', 'float32', [W], f32(rb)));
  if (h0) ins.push(input('h0', h0));
  if (c0) ins.push(input('c0', c0));
  if (lens) {
    fed.push(lens);
    ins.push(d.input('lens', 'int32', [B]));
  }
  const params = {
    cell,
    reverse: c.reverse ?? false,
    linearBeforeReset: c.linearBeforeReset ?? false,
    recurrentBias: rb !== undefined,
    initialH: h0 !== undefined,
    initialC: c0 !== undefined,
    sequenceLens: lens !== undefined,
  };
  const shapes = [[S, 1, B, H], ...outs.slice(1).map(() => [1, 1, B, H])];
  for (const id of d.layer(
    'recurrent',
    'seq',
    ins,
    params,
    shapes.map((shape) => ({ dtype: 'float32', shape })),
  ))
    d.output(id);
  const engine = await buildEngine(d.finish(), { backend: BACKEND, ...(c.threads ? { threads: c.threads } : {}) });
  try {
    const got = await engine.createContext().run(fed);
    outs.forEach((name, i) => {
      expectClose(Array.from(got[i] as Float32Array), Array.from(expected[name]!.data as Float32Array), FP32_TOL, `${node} ${name}`);
    });
  } finally {
    engine.dispose();
  }
}

describe('the recurrent layer against onnxruntime', () => {
  itIf(HAS_NATIVE, "lstm at the zoo's size (H 64, 16 steps, one row), forward and reverse, with and without state", NATIVE_MISSING, async () => {
    await check({ cell: 'lstm', steps: 16, batch: 1, hidden: 64 }, 1);
    await check({ cell: 'lstm', steps: 16, batch: 1, hidden: 64, reverse: true, initial: true, recurrentBias: true }, 11);
  });
  itIf(HAS_NATIVE, 'gru, linear_before_reset 0 and 1, with Rb (Rbh inside and outside the reset)', NATIVE_MISSING, async () => {
    for (const linearBeforeReset of [false, true]) {
      await check({ cell: 'gru', steps: 16, batch: 1, hidden: 64, linearBeforeReset, recurrentBias: true, initial: true }, 21);
      await check({ cell: 'gru', steps: 7, batch: 2, hidden: 5, linearBeforeReset, recurrentBias: true, reverse: true }, 31);
    }
  });
  itIf(HAS_NATIVE, 'rnn, forward and reverse', NATIVE_MISSING, async () => {
    await check({ cell: 'rnn', steps: 9, batch: 2, hidden: 24, recurrentBias: true, initial: true }, 41);
    await check({ cell: 'rnn', steps: 9, batch: 1, hidden: 24, reverse: true }, 51);
  });
  itIf(HAS_NATIVE, 'sequence lengths: short rows keep their state and give zeros, both directions, each cell', NATIVE_MISSING, async () => {
    for (const cell of ['rnn', 'gru', 'lstm'] as const) {
      for (const reverse of [false, true]) {
        await check({ cell, steps: 6, batch: 3, hidden: 8, reverse, initial: true, lens: [6, 2, 1], recurrentBias: true }, 61);
        // A row of length 0: zero final states (onnxruntime's), not the initial ones.
        await check({ cell, steps: 4, batch: 3, hidden: 8, reverse, initial: true, lens: [0, 4, 2], recurrentBias: true }, 62);
      }
    }
  });
  itIf(HAS_NATIVE, 'three rows on the row kernel (H 40), and the blocked product past H 256 (three rows, one)', NATIVE_MISSING, async () => {
    await check({ cell: 'lstm', steps: 5, batch: 3, hidden: 40, initial: true }, 71);
    await check({ cell: 'lstm', steps: 4, batch: 3, hidden: 260, initial: true, recurrentBias: true }, 72);
    await check({ cell: 'gru', steps: 3, batch: 1, hidden: 300, initial: true }, 81);
  });
  itIf(HAS_NATIVE, 'a product on two threads (4 rows, H 128) and r fed at run time', NATIVE_MISSING, async () => {
    await check({ cell: 'lstm', steps: 4, batch: 4, hidden: 128, initial: true, threads: 2 }, 91);
    await check({ cell: 'gru', steps: 5, batch: 2, hidden: 16, runtimeR: true, recurrentBias: true, initial: true }, 101);
    await check({ cell: 'lstm', steps: 5, batch: 1, hidden: 64, runtimeR: true }, 111);
  });
});
