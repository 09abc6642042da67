/**
 * quantize(): an fp32 ONNX model in, a Q/DQ model out, by the recipe of qdq-model.ts (the one
 * compile()'s implicit int8 compiles). Calibration's 'engines' runner compiles the fp32 model
 * with compile(), imported here and handed down (runner.ts): the recipe cannot import it, since
 * compile() imports the recipe.
 */
import { compile } from '../compiler/compile.js';
import { checkInputValues } from '../compiler/input-values.js';
import { HybridError } from '../errors.js';
import { saveModelProto } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import { modelGraph } from './calibration.js';
import { type QuantizeOptions, type QuantizeResult, checkQuantizeOptions, fixedRunGraph, qdqModel } from './qdq-model.js';

export * from './qdq-model.js';

/** Quantizes a model (a path, its bytes or a ModelProto) into the QDQ format. */
export async function quantize(model: string | Uint8Array | ModelProto, options: QuantizeOptions): Promise<QuantizeResult> {
  const policy = checkQuantizeOptions(options);
  const label = options.label ?? (typeof model === 'string' ? model : 'model');
  const graph = modelGraph(model, label);
  // Fixed inputs (checked as compile() checks them): calibrated, and written, as constants.
  const values = checkInputValues(graph, options.inputValues, label);
  const fixed = values.size ? { values, run: await fixedRunGraph(graph, values, label) } : undefined;
  const { proto, calibration, summary, findings } = await qdqModel(fixed?.run ?? graph, options, policy, fixed, { compile });
  if (options.output !== undefined) {
    try {
      saveModelProto(proto, options.output);
    } catch (e) {
      if (e instanceof HybridError) throw e;
      throw new HybridError('MODEL_SAVE', `cannot write the quantized model '${options.output}': ${(e as Error).message}`, { cause: e });
    }
  }
  return {
    model: proto,
    calibration,
    ...summary,
    kept: [...(findings?.exclude ?? [])],
    ...(findings?.policy ? { policy: findings.policy } : {}),
    ...(findings?.sensitivity ? { sensitivity: findings.sensitivity } : {}),
  };
}
