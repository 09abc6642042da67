/**
 * Calibration data: what `calibrate()` and `quantize()` read batches from.
 * - An iterable or async iterable of feeds (input name -> onnxruntime Tensor or TensorData),
 *   one element per batch: an array, a generator, a stream of batches.
 * - A folder of `.npy` batches: for a model of one input, one `.npy` (or `.pb`) file per
 *   batch; for any model, one sub-folder per batch holding `<input name>.npy` for every input,
 *   or the file `--save-inputs` writes for it (onnx/tensor-stems.ts: `input_0.npy` for `input:0`).
 *   Batches are taken in name order. (TensorRT's sample calibrators read folders of batch
 *   files the same way.)
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import { checkFixedFeed } from '../compiler/input-values.js';
import { fromOrtTensor, toOrtTensor } from '../onnx/ort.js';
import type { TensorData } from '../onnx/tensor.js';
import { readTensorFile } from '../onnx/tensor-file.js';
import { safeFileStem, tensorFileStems } from '../onnx/tensor-stems.js';

export type CalibrationFeeds = Readonly<Record<string, ort.Tensor | TensorData>>;

/** Batches in memory or streamed, or the path of a folder of batches. */
export type CalibrationData = Iterable<CalibrationFeeds> | AsyncIterable<CalibrationFeeds> | string;

export interface Batches {
  /** The number of batches where known up front (arrays, folders), for the progress bar. */
  count?: number;
  batches: AsyncIterable<Record<string, ort.Tensor>>;
}

const TENSOR_EXT = /\.(npy|pb)$/i;

function toOrt(feeds: CalibrationFeeds, batch: number): Record<string, ort.Tensor> {
  if (typeof feeds !== 'object' || feeds === null) {
    throw new HybridError('CALIBRATION', `calibration batch ${batch} is not an object of input name -> tensor`);
  }
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => [name, t instanceof ort.Tensor || 'type' in t ? (t as ort.Tensor) : toOrtTensor(t as TensorData, name)]),
  );
}

/** The batches of a folder (see the module comment), checked against the model's inputs. */
function folderBatches(dir: string, inputs: readonly string[]): Array<() => Record<string, ort.Tensor>> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw new HybridError('CALIBRATION', `cannot read the calibration data folder '${dir}': ${(e as Error).message}`);
  }
  const files = entries.filter((e) => e.isFile() && TENSOR_EXT.test(e.name));
  const folders = entries.filter((e) => e.isDirectory());
  const read = (file: string, input: string) => toOrtTensor(readTensorFile(file).tensor, input);
  if (files.length && !folders.length) {
    if (inputs.length !== 1) {
      throw new HybridError(
        'CALIBRATION',
        `${dir}: one tensor file per batch fits a model of one input; this one has ${inputs.length} (${inputs.join(', ')}): put each batch in a sub-folder of <input name>.npy files`,
      );
    }
    return files.map((f) => () => ({ [inputs[0]!]: read(path.join(dir, f.name), inputs[0]!) }));
  }
  if (!folders.length) {
    throw new HybridError('CALIBRATION', `${dir}: no calibration batches (.npy files, or sub-folders of <input name>.npy files)`);
  }
  const stems = tensorFileStems(inputs);
  return folders.map((f) => {
    const sub = path.join(dir, f.name);
    const names = new Map(
      fs
        .readdirSync(sub)
        .filter((n) => TENSOR_EXT.test(n))
        .map((n) => [n.replace(TENSOR_EXT, ''), n]),
    );
    const files = inputs.map((i, k) => names.get(i) ?? names.get(stems[k]!));
    const missing = inputs.filter((_, k) => files[k] === undefined);
    if (missing.length) {
      throw new HybridError(
        'CALIBRATION',
        `${sub}: no tensor file for input(s) ${missing.map((m) => `'${m}'`).join(', ')} (expected <input name>.npy, or the file --save-inputs writes: ${missing.map((m) => `${stems[inputs.indexOf(m)]}.npy`).join(', ')})`,
      );
    }
    return () => Object.fromEntries(inputs.map((i, k) => [i, read(path.join(sub, files[k]!), i)]));
  });
}

