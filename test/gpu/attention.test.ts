/**
 * The attention layer on cuda (native/cuda/attention.cu): the cpu suite of the attention fusion
 * (test/compiler/attention.test.ts: masks with -inf entries and broadcasts, cross attention, a
 * head size of 72 and Dv of 300, a batch and sequence range, and the chains that must stay
 * unfused) and of its transposed views (test/compiler/attention-views.test.ts: q, k, v and the
 * output read and written through strides) runs here on cuda, held to 1e-4 of each output's
 * scale against onnxruntime. Then fp16:
 * the transformer block example and a masked chain in fp16 engines, the attention layer reading
 * and writing fp16 and computing in fp32, held to 1e-2 of the scale (fp16 storage of q, k, v and
 * the output costs ~2^-11 each; the block's other layers add theirs, as in ranges.test.ts), and
 * com.microsoft MultiHeadAttention in fp32 (1e-4) and fp16.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import { randomFloat } from '../engine/helpers/random.js';
import { ortRun, relativeError, sine, transformer } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

process.env.HYBRIDRT_TEST_BACKEND = 'cuda';

if (CUDA) {
  await import('../compiler/attention.test.js');
  await import('../compiler/attention-views.test.js');
}

const FP16_TOL = 1e-2;

describe.skipIf(!CUDA)(`attention in fp16 engines on cuda${NO_CUDA ? ` (${NO_CUDA})` : ''}`, () => {
  it('the transformer block example: its attention fused, within 1e-2 of onnxruntime', async () => {
    const m = await compile(transformer, { backend: 'cuda', precisions: ['fp16'], inputs: { hidden_states: [2, 16, 64] } });
    try {
      expect(m.report.engines.reduce((n, e) => n + (e.layerKinds.attention ?? 0), 0)).toBe(1);
      const feeds = { hidden_states: sine([2, 16, 64]) };
      const [got, want] = [await m.run(feeds), await ortRun(transformer, feeds)];
      for (const [name, t] of Object.entries(want)) expect(relativeError(got[name]!, t), name).toBeLessThan(FP16_TOL);
    } finally {
      await m.dispose();
    }
  });

  it('com.microsoft MultiHeadAttention with a key padding mask, fp32 and fp16, on one cuda engine', async () => {
    const [B, S, L, H, d] = [2, 9, 33, 4, 16];
    const model = encodeModel(
      buildModel({
        opset: 17,
        opsets: { 'com.microsoft': 1 },
        inputs: [
          { name: 'q', shape: [B, S, H * d] },
          { name: 'k', shape: [B, L, H * d] },
          { name: 'v', shape: [B, L, H * d] },
          { name: 'kpm', shape: [B, L], dtype: 'int32' },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'MultiHeadAttention', domain: 'com.microsoft', inputs: ['q', 'k', 'v', '', 'kpm'], outputs: ['y'], attrs: { num_heads: H } }],
      }),
    );
    const kpm = {
      dtype: 'int32' as const,
      dims: [B, L],
      data: Int32Array.from({ length: B * L }, (_, i) => (i % L > 20 + (i >= L ? 5 : 0) ? 0 : 1)),
    };
    const feeds = {
      q: toOrtTensor(randomFloat([B, S, H * d], 5)),
      k: toOrtTensor(randomFloat([B, L, H * d], 6)),
      v: toOrtTensor(randomFloat([B, L, H * d], 7)),
      kpm: toOrtTensor(kpm),
    };
    const want = await ortRun(model, feeds);
    for (const [precisions, tol] of [
      [['fp32'], 1e-4],
      [['fp16'], FP16_TOL],
    ] as const) {
      const m = await compile(model, { backend: 'cuda', precisions: [...precisions], minBlockSize: 1 });
      try {
        expect([m.report.data.summary.fallbackSegments, m.report.engines[0]!.layerKinds.attention]).toEqual([0, 1]);
        expect(relativeError((await m.run(feeds)).y!, want.y!), precisions[0]).toBeLessThan(tol);
      } finally {
        await m.dispose();
      }
    }
  });

  it('more than 65535 batch entries (the grid walks them in strides), fp32, against onnxruntime', async () => {
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'q', shape: [70000, 2, 8] },
          { name: 'k', shape: [70000, 8, 3] },
          { name: 'v', shape: [70000, 3, 4] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [
          { op: 'MatMul', inputs: ['q', 'k'], outputs: ['s'] },
          { op: 'Softmax', inputs: ['s'], outputs: ['p'], attrs: { axis: -1 } },
          { op: 'MatMul', inputs: ['p', 'v'], outputs: ['y'] },
        ],
      }),
    );
    const feeds = {
      q: toOrtTensor(randomFloat([70000, 2, 8], 8)),
      k: toOrtTensor(randomFloat([70000, 8, 3], 9)),
      v: toOrtTensor(randomFloat([70000, 3, 4], 10)),
    };
    const m = await compile(model, { backend: 'cuda', minBlockSize: 1 });
    try {
      expect(m.report.engines[0]!.layerKinds.attention).toBe(1);
      expect(relativeError((await m.run(feeds)).y!, (await ortRun(model, feeds)).y!)).toBeLessThan(1e-4);
    } finally {
      await m.dispose();
    }
  });

  it('a masked chain of 77 keys with -inf entries, as one fp16 attention layer', async () => {
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'q', shape: [2, 12, 77, 64] },
          { name: 'k', shape: [2, 12, 77, 64] },
          { name: 'v', shape: [2, 12, 77, 64] },
          { name: 'mask', shape: [2, 1, 1, 77] },
        ],
        outputs: [{ name: 'y' }],
        initializers: { c: { dtype: 'float32', dims: [], data: Float32Array.of(8) } },
        nodes: [
          { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 1, 3, 2] } },
          { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['s'] },
          { op: 'Div', inputs: ['s', 'c'], outputs: ['s1'] },
          { op: 'Add', inputs: ['s1', 'mask'], outputs: ['s2'] },
          { op: 'Softmax', inputs: ['s2'], outputs: ['p'], attrs: { axis: -1 } },
          { op: 'MatMul', inputs: ['p', 'v'], outputs: ['y'] },
        ],
      }),
    );
    const mask = randomFloat([2, 1, 1, 77], 4);
    const md = mask.data as Float32Array;
    for (let i = 0; i < md.length; i++) md[i] = i % 77 > 60 ? -Infinity : 0;
    const feeds = {
      q: toOrtTensor(randomFloat([2, 12, 77, 64], 1)),
      k: toOrtTensor(randomFloat([2, 12, 77, 64], 2)),
      v: toOrtTensor(randomFloat([2, 12, 77, 64], 3)),
      mask: toOrtTensor(mask),
    };
    const m = await compile(model, { backend: 'cuda', precisions: ['fp16'] });
    try {
      expect(m.report.engines.reduce((n, e) => n + (e.layerKinds.attention ?? 0), 0)).toBe(1);
      const [got, want] = [await m.run(feeds), await ortRun(model, feeds)];
      expect(relativeError(got.y!, want.y!)).toBeLessThan(FP16_TOL);
    } finally {
      await m.dispose();
    }
  });
});
