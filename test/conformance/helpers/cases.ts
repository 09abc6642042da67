/**
 * The ONNX backend test cases with test data: every folder of the node, pytorch-converted,
 * pytorch-operator and simple suites that holds a model.onnx and test_data_set_* folders, and
 * a reader for their input_N.pb / output_N.pb files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readTensorFile } from '../../../src/onnx/tensor-file.js';
import type { TensorData } from '../../../src/onnx/tensor.js';

export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;

export interface ConformanceCase {
  /** '<suite>/<folder>', e.g. 'node/test_abs': the key of the exclusion lists. */
  name: string;
  model: string;
  /** test_data_set_* folders, sorted. */
  dataSets: string[];
}

export function conformanceCases(root: string): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const suite of SUITES) {
    const base = path.join(root, suite);
    if (!fs.existsSync(base)) continue;
    for (const folder of fs.readdirSync(base).sort()) {
      const dir = path.join(base, folder);
      const model = path.join(dir, 'model.onnx');
      if (!fs.existsSync(model)) continue;
      const dataSets = fs
        .readdirSync(dir)
        .filter((d) => d.startsWith('test_data_set_'))
        .sort()
        .map((d) => path.join(dir, d));
      if (dataSets.length) out.push({ name: `${suite}/${folder}`, model, dataSets });
    }
  }
  return out;
}

/** The `kind`_N.pb files of a data set, in N order ('input' or 'output'). */
export function readDataSet(dir: string, kind: 'input' | 'output', count: number): TensorData[] {
  return Array.from({ length: count }, (_, i) => readTensorFile(path.join(dir, `${kind}_${i}.pb`)).tensor);
}
