/**
 * --compare on a Q/DQ model: the onnxruntime reference runs with its graph optimizations off
 * (its optimizer re-rounds each float bias to int32, another model than the file:
 * docs/quantization.md), and the compare line says so; a float model's reference, and the
 * reference of --backend ort (onnxruntime against itself), keep onnxruntime's defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { encodeModel } from '../../src/onnx/model.js';
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
