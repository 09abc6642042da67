/**
 * RNN, GRU and LSTM as layers (a direction with the default activations and no clip, peepholes
 * or input_forget as one recurrent layer, counted below; the others unrolled), against
 * onnxruntime on the same inputs and weights (seeded random), to 1e-5 relative / 1e-5 absolute (onnxruntime's sigmoid and tanh are
 * polynomial approximations): every direction, both layouts, initial states given and absent,
 * sequence_lens fed at run time, peepholes, clip, input_forget, linear_before_reset, and the
 * activations with their alpha/beta. onnxruntime refuses layout 1 (batch-major): those cases are
 * held to its seq-major run on the permuted data. Both the reference interpreter and the cpu engine run the
 * emitted network (checkAgainstOrt). A sequence length beyond the unroll limit, and run-time
 * weights, are refused with their reasons.
 */
import { describe, expect, it } from 'vitest';
import { MAX_UNROLLED_STEPS } from '../../converters/recurrent.js';
import { type AttrValue, type NodeSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { forEachIndex, stridesOf } from './helpers/eval-network.js';
import { checkAgainstOrt, random, runOrt, verdict } from './helpers/harness.js';

type Op = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Op, number> = { RNN: 1, GRU: 3, LSTM: 4 };

/** t with its dims permuted: out[i] = t[i permuted back]. */
function permute(t: TensorData, perm: number[]): TensorData {
  const dims = perm.map((p) => t.dims[p]!);
  const inStrides = stridesOf(t.dims);
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  forEachIndex(dims, (idx, flat) => {
    out[flat] = src[idx.reduce((acc, v, k) => acc + v * inStrides[perm[k]!]!, 0)]!;
  });
  return { dtype: t.dtype, dims, data: out };
}

interface Case {
  op: Op;
  opset?: number;
  direction?: 'forward' | 'reverse' | 'bidirectional';
  layout?: 0 | 1;
  steps?: number;
  batch?: number;
  input?: number;
  hidden?: number;
  bias?: boolean;
  initial?: boolean;
  lens?: number[];
  peephole?: boolean;
  attrs?: Record<string, AttrValue>;
  /** Which outputs the node names (default all). */
  outputs?: boolean[];
}

async function check(c: Case): Promise<NetworkDefinition> {
  const { op, steps = 5, batch = 3, input = 4, hidden = 6, layout = 0 } = c;
  let seed = steps * 131 + hidden * 7 + GATES[op] + (c.direction?.length ?? 0);
  const floats = (dims: number[], scale = 1) => random('float32', dims, seed++, -scale, scale);
  const D = c.direction === 'bidirectional' ? 2 : 1;
  const G = GATES[op] * hidden;
  const x: TensorData = floats(layout ? [batch, steps, input] : [steps, batch, input], 1);
  const initializers: Record<string, TensorData> = {
    W: floats([D, G, input], 0.4),
    R: floats([D, G, hidden], 0.4),
  };
  const feeds: Record<string, TensorData> = { x };
  const inputs: Array<{ name: string; dtype: 'float32' | 'int32'; shape: number[] }> = [{ name: 'x', dtype: 'float32', shape: [...x.dims] }];
  const names = ['x', 'W', 'R', '', '', '', '', ''];
  if (c.bias !== false) {
    initializers.B = floats([D, 2 * G], 0.25);
    names[3] = 'B';
  }
  if (c.lens) {
    feeds.lens = { dtype: 'int32', dims: [batch], data: Int32Array.from(c.lens) };
    inputs.push({ name: 'lens', dtype: 'int32', shape: [batch] });
    names[4] = 'lens';
  }
  if (c.initial) {
    const stateDims = layout ? [batch, D, hidden] : [D, batch, hidden];
    feeds.h0 = floats(stateDims, 0.5);
    inputs.push({ name: 'h0', dtype: 'float32', shape: stateDims });
    names[5] = 'h0';
    if (op === 'LSTM') {
      feeds.c0 = floats(stateDims, 0.5);
      inputs.push({ name: 'c0', dtype: 'float32', shape: stateDims });
      names[6] = 'c0';
    }
  }
  if (c.peephole) {
    initializers.P = floats([D, 3 * hidden], 0.5);
    names[7] = 'P';
  }
  const used = names.length - [...names].reverse().findIndex((n) => n !== '');
  const outNames = ['y', 'y_h', 'y_c'].slice(0, op === 'LSTM' ? 3 : 2).map((n, i) => (c.outputs?.[i] === false ? '' : n));
  const node: NodeSpec = {
    op,
    inputs: names.slice(0, used),
    outputs: outNames,
    attrs: { hidden_size: hidden, ...(c.direction ? { direction: c.direction } : {}), ...(layout ? { layout } : {}), ...c.attrs },
  };
  const spec = { opset: c.opset ?? 14, inputs, outputs: outNames.filter((n) => n).map((name) => ({ name })), initializers, nodes: [node] };
  // onnxruntime refuses layout 1: the expected values are its seq-major run on the same data, permuted.
  let expected: Record<string, TensorData> | undefined;
  if (layout) {
    const seqMajor = {
      ...spec,
      inputs: inputs.map((i) => ({ ...i, shape: i.shape.length === 3 ? [i.shape[1]!, i.shape[0]!, i.shape[2]!] : i.shape })),
    };
    seqMajor.nodes = [{ ...node, attrs: { ...node.attrs, layout: 0 } }];
    const seqFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.dims.length === 3 ? permute(t, [1, 0, 2]) : t]));
    const out = await runOrt(buildGraph(seqMajor), seqFeeds);
    expected = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, permute(t, t.dims.length === 4 ? [2, 0, 1, 3] : [1, 0, 2])]));
  }
  return checkAgainstOrt({ spec, feeds, rtol: 1e-5, atol: 1e-5, expected });
}

