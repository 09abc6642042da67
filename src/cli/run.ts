/**
 * What `hybrid-run model.onnx` does once its flags are parsed: load the model (our loader,
 * so that a bad file gets our one-line error before any backend sees it), check the flags
 * against it, then either --dry-run (partition report only) or prepare the feeds, open a
 * session for --backend (compiling the model for the hybrid backends), run, and print inputs,
 * outputs and timing; then the optional --report, --benchmark (benchmark.ts; --json prints
 * only its result), --output-dir and --compare.
 * Returns the exit code; errors are thrown.
 */
import { performance } from 'node:perf_hooks';
import { HybridError, isHybridError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { loadModelProto } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { type Comparison, compareTensors, formatComparison, scaledAtol } from './compare.js';
import { type RefOutput, readRefOutputs } from './ref-outputs.js';
import { formatNumber } from './summary.js';
import type { Precision } from '../engine/precision.js';
import { dryRun } from './dry-run.js';
import { CliFailure, EXIT_FAILURE, EXIT_OK, oneLine } from './errors.js';
import { checkFlags } from './flag-checks.js';
import { type Feed, type ModelInput, compileInputs, modelInputs, prepareInputs } from './inputs.js';
import { type CliOptions, checkToleranceOutputs, compareTolerance } from './options.js';
import { openOrtSession } from './ort-session.js';
import { isQdqNode } from '../quantize/targets.js';
import { writeTensors } from './output.js';
import { type IterationTimes, benchmarkLines, runBenchmark } from './benchmark.js';
import { inputLines, modelLine, outputLines, timingLine } from './print.js';
import { emitReport } from './report-output.js';
import { openArtifactSession } from './hybrid-session.js';
import type { RunSession, SessionHooks } from './run-session.js';
import { openSession } from './session.js';
import { qdqLayerVerdict } from './qdq-layers.js';
import { artifactInputs, artifactLine, artifactRanges, checkArtifactFlags, compareSource, infoLines, isArtifactFile } from './artifact.js';
import { readArtifact } from '../artifact/load.js';
import type { ReportData } from '../report/model.js';
import fs from 'node:fs';
import path from 'node:path';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether `out` is a colour terminal (the text report is coloured there). */
  color?: boolean;
  /** Whether `err` is a terminal (progress bars are drawn there). */
  errIsTTY?: boolean;
}

