/**
 * calibrate(): the public entry to calibration.ts (which says how a calibration is made). Its
 * 'engines' runner compiles the fp32 model with compile(), imported here and handed down
 * (runner.ts): calibration.ts cannot import it, since compile()'s implicit int8 calibrates.
 */
import { compile } from '../compiler/compile.js';
import type { ModelProto } from '../onnx/proto.js';
import { type Calibration, type CalibrationOptions, calibrateGraph, modelGraph } from './calibration.js';

export * from './calibration.js';

/** Calibrates a model (a path, its bytes or a ModelProto). */
export async function calibrate(model: string | Uint8Array | ModelProto, options: CalibrationOptions): Promise<Calibration> {
  return calibrateGraph(modelGraph(model), options, { compile });
}
