/**
 * --dry-run: lower and partition the model as compile() would, print (or write) the partition
 * report, and run nothing but the shape probes. Input shapes come from --shape and from the
 * --input files, with shared symbols resolved as for a run; inputs left symbolic are allowed
 * (the report says what they cost). Where every input comes from a file, those values are the
 * probe inputs.
 */
import { analyze } from '../compiler/analyze.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { EXIT_OK } from './errors.js';
import { type ModelInput, knownInputShapes } from './inputs.js';
import type { CliOptions } from './options.js';
import { type ReportSink, emitReport } from './report-output.js';

export async function dryRun(opts: CliOptions, proto: ModelProto, inputs: ModelInput[], io: ReportSink): Promise<number> {
  const { shapes, files } = knownInputShapes(inputs, opts);
  const allFromFiles = inputs.length > 0 && inputs.every((i) => files.has(i.name));
  const result = await analyze(proto, {
    label: opts.model,
    inputs: shapes,
    ...(opts.minBlockSize !== undefined ? { minBlockSize: opts.minBlockSize } : {}),
    fallbackOps: opts.fallbackOps,
    fallbackNodes: opts.fallbackNodes,
    requireFullCompilation: opts.requireFullCompilation,
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(allFromFiles ? { probeFeeds: new Map<string, TensorData>(files) } : {}),
  });
  const written = emitReport(result.report, opts.report, opts.reportFile, io);
  if (written) io.out(`wrote    report -> ${written}\n`);
  return EXIT_OK;
}
