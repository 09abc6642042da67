/**
 * The seam between hybrid-run and what executes the model. `openSession` picks the
 * implementation for --backend: today only `ort` (the whole model on onnxruntime-node); the
 * hybrid executor (`auto`, `cpu`, `cuda`) plugs in here when compile() lands, and the rest of
 * the CLI does not change.
 */
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import type { CliOptions } from './options.js';
import { openOrtSession } from './ort-session.js';

export interface RunSession {
  /** One line for the printout, e.g. "ort (onnxruntime-node 1.30.0, cpu)". */
  readonly description: string;
  run(feeds: ReadonlyMap<string, TensorData>): Promise<Map<string, TensorData>>;
  dispose(): Promise<void>;
}

export type SessionOptions = Pick<CliOptions, 'backend' | 'threads' | 'verbose'>;

export async function openSession(modelPath: string, opts: SessionOptions): Promise<RunSession> {
  switch (opts.backend) {
    case 'ort':
      return openOrtSession(modelPath, opts);
    case 'auto':
    case 'cpu':
    case 'cuda':
      throw new HybridError(
        'OPTION',
        `--backend ${opts.backend}: the hybrid executor is not part of this build yet; use --backend ort (the default)`,
      );
  }
}