describe.each(['RNN', 'GRU', 'LSTM'] as const)('%s', (op) => {
  it.each(['forward', 'reverse', 'bidirectional'] as const)('%s, with bias and initial state', async (direction) => {
    await check({ op, direction, initial: true });
  });

  it('without bias or initial state (the first step has no recurrent term)', async () => {
    await check({ op, bias: false });
  });

  it('batch-major layout (opset 14; onnxruntime runs it seq-major), bidirectional, with initial state', async () => {
    await check({ op, layout: 1, direction: 'bidirectional', initial: true });
  });

  it('sequence_lens at run time: short sequences keep their state and give zeros, both directions', async () => {
    await check({ op, direction: 'bidirectional', lens: [5, 2, 4], initial: true });
  });

  it('clip bounds every gate input', async () => {
    await check({ op, attrs: { clip: { float: 0.3 } }, initial: true });
  });

  it('a row of sequence length 0 ends with zero states, not its initial ones (fused and unrolled)', async () => {
    await check({ op, direction: 'bidirectional', lens: [5, 0, 3], initial: true });
    await check({ op, direction: 'forward', lens: [0, 4, 5], initial: true, attrs: { clip: { float: 5 } } });
  });

  it('only the final state named (Y omitted) at opset 7', async () => {
    await check({ op, opset: 7, outputs: [false, true, true], direction: 'reverse' });
  });

  it('a single step', async () => {
    await check({ op, steps: 1, initial: true });
  });
});

describe('activations with alpha and beta, as onnxruntime reads them', () => {
  it('RNN: LeakyRelu forward, ScaledTanh reverse', async () => {
    await check({
      op: 'RNN',
      direction: 'bidirectional',
      attrs: { activations: { strings: ['LeakyRelu', 'ScaledTanh'] }, activation_alpha: [0.2, 0.7], activation_beta: [1.5] },
    });
  });

  it('RNN: Relu, Softsign, Softplus, Affine, ThresholdedRelu, Elu', async () => {
    for (const [activations, alpha, beta] of [
      [['Relu'], [], []],
      [['Softsign'], [], []],
      [['Softplus'], [], []],
      [['Affine'], [0.6], [0.1]],
      [['ThresholdedRelu'], [0.1], []],
      [['Elu'], [], []],
    ] as Array<[string[], number[], number[]]>) {
      await check({
        op: 'RNN',
        attrs: { activations: { strings: activations }, activation_alpha: { floats: alpha }, activation_beta: { floats: beta } },
      });
    }
  });

  it('GRU: HardSigmoid gates with the default alpha/beta, Tanh candidate', async () => {
    await check({ op: 'GRU', attrs: { activations: { strings: ['HardSigmoid', 'Tanh'] } }, initial: true });
  });

  it('LSTM: HardSigmoid, Elu, Softsign with given alphas', async () => {
    await check({
      op: 'LSTM',
      attrs: { activations: { strings: ['HardSigmoid', 'Elu', 'Softsign'] }, activation_alpha: [0.3, 0.5], activation_beta: [0.4] },
      initial: true,
    });
  });
});

