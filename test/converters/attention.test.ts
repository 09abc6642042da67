/**
 * com.microsoft MultiHeadAttention and Attention (converters/attention.ts) against
 * onnxruntime-node's own contrib kernels on the same inputs, through the reference interpreter
 * and the cpu engine, to 1e-5 relative / 1e-5 absolute (onnxruntime's CPU kernel computes the
 * scores with its GEMM and its own softmax): self and cross attention, biases, key padding
 * masks of two and three dims, attention_bias, scale and mask_filter_value, qkv_hidden_sizes
 * with another value size, a causal mask; then what is refused, with the reason, and an
 * Attention over a batch and sequence range compiled whole onto one cpu engine.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { expectMatches } from '../helpers/ranges.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import { checkAgainstOrt, random, tensor, verdict } from './helpers/harness.js';

const MS = { 'com.microsoft': 1 };
const TOL = { rtol: 1e-5, atol: 1e-5 };

/** One com.microsoft node; inputs in order ('' skips an optional one), constants as initializers. */
function one(op: string, inputs: Array<[string, TensorData] | null>, attrs: Record<string, unknown>, constants: string[] = []) {
  const given = inputs.filter((i): i is [string, TensorData] => i !== null);
  const feeds = Object.fromEntries(given.filter(([n]) => !constants.includes(n)));
  return {
    spec: {
      opset: 17,
      opsets: MS,
      inputs: given.filter(([n]) => !constants.includes(n)).map(([name, t]) => ({ name, dtype: t.dtype as 'float32', shape: t.dims })),
      initializers: Object.fromEntries(given.filter(([n]) => constants.includes(n))),
      outputs: [{ name: 'y' }],
      nodes: [{ op, domain: 'com.microsoft', inputs: inputs.map((i) => (i ? i[0] : '')), outputs: ['y'], attrs: attrs as never }],
    },
    feeds,
    ...TOL,
  };
}

/** An int32 mask of `dims` with zeros where `off(flat index)` says, never a whole row (its first key stays). */
function mask(dims: number[], off: (i: number) => boolean): TensorData {
  const last = dims[dims.length - 1]!;
  return tensor(
    'int32',
    dims,
    Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => (off(i) && i % last !== 0 ? 0 : 1)),
  );
}

const [B, S, L, H, d] = [2, 5, 7, 2, 4];
const q = random('float32', [B, S, H * d], 1);
const k = random('float32', [B, L, H * d], 2);
const v = random('float32', [B, L, H * d], 3);