/** Loads the model; every error names the model file. */
function loadModel(file: string): { proto: ModelProto; graph: Graph } {
  try {
    const proto = loadModelProto(file);
    return { proto, graph: Graph.fromModel(proto, file) };
  } catch (e) {
    if (isHybridError(e) && !e.message.startsWith(file)) {
      throw new HybridError(e.code, `${file}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/**
 * onnxruntime alone on the same feeds: --compare's reference where no --ref-outputs is given,
 * with onnxruntime's defaults (--ort-providers and --ort-graph-optimization are what is checked,
 * not the reference), except for a Q/DQ model checked on an engine backend: there its graph
 * optimizations are off, since its optimizer re-rounds each float bias to int32 and so computes
 * another model than the file (docs/quantization.md); with --backend ort both sides keep the
 * defaults. `how` says so where it applies.
 */
async function ortReference(
  opts: CliOptions,
  subject: Subject,
  feeds: Map<string, TensorData>,
): Promise<{ outputs: Map<string, TensorData>; how: string; qdq: boolean }> {
  const qdq = opts.backend !== 'ort' && subject.isQdq();
  const reference = await openOrtSession(
    subject.reference(),
    {
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      verbose: opts.verbose,
      ...(qdq ? { ortSessionOptions: { graphOptimizationLevel: 'disabled' as const } } : {}),
    },
    opts.onnx ?? opts.model,
  );
  try {
    return { outputs: await reference.run(feeds), how: qdq ? ' (graph optimizations off: a Q/DQ model, computed as written)' : '', qdq };
  } finally {
    await reference.dispose();
  }
}

/**
 * Every reference output against the run's, each at its tolerance (compareTolerance: a default
 * atol scales with the reference, scaledAtol). `ref` names the reference in the messages.
 */
export function compareOutputs(
  opts: Pick<CliOptions, 'atol' | 'rtol'>,
  precisions: readonly Precision[],
  expected: ReadonlyMap<string, TensorData>,
  outputs: ReadonlyMap<string, TensorData>,
  ref: string,
): Comparison[] {
  return [...expected].map(([name, want]) => {
    const tol = compareTolerance(opts, precisions, name);
    const atol = tol.scaled ? scaledAtol(tol.atol, want) : tol.atol;
    const got = outputs.get(name);
    if (!got) return { ...compareTensors(name, want, want, atol, tol.rtol, ref), pass: false, problem: 'missing from the run' };
    return compareTensors(name, got, want, atol, tol.rtol, ref);
  });
}

/** The one-line error of a failed --compare: the outputs outside their tolerances, and those tolerances. */
export function compareFailure(failed: readonly Comparison[], ref: string): string {
  const tol = (c: Comparison) => `atol ${formatNumber(c.atol)} / rtol ${formatNumber(c.rtol)}`;
  const names = failed.map((c) => c.name).join(', ');
  if (failed.length === 1) return `${names}: output differs from ${ref} beyond ${tol(failed[0]!)}`;
  return `${names}: outputs differ from ${ref} beyond their tolerances (${failed.map((c) => `${c.name}: ${tol(c)}`).join('; ')})`;
}

/** --export-times FILE: a JSON array, one timed run per line (as trtexec writes its --exportTimes). */
function writeTimes(file: string, times: readonly IterationTimes[]): void {
  const text = `[\n${times.map((t) => `  ${JSON.stringify(t)}`).join(',\n')}\n]\n`;
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new HybridError('OPTION', `--export-times ${file}: cannot write the file (${oneLine((e as Error).message)})`, { cause: e });
  }
}

/** What hybrid-run runs: an ONNX model (compiled) or a .hybrid file (loaded). */
interface Subject {
  headline: string;
  inputs: ModelInput[];
  /** The model's output names, in order. */
  outputs: string[];
  open(feeds: Map<string, TensorData>, hooks: SessionHooks): Promise<RunSession>;
  /** The model --compare runs on onnxruntime. */
  reference(): string | Uint8Array;
  /** Whether that model has QuantizeLinear/DequantizeLinear nodes (a Q/DQ model). */
  isQdq(): boolean;
  /** An ONNX model: itself, and a run of a variant of it with the same flags (--compare's Q/DQ layer check); not a .hybrid file. */
  source?: { proto: ModelProto; run(proto: ModelProto, feeds: ReadonlyMap<string, TensorData>): Promise<Map<string, TensorData>> };
}

export async function runCli(opts: CliOptions, io: CliIO): Promise<number> {
  const note = (message: string) => io.err(`hybrid-run: note: ${oneLine(message)}\n`);
  const t0 = performance.now();
  if (isArtifactFile(opts.model)) {
    const { manifest } = readArtifact(opts.model);
    if (opts.info) {
      io.out(`${infoLines(opts.model, manifest, fs.statSync(opts.model).size).join('\n')}\n`);
      return EXIT_OK;
    }
    checkArtifactFlags(opts, manifest);
    if (opts.dryRun) {
      const written = emitReport(manifest.report.data as ReportData, opts.report, opts.reportFile, io);
      if (written) io.out(`wrote    report -> ${written}\n`);
      return EXIT_OK;
    }
    // The source --compare needs is found before anything runs.
    const reference =
      opts.compare && opts.refOutputs === undefined
        ? compareSource(opts, manifest, (m) => io.err(`hybrid-run: warning: ${oneLine(m)}\n`))
        : undefined;
    // A file compiled for shape ranges runs at any shape inside them, as its ranges were flags.
    const { ranges, shapes } = artifactRanges(
      manifest,
      opts.shapes,
      // An --input without a name may be any input's: then no input's shape is derived.
      opts.inputs.some((i) => !i.name) ? manifest.inputs.map((i) => i.name) : opts.inputs.map((i) => i.name!),
    );
    const subject: Subject = {
      headline: artifactLine(opts.model, manifest),
      inputs: artifactInputs(manifest),
      outputs: manifest.outputs.map((o) => o.name),
      open: (_, hooks) => openArtifactSession(opts, hooks),
      reference: () => reference!,
      isQdq: () => (loadModelProto(reference!, { loadExternalData: false }).graph?.node ?? []).some(isQdqNode),
    };
    return runSubject({ ...opts, ranges, shapes }, io, subject, t0);
  }
  if (opts.info)
    throw new HybridError(
      'OPTION',
      `--info: ${opts.model} is an ONNX model; --info reads .hybrid files (use --dry-run for an ONNX model's partition)`,
    );
  if (opts.onnx !== undefined) throw new HybridError('OPTION', '--onnx: only a .hybrid file needs its source model given');
  const { proto, graph } = loadModel(opts.model);
  checkFlags(opts, graph, io);
  const inputs = modelInputs(graph);
  if (opts.dryRun) return dryRun(opts, proto, inputs, io, note);
  return runSubject(
    opts,
    io,
    {
      headline: modelLine(opts.model, graph),
      inputs,
      outputs: [...graph.outputs],
      open: (feeds, hooks) => openSession(opts, proto, feeds, hooks, compileInputs(inputs, opts, dimsOf(feeds))),
      reference: () => opts.model,
      isQdq: () => graph.nodes.some(isQdqNode),
      source: { proto, run: (variant, feeds) => runOnce(opts, variant, feeds, compileInputs(inputs, opts, dimsOf(feeds))) },
    },
    t0,
  );
}

const dimsOf = (feeds: ReadonlyMap<string, TensorData>) => Object.fromEntries([...feeds].map(([name, t]) => [name, t.dims]));

/** One run of a variant of the model with the run's flags, writing nothing (no --save-engine, no engine cache). */
async function runOnce(
  opts: CliOptions,
  proto: ModelProto,
  feeds: ReadonlyMap<string, TensorData>,
  shapes: ReturnType<typeof compileInputs>,
): Promise<Map<string, TensorData>> {
  const { saveEngine: _s, cacheDir: _c, ...rest } = opts;
  const session = await openSession(rest, proto, feeds, { warn: () => {}, progress: false }, shapes);
  try {
    return await session.run(feeds);
  } finally {
    await session.dispose();
  }
}

async function runSubject(opts: CliOptions, io: CliIO, subject: Subject, t0: number): Promise<number> {
  // With --json, stdout carries the benchmark's JSON alone.
  const print = (...lines: string[]) => (opts.json ? undefined : io.out(lines.map((l) => `${l}\n`).join('')));
  const warn = (message: string) => io.err(`hybrid-run: warning: ${oneLine(message)}\n`);
  const note = (message: string) => io.err(`hybrid-run: note: ${oneLine(message)}\n`);
  // --atol/--rtol outputs and --ref-outputs files are checked before anything is compiled.
  checkToleranceOutputs(opts, subject.outputs);
  const refs = opts.refOutputs !== undefined ? readRefOutputs(opts.refOutputs, subject.outputs) : undefined;
  const defaulted: string[] = [];
  const feeds = prepareInputs(subject.inputs, opts, (m, input) => {
    defaulted.push(`input '${input}'`);
    note(m);
  });
  const random = feeds.filter((f) => f.source.startsWith('random')).map((f) => `'${f.name}'`);
  if (refs && random.length) {
    warn(
      `--ref-outputs: input${random.length > 1 ? 's' : ''} ${random.join(', ')} ${random.length > 1 ? 'are' : 'is'} random (seed ${opts.seed}); the saved outputs compare only if they came from the same inputs: give those with --input NAME=FILE or --loadInputs`,
    );
  }
  try {
    return await runFeeds(opts, io, subject, t0, feeds, print, warn, refs);
  } catch (e) {
    // A model that fails at sizes hybrid-run chose for it may only need its real sizes: say so
    // in the error itself, which is the line a user reads last.
    if (!defaulted.length || (isHybridError(e) && e.code === 'OPTION')) throw e;
    const message = `${(e as Error).message} (${defaulted.join(', ')}: dimensions nothing sized were set to 1, see the note above; give the model's real sizes with --shape)`;
    if (isHybridError(e)) throw new HybridError(e.code, message, { cause: e });
    if (e instanceof CliFailure) throw new CliFailure(message, e.exitCode, { cause: e });
    throw e;
  }
}

async function runFeeds(
  opts: CliOptions,
  io: CliIO,
  subject: Subject,
  t0: number,
  feeds: Feed[],
  print: (...lines: string[]) => void,
  warn: (message: string) => void,
  refs: Map<string, RefOutput> | undefined,
): Promise<number> {
  const tLoad = performance.now() - t0;
  if (opts.saveInputs) writeTensors(opts.saveInputs, feeds);
  const feedMap = new Map(feeds.map((f) => [f.name, f.tensor]));

  const t1 = performance.now();
  const session = await subject.open(feedMap, { warn, progress: io.errIsTTY === true });
  const tOpen = performance.now() - t1;
  try {
    print(subject.headline, `backend  ${session.description}`, ...session.notes);
    if (session.report && (opts.report || opts.reportFile)) {
      const written = emitReport(session.report, opts.report, opts.reportFile, io);
      if (written) print(`wrote    report -> ${written}`);
    }
    print(...inputLines(feeds));
    const t2 = performance.now();
    const outputs = await session.run(feedMap);
    const tRun = performance.now() - t2;
    print(...outputLines(outputs), timingLine({ load: tLoad, open: tOpen, openPhase: session.openPhase, run: tRun }));
    print(...(session.lastRunLines?.() ?? []));

    if (opts.benchmark !== undefined) {
      const times: IterationTimes[] = [];
      const result = await runBenchmark(session, feedMap, opts, opts.exportTimes !== undefined ? times : undefined);
      if (opts.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      print(...benchmarkLines(result));
      if (opts.exportTimes !== undefined) {
        writeTimes(opts.exportTimes, times);
        print(`wrote    times -> ${opts.exportTimes}`);
      }
    }

    if (opts.outputDir) {
      const written = writeTensors(
        opts.outputDir,
        [...outputs].map(([name, tensor]) => ({ name, tensor })),
      );
      print(...written.map((w) => `wrote    ${w.name} -> ${w.file}`));
    }

    if (opts.compare) {
      const ref = refs ? `the outputs saved in ${opts.refOutputs}` : 'onnxruntime';
      const ort = refs ? undefined : await ortReference(opts, subject, feedMap);
      const expected = refs ? new Map([...refs].map(([name, r]) => [name, r.tensor])) : ort!.outputs;
      const results = compareOutputs(opts, session.precisions, expected, outputs, refs ? 'the reference' : 'onnxruntime');
      const d = compareTolerance({ atol: { outputs: {} }, rtol: { outputs: {} } }, session.precisions, '');
      const defaults = results.some((c) => compareTolerance(opts, session.precisions, c.name).scaled)
        ? ` (default atol ${formatNumber(d.atol)} times the output's scale where above 1, rtol ${formatNumber(d.rtol)})`
        : '';
      print(
        `compare  against ${refs ? ref : `onnxruntime alone${ort!.how}`}${defaults}`,
        ...results.map(
          (c) => `  ${formatComparison(c, refs ? 'reference' : 'onnxruntime')}  atol ${formatNumber(c.atol)} rtol ${formatNumber(c.rtol)}`,
        ),
      );
      const failed = results.filter((c) => !c.pass);
      // A Q/DQ model's outputs differ by any flipped rounding tie: then each layer is checked (qdq-layers.ts).
      const layers =
        failed.length && ort?.qdq && subject.source
          ? await qdqLayerVerdict(
              subject.source.proto,
              feedMap,
              outputs,
              (proto) => subject.source!.run(proto, feedMap),
              (want, got) => compareOutputs(opts, session.precisions, want, got, 'onnxruntime'),
              opts.threads,
            )
          : undefined;
      if (layers) print(...layers.lines);
      if (failed.length && !layers?.pass) throw new CliFailure(compareFailure(failed, ref), EXIT_FAILURE);
    }
  } finally {
    await session.dispose();
  }
  return EXIT_OK;
}
