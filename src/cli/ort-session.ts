/**
 * The `ort` backend: the whole model on one onnxruntime-node CPU session. It is also the
 * reference that --compare checks other backends against. onnxruntime's own errors become one
 * line naming the model (exit code 1).
 */
import ort from 'onnxruntime-node';
import { fromOrtTensor, toOrtTensor } from '../onnx/ort.js';
import type { TensorData } from '../onnx/tensor.js';
import { CliFailure, oneLine } from './errors.js';
import type { RunSession } from './run-session.js';

export interface OrtSessionOptions {
  threads?: number;
  verbose?: boolean;
  /** --ort-providers and --ort-graph-optimization: over the options above (not for --compare's reference). */
  ortSessionOptions?: ort.InferenceSession.SessionOptions;
}

function reason(e: unknown): string {
  return oneLine(e instanceof Error ? e.message : String(e));
}

export async function openOrtSession(
  model: string | Uint8Array,
  opts: OrtSessionOptions = {},
  label = typeof model === 'string' ? model : '<bytes>',
): Promise<RunSession> {
  const modelPath = label;
  const options: ort.InferenceSession.SessionOptions = {
    // Warnings (e.g. unused initializers) are noise on the command line, and errors are
    // reported by hybrid-run in one line; --verbose shows onnxruntime's own log.
    logSeverityLevel: opts.verbose ? 2 : 4,
  };
  if (opts.threads !== undefined) options.intraOpNumThreads = opts.threads;
  Object.assign(options, opts.ortSessionOptions);
  let session: ort.InferenceSession;
  try {
    session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  } catch (e) {
    throw new CliFailure(`${modelPath}: onnxruntime cannot load the model: ${reason(e)}`, undefined, { cause: e });
  }
  return {
    precisions: ['fp32'],
    description: `ort (onnxruntime-node ${ort.env.versions.node ?? ort.env.versions.common}, whole model on the CPU)`,
    openPhase: 'session',
    notes: [],
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of feeds) ortFeeds[name] = toOrtTensor(t, `input '${name}'`);
      let results: ort.InferenceSession.ReturnType;
      try {
        results = await session.run(ortFeeds);
      } catch (e) {
        throw new CliFailure(`${modelPath}: onnxruntime failed to run the model: ${reason(e)}`, undefined, { cause: e });
      }
      const out = new Map<string, TensorData>();
      for (const name of session.outputNames) out.set(name, fromOrtTensor(results[name]!, `output '${name}'`));
      return out;
    },
    async dispose() {
      await session.release();
    },
  };
}
