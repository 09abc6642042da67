/**
 * The calibration cache in TensorRT's text format, so that a cache from either tool can be
 * reused by the other: a header line `TRT-<version>-<algorithm>` (TensorRT writes e.g.
 * `TRT-8601-EntropyCalibration2`, `TRT-8601-MinMaxCalibration`), then one line per tensor,
 * `<tensor name>: <hex>`, the hex being the bits of the float32 scale (amax / 127) as
 * TensorRT prints them (`std::hex` of the uint32: lower case, no leading zeros).
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';

/** The version field hybridrt writes: TensorRT 8.6.1's, the format's last revision. */
export const CACHE_VERSION = '8601';

export type CalibrationMethod = 'entropy' | 'minmax' | 'percentile';

/** TensorRT's algorithm names; percentile has no TensorRT calibrator, so the name is ours. */
const ALGORITHM: Record<CalibrationMethod, string> = {
  entropy: 'EntropyCalibration2',
  minmax: 'MinMaxCalibration',
  percentile: 'PercentileCalibration',
};

export interface CalibrationCache {
  /** The header's algorithm, e.g. 'EntropyCalibration2'. */
  algorithm: string;
  version: string;
  /** Scale (amax / 127) per tensor, in the file's order. */
  scales: Map<string, number>;
}

const bits = new DataView(new ArrayBuffer(4));

export function scaleToHex(scale: number): string {
  bits.setFloat32(0, scale);
  return bits.getUint32(0).toString(16);
}

export function hexToScale(hex: string): number {
  bits.setUint32(0, Number.parseInt(hex, 16));
  return bits.getFloat32(0);
}

export function formatCache(scales: ReadonlyMap<string, number>, method: CalibrationMethod, version = CACHE_VERSION): string {
  const lines = [`TRT-${version}-${ALGORITHM[method]}`];
  for (const [name, scale] of scales) lines.push(`${name}: ${scaleToHex(scale)}`);
  return lines.join('\n') + '\n';
}

/** Parses a cache; `label` names it in errors (a file path). */
export function parseCache(text: string, label = 'calibration cache'): CalibrationCache {
  const lines = text.split(/\r?\n/);
  const header = /^TRT-(\w+)-(\w+)$/.exec(lines[0]?.trim() ?? '');
  if (!header) {
    throw new HybridError(
      'CALIBRATION',
      `${label}: the first line is not a TensorRT calibration cache header (TRT-<version>-<algorithm>): '${lines[0] ?? ''}'`,
    );
  }
  const scales = new Map<string, number>();
  lines.slice(1).forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.lastIndexOf(':');
    const hex = line.slice(colon + 1).trim();
    if (colon <= 0 || !/^[0-9a-fA-F]{1,8}$/.test(hex)) {
      throw new HybridError('CALIBRATION', `${label}: line ${i + 2} is not '<tensor>: <hex of the float32 scale>': '${line}'`);
    }
    const scale = hexToScale(hex);
    if (!(Number.isFinite(scale) && scale >= 0)) {
      throw new HybridError('CALIBRATION', `${label}: line ${i + 2} gives tensor '${line.slice(0, colon)}' the scale ${scale}`);
    }
    // A scale of 0 (a tensor that was all zeros) would make QuantizeLinear divide by 0: it reads
    // as 1, the rule symmetricScale applies to an all-zero range.
    scales.set(line.slice(0, colon), scale > 0 ? scale : 1);
  });
  return { version: header[1]!, algorithm: header[2]!, scales };
}

export function readCache(file: string): CalibrationCache {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new HybridError('CALIBRATION', `cannot read the calibration cache '${file}': ${(e as Error).message}`);
  }
  return parseCache(text, file);
}

export function writeCache(file: string, scales: ReadonlyMap<string, number>, method: CalibrationMethod): void {
  fs.writeFileSync(file, formatCache(scales, method));
}

/** Checks that the cache has a scale for every tensor the model needs; the error names the missing ones. */
export function checkCacheCovers(cache: CalibrationCache, tensors: readonly string[], label = 'calibration cache'): void {
  const missing = tensors.filter((t) => !cache.scales.has(t));
  if (missing.length) {
    const shown =
      missing
        .slice(0, 20)
        .map((t) => `'${t}'`)
        .join(', ') + (missing.length > 20 ? `, ... (${missing.length - 20} more)` : '');
    throw new HybridError(
      'CALIBRATION',
      `${label} does not match the model: it has no scale for ${missing.length} tensor(s) the model quantizes: ${shown} (a cache made for another model or another version of it?)`,
    );
  }
}
