/**
 * The per-thread buffers kept across runs (native/cpu/conv.cc's depthwise phases, pooling.cc's
 * phases and wide planes: thread_local, resized per task) under runs in flight at once on two
 * engines of different plane sizes: every result equals the sequential run's exactly (the same
 * kernels on the same inputs; a difference is a race on a shared buffer). Layers: a depthwise
 * 3x3/2 from phases, a 3x3/2 convolution from phases, max pooling 3x3/2 'valid' (narrow, wide
 * planes), average pooling 3x3/2 pad 1 (phases).
 */
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { inlineRunLimitForFile } from '../helpers/inline-runs.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

// Runs in flight at once on worker threads: small engines would otherwise run on the calling thread.
inlineRunLimitForFile(0);

function model(c: number, h: number, w: number): Uint8Array {
  const r = mulberry32(c * h);
  const weights = (dims: number[]) => ({
    dtype: 'float32' as const,
    dims,
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => r() - 0.5),
  });
  const s2 = { strides: [2, 2], kernel_shape: [3, 3] };
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, c, h, w] }],
      outputs: [{ name: 'y' }, { name: 'p' }],
      initializers: { dw: weights([c, 1, 3, 3]), W: weights([c, c, 3, 3]) },
      nodes: [
        { op: 'Conv', inputs: ['x', 'dw'], outputs: ['d'], attrs: { ...s2, pads: [1, 1, 1, 1], group: c } },
        { op: 'Conv', inputs: ['d', 'W'], outputs: ['e'], attrs: { ...s2, pads: [1, 1, 1, 1] } },
        { op: 'MaxPool', inputs: ['x'], outputs: ['m'], attrs: s2 },
        { op: 'AveragePool', inputs: ['m'], outputs: ['p'], attrs: { ...s2, pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['e'], outputs: ['y'] },
      ],
    }),
  );
}

const feed = (c: number, h: number, w: number, seed: number) => {
  const r = mulberry32(seed);
  return {
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: 2 * c * h * w }, () => r() * 2 - 1),
      [2, c, h, w],
    ),
  };
};

describe('per-thread flat buffers under concurrent runs', () => {
  itIf(HAS_NATIVE, 'two engines, 4 runs each in flight, equal sequential runs', NATIVE_MISSING, async () => {
    const shapes: Array<[number, number, number]> = [
      [16, 41, 43],
      [24, 97, 95],
    ];
    const models = await Promise.all(
      shapes.map(([c, h, w]) => compile(model(c, h, w), { backend: 'cpu', threads: 2, requireFullCompilation: true })),
    );
    try {
      const feeds = shapes.map(([c, h, w], k) => Array.from({ length: 4 }, (_, i) => feed(c, h, w, 10 * k + i)));
      const plain = (o: Record<string, ort.Tensor>) => ({ y: Array.from(o.y!.data as Float32Array), p: Array.from(o.p!.data as Float32Array) });
      const expected: Array<{ y: number[]; p: number[] }> = [];
      for (const [k, m] of models.entries()) for (const f of feeds[k]!) expected.push(plain(await m.run(f)));
      for (let round = 0; round < 4; round++) {
        const got = await Promise.all(models.flatMap((m, k) => feeds[k]!.map((f) => m.run(f))));
        got.forEach((g, i) => expect(plain(g), `run ${i}, round ${round}`).toEqual(expected[i]));
      }
    } finally {
      await Promise.all(models.map((m) => m.dispose()));
    }
  });
});