describe('MultiHeadAttention against onnxruntime', () => {
  it('cross attention (S != L), default scale', () =>
    checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [
          ['q', q],
          ['k', k],
          ['v', v],
        ],
        { num_heads: H },
      ),
    ));

  it('with a constant bias, a 2-D key padding mask and a given scale', () =>
    checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [
          ['q', q],
          ['k', k],
          ['v', v],
          ['bias', random('float32', [3 * H * d], 4)],
          ['kpm', mask([B, L], (i) => i % 3 === 2)],
        ],
        { num_heads: H, scale: { float: 0.2 } },
        ['bias'],
      ),
    ));

  it('a 3-D mask [B, S, L], attention_bias [1, H, S, L] and mask_filter_value', () =>
    checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [['q', q], ['k', k], ['v', v], null, ['kpm', mask([B, S, L], (i) => i % 4 === 1)], ['ab', random('float32', [1, H, S, L], 5)]],
        { num_heads: H, mask_filter_value: { float: -500 } },
      ),
    ));

  it('unidirectional self attention (S == L); with S != L refused, saying why', async () => {
    await checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [
          ['q', q],
          ['k', random('float32', [B, S, H * d], 14)],
          ['v', random('float32', [B, S, H * d], 15)],
        ],
        { num_heads: H, unidirectional: 1 },
      ),
    );
    const f = (dims: number[]): ['float32', number[]] => ['float32', dims];
    const crossCausal = {
      op: 'MultiHeadAttention',
      domain: 'com.microsoft',
      attrs: { num_heads: H, unidirectional: 1 },
      inputs: [f([B, S, H * d]), f([B, L, H * d]), f([B, L, H * d])],
      outputs: [f([B, S, H * d])],
    };
    expect(verdict(crossCausal)).toMatchObject({ ok: false, reason: expect.stringContaining('only S == L') });
  });

  it('negative mask entries mask, as onnxruntime keeps only entries above 0', () =>
    checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [['q', q], ['k', k], ['v', v], null, ['kpm', tensor('int32', [B, L], [1, -1, 1, 2, 0, 1, -3, 1, 1, 1, -1, 1, 1, 1])]],
        {
          num_heads: H,
        },
      ),
    ));

  it('a value head size other than the query one', () =>
    checkAgainstOrt(
      one(
        'MultiHeadAttention',
        [
          ['q', q],
          ['k', k],
          ['v', random('float32', [B, L, H * 6], 6)],
        ],
        { num_heads: H },
      ),
    ));

  it('refuses a KV cache, packed QKV and a 1-D mask, saying why', () => {
    const f = (dims: number[]): ['float32', number[]] => ['float32', dims];
    const base = { op: 'MultiHeadAttention', domain: 'com.microsoft', attrs: { num_heads: H }, outputs: [f([B, S, H * d])] };
    expect(verdict({ ...base, inputs: [f([B, S, H * d]), f([B, L, H * d]), f([B, L, H * d]), null, null, null, f([B, H, 3, d])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('KV cache'),
    });
    expect(verdict({ ...base, inputs: [f([B, S, H, 3, d])] })).toMatchObject({ ok: false, reason: expect.stringContaining('packed QKV') });
    expect(verdict({ ...base, inputs: [f([B, S, H * d]), f([B, L, H * d]), f([B, L, H * d]), null, ['int32', [B]]] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('masks are supported'),
    });
  });
});

describe('Attention against onnxruntime', () => {
  const x = random('float32', [B, S, 8], 7);
  const w = random('float32', [8, 24], 8, -0.5, 0.5);
  const b = random('float32', [24], 9);

  it('projection, bias and a 2-D mask', () =>
    checkAgainstOrt(
      one(
        'Attention',
        [
          ['x', x],
          ['w', w],
          ['b', b],
          ['m', mask([B, S], (i) => i % 4 === 3)],
        ],
        { num_heads: H },
        ['w', 'b'],
      ),
    ));

  it('a 3-D mask, a causal mask (unidirectional) and a scale', () =>
    checkAgainstOrt(
      one(
        'Attention',
        [
          ['x', x],
          ['w', w],
          ['b', b],
          ['m', mask([B, S, S], (i) => i % 5 === 4)],
        ],
        { num_heads: H, unidirectional: 1, scale: { float: 0.3 } },
        ['w', 'b'],
      ),
    ));

  it('qkv_hidden_sizes with another value size, weights fed at run time', () =>
    checkAgainstOrt(
      one(
        'Attention',
        [
          ['x', x],
          ['w', random('float32', [8, 28], 10, -0.5, 0.5)],
          ['b', random('float32', [28], 11)],
        ],
        { num_heads: H, qkv_hidden_sizes: [8, 8, 12] },
      ),
    ));

  it('refuses past state and rotary embeddings, saying why', () => {
    const base = { op: 'Attention', domain: 'com.microsoft', outputs: [['float32', [B, S, 8]] as ['float32', number[]]] };
    const ins = [['float32', [B, S, 8]], w, b] as Array<['float32', number[]] | TensorData>;
    expect(verdict({ ...base, attrs: { num_heads: H, do_rotary: 1 }, inputs: ins })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('do_rotary'),
    });
    expect(verdict({ ...base, attrs: { num_heads: H }, inputs: [...ins, null, ['float32', [2, B, H, 3, 4]]] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('KV cache'),
    });
  });
});

describeIf(HAS_NATIVE, 'Attention compiled over a range', NATIVE_MISSING, () => {
  it('batch 1..3 and sequence 1..12 on one cpu engine, held to onnxruntime', async () => {
    const model = encodeModel(
      buildModel({
        opset: 17,
        opsets: MS,
        inputs: [
          { name: 'x', shape: ['b', 's', 8] },
          { name: 'm', shape: ['b', 's'], dtype: 'int32' },
        ],
        initializers: { w: random('float32', [8, 24], 12, -0.5, 0.5), bias: random('float32', [24], 13) },
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Attention', domain: 'com.microsoft', inputs: ['x', 'w', 'bias', 'm'], outputs: ['y'], attrs: { num_heads: H } }],
      }),
    );
    const m = await compile(model, {
      backend: 'cpu',
      threads: 1,
      minBlockSize: 1,
      inputs: { x: { min: [1, 1, 8], opt: [2, 5, 8], max: [3, 12, 8] }, m: { min: [1, 1], opt: [2, 5], max: [3, 12] } },
    });
    try {
      expect([m.report.data.summary.fallbackSegments, m.report.engines.length]).toEqual([0, 1]);
      for (const [bb, ss] of [
        [1, 1],
        [3, 12],
        [2, 7],
      ] as const) {
        const feeds = { x: toOrtTensor(random('float32', [bb, ss, 8], 20 + ss)), m: toOrtTensor(mask([bb, ss], (i) => i % 3 === 2)) };
        await expectMatches(m, model, feeds, `batch ${bb}, sequence ${ss}`);
      }
    } finally {
      await m.dispose();
    }
  });
});
