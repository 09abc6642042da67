/**
 * Shape ranges (optimization profiles) through compile(): one compile serves every shape in a
 * range, each run compared with onnxruntime on the same feeds. Error measure: max |a - b| over
 * max |b| per output (test/runtime/helpers.ts relativeError), within 1e-5 in fp32 on cpu (the same
 * arithmetic as a static engine; only summation order may differ), and 1e-4 on cuda, where
 * test/gpu/ranges.test.ts runs these cases (cuDNN and cuBLAS sum in other orders).
 *
 * Models: both examples (resnet_mini with a dynamic batch; the transformer block with dynamic
 * batch and sequence), an attention block with a padding mask (test/helpers/masked-attention.ts),
 * and every light_* model of the ONNX conformance data rewritten with a dynamic batch
 * (test/helpers/dynamic-batch.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { load } from '../../src/artifact/load.js';
import { compile } from '../../src/compiler/compile.js';
import type { ShapeRange } from '../../src/compiler/profiles.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { renderReport } from '../../src/report/index.js';
import { reportProblems } from '../../src/report/validate.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { dataInputs, withDynamicBatch } from '../helpers/dynamic-batch.js';
import { rejection } from '../helpers/errors.js';
import { maskedAttention, paddingMask } from '../helpers/masked-attention.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { resnet, sine, transformer } from '../runtime/helpers.js';
import { engineOnly, expectMatches, shapesIn } from '../helpers/ranges.js';

describeIf(HAS_NATIVE, `shape ranges (${BACKEND})`, NATIVE_MISSING, () => {
  it('resnet_mini with a dynamic batch: one engine, every batch from min to max agrees with onnxruntime', async () => {
    const range = { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [5, 3, 64, 64] };
    const m = await compile(resnet, { backend: BACKEND, inputs: { input: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      expect(m.inputs[0]!.ranges).toEqual([range]);
      expect(m.inputs[0]!.shape).toEqual(range.opt);
      // Every report form shows the range; the JSON one holds it and still meets its schema.
      const line = 'shape range: input [1..5,3,64,64] (opt [2,3,64,64])';
      for (const format of ['text', 'html', 'dot'] as const) expect(renderReport(m.report.data, format), format).toContain(line);
      expect(m.report.data.model.profiles).toEqual([{ input: range }]);
      expect(reportProblems(JSON.parse(renderReport(m.report.data, 'json')))).toEqual([]);
      for (const shape of shapesIn(range, 2, 1)) await expectMatches(m, resnet, { input: sine(shape, shape[0]!) }, `batch ${shape[0]}`);
    } finally {
      await m.dispose();
    }
  });

  it('the transformer block with dynamic batch and sequence stays one engine and agrees at every shape', async () => {
    const range = { min: [1, 1, 64], opt: [2, 16, 64], max: [4, 48, 64] };
    const m = await compile(transformer, { backend: BACKEND, inputs: { hidden_states: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of shapesIn(range, 3, 2)) await expectMatches(m, transformer, { hidden_states: sine(shape, 0.5) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('a matmul + bias + an addend whose dim is its own symbol: equal at both ends of the ranges, not inside; right at every mix', async () => {
    // Over ranges the builder takes no residual into a matmul: y = a w + bias + z with a [b,4,8],
    // z [zb,4,6] broadcasts where b != zb, though both are 1 at min and 3 at max.
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'a', shape: ['b', 4, 8] },
          { name: 'z', shape: ['zb', 4, 6] },
        ],
        outputs: [{ name: 'y' }],
        initializers: {
          w: { dtype: 'float32', dims: [8, 6], data: Float32Array.from({ length: 48 }, (_, i) => Math.sin(i)) },
          bias: { dtype: 'float32', dims: [6], data: Float32Array.of(0.1, -0.2, 0.3, 0, 0.5, -0.6) },
        },
        nodes: [
          { op: 'MatMul', inputs: ['a', 'w'], outputs: ['p'] },
          { op: 'Add', inputs: ['p', 'bias'], outputs: ['q'] },
          { op: 'Add', inputs: ['q', 'z'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(model, {
      backend: BACKEND,
      inputs: { a: { min: [1, 4, 8], opt: [2, 4, 8], max: [3, 4, 8] }, z: { min: [1, 4, 6], opt: [2, 4, 6], max: [3, 4, 6] } },
    });
    try {
      for (const [b, zb] of [
        [3, 1],
        [1, 3],
        [2, 1],
        [2, 2],
      ] as const) {
        if (b !== zb && b !== 1 && zb !== 1) continue;
        await expectMatches(m, model, { a: sine([b, 4, 8], 0.3), z: sine([zb, 4, 6], 0.7) }, `b ${b}, zb ${zb}`);
      }
    } finally {
      await m.dispose();
    }
  });

  it('an attention block with a padding mask: batch and sequence shared by two inputs, given once', async () => {
    const model = maskedAttention();
    const logs: string[] = [];
    // The mask's range comes from x's through the shared symbols batch and seq.
    const x = { min: [1, 1, 16], opt: [2, 8, 16], max: [3, 20, 16] };
    const m = await compile(model, { backend: BACKEND, inputs: { x }, onLog: (msg) => logs.push(msg) });
    try {
      expect(engineOnly(m)).toBe(true);
      expect(m.inputs.find((i) => i.name === 'mask')!.ranges).toEqual([{ min: [1, 1], opt: [2, 8], max: [3, 20] }]);
      for (const [i, shape] of shapesIn(x, 3, 3).entries()) {
        const [b, s] = shape as [number, number];
        const feeds = { x: sine([b, s, 16], i), mask: new ort.Tensor('float32', paddingMask(b, s, i), [b, s]) };
        await expectMatches(m, model, feeds, `batch ${b}, seq ${s}`);
      }
    } finally {
      await m.dispose();
    }
  });

  it('holds over random ranges (property): compiled once per range, right at random shapes inside it', async () => {
    const model = maskedAttention();
    const next = mulberry32(42);
    const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    for (let trial = 0; trial < 4; trial++) {
      const [b0, b1] = [pick(1, 3), pick(1, 3)].sort((a, b) => a - b) as [number, number];
      const [s0, s1] = [pick(1, 24), pick(1, 24)].sort((a, b) => a - b) as [number, number];
      const x = { min: [b0, s0, 16], opt: [pick(b0, b1), pick(s0, s1), 16], max: [b1, s1, 16] };
      const m = await compile(model, { backend: BACKEND, inputs: { x } });
      try {
        for (const [i, shape] of shapesIn(x, 2, 100 + trial).entries()) {
          const [b, s] = shape as [number, number];
          const feeds = { x: sine([b, s, 16], i + trial), mask: new ort.Tensor('float32', paddingMask(b, s, i * 7 + trial), [b, s]) };
          await expectMatches(m, model, feeds, `trial ${trial} range ${JSON.stringify(x)} at [${b},${s}]`);
        }
      } finally {
        await m.dispose();
      }
    }
  });

  it('partitions a dynamic model as the same model made static, where no node needs a concrete value', async () => {
    const cases: Array<[string, string, ShapeRange]> = [
      [resnet, 'input', { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [8, 3, 64, 64] }],
      [transformer, 'hidden_states', { min: [1, 1, 64], opt: [2, 16, 64], max: [4, 64, 64] }],
    ];
    for (const [file, input, range] of cases) {
      const dynamic = await analyze(file, { inputs: { [input]: range }, probe: false });
      const fixed = await analyze(file, { inputs: { [input]: [...range.opt] }, probe: false });
      const shape = (a: typeof fixed) => a.partition.segments.map((s) => [s.kind, s.nodes.length]);
      expect(shape(dynamic)).toEqual(shape(fixed));
      expect(dynamic.partition.segments.flatMap((s) => s.nodes).sort()).toEqual(fixed.partition.segments.flatMap((s) => s.nodes).sort());
    }
  });

  it('keeps x[:, 1:] along a dynamic sequence on the engine: its constant window is clamped at each run', async () => {
    // The slice's size follows the input's (once it fell back: the opt engine's plain slice read past its input at min).
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 'seq', 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          starts: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) },
          ends: { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n ** 62n) },
          axes: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) },
        },
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'], name: 'relu' },
          { op: 'Slice', inputs: ['r', 'starts', 'ends', 'axes'], outputs: ['s'], name: 'tail' },
          { op: 'Sigmoid', inputs: ['s'], outputs: ['y'], name: 'sigmoid' },
        ],
      }),
    );
    const range = { min: [1, 2, 8], opt: [2, 5, 8], max: [3, 9, 8] };
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of shapesIn(range, 2, 5)) await expectMatches(m, model, { x: sine(shape, 1) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('keeps a slice on an engine where the dims that vary are ones it keeps whole', async () => {
    // x[:, :, 2:6] with batch and sequence dynamic: the slice cuts only the fixed last dim.
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 'seq', 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          starts: { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n) },
          ends: { dtype: 'int64', dims: [1], data: BigInt64Array.of(6n) },
          axes: { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n) },
        },
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'] },
          { op: 'Slice', inputs: ['r', 'starts', 'ends', 'axes'], outputs: ['s'] },
          { op: 'Sigmoid', inputs: ['s'], outputs: ['y'] },
        ],
      }),
    );
    const range = { min: [1, 1, 8], opt: [2, 5, 8], max: [3, 9, 8] };
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of shapesIn(range, 2, 6)) await expectMatches(m, model, { x: sine(shape, 2) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('image sizes as a range: SAME padding whose pads follow the size is caught next to the ends, and upsampling stays', async () => {
    // Conv 3x3 stride 2 SAME_UPPER: its pads are (0,1) at even sizes and (1,1) at odd ones, so a
    // range whose ends are even agrees at min, opt and max and differs in between. Then a Resize
    // x2 (nearest), which follows any batch and size.
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 2, 'h', 'w'] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          w: { dtype: 'float32', dims: [2, 2, 3, 3], data: Float32Array.from({ length: 36 }, (_, i) => Math.cos(i)) },
          roi: { dtype: 'float32', dims: [0], data: new Float32Array(0) },
          scales: { dtype: 'float32', dims: [4], data: Float32Array.of(1, 1, 2, 2) },
        },
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'], name: 'relu' },
          { op: 'Conv', inputs: ['r', 'w'], outputs: ['c'], name: 'conv', attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2], kernel_shape: [3, 3] } },
          { op: 'Sigmoid', inputs: ['c'], outputs: ['s'], name: 'sigmoid' },
          { op: 'Resize', inputs: ['s', 'roi', 'scales'], outputs: ['y'], name: 'up', attrs: { mode: 'nearest' } },
        ],
      }),
    );
    const range = { min: [1, 2, 8, 8], opt: [2, 2, 16, 16], max: [3, 2, 32, 32] };
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
    try {
      const conv = m.report.data.nodes.find((n) => n.name === 'conv')!;
      expect(conv.supported).toBe(false);
      expect(conv.reason).toContain('the shapes next to min (min + 1)');
      expect(conv.reason).toContain('padsBegin');
      expect(m.report.data.nodes.find((n) => n.name === 'up')!.supported).toBe(true);
      for (const shape of [range.min, [1, 2, 9, 9], range.opt, [2, 2, 17, 12], [3, 2, 31, 31], range.max]) {
        await expectMatches(m, model, { x: sine(shape, 3) }, `[${shape}]`);
      }
    } finally {
      await m.dispose();
    }
    // With the spatial size fixed, the same model is one engine over a batch range.
    const batch = await compile(model, {
      backend: BACKEND,
      minBlockSize: 1,
      inputs: { x: { min: [1, 2, 16, 16], opt: [2, 2, 16, 16], max: [4, 2, 16, 16] } },
    });
    try {
      expect(engineOnly(batch)).toBe(true);
      for (const b of [1, 3, 4]) await expectMatches(batch, model, { x: sine([b, 2, 16, 16], b) }, `batch ${b}`);
    } finally {
      await batch.dispose();
    }
  });

  it('shape tensors: Shape -> Gather -> Concat arithmetic, a reshape target no 0/-1 can write, and fills of a computed shape stay on one engine', async () => {
    // x [b, q, 8] -> [b, 8, q] -> Reshape to [2b, q, 4] (the target from Shape: 2b and q both vary,
    // so no constant target with one -1 holds); ConstantOfShape(Shape(r)) and Expand(k, Shape(r))
    // (the exporters' zeros_like / expand_as) feed a Where and an Add.
    const i64 = (...v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: ['b', 'q', 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          zero: i64(0),
          one: i64(1),
          two: i64(2),
          four: i64(4),
          k: { dtype: 'float32', dims: [4], data: Float32Array.of(0.5, -1, 2, 0) },
        },
        nodes: [
          { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attrs: { perm: [0, 2, 1] } },
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attrs: { axis: 0 } },
          { op: 'Gather', inputs: ['s', 'one'], outputs: ['q'], attrs: { axis: 0 } },
          { op: 'Mul', inputs: ['b', 'two'], outputs: ['b2'] },
          { op: 'Concat', inputs: ['b2', 'q', 'four'], outputs: ['target'], attrs: { axis: 0 } },
          { op: 'Reshape', inputs: ['xt', 'target'], outputs: ['r'] },
          { op: 'Shape', inputs: ['r'], outputs: ['rs'] },
          { op: 'ConstantOfShape', inputs: ['rs'], outputs: ['zeros'], attrs: { value: { dtype: 'float32', dims: [1], data: Float32Array.of(0) } } },
          { op: 'Expand', inputs: ['k', 'rs'], outputs: ['kk'] },
          { op: 'Greater', inputs: ['r', 'zeros'], outputs: ['pos'] },
          { op: 'Where', inputs: ['pos', 'r', 'zeros'], outputs: ['relu'] },
          { op: 'Add', inputs: ['relu', 'kk'], outputs: ['y'] },
        ],
      }),
    );
    const range = { min: [1, 2, 8], opt: [2, 5, 8], max: [4, 9, 8] };
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      expect(m.report.data.summary.engineSegments).toBe(1);
      for (const shape of shapesIn(range, 3, 11)) await expectMatches(m, model, { x: sine(shape, shape[1]!) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('a reshape target computed from data cannot follow a range: onnxruntime runs it, and the report says why', async () => {
    // The target's first dim is the largest element of a second input: no shape gives it.
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'x', dtype: 'float32', shape: ['b', 6] },
          { name: 'flags', dtype: 'float32', shape: [3] },
        ],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: { minus: { dtype: 'int64', dims: [1], data: BigInt64Array.of(-1n) } },
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['r'] },
          { op: 'ReduceMax', inputs: ['flags'], outputs: ['top'], attrs: { keepdims: 1 } },
          { op: 'Ceil', inputs: ['top'], outputs: ['up'] },
          { op: 'Cast', inputs: ['up'], outputs: ['n'], attrs: { to: 7 } },
          { op: 'Concat', inputs: ['n', 'minus'], outputs: ['target'], attrs: { axis: 0 } },
          { op: 'Reshape', inputs: ['r', 'target'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: { min: [1, 6], opt: [2, 6], max: [3, 6] }, flags: [3] } });
    try {
      const reshape = m.report.data.nodes.find((n) => n.opType === 'Reshape');
      expect(m.report.data.segments[reshape!.segment]!.kind).toBe('fallback');
      expect(reshape!.reason).toMatch(/not computed from shapes and constants alone|varies over the range/);
      const feeds = { x: sine([3, 6], 1), flags: new ort.Tensor('float32', Float32Array.of(1, 0, 1.5), [3]) };
      await expectMatches(m, model, feeds, 'batch 3');
    } finally {
      await m.dispose();
    }
  });

  it('an unrolled LSTM (bidirectional, initial states, sequence_lens) follows a dynamic batch on one engine', async () => {
    const [S, I, H] = [4, 3, 5];
    const weights = (dims: number[], seed: number) => {
      const next = mulberry32(seed);
      return { dtype: 'float32' as const, dims, data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => next() - 0.5) };
    };
    const model = encodeModel(
      buildModel({
        inputs: [
          { name: 'x', dtype: 'float32', shape: [S, 'batch', I] },
          { name: 'lens', dtype: 'int32', shape: ['batch'] },
          { name: 'h0', dtype: 'float32', shape: [2, 'batch', H] },
          { name: 'c0', dtype: 'float32', shape: [2, 'batch', H] },
        ],
        outputs: [
          { name: 'y', dtype: 'float32' },
          { name: 'yh', dtype: 'float32' },
        ],
        initializers: { W: weights([2, 4 * H, I], 1), R: weights([2, 4 * H, H], 2), B: weights([2, 8 * H], 3) },
        nodes: [
          {
            op: 'LSTM',
            inputs: ['x', 'W', 'R', 'B', 'lens', 'h0', 'c0'],
            outputs: ['y', 'yh'],
            attrs: { hidden_size: H, direction: 'bidirectional' },
          },
        ],
      }),
    );
    const range = (shape: (b: number) => number[]) => ({ min: shape(1), opt: shape(2), max: shape(4) });
    const m = await compile(model, {
      backend: BACKEND,
      minBlockSize: 1,
      inputs: { x: range((b) => [S, b, I]), lens: range((b) => [b]), h0: range((b) => [2, b, H]), c0: range((b) => [2, b, H]) },
    });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const b of [1, 3, 4]) {
        const lens = new ort.Tensor(
          'int32',
          Int32Array.from({ length: b }, (_, i) => 1 + ((i * 3) % S)),
          [b],
        );
        const feeds = { x: sine([S, b, I], b), lens, h0: sine([2, b, H], b + 1), c0: sine([2, b, H], b + 2) };
        await expectMatches(m, model, feeds, `batch ${b}`);
      }
    } finally {
      await m.dispose();
    }
  });

  it('DepthToSpace (DCR, CRD) and SpaceToDepth follow a dynamic batch on one engine', async () => {
    const model = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 8, 4, 6] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        nodes: [
          { op: 'DepthToSpace', inputs: ['x'], outputs: ['a'], attrs: { blocksize: 2, mode: 'DCR' } },
          { op: 'SpaceToDepth', inputs: ['a'], outputs: ['b'], attrs: { blocksize: 2 } },
          { op: 'DepthToSpace', inputs: ['b'], outputs: ['y'], attrs: { blocksize: 2, mode: 'CRD' } },
        ],
      }),
    );
    const range = { min: [1, 8, 4, 6], opt: [2, 8, 4, 6], max: [3, 8, 4, 6] };
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1, inputs: { x: range } });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const b of [1, 2, 3]) await expectMatches(m, model, { x: sine([b, 8, 4, 6], b) }, `batch ${b}`);
    } finally {
      await m.dispose();
    }
  });

  it('refuses feeds that give a dim the model names once two sizes, naming both', async () => {
    const model = maskedAttention();
    const m = await compile(model, { backend: BACKEND, inputs: { x: { min: [1, 1, 16], opt: [2, 4, 16], max: [3, 8, 16] } } });
    try {
      const e = await rejection(m.run({ x: sine([2, 4, 16]), mask: new ort.Tensor('float32', paddingMask(3, 4, 1), [3, 4]) }));
      expect(e.code).toBe('INPUT');
      expect(e.message).toBe("input 'mask': 'batch' is 3 here but 2 in input 'x'; inputs that share the dimension 'batch' must agree on its size");
    } finally {
      await m.dispose();
    }
  });

  it('refuses a run outside the range with a SHAPE error naming input, dim, value and range', async () => {
    const m = await compile(resnet, { backend: BACKEND, inputs: { input: { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [4, 3, 64, 64] } } });
    try {
      const e = await rejection(m.run({ input: sine([5, 3, 64, 64]) }));
      expect(e.code).toBe('SHAPE');
      expect(e.message).toBe("input 'input' has shape [5,3,64,64]: dim 0 is 5; the model was compiled for input [1..4,3,64,64]");
      // A dim the model fixes is the feed's error, as for a static model.
      expect((await rejection(m.run({ input: sine([2, 3, 32, 64]) }))).code).toBe('INPUT');
      // A plain typed array is taken at the opt shape.
      const out = await m.run({ input: sine([2, 3, 64, 64]).data as Float32Array });
      expect(out.logits!.dims).toEqual([2, 10]);
    } finally {
      await m.dispose();
    }
  });

  it('several profiles: a run takes the first whose ranges hold its shapes, also once saved and loaded; outside all, the error lists each', async () => {
    const profiles = [
      { input: { min: [1, 3, 64, 64], opt: [1, 3, 64, 64], max: [2, 3, 64, 64] } },
      { input: { min: [3, 3, 64, 64], opt: [4, 3, 64, 64], max: [6, 3, 64, 64] } },
    ];
    const m = await compile(resnet, { backend: BACKEND, profiles });
    try {
      expect(m.inputs[0]!.ranges).toEqual(profiles.map((p) => p.input));
      for (const [batch, profile] of [
        [1, 0],
        [2, 0],
        [3, 1],
        [6, 1],
      ] as const) {
        const feeds = { input: sine([batch, 3, 64, 64], batch) };
        const { stats } = await m.runWithStats(feeds);
        expect(stats.profile, `batch ${batch}`).toBe(profile);
        await expectMatches(m, resnet, feeds, `batch ${batch}`);
      }
      // Saved and loaded, every profile's engine comes back: the same bits at each.
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-ranges-')), 'resnet.hybrid');
      await m.save(file);
      const loaded = await load(file);
      try {
        expect(loaded.inputs[0]!.ranges).toEqual(profiles.map((p) => p.input));
        for (const batch of [2, 5]) {
          const feeds = { input: sine([batch, 3, 64, 64], 3) };
          const [a, b] = [await m.runWithStats(feeds), await loaded.runWithStats(feeds)];
          expect(b.stats.profile).toBe(a.stats.profile);
          expect(Array.from(b.outputs.logits!.data as Float32Array)).toEqual(Array.from(a.outputs.logits!.data as Float32Array));
        }
      } finally {
        await loaded.dispose();
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
      const e = await rejection(m.run({ input: sine([7, 3, 64, 64]) }));
      expect(e.code).toBe('SHAPE');
      expect(e.message).toBe(
        "input 'input' has shape [7,3,64,64]: dim 0 is 7, outside every profile (profile 0: input [1..2,3,64,64]; profile 1: input [3..6,3,64,64]); compile with a profile that holds it",
      );
    } finally {
      await m.dispose();
    }
  });

  it('sizes each context for the largest shapes of its range, no more', async () => {
    const range = { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [6, 3, 64, 64] };
    const dynamic = await compile(resnet, { backend: BACKEND, inputs: { input: range } });
    const atMax = await compile(resnet, { backend: BACKEND, inputs: { input: range.max } });
    const atOpt = await compile(resnet, { backend: BACKEND, inputs: { input: range.opt } });
    try {
      const [d] = dynamic.report.engines;
      const [hi] = atMax.report.engines;
      const [lo] = atOpt.report.engines;
      expect(d!.ranges).toEqual([{ min: range.min, max: range.max }]);
      // The same planner at the max shapes: the dynamic arena is what the largest shapes need.
      // On cuda a static engine times its tactics at max, where their workspaces may differ
      // from those of the tactics the range chose at opt, so only the activations compare.
      if (BACKEND === 'cpu') expect(d!.maxArenaBytes).toBe(hi!.arenaBytes + hi!.workspaceBytes);
      else expect(d!.maxArenaBytes).toBeGreaterThanOrEqual(hi!.arenaBytes);
      expect(d!.maxArenaBytes).toBeGreaterThan(lo!.arenaBytes + lo!.workspaceBytes);
    } finally {
      await Promise.all([dynamic.dispose(), atMax.dispose(), atOpt.dispose()]);
    }
  });
});

describeIf(
  HAS_NATIVE && lightModels().length > 0,
  `shape ranges on the light_* models (${BACKEND})`,
  HAS_NATIVE ? CONFORMANCE_MISSING : NATIVE_MISSING,
  () => {
    for (const light of lightModels()) {
      it(`${light.name} with a dynamic batch agrees with onnxruntime at batch 1, 2 and 3`, { timeout: 120_000 }, async () => {
        const model = withDynamicBatch(light.model);
        const input = dataInputs(light.model)[0]!;
        const m = await compile(model, {
          backend: BACKEND,
          inputs: { [input]: { min: [1, 3, 224, 224], opt: [2, 3, 224, 224], max: [3, 3, 224, 224] } },
        });
        try {
          expect(engineOnly(m)).toBe(true);
          for (const batch of [1, 2, 3]) await expectMatches(m, model, { [input]: sine([batch, 3, 224, 224], batch) }, `batch ${batch}`);
        } finally {
          await m.dispose();
        }
      });
    }
  },
);
