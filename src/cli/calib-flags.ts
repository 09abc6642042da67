/**
 * The calibration flags, defined once for both commands that calibrate: `hybrid-run quantize`
 * (a Q/DQ model written out) and `hybrid-run model.onnx --int8` (compiled with int8 layers):
 * --calib-data DIR, --calib-method entropy|minmax|percentile, --calib-percentile P,
 * --calib-cache FILE (trtexec spells it --calib FILE) and --calib-runner engines|onnxruntime
 * (what runs the fp32 model over the data: src/quantize/runner.ts), read into the calibration options that
 * quantize() and compile() take (src/compiler/int8.ts, src/quantize/calibration.ts check them).
 * Also the int8 precision policy's flags of both: --int8-sensitivity and --accuracy-target
 * cosine=0.999 (compile()'s and quantize()'s int8Sensitivity and accuracyTarget).
 */
import { type Command, Option } from 'commander';
import { type CalibrationOption, type Int8PolicyOption, checkInt8PolicyOption } from '../compiler/int8.js';
import { HybridError } from '../errors.js';
import type { CalibrationMethod } from '../quantize/cache.js';
import { CALIBRATION_METHODS, cacheMissingWithoutData } from '../quantize/calibration.js';
import { CALIBRATION_RUNNERS, type CalibrationRunner } from '../quantize/runner.js';

/** What commander hands over for the calibration flags. */
export interface CalibrationFlags {
  calibData?: string;
  calibMethod?: CalibrationMethod;
  calibPercentile?: string;
  calibCache?: string;
  calibRunner?: CalibrationRunner;
  /** trtexec's --calib FILE: --calib-cache. */
  calib?: string;
  /** --int8-sensitivity and --accuracy-target. */
  int8Sensitivity?: boolean;
  accuracyTarget?: string;
}

/** Adds the precision policy's flags (compile()'s and quantize()'s int8Sensitivity and accuracyTarget). */
export function addInt8PolicyFlags(command: Command): Command {
  return command
    .option(
      '--int8-sensitivity',
      'with --calib-data, measure each Conv/MatMul/Gemm alone in int8 against fp32 on the calibration data, most sensitive first (e.g. --int8-sensitivity)',
    )
    .option(
      '--accuracy-target <metric=value>',
      'with --calib-data, keep the most sensitive layers in float until the int8 outputs meet this agreement with fp32 on the calibration data: cosine and/or top1, comma-separated (e.g. --accuracy-target cosine=0.999)',
    );
}

/**
 * --int8-sensitivity and --accuracy-target as compile()'s (and quantize()'s) options, undefined
 * where neither is given: they need int8 and --calib-data; the values are checked as compile()
 * checks them.
 */
export function int8PolicyFromFlags(f: CalibrationFlags, int8: boolean, calibration: CalibrationOption | undefined): Int8PolicyOption | undefined {
  if (!f.int8Sensitivity && f.accuracyTarget === undefined) return undefined;
  const flag = f.accuracyTarget !== undefined ? `--accuracy-target ${f.accuracyTarget}` : '--int8-sensitivity';
  if (!int8) throw new HybridError('OPTION', `${flag}: the precision policy is for int8: add --precision int8 (trtexec: --int8) and --calib-data`);
  if (calibration?.data === undefined) {
    throw new HybridError('OPTION', `${flag}: measures the int8 model against fp32 on the calibration data: add --calib-data DIR`);
  }
  let accuracyTarget: Record<string, number> | undefined;
  if (f.accuracyTarget !== undefined) {
    accuracyTarget = {};
    for (const part of f.accuracyTarget.split(',')) {
      const m = /^\s*([A-Za-z0-9_]+)\s*=\s*(\S+)\s*$/.exec(part);
      if (!m) throw bad('--accuracy-target', f.accuracyTarget, 'expected metric=value, e.g. cosine=0.999 or top1=0.99');
      const v = Number(m[2]);
      if (!Number.isFinite(v)) throw bad('--accuracy-target', f.accuracyTarget, `'${m[2]}' is not a number`);
      accuracyTarget[m[1]!] = v;
    }
  }
  const o: Int8PolicyOption = { ...(f.int8Sensitivity ? { int8Sensitivity: true } : {}), ...(accuracyTarget ? { accuracyTarget } : {}) };
  try {
    checkInt8PolicyOption(['int8'], calibration, o);
  } catch (e) {
    if (e instanceof HybridError) throw new HybridError('OPTION', `${flag}: ${e.message}`, { cause: e });
    throw e;
  }
  return o;
}

