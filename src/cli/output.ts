/**
 * --output-dir and --save-inputs: writes tensors as DIR/<stem>.npy, creating DIR, the stem as
 * onnx/tensor-stems.ts gives it (characters a file name cannot hold become '_', names that then
 * collide a numeric suffix), so every tensor gets its own file. bfloat16 has no NumPy dtype, so
 * such a tensor is written as a .pb TensorProto instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { writeTensorFile } from '../onnx/tensor-file.js';
import { tensorFileStems } from '../onnx/tensor-stems.js';

export interface WrittenTensor {
  name: string;
  file: string;
}

export function writeTensors(dir: string, tensors: ReadonlyArray<{ name: string; tensor: TensorData }>): WrittenTensor[] {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new HybridError('OPTION', `${dir}: cannot create the folder (${(e as Error).message})`, { cause: e });
  }
  const stems = tensorFileStems(tensors.map((t) => t.name));
  return tensors.map(({ name, tensor }, i) => {
    const ext = tensor.dtype === 'bfloat16' ? '.pb' : '.npy';
    const full = path.join(dir, `${stems[i]}${ext}`);
    writeTensorFile(full, tensor, name);
    return { name, file: full };
  });
}
