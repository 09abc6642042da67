/**
 * The ONNX backend test cases with test data: every folder of the node, pytorch-converted,
 * pytorch-operator and simple suites that holds a model.onnx and test_data_set_* folders, and
 * a reader for their input_N.pb / output_N.pb files.
 */
import path from 'node:path';
import { readTensorFile } from '../../../src/onnx/tensor-file.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { MODEL_SUITES, suiteTests } from '../../helpers/conformance.js';

export interface ConformanceCase {
  /** '<suite>/<folder>', e.g. 'node/test_abs': the key of the exclusion lists. */
  name: string;
  model: string;
  /** test_data_set_* folders, sorted. */
  dataSets: string[];
}

export function conformanceCases(root: string): ConformanceCase[] {
  return MODEL_SUITES.flatMap((suite) => suiteTests(suite, root))
    .filter((t) => t.dataSets.length > 0)
    .map(({ name, model, dataSets }) => ({ name, model, dataSets }));
}

/** The `kind`_N.pb files of a data set, in N order ('input' or 'output'). */
export function readDataSet(dir: string, kind: 'input' | 'output', count: number): TensorData[] {
  return Array.from({ length: count }, (_, i) => readTensorFile(path.join(dir, `${kind}_${i}.pb`)).tensor);
}