/** Adds the calibration flags to `command`; `use` says what they serve, for the help text. */
export function addCalibrationFlags(command: Command, use: string): Command {
  return command
    .option('--calib-data <dir>', `${use}: a folder of calibration batches, .npy files, or sub-folders of <input>.npy (e.g. --calib-data calib/)`)
    .addOption(
      new Option('--calib-method <method>', "how each tensor's range is found (default entropy, TensorRT's; e.g. --calib-method minmax)").choices(
        CALIBRATION_METHODS,
      ),
    )
    .option('--calib-percentile <p>', 'the percentile of |x| kept by --calib-method percentile (default 99.99; e.g. --calib-percentile 99.9)')
    .option(
      '--calib-cache <file>',
      'a TensorRT calibration cache: read where it exists (then no --calib-data is needed), else written (e.g. --calib-cache model.cache)',
    )
    .addOption(
      new Option(
        '--calib-runner <runner>',
        'what runs the fp32 model over the calibration data: engines (default: the model compiled, engines and onnxruntime fallbacks) or onnxruntime (e.g. --calib-runner onnxruntime)',
      ).choices(CALIBRATION_RUNNERS),
    )
    .addOption(new Option('--calib <file>', 'trtexec spelling of --calib-cache').hideHelp());
}

function bad(flag: string, raw: string, what: string): HybridError {
  return new HybridError('OPTION', `${flag} ${raw}: ${what}`);
}

/** The message where neither --calib-data nor --calib-cache is given; `context` ends it (e.g. ' with --int8'). */
export function calibrationRequired(context = ''): HybridError {
  return new HybridError('OPTION', `--calib-data DIR (or an existing --calib-cache FILE) is required${context}`);
}

/**
 * The flags as calibration options, undefined where none is given; with some but neither
 * data nor a cache, calibrationRequired(context).
 */
export function calibrationFromFlags(f: CalibrationFlags, context = ''): CalibrationOption | undefined {
  if (f.calibCache !== undefined && f.calib !== undefined && f.calibCache !== f.calib) {
    throw bad('--calib', f.calib, `names another cache than --calib-cache ${f.calibCache} (the same flag, spelled as trtexec does): give one`);
  }
  const cache = f.calibCache ?? f.calib;
  // The cache's flag as the user spelled it (trtexec's --calib, or --calib-cache).
  const cacheFlag = f.calibCache === undefined && f.calib !== undefined ? '--calib' : '--calib-cache';
  if (
    f.calibData === undefined &&
    cache === undefined &&
    f.calibMethod === undefined &&
    f.calibPercentile === undefined &&
    f.calibRunner === undefined
  )
    return undefined;
  let percentile: number | undefined;
  if (f.calibPercentile !== undefined) {
    percentile = Number(f.calibPercentile);
    if (f.calibPercentile.trim() === '' || !Number.isFinite(percentile)) throw bad('--calib-percentile', f.calibPercentile, 'not a number');
    if (f.calibMethod !== 'percentile') {
      throw bad('--calib-percentile', f.calibPercentile, 'applies to --calib-method percentile only: add --calib-method percentile');
    }
  }
  for (const [flag, v] of [
    ['--calib-data', f.calibData],
    [cacheFlag, cache],
  ] as const) {
    if (v === '') throw bad(flag, v, 'expected a path');
  }
  if (f.calibData === undefined && cache === undefined) throw calibrationRequired(context);
  // compile()'s and quantize()'s own check says this in their option names (calibration.data).
  const absent = cacheMissingWithoutData({ data: f.calibData, cache });
  if (absent)
    throw bad(cacheFlag, cache!, `${absent}, and no --calib-data was given to make it: give --calib-data DIR too (the cache is then written)`);
  return {
    ...(f.calibData !== undefined ? { data: f.calibData } : {}),
    ...(f.calibMethod !== undefined ? { method: f.calibMethod } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    ...(cache !== undefined ? { cache } : {}),
    ...(f.calibRunner !== undefined ? { runner: f.calibRunner } : {}),
  };
}
