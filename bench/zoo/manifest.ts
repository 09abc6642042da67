/**
 * The zoo's manifest (.zoo/models/manifest.json, written by export.py and fetch.sh) for the
 * benchmark scripts that run its models: one entry type, one reader, one seeded feed maker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type ort from 'onnxruntime-node';
import { randomTensor } from '../../src/cli/random.js';
import type { NumericDType } from '../../src/onnx/dtype.js';
import { toOrtTensor } from '../../src/onnx/ort.js';

export const ZOO_MODELS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.zoo', 'models');

export interface ZooEntry {
  file: string;
  category: string;
  inputs: Array<{ name: string; shape: number[]; dtype: NumericDType }>;
  /** Inputs fixed to one value (Silero's sr), as `--input-value` takes them. */
  values?: Record<string, number>;
}

export function readZooManifest(): Record<string, ZooEntry> {
  return JSON.parse(fs.readFileSync(path.join(ZOO_MODELS, 'manifest.json'), 'utf8')) as Record<string, ZooEntry>;
}

/** The manifest's entry of `name`; an error naming the model where it is missing. */
export function zooEntry(manifest: Record<string, ZooEntry>, name: string): ZooEntry {
  const entry = manifest[name];
  if (!entry) throw new Error(`no model '${name}' in the manifest (${path.join(ZOO_MODELS, 'manifest.json')})`);
  return entry;
}

/** The manifest's input shapes, as compile()'s `inputs` takes them. */
export function zooShapes(entry: ZooEntry): Record<string, number[]> {
  return Object.fromEntries(entry.inputs.map((i) => [i.name, i.shape]));
}

/** Seeded random feeds of the manifest's shapes (hybrid-run's generator). */
export function zooFeeds(entry: ZooEntry, seed: number, distribution: 'uniform' | 'normal'): Record<string, ort.Tensor> {
  return Object.fromEntries(
    entry.inputs.map((i) => [i.name, toOrtTensor(randomTensor({ name: i.name, dtype: i.dtype, dims: i.shape, seed, distribution }), i.name)]),
  );
}
