/**
 * --output-dir and --save-inputs: writes tensors as DIR/<name>.npy, creating DIR. Tensor names
 * may hold characters a file name cannot ('/', ':'): those become '_', and names that then
 * collide get a numeric suffix, so every tensor gets its own file. bfloat16 has no NumPy
 * dtype, so such a tensor is written as a .pb TensorProto instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { writeTensorFile } from '../onnx/tensor-file.js';

export interface WrittenTensor {
  name: string;
  file: string;
}

export function safeFileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return stem || '_';
}

export function writeTensors(dir: string, tensors: ReadonlyArray<{ name: string; tensor: TensorData }>): WrittenTensor[] {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new HybridError('OPTION', `${dir}: cannot create the folder (${(e as Error).message})`, { cause: e });
  }
  const used = new Set<string>();
  return tensors.map(({ name, tensor }) => {
    const ext = tensor.dtype === 'bfloat16' ? '.pb' : '.npy';
    const stem = safeFileStem(name);
    let file = `${stem}${ext}`;
    for (let i = 2; used.has(file.toLowerCase()); i++) file = `${stem}_${i}${ext}`;
    used.add(file.toLowerCase());
    const full = path.join(dir, file);
    writeTensorFile(full, tensor, name);
    return { name, file: full };
  });
}
