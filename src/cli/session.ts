/**
 * The seam between hybrid-run and what executes the model. `openSession` picks the
 * implementation for --backend: `ort` runs the whole model on onnxruntime-node (ort-session.ts);
 * `auto`, `cpu` and `cuda` compile it into the hybrid executor (hybrid-session.ts). The rest of
 * the CLI sees only RunSession (run-session.ts).
 */
import type { InputShape } from '../compiler/profiles.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { openHybridSession } from './hybrid-session.js';
import { openOrtSession } from './ort-session.js';
import type { RunSession, SessionHooks, SessionOptions } from './run-session.js';

export async function openSession(
  opts: SessionOptions,
  proto: ModelProto,
  feeds: ReadonlyMap<string, TensorData>,
  hooks: SessionHooks,
  shapes?: Record<string, InputShape>,
): Promise<RunSession> {
  if (opts.backend === 'ort') return openOrtSession(opts.model, opts);
  return openHybridSession(opts, proto, feeds, hooks, shapes);
}