describe('op-specific attributes', () => {
  it('GRU linear_before_reset 1, bidirectional, with sequence_lens', async () => {
    await check({ op: 'GRU', direction: 'bidirectional', attrs: { linear_before_reset: 1 }, lens: [3, 5, 1], initial: true });
  });

  it('GRU linear_before_reset 1 without bias', async () => {
    await check({ op: 'GRU', attrs: { linear_before_reset: 1 }, bias: false, initial: true });
  });

  it('LSTM with peepholes, bidirectional', async () => {
    await check({ op: 'LSTM', direction: 'bidirectional', peephole: true, initial: true });
  });

  it('LSTM input_forget couples f = 1 - i', async () => {
    await check({ op: 'LSTM', attrs: { input_forget: 1 }, peephole: true, initial: true });
  });
});

describe('one recurrent layer a direction (src/engine/recurrent-layer.ts)', () => {
  const fused = async (c: Case) => (await check(c)).layers.filter((l) => l.kind === 'recurrent').length;
  it('the default activations: fused, with state, sequence_lens and linear_before_reset', async () => {
    expect(await fused({ op: 'LSTM', direction: 'bidirectional', initial: true, steps: 9, hidden: 12 })).toBe(2);
    expect(await fused({ op: 'GRU', direction: 'reverse', lens: [5, 2, 4], attrs: { linear_before_reset: 1 } })).toBe(1);
    expect(await fused({ op: 'RNN', layout: 1, initial: true })).toBe(1);
  });
  it('a fused sequence past the unroll limit (600 steps, both directions: 1200)', async () => {
    expect(await fused({ op: 'LSTM', direction: 'bidirectional', steps: 600, batch: 2, input: 3, hidden: 4, initial: true })).toBe(2);
  });
  it('clip, peepholes, input_forget and other activations unroll', async () => {
    expect(await fused({ op: 'RNN', attrs: { clip: { float: 0.3 } } })).toBe(0);
    expect(await fused({ op: 'LSTM', peephole: true })).toBe(0);
    expect(await fused({ op: 'GRU', attrs: { activations: { strings: ['Sigmoid', 'Relu'] } } })).toBe(0);
  });
});

describe('refusals', () => {
  it('refuses an unrolled sequence longer than the unroll limit, naming it', () => {
    const steps = MAX_UNROLLED_STEPS + 1;
    const v = verdict({
      op: 'RNN',
      inputs: [
        ['float32', [steps, 1, 2]],
        { dtype: 'float32', dims: [1, 3, 2], data: new Float32Array(6) },
        { dtype: 'float32', dims: [1, 3, 3], data: new Float32Array(9) },
      ],
      outputs: [['float32', [steps, 1, 1, 3]]],
      attrs: { hidden_size: 3, clip: { float: 2 } },
    });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain(`${MAX_UNROLLED_STEPS} unrolled steps`);
  });

  it('refuses weights computed at run time', () => {
    const v = verdict({
      op: 'LSTM',
      inputs: [['float32', [2, 1, 2]], ['float32', [1, 12, 2]], { dtype: 'float32', dims: [1, 12, 3], data: new Float32Array(36) }],
      outputs: [['float32', [2, 1, 1, 3]]],
      attrs: { hidden_size: 3 },
    });
    expect(v.ok).toBe(false);
    expect(!v.ok && v.reason).toContain('W (');
  });
});
