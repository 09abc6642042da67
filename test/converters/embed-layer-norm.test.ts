/**
 * com.microsoft EmbedLayerNormalization (converters/embed-layer-norm.ts) against onnxruntime-node's
 * contrib kernel on the same inputs, through the reference interpreter and the cpu engine, to
 * 1e-5 relative / 1e-5 absolute (its layer normalization sums in its own order): all three
 * outputs with segments and a mask, no segments, position_ids of [1, S] and [batch, S], no mask
 * (mask_index zeros); then a compile over a batch and sequence range, where positions come from
 * a range layer reading S at run time, on one cpu engine.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { toOrtTensor } from '../../src/onnx/ort.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { expectMatches } from '../helpers/ranges.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { checkAgainstOrt, random, tensor } from './helpers/harness.js';

const MS = { 'com.microsoft': 1 };
const [B, S, V, P, H] = [2, 6, 30, 16, 8];
const ids = (b: number, s: number, seed: number, max = V) =>
  tensor(
    'int32',
    [b, s],
    Array.from({ length: b * s }, (_, i) => (i * 7 + seed * 3) % max),
  );
const tables = {
  word: random('float32', [V, H], 1),
  pos: random('float32', [P, H], 2),
  seg: random('float32', [2, H], 3),
  gamma: random('float32', [H], 4),
  beta: random('float32', [H], 5),
};

/** Inputs in EmbedLayerNormalization's order ('' skips one); tables are initializers. */
function embed(inputs: Array<[string, TensorData] | null>, outputs: string[], attrs: Record<string, unknown> = {}) {
  const given = inputs.filter((i): i is [string, TensorData] => i !== null);
  const isTable = (n: string) => n in tables;
  return {
    spec: {
      opset: 17,
      opsets: MS,
      inputs: given.filter(([n]) => !isTable(n)).map(([name, t]) => ({ name, dtype: t.dtype as 'int32', shape: t.dims })),
      initializers: Object.fromEntries(given.filter(([n]) => isTable(n))),
      outputs: outputs.filter((o) => o).map((name) => ({ name })),
      nodes: [{ op: 'EmbedLayerNormalization', domain: 'com.microsoft', inputs: inputs.map((i) => (i ? i[0] : '')), outputs, attrs: attrs as never }],
    },
    feeds: Object.fromEntries(given.filter(([n]) => !isTable(n))),
    rtol: 1e-5,
    atol: 1e-5,
  };
}

const mask = tensor('int32', [B, S], [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]);
const segs = tensor('int32', [B, S], [0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1]);

describe('EmbedLayerNormalization against onnxruntime', () => {
  it('segments, a mask and all three outputs', () =>
    checkAgainstOrt(
      embed(
        [
          ['ids', ids(B, S, 1)],
          ['segs', segs],
          ['word', tables.word],
          ['pos', tables.pos],
          ['seg', tables.seg],
          ['gamma', tables.gamma],
          ['beta', tables.beta],
          ['mask', mask],
        ],
        ['y', 'mask_index', 'sum'],
        { epsilon: { float: 1e-5 } },
      ),
    ));

  it('no segments, position_ids [1, S] and [batch, S]', async () => {
    const base: Array<[string, TensorData] | null> = [
      ['ids', ids(B, S, 2)],
      null,
      ['word', tables.word],
      ['pos', tables.pos],
      null,
      ['gamma', tables.gamma],
      ['beta', tables.beta],
      ['mask', mask],
    ];
    await checkAgainstOrt(embed([...base, ['pids', tensor('int32', [1, S], [3, 1, 4, 1, 5, 9])]], ['y', 'mask_index']));
    // onnxruntime's type inference sets mask_index whenever a mask is given: the node must name it.
    await checkAgainstOrt(embed([...base, ['pids', ids(B, S, 5, P)]], ['y', 'mask_index']));
  });

  it('no mask: mask_index is zeros', () =>
    checkAgainstOrt(
      embed(
        [['ids', ids(B, S, 3)], null, ['word', tables.word], ['pos', tables.pos], null, ['gamma', tables.gamma], ['beta', tables.beta]],
        ['y', 'mask_index'],
      ),
    ));
});

describeIf(HAS_NATIVE, 'EmbedLayerNormalization compiled over a range', NATIVE_MISSING, () => {
  it('batch 1..3 and sequence 1..16: positions read from the shape, one cpu engine, held to onnxruntime', async () => {
    const model = encodeModel(
      buildModel({
        opset: 17,
        opsets: MS,
        inputs: [
          { name: 'ids', shape: ['b', 's'], dtype: 'int32' },
          { name: 'mask', shape: ['b', 's'], dtype: 'int32' },
        ],
        initializers: { word: tables.word, pos: tables.pos, gamma: tables.gamma, beta: tables.beta },
        outputs: [{ name: 'y' }, { name: 'mask_index' }],
        nodes: [
          {
            op: 'EmbedLayerNormalization',
            domain: 'com.microsoft',
            inputs: ['ids', '', 'word', 'pos', '', 'gamma', 'beta', 'mask'],
            outputs: ['y', 'mask_index'],
          },
        ],
      }),
    );
    const m = await compile(model, {
      backend: 'cpu',
      threads: 1,
      minBlockSize: 1,
      inputs: { ids: { min: [1, 1], opt: [2, 6], max: [3, 16] }, mask: { min: [1, 1], opt: [2, 6], max: [3, 16] } },
    });
    try {
      expect([m.report.data.summary.fallbackSegments, m.report.engines.length]).toEqual([0, 1]);
      for (const [b, s] of [
        [1, 1],
        [3, 16],
        [2, 9],
      ] as const) {
        const feeds = {
          ids: toOrtTensor(ids(b, s, s)),
          mask: toOrtTensor(
            tensor(
              'int32',
              [b, s],
              Array.from({ length: b * s }, (_, i) => (i % s < s - 1 ? 1 : 0)),
            ),
          ),
        };
        await expectMatches(m, model, feeds, `batch ${b}, sequence ${s}`);
      }
    } finally {
      await m.dispose();
    }
  });
});
