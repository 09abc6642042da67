/**
 * --dry-run: lower and partition the model as compile() would, print (or write) the partition
 * report, and run nothing but the shape probes. The inputs are those a run would use (files,
 * else seeded random data of the --shape or declared shapes, symbols nothing fixes set to 1),
 * and they are the probe inputs, as in a run: so the dry run decides the partition the run
 * compiles. Where a run could not make its inputs (a string input, an input of no declared
 * type), the shapes the flags and files fix are used and inputs left symbolic are allowed (the
 * report says what they cost). With --int8 on a backend with int8 kernels, it calibrates and
 * partitions the Q/DQ model the run compiles.
 */
import { analyze } from '../compiler/analyze.js';
import { chooseBackend } from '../compiler/backend.js';
import { compile } from '../compiler/compile.js';
import { nativeAvailable } from '../engine/native.js';
import { effectivePrecisions, precisionNotice } from '../engine/precision.js';
import { checkInt8PolicyOption, int8Model, int8Note, policyNote } from '../compiler/int8.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { EXIT_OK } from './errors.js';
import { isHybridError } from '../errors.js';
import { type ModelInput, compileInputs, knownInputShapes, prepareInputs } from './inputs.js';
import { inputValueTensors } from './input-flags.js';
import type { CliOptions } from './options.js';
import { withAnalyzeProgress } from './progress.js';
import { partitionOptions } from './run-session.js';
import { type ReportSink, emitReport } from './report-output.js';

/** The run's feeds where it could make them (prepareInputs), else undefined. */
function runFeeds(inputs: ModelInput[], opts: CliOptions, note: (message: string) => void): Map<string, TensorData> | undefined {
  try {
    return new Map(prepareInputs(inputs, opts, note).map((f) => [f.name, f.tensor]));
  } catch (e) {
    // A run would fail here; the dry run still reports what it can from the shapes alone.
    if (isHybridError(e) && (e.code === 'INPUT' || e.code === 'SHAPE')) return undefined;
    throw e;
  }
}

export async function dryRun(
  opts: CliOptions,
  proto: ModelProto,
  inputs: ModelInput[],
  /** errIsTTY: whether stderr is a terminal (the analysis shows its progress line there). */
  io: ReportSink & { errIsTTY?: boolean },
  note: (message: string) => void = () => {},
): Promise<number> {
  // What the run's backend would do with the precisions, said as the run's compile says it.
  let backend: 'cpu' | 'cuda' | undefined;
  if (opts.backend !== 'ort' && nativeAvailable()) {
    try {
      backend = chooseBackend(opts.backend, () => {});
    } catch {
      // The run would refuse the backend; the dry run reports the partition all the same.
    }
    const notice = backend && precisionNotice(backend, opts.precisions);
    if (notice) note(notice);
  }
  // --int8 where the backend has int8 kernels: the run compiles the calibrated Q/DQ model
  // (src/compiler/int8.ts), so the dry run partitions that one.
  let model = proto;
  if (opts.calibration && backend && effectivePrecisions(backend, opts.precisions).includes('int8')) {
    const calibration = { ...opts.calibration, progress: io.errIsTTY === true };
    const policy = checkInt8PolicyOption(opts.precisions, calibration, opts.int8Policy ?? {});
    // The run's calibration compiles the fp32 model (runner 'engines'), with compile() handed in
    // (src/quantize/runner.ts) and the options that decide its engines and fallbacks.
    const q = await int8Model(proto, opts.model, calibration, policy, inputValueTensors(opts.inputValues, inputs), {
      backend,
      compile,
      ...partitionOptions(opts),
    });
    note(int8Note(q, opts.calibration));
    if (q.findings) note(policyNote(q.findings));
    model = q.proto;
  }
  const feeds = runFeeds(inputs, opts, note);
  const known = feeds ? undefined : knownInputShapes(inputs, opts);
  const shapes = feeds ? Object.fromEntries([...feeds].map(([name, t]) => [name, t.dims])) : known!.shapes;
  const files = known?.files;
  const allFromFiles = files !== undefined && inputs.length > 0 && inputs.every((i) => files.has(i.name));
  const probeFeeds = feeds ?? (allFromFiles ? new Map<string, TensorData>(files) : undefined);
  const result = await withAnalyzeProgress(io.errIsTTY === true, (onStep) =>
    analyze(model, {
      onStep,
      label: opts.model,
      // With --min-shapes/--opt-shapes/--max-shapes: the ranges a run compiles for.
      inputs: compileInputs(inputs, opts, shapes),
      inputValues: Object.fromEntries(inputValueTensors(opts.inputValues, inputs)),
      ...partitionOptions(opts),
      requireFullCompilation: opts.requireFullCompilation,
      ...(probeFeeds ? { probeFeeds } : {}),
      checkFallbacks: true,
    }),
  );
  const written = emitReport(result.report, opts.report, opts.reportFile, io);
  if (written) io.out(`wrote    report -> ${written}\n`);
  return EXIT_OK;
}
