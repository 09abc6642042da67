/**
 * --ref-outputs DIR: reference outputs saved earlier, which --compare checks the run against
 * instead of running onnxruntime (Polygraphy's --load-outputs habit). Each model output is
 * found as DIR/<stem>.npy or DIR/<stem>.pb, <stem> being the file name --output-dir gives it
 * (onnx/tensor-stems.ts: characters a file name cannot hold become '_', colliding names a suffix), else
 * as a .pb file in DIR whose TensorProto carries the output's name (the ONNX test data's
 * output_0.pb). Every output must have one: a folder that lacks one is an OPTION error naming
 * the files looked for, before the model is compiled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { readTensorFile } from '../onnx/tensor-file.js';
import { tensorFileStems } from '../onnx/tensor-stems.js';

export interface RefOutput {
  tensor: TensorData;
  file: string;
}

export function readRefOutputs(dir: string, outputs: readonly string[]): Map<string, RefOutput> {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new HybridError('OPTION', `--ref-outputs ${dir}: ${st ? 'not a folder' : 'no such folder'}`);
  let named: Map<string, string> | undefined;
  /** .pb files of DIR by the tensor name they carry (read once, where a name is not found by its file). */
  const pbNames = () => {
    if (named) return named;
    named = new Map();
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.toLowerCase().endsWith('.pb'))
      .sort();
    for (const f of files) {
      const full = path.join(dir, f);
      if (!fs.statSync(full).isFile()) continue;
      const name = readTensorFile(full).name;
      if (name !== undefined && !named.has(name)) named.set(name, full);
    }
    return named;
  };
  const stems = tensorFileStems(outputs);
  const refs = new Map<string, RefOutput>();
  outputs.forEach((name, i) => {
    const candidates = [`${stems[i]}.npy`, `${stems[i]}.pb`].map((f) => path.join(dir, f));
    const file = candidates.find((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile()) ?? pbNames().get(name);
    if (file === undefined) {
      throw new HybridError(
        'OPTION',
        `--ref-outputs ${dir}: no reference for output '${name}' (looked for ${candidates.join(', ')} and a .pb file naming '${name}')`,
      );
    }
    refs.set(name, { tensor: readTensorFile(file).tensor, file });
  });
  return refs;
}
