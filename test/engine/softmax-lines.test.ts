/**
 * Softmax and LogSoftmax lines on the cpu backend (native/cpu/softmax_row.cc: the line's max
 * and scaling in vector registers, its terms by the vector exp, masked tails) against
 * onnxruntime on one-node models: lines of 1 to 200 floats (below, at and past the 16 and 8
 * lanes), along the last axis and along an inner one (strided lines, copied), with scores that
 * span more than 87 below the line's max (terms under float's normal range, flushed to 0) and
 * -inf entries, on 1 and 2 threads. depthwise-kernels.test.ts runs this file again with the AVX2
 * and portable forms forced.
 *
 * Tolerance: softmax |ours - onnxruntime| <= 2e-6 + 1e-5 |onnxruntime| (both use float
 * polynomial exps with a few ulp each, then one scaling); log-softmax within 1e-5 of the larger
 * of 1 and the value (the same terms, then a log of their sum).
 */
import ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

/** A deterministic generator (LCG), values in [0, 1). */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 'narrow': scores in [-6, 6]; 'wide': in [-200, 20] with every 7th -inf (never a whole line). */
function scores(n: number, spread: 'narrow' | 'wide', seed: number): Float32Array {
  const r = random(seed);
  return Float32Array.from({ length: n }, (_, i) => {
    if (spread === 'narrow') return r() * 12 - 6;
    return i % 7 === 3 ? -Infinity : r() * 220 - 200;
  });
}

async function check(op: 'Softmax' | 'LogSoftmax', shape: number[], axis: number, spread: 'narrow' | 'wide', threads: number) {
  const model = encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { axis } }],
    }),
  );
  const n = shape.reduce((a, b) => a * b, 1);
  const feeds = { x: new ort.Tensor('float32', scores(n, spread, n * 31 + axis), shape) };
  const session = await ort.InferenceSession.create(model);
  const want = (await session.run(feeds)).y!.data as Float32Array;
  await session.release();
  const m = await compile(model, { backend: 'cpu', minBlockSize: 0, threads });
  try {
    expect(m.report.data.summary.engineNodes, `${op} runs on an engine`).toBe(1);
    const got = (await m.run(feeds)).y!.data as Float32Array;
    const bad: string[] = [];
    want.forEach((y, i) => {
      const x = got[i]!;
      const tol = op === 'Softmax' ? 2e-6 + 1e-5 * Math.abs(y) : 1e-5 * Math.max(1, Math.abs(y));
      if (!(Object.is(x, y) || Math.abs(x - y) <= tol)) bad.push(`[${i}] ${x}, onnxruntime ${y}`);
    });
    expect(bad.slice(0, 8), `${bad.length} of ${n} differ`).toEqual([]);
  } finally {
    await m.dispose();
  }
}

describeIf(HAS_NATIVE, 'softmax lines against onnxruntime', NATIVE_MISSING, () => {
  for (const op of ['Softmax', 'LogSoftmax'] as const) {
    for (const spread of ['narrow', 'wide'] as const) {
      it(`${op}, ${spread} scores, last axis: lines of 1 to 200, 1 and 2 threads`, async () => {
        for (const len of [1, 5, 8, 15, 16, 17, 31, 32, 33, 200]) {
          for (const threads of [1, 2]) await check(op, [3, 2, len], 2, spread, threads);
        }
      });
      it(`${op}, ${spread} scores, an inner axis (strided lines): 1 and 2 threads`, async () => {
        for (const len of [3, 17, 40]) {
          for (const threads of [1, 2]) await check(op, [2, len, 5], 1, spread, threads);
        }
      });
    }
  }
});
