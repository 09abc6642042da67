/**
 * --compare on a Q/DQ model: the onnxruntime reference runs with its graph optimizations off
 * (its optimizer re-rounds each float bias to int32, another model than the file:
 * docs/quantization.md), and the compare line says so; a float model's reference, and the
 * reference of --backend ort (onnxruntime against itself), keep onnxruntime's defaults. Where a
 * Q/DQ model's outputs differ only by rounding ties (a QuantizeLinear input within float rounding
 * of k + 0.5 steps, which each side's fp32 arithmetic decides its own way), each quantized layer
 * is checked from the run's own int8 inputs and the run passes (src/cli/qdq-layers.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { encodeModel } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { quantize } from '../../src/quantize/quantize.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { fanInWeights, smoothImage } from '../quantize/helpers.js';
import { runMain, tempDir, writeModel } from './helpers.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const weight = fanInWeights(3);
const float = writeModel(dir, 'conv.onnx', {
  opset: 13,
  inputs: [{ name: 'x', shape: [1, 3, 8, 8] }],
  outputs: [{ name: 'y' }],
  initializers: { W: weight([4, 3, 3, 3]), B: weight([4], -0.1, 0.1) },
  nodes: [
    { op: 'Conv', inputs: ['x', 'W', 'B'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['c'], outputs: ['y'] },
  ],
});

itIf(HAS_NATIVE, "a Q/DQ model's reference runs as written; a float model's with onnxruntime's defaults", NATIVE_MISSING, async () => {
  const q = await quantize(float, { data: [0, 1, 2].map((k) => ({ x: smoothImage([1, 3, 8, 8], k, 0.2, 0.4) })), method: 'minmax', progress: false });
  const qdq = path.join(dir, 'conv.qdq.onnx');
  fs.writeFileSync(qdq, encodeModel(q.model));
  const quantized = await runMain(qdq, '--backend', 'cpu', '--compare');
  expect(quantized.code).toBe(0);
  expect(quantized.out).toMatch(/compare {2}against onnxruntime alone \(graph optimizations off: a Q\/DQ model, computed as written\)/);
  expect(quantized.out).toMatch(/ PASS /);
  // --backend ort: onnxruntime against itself, both at its defaults.
  const ortItself = await runMain(qdq, '--backend', 'ort', '--compare');
  expect(ortItself.code).toBe(0);
  expect(ortItself.out).not.toMatch(/graph optimizations off/);
  const plain = await runMain(float, '--backend', 'cpu', '--compare');
  expect(plain.code).toBe(0);
  expect(plain.out).toMatch(/compare {2}against onnxruntime alone( \(default|\n)/);
  expect(plain.out).not.toMatch(/graph optimizations off/);
});

// y = Q/DQ(Conv 1x1(Q/DQ(x), per-channel Q/DQ(W)) + B) where every output is a tie in decimal
// arithmetic: x in steps of 0.1, weight scales 0.1..0.19, output steps of 0.01 and B an odd
// multiple of 0.005, so (x W + B) / 0.01 = k + 0.5. None of these is exact in fp32, and
// onnxruntime's fp32 convolution and the int8 layer's int32 sum and fp32 epilogue round some
// of them apart (2 of 128 elements on the x86-64 machines measured): a step of 0.01 at the output.
const C = 8;
const scales = [0.1, 0.3, 0.7, 0.9, 0.11, 0.13, 0.17, 0.19];
const f32 = (dims: number[], v: number[]) => ({ dtype: 'float32' as const, dims, data: Float32Array.from(v) });
const int8 = (dims: number[], v: number[]) => ({ dtype: 'int8' as const, dims, data: Int8Array.from(v) });
const ties = writeModel(dir, 'ties.qdq.onnx', {
  opset: 13,
  inputs: [{ name: 'x', shape: [1, 1, 16, 1] }],
  outputs: [{ name: 'y' }],
  initializers: {
    sx: f32([], [0.1]),
    z: int8([], [0]),
    Wq: int8(
      [C, 1, 1, 1],
      scales.map((_, i) => 3 + 2 * i),
    ),
    sw: f32([C], scales),
    zw: int8([C], new Array(C).fill(0)),
    B: f32(
      [C],
      scales.map((_, i) => 0.005 * (2 * i + 1)),
    ),
    sy: f32([], [0.01]),
  },
  nodes: [
    { op: 'QuantizeLinear', inputs: ['x', 'sx', 'z'], outputs: ['xq'] },
    { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'z'], outputs: ['xd'] },
    { op: 'DequantizeLinear', inputs: ['Wq', 'sw', 'zw'], outputs: ['Wd'], attrs: { axis: 0 } },
    { op: 'Conv', inputs: ['xd', 'Wd', 'B'], outputs: ['c'] },
    { op: 'QuantizeLinear', inputs: ['c', 'sy', 'z'], outputs: ['cq'] },
    { op: 'DequantizeLinear', inputs: ['cq', 'sy', 'z'], outputs: ['y'] },
  ],
});

itIf(HAS_NATIVE, 'a Q/DQ model whose outputs differ by rounding ties alone passes, each layer checked', NATIVE_MISSING, async () => {
  const input = path.join(dir, 'ties-x.npy');
  writeNpy(
    input,
    f32(
      [1, 1, 16, 1],
      Array.from({ length: 16 }, (_, i) => (i - 8) * 0.1),
    ),
  );
  const r = await runMain(ties, '--backend', 'cpu', '--input', `x=${input}`, '--compare');
  // The outputs themselves differ by a step (the ties), and each layer agrees.
  expect(r.out).toMatch(/\n {2}y {2}FAIL {2}max abs 0\.0(1|099).*\(\d+ of 128 elements outside tolerance\)/);
  expect(r.out).toMatch(
    /layers .*: \d+ of 144 roundings differ, all ties \(at most \S+ of a step from a rounding edge; 0\.001 allowed\)\n {2}y {2}PASS /,
  );
  expect(r.code).toBe(0);
});
