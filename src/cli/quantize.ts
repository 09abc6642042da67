/**
 * `hybrid-run quantize model.onnx --calib-data DIR [--calib-method entropy] -o model.qdq.onnx`:
 * calibrates the fp32 model over a folder of .npy batches (or reuses a TensorRT-format cache,
 * --calib-cache; trtexec spells it --calib) and writes the Q/DQ model (src/quantize/). With
 * --accuracy-target / --int8-sensitivity (the precision policy, as `hybrid-run model.onnx
 * --int8` takes them), the layers kept in float are left unquantized in the written model.
 * With --input-value NAME=V (hybrid-run's), the model is calibrated and written at that value:
 * the input is a constant of the written model, what it decides folded.
 * Prints one line of what was quantized, then what the policy kept and measured; errors as
 * hybrid-run prints them (errors.ts).
 */
import { Command, CommanderError } from 'commander';
import { HybridError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { loadModelProto } from '../onnx/model.js';
import { weightLayout } from '../quantize/qdq.js';
import { type QuantizeResult, quantize } from '../quantize/quantize.js';
import { policyLine, sensitivityLines } from '../report/int8.js';
import {
  type CalibrationFlags,
  addCalibrationFlags,
  addInt8PolicyFlags,
  calibrationFromFlags,
  calibrationRequired,
  int8PolicyFromFlags,
} from './calib-flags.js';
import { CliFailure, EXIT_OK, EXIT_USAGE, exitCodeOf, formatError } from './errors.js';
import { inputValueTensors, parseInputValueFlags } from './input-flags.js';
import { modelInputs } from './inputs.js';
import type { CliIO } from './run.js';

interface QuantizeFlags extends CalibrationFlags {
  output?: string;
  inputValue?: string[];
  verbose?: boolean;
}

const EXAMPLES = `
Examples:
  $ hybrid-run quantize model.onnx --calib-data calib/ -o model.qdq.onnx
  $ hybrid-run quantize model.onnx --calib-data calib/ --calib-method percentile --calib-percentile 99.9 -o model.qdq.onnx
  $ hybrid-run quantize model.onnx --calib-cache model.cache -o model.qdq.onnx
  $ hybrid-run quantize model.onnx --calib-data calib/ --accuracy-target cosine=0.999 -o model.qdq.onnx
  $ hybrid-run quantize silero_vad.onnx --input-value sr=16000 --calib-data calib/ -o silero_vad.qdq.onnx

--calib-data DIR holds one .npy file per batch (a model of one input) or one sub-folder per
batch with <input name>.npy for every input. --calib-cache FILE is read where it exists (and
then no data is needed), else written after calibrating: TensorRT's text format, so either
tool can reuse the other's cache. --accuracy-target keeps the most sensitive Conv/MatMul/Gemm
layers in float (no Q/DQ around them in the written model) until the int8 model's outputs meet
the target against fp32 on the calibration data; --int8-sensitivity lists each layer's cost.
--input-value NAME=V fixes an input as hybrid-run's does: the model is calibrated and written
at that value (an If on it takes its branch, whose layers are quantized too), and the written
model has it as a constant, no longer as an input; the batches need not hold it.`;

function command(io: CliIO): Command {
  const program = new Command('hybrid-run quantize')
    .description(
      'Calibrate an fp32 ONNX model and write it as a Q/DQ model (int8 activations entering Conv, MatMul and Gemm, int8 per-channel weights), which onnxruntime and hybridrt run.',
    )
    .argument('<model>', 'the fp32 ONNX model file')
    .helpOption('-h, --help', 'show this help');
  return addInt8PolicyFlags(addCalibrationFlags(program, 'the data to calibrate over'))
    .option(
      '--input-value <name=values>',
      'fix an input to a value, a constant of the written model (e.g. --input-value sr=16000; NAME=V1,V2,... for a tensor); repeatable',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('-o, --output <file>', 'where to write the Q/DQ model (e.g. -o model.qdq.onnx)')
    .option('-v, --verbose', 'print the stack of an error (e.g. -v)')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => {} });
}

/** Runs `hybrid-run quantize` with the arguments after 'quantize'; returns the exit code. */
export async function quantizeMain(argv: string[], io: CliIO): Promise<number> {
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const program = command(io);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed') return EXIT_OK;
      io.err(formatError(new CliFailure(`${e.message.replace(/^error: /, '')} (see hybrid-run quantize --help)`, EXIT_USAGE), false));
      return EXIT_USAGE;
    }
    throw e;
  }
  const flags = program.opts<QuantizeFlags>();
  const model = program.args[0]!;
  try {
    if (!flags.output) throw new HybridError('OPTION', '-o/--output is required: where to write the Q/DQ model (e.g. -o model.qdq.onnx)');
    const calibration = calibrationFromFlags(flags);
    if (!calibration) throw calibrationRequired();
    const policy = int8PolicyFromFlags(flags, true, calibration);
    const cache = calibration.cache;
    const valueFlags = parseInputValueFlags(flags.inputValue);
    // With input values, the model is read once here, for its inputs' dtypes and shapes.
    const source = valueFlags.length ? loadModelProto(model) : model;
    const inputValues = typeof source === 'string' ? undefined : inputValueTensors(valueFlags, modelInputs(Graph.fromModel(source, model)));
    const result = await quantize(source, {
      ...calibration,
      ...policy,
      label: model,
      ...(inputValues ? { inputValues: Object.fromEntries(inputValues) } : {}),
      output: flags.output,
      progress: io.errIsTTY === true,
    });
    const from = result.calibration.method === 'cache' ? `the cache ${cache}` : `${result.calibration.method} calibration over ${flags.calibData}`;
    const written = cache && result.calibration.method !== 'cache' ? `; cache written to ${cache}` : '';
    io.out(
      `${model}: ${result.activations.length} activation(s) quantized (int8 Q/DQ, per tensor) and ${result.weights.length} weight(s) ` +
        `(int8, ${weightLayout(result)}) from ${from} -> ${flags.output}${written}\n`,
    );
    if (valueFlags.length) io.out(`fixed: ${valueFlags.map((f) => f.raw).join(', ')} (constants of ${flags.output}, no longer inputs)\n`);
    for (const line of policyLines(result)) io.out(`${line}\n`);
    return EXIT_OK;
  } catch (e) {
    io.err(formatError(e, verbose));
    return exitCodeOf(e);
  }
}

/** What the precision policy kept and measured: the report's lines (src/report/int8.ts). */
function policyLines(r: QuantizeResult): string[] {
  const lines: string[] = [];
  if (r.policy) {
    lines.push(`int8 policy: ${policyLine(r.policy)}`);
    lines.push(r.kept.length ? `kept in float (no Q/DQ), most sensitive first: ${r.kept.join(', ')}` : 'kept in float: none');
  }
  if (r.sensitivity) {
    lines.push('sensitivity (each layer alone in int8, against fp32 on the calibration data), most sensitive first:');
    lines.push(...sensitivityLines(r.sensitivity, r.sensitivity.length).map((l) => `  ${l}`));
  }
  return lines;
}