/**
 * A folder's batch files of fixed inputs must hold their values: `<name>.npy` in a batch's
 * sub-folder, or the file --save-inputs writes for the name (`sr_0.npy` for `sr:0`; without the
 * `_2` a collision with another input's stem would add, which needs the model's inputs).
 */
function checkFolderFixed(dir: string, fixed: ReadonlyMap<string, TensorData>): void {
  const byFile = new Map<string, string>();
  for (const name of fixed.keys()) byFile.set(safeFileStem(name), name);
  for (const name of fixed.keys()) byFile.set(name, name);
  let folders: string[];
  try {
    folders = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
  } catch {
    return; // folderBatches says what is wrong with the folder
  }
  folders.forEach((f, k) => {
    const sub = path.join(dir, f);
    for (const n of fs.readdirSync(sub).filter((x) => TENSOR_EXT.test(x))) {
      const name = byFile.get(n.replace(TENSOR_EXT, ''));
      const value = name === undefined ? undefined : fixed.get(name);
      if (!value) continue;
      try {
        checkFixedFeed(name!, value, readTensorFile(path.join(sub, n)).tensor);
      } catch (e) {
        throw new HybridError('CALIBRATION', `calibration batch ${k} (${path.join(sub, n)}): ${(e as Error).message}`, { cause: e });
      }
    }
  });
}

/** The batches of `data` as onnxruntime feeds; `inputs` are the model's input names. */
export function calibrationBatches(data: CalibrationData, inputs: readonly string[]): Batches {
  if (typeof data === 'string') {
    const readers = folderBatches(data, inputs);
    return {
      count: readers.length,
      batches: (async function* () {
        for (const r of readers) yield r();
      })(),
    };
  }
  if (data === null || typeof data !== 'object' || !(Symbol.iterator in data || Symbol.asyncIterator in data)) {
    throw new HybridError('OPTION', 'calibration data must be an iterable or async iterable of feeds, or the path of a folder of .npy batches');
  }
  const count = Array.isArray(data) ? data.length : undefined;
  return {
    count,
    batches: (async function* () {
      let k = 0;
      for await (const feeds of data as AsyncIterable<CalibrationFeeds>) yield toOrt(feeds, k++);
    })(),
  };
}

/**
 * `data` for the model with the inputs `fixed` made constants (compile's inputValues): each batch
 * without them, and a batch that gives one anyway must give its value (else CALIBRATION, naming
 * both), so that data written for the model as it was still calibrates it. An array stays an
 * array (counted, read again by the precision policy); a folder stays as it is (only the inputs
 * left are read from it), its batches' files of fixed inputs checked here, before any work.
 */
export function withoutFixedInputs(data: CalibrationData, fixed: ReadonlyMap<string, TensorData>): CalibrationData {
  if (typeof data === 'string' && fixed.size) checkFolderFixed(data, fixed);
  if (typeof data === 'string' || !fixed.size || data === null || typeof data !== 'object') return data;
  const drop = (feeds: CalibrationFeeds, k: number): CalibrationFeeds => {
    if (typeof feeds !== 'object' || feeds === null) return feeds; // toOrt says what is wrong with it
    const out: Record<string, ort.Tensor | TensorData> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const value = fixed.get(name);
      if (!value) {
        out[name] = t;
        continue;
      }
      try {
        checkFixedFeed(name, value, t instanceof ort.Tensor ? fromOrtTensor(t, name) : (t as TensorData));
      } catch (e) {
        throw new HybridError('CALIBRATION', `calibration batch ${k}: ${(e as Error).message}`, { cause: e });
      }
    }
    return out;
  };
  if (Array.isArray(data)) return (data as CalibrationFeeds[]).map(drop);
  const source = data;
  return {
    async *[Symbol.asyncIterator]() {
      let k = 0;
      for await (const feeds of source as AsyncIterable<CalibrationFeeds>) yield drop(feeds, k++);
    },
  };
}
