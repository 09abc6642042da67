/**
 * hybrid-run on a `.hybrid` file (a model saved with --save-engine or `model.save()`): it is
 * loaded, not compiled, so the flags that decide a compile (precisions, partitioning, the
 * timing and engine caches) are refused with what to do instead; `--info` prints what the file
 * holds (like `polygraphy inspect model`), `--dry-run` its partition report, and `--compare`
 * runs its source model (`--onnx FILE`, or the one embedded with `embedSource`) on
 * onnxruntime.
 */
import fs from 'node:fs';
import { assembleOnnx, readArtifact } from '../artifact/load.js';
import { isContainer } from '../artifact/container.js';
import type { Manifest } from '../artifact/manifest.js';
import { HybridError } from '../errors.js';
import { formatBytes, plural } from '../report/format.js';
import type { ReportData } from '../report/model.js';
import type { ModelInput } from './inputs.js';
import type { CliOptions } from './options.js';

/** Whether `file` is a .hybrid file (by its first bytes; a missing file is not). */
export function isArtifactFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    const fd = fs.openSync(file, 'r');
    try {
      const head = new Uint8Array(8);
      fs.readSync(fd, head, 0, 8, 0);
      return isContainer(head);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The flags that only mean something for a compile, refused for a saved model. */
export function checkArtifactFlags(opts: CliOptions): void {
  const compileOnly = [
    opts.precisions.some((p) => p !== 'fp32') && '--precision',
    opts.minBlockSize !== undefined && '--min-block-size',
    opts.fallbackOps.length > 0 && '--fallback-ops',
    opts.fallbackNodes.length > 0 && '--fallback-nodes',
    opts.requireFullCompilation && '--require-full-compilation',
    opts.timingCache !== undefined && '--timing-cache',
    opts.cacheDir !== undefined && '--cache-dir',
  ].filter(Boolean);
  if (compileOnly.length) {
    throw new HybridError(
      'OPTION',
      `${compileOnly.join(', ')}: ${opts.model} is a compiled model, loaded as it was built; compile the ONNX model to change ${compileOnly.length > 1 ? 'them' : 'it'}`,
    );
  }
  if (opts.backend === 'ort')
    throw new HybridError('OPTION', `--backend ort: ${opts.model} is a compiled model; run its ONNX model with --backend ort`);
  if (opts.onnx !== undefined && !opts.compare) throw new HybridError('OPTION', '--onnx: only --compare reads the source model of a .hybrid file');
}

/** The inputs a run of the saved model takes: its compiled shapes. */
export function artifactInputs(m: Manifest): ModelInput[] {
  return m.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: [...i.shape] }));
}

/** The model --compare runs on onnxruntime: --onnx, else the embedded source. */
export function compareSource(opts: CliOptions): string | Uint8Array {
  if (opts.onnx !== undefined) return opts.onnx;
  const { manifest, sections, label } = readArtifact(opts.model);
  if (!manifest.source.embedded) {
    throw new HybridError(
      'OPTION',
      `--compare: ${opts.model} does not hold its source model; give it with --onnx model.onnx (or save with embedSource)`,
    );
  }
  return assembleOnnx(sections, manifest.source.embedded, label, 'the embedded source');
}

/** `model    m.hybrid  (saved model: cpu, 1 engine, 0 fallback, from m.onnx)` */
export function artifactLine(file: string, m: Manifest): string {
  const engines = m.segments.filter((s) => s.kind === 'engine').length;
  return `model    ${file}  (saved model: ${m.backend}, ${plural(engines, 'engine')}, ${m.segments.length - engines} fallback, from ${m.label})`;
}

/** --info: what the file holds, as a table. */
export function infoLines(file: string, m: Manifest, bytes: number): string[] {
  const rows: Array<[string, string]> = [
    ['file', `${file} (${formatBytes(bytes)})`],
    ['format', `hybridrt-model ${m.version}, written by hybridrt ${m.hybridrt} on ${m.created}, plan format ${m.planFormat}`],
    ['source', `${m.label} (${formatBytes(m.source.bytes)}, sha256 ${m.source.sha256.slice(0, 16)}...)${m.source.embedded ? ', embedded' : ''}`],
    ['built for', `${m.backend} on ${m.device}; precisions ${m.precisions.join(',')}`],
    ['options', JSON.stringify(m.options)],
  ];
  if (m.converters.length) rows.push(['converters', m.converters.map((c) => `${c.domain}::${c.opType}@${c.sinceVersion}`).join(', ')]);
  const shape = (s: readonly unknown[] | undefined) => (s ? `[${s.join(',')}]` : '[?]');
  for (const i of m.inputs)
    rows.push(['input', `${i.name}  ${i.dtype}${shape(i.shape)}${i.declaredShape ? `  (declared ${shape(i.declaredShape)})` : ''}`]);
  for (const o of m.outputs) rows.push(['output', `${o.name}  ${o.dtype ?? '?'}${shape(o.shape)}`]);
  const data = m.report.data as ReportData;
  for (const s of m.segments) {
    const seg = data.segments?.find((r) => r.id === s.id);
    const nodes = seg ? `${plural(seg.nodes.length, 'node')}` : '';
    rows.push([
      'segment',
      `#${s.id} ${s.kind}  ${nodes}  in ${s.inputs.map((t) => t.name).join(', ')}  out ${s.outputs.map((t) => t.name).join(', ')}`,
    ]);
  }
  if (m.constants.length) rows.push(['constants', m.constants.map((c) => `${c.name} ${c.dtype}[${c.dims.join(',')}]`).join(', ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}
