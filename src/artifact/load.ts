/**
 * load(path): a `.hybrid` file back to a runnable model (open.ts does the reading and checking).
 *
 * Where the file was built for what this machine cannot run (another backend, another GPU
 * architecture, another plan format) the error says what differs; with `rebuild:
 * 'if-needed'` and the source embedded (`save(path, { embedSource: true })`) the model is
 * compiled again from it instead, with the same options, and a notice says so.
 */
import { compile, type CompiledModel } from '../compiler/compile.js';
import { HybridError } from '../errors.js';
import { decodeTensor } from '../compiler/input-values.js';
import type { TensorData } from '../onnx/tensor.js';
import type { InputShape } from '../compiler/profiles.js';
import type { Section } from './container.js';
import type { Manifest } from './manifest.js';
import { type LoadOptions, assembleOnnx, openArtifact } from './open.js';

export { assembleOnnx, readArtifact, type LoadOptions } from './open.js';

/**
 * Loads a model saved by `model.save(path)` (a path, or the file's bytes) and returns it ready
 * to run, as compile() would have.
 */
export async function load(file: string | Uint8Array, options: LoadOptions = {}): Promise<CompiledModel> {
  return openArtifact(file, options, {
    ...(options?.rebuild === 'if-needed'
      ? { rebuild: (why: string, sections: readonly Section[], m: Manifest, label: string) => rebuildFrom(sections, m, label, why, options) }
      : {}),
  });
}

/** Compiles the embedded source again, with the file's options. */
async function rebuildFrom(sections: readonly Section[], m: Manifest, label: string, why: string, options: LoadOptions): Promise<CompiledModel> {
  if (!m.source.embedded) {
    throw new HybridError('PLAN', `${label}: ${why}; save it with embedSource: true to let load() rebuild it, or compile the ONNX model here`);
  }
  options.onLog?.(`${label}: ${why}; compiling it again from the embedded source model`, 'info');
  const bytes = assembleOnnx(sections, m.source.embedded, label, 'the embedded source');
  const o = m.options as Record<string, unknown>;
  return compile(bytes, {
    label,
    ...(o.inputs !== undefined ? { inputs: o.inputs as Record<string, InputShape> } : {}),
    ...(o.profiles !== undefined ? { profiles: o.profiles as Array<Record<string, InputShape>> } : {}),
    ...(o.inputValues !== undefined ? { inputValues: decodeInputValues(o.inputValues, label) } : {}),
    precisions: o.precisions as never,
    ...(typeof o.minBlockSize === 'number' ? { minBlockSize: o.minBlockSize } : {}),
    fallbackOps: o.fallbackOps as string[],
    fallbackNodes: o.fallbackNodes as string[],
    requireFullCompilation: o.requireFullCompilation === true,
    backend: 'auto',
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.device !== undefined ? { device: options.device } : {}),
    ...(options.ortSessionOptions !== undefined ? { ortSessionOptions: options.ortSessionOptions } : {}),
    ...(options.maxContexts !== undefined ? { maxContexts: options.maxContexts } : {}),
    ...(options.inlineRunUs !== undefined ? { inlineRunUs: options.inlineRunUs } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
}

/** The recorded inputValues (encodeInputValues) back to tensors, for compile(). */
function decodeInputValues(v: unknown, label: string): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const [name, e] of Object.entries(v && typeof v === 'object' ? v : {})) {
    const t = decodeTensor(e);
    if (!t) throw new HybridError('PLAN', `${label}: not a valid .hybrid manifest: options.inputValues.${name} is not a tensor`);
    out[name] = t;
  }
  return out;
}
