/**
 * compile() refuses a model whose inputs or outputs are of a type onnxruntime Tensors cannot
 * carry (bfloat16), naming the tensor and suggesting a Cast, instead of compiling a model whose
 * every run() fails; a bfloat16 value inside the model is fine.
 *
 *   x (float32) ─ Cast(to bfloat16) ─ h ─ Relu ─ y (bfloat16)      refused: output 'y'
 *   x (bfloat16) ─ Cast(to float32) ─ y (float32)                  refused: input 'x'
 *   x (float32) ─ Cast(bf16) ─ Relu ─ Cast(float32) ─ y (float32)  compiles and runs
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { HybridError } from '../../src/errors.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { OnnxDataType } from '../../src/onnx/dtype.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const BF16 = OnnxDataType.BFLOAT16;
const FLOAT = OnnxDataType.FLOAT;

async function refusal(model: ReturnType<typeof buildModel>): Promise<HybridError> {
  const e = await compile(model, { backend: 'cpu', label: 'm.onnx' }).then(
    (m) => (m.dispose(), undefined),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HybridError);
  return e as HybridError;
}

describe('compile() and element types run() cannot carry', () => {
  it('refuses a bfloat16 output, naming it and the Cast to add', async () => {
    const e = await refusal(
      buildModel({
        inputs: [{ name: 'x', shape: [2, 3] }],
        outputs: [{ name: 'y', dtype: 'bfloat16', shape: [2, 3] }],
        nodes: [
          { op: 'Cast', inputs: ['x'], outputs: ['h'], attrs: { to: BF16 } },
          { op: 'Relu', inputs: ['h'], outputs: ['y'] },
        ],
      }),
    );
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toBe(
      "m.onnx: output 'y' is bfloat16, which onnxruntime Tensors (run()'s outputs) cannot carry; Cast it to float32 inside the model",
    );
  });

  it('refuses a bfloat16 input', async () => {
    const e = await refusal(
      buildModel({
        inputs: [{ name: 'x', dtype: 'bfloat16', shape: [4] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [4] }],
        nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attrs: { to: FLOAT } }],
      }),
    );
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toBe(
      "m.onnx: input 'x' is bfloat16, which onnxruntime Tensors (run()'s inputs) cannot carry; take float32 and Cast it to bfloat16 inside the model",
    );
  });

  // The output's type is not declared: only inference finds it bfloat16 (needs a backend, as
  // the check comes after analysis).
  itIf(HAS_NATIVE, 'refuses an output that inference finds bfloat16', NATIVE_MISSING, async () => {
    const e = await refusal(
      buildModel({
        inputs: [{ name: 'x', shape: [2] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attrs: { to: BF16 } }],
      }),
    );
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toMatch(/^m\.onnx: output 'y' is bfloat16, which onnxruntime Tensors/);
  });

  itIf(HAS_NATIVE, 'compiles and runs a model that uses bfloat16 inside only', NATIVE_MISSING, async () => {
    const m = await compile(
      buildModel({
        inputs: [{ name: 'x', shape: [3] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [3] }],
        nodes: [
          { op: 'Cast', inputs: ['x'], outputs: ['h'], attrs: { to: BF16 } },
          { op: 'Relu', inputs: ['h'], outputs: ['r'] },
          { op: 'Cast', inputs: ['r'], outputs: ['y'], attrs: { to: FLOAT } },
        ],
      }),
      { backend: 'cpu', minBlockSize: 1 },
    );
    try {
      const y = (await m.run({ x: new ort.Tensor('float32', Float32Array.from([-2, 0.5, 3]), [3]) })).y!;
      // 0.5 and 3 are exact in bfloat16; Relu zeroes -2.
      expect(Array.from(y.data as Float32Array)).toEqual([0, 0.5, 3]);
    } finally {
      await m.dispose();
    }
  });
});
