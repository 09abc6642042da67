/**
 * What `hybrid-run model.onnx` does once its flags are parsed: load the model (our loader,
 * so that a bad file gets our one-line error before any backend sees it), prepare the feeds,
 * open a session for --backend, run, and print inputs, outputs and timing; then the optional
 * --benchmark, --compare and --output-dir. Returns the exit code; errors are thrown.
 */
import { performance } from 'node:perf_hooks';
import { HybridError, isHybridError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { loadModelProto } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { type Comparison, compareTensors, formatComparison } from './compare.js';
import { CliFailure, EXIT_FAILURE, EXIT_OK } from './errors.js';
import { modelInputs, prepareInputs } from './inputs.js';
import type { CliOptions } from './options.js';
import { openOrtSession } from './ort-session.js';
import { writeTensors } from './output.js';
import { benchmarkLine, inputLines, modelLine, outputLines, timingLine } from './print.js';
import { checkPartitionFlags } from './partition-flags.js';
import { openSession } from './session.js';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

/** Loads the model; every error names the model file. */
function loadModel(file: string): { model: ModelProto; graph: Graph } {
  try {
    const model = loadModelProto(file);
    return { model, graph: Graph.fromModel(model, file) };
  } catch (e) {
    if (isHybridError(e) && !e.message.startsWith(file)) {
      throw new HybridError(e.code, `${file}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

async function compareWithOrt(opts: CliOptions, feeds: Map<string, TensorData>, outputs: Map<string, TensorData>): Promise<Comparison[]> {
  const reference = await openOrtSession(opts.model, opts);
  try {
    const expected = await reference.run(feeds);
    return [...expected].map(([name, want]) => {
      const got = outputs.get(name);
      if (!got) return { ...compareTensors(name, want, want, 0, 0), pass: false, problem: 'missing from the run' };
      return compareTensors(name, got, want, opts.atol, opts.rtol);
    });
  } finally {
    await reference.dispose();
  }
}

export async function runCli(opts: CliOptions, io: CliIO): Promise<number> {
  const print = (...lines: string[]) => io.out(lines.map((l) => `${l}\n`).join(''));
  const t0 = performance.now();
  const { graph } = loadModel(opts.model);
  checkPartitionFlags(opts, graph, io);
  const feeds = prepareInputs(modelInputs(graph), opts);
  const tLoad = performance.now() - t0;
  if (opts.saveInputs) writeTensors(opts.saveInputs, feeds);

  const t1 = performance.now();
  const session = await openSession(opts.model, opts);
  const tSession = performance.now() - t1;
  const feedMap = new Map(feeds.map((f) => [f.name, f.tensor]));
  try {
    print(modelLine(opts.model, graph), `backend  ${session.description}`, ...inputLines(feeds));
    const t2 = performance.now();
    const outputs = await session.run(feedMap);
    const tRun = performance.now() - t2;
    print(...outputLines(outputs), timingLine({ load: tLoad, session: tSession, run: tRun }));

    if (opts.benchmark !== undefined) {
      for (let i = 0; i < opts.warmup; i++) await session.run(feedMap);
      const times: number[] = [];
      for (let i = 0; i < opts.benchmark; i++) {
        const t = performance.now();
        await session.run(feedMap);
        times.push(performance.now() - t);
      }
      print(benchmarkLine(times, opts.warmup));
    }

    if (opts.outputDir) {
      const written = writeTensors(opts.outputDir, [...outputs].map(([name, tensor]) => ({ name, tensor })));
      print(...written.map((w) => `wrote    ${w.name} -> ${w.file}`));
    }

    if (opts.compare) {
      const results = await compareWithOrt(opts, feedMap, outputs);
      print(`compare  against onnxruntime alone (atol ${opts.atol}, rtol ${opts.rtol})`, ...results.map((c) => `  ${formatComparison(c)}`));
      const failed = results.filter((c) => !c.pass).map((c) => c.name);
      if (failed.length) {
        throw new CliFailure(
          `${failed.join(', ')}: output${failed.length > 1 ? 's differ' : ' differs'} from onnxruntime beyond --atol ${opts.atol} / --rtol ${opts.rtol}`,
          EXIT_FAILURE,
        );
      }
    }
  } finally {
    await session.dispose();
  }
  return EXIT_OK;
}
