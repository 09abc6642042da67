/**
 * hybrid-run on a `.hybrid` file (a model saved with --save-engine or `model.save()`): it is
 * loaded, not compiled, so the flags that decide a compile (precisions, partitioning, the
 * timing and engine caches) are refused with what to do instead; `--info` prints what the file
 * holds (like `polygraphy inspect model`), `--dry-run` its partition report, and `--compare`
 * runs its source model (`--onnx FILE`, or the one embedded with `embedSource`) on
 * onnxruntime.
 */
import fs from 'node:fs';
import { modelDigest } from '../artifact/cache.js';
import { assembleOnnx, readArtifact } from '../artifact/open.js';
import { isContainer } from '../artifact/container.js';
import type { Manifest } from '../artifact/manifest.js';
import { HybridError } from '../errors.js';
import { checkBenchmarkFlags } from './benchmark.js';
import { loadModelProto } from '../onnx/model.js';
import { formatBytes, plural } from '../report/format.js';
import type { ReportData } from '../report/model.js';
import type { ModelInput } from './inputs.js';
import { decodeTensor, formatValue } from '../compiler/input-values.js';
import { bindSymbols, isSharedSymbol, substitute } from '../ir/symbols.js';
import { type CliOptions, type RangeFlag, type ShapeFlag, rangeText } from './options.js';

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
export function checkArtifactFlags(opts: CliOptions, m: Manifest): void {
  const compileOnly = [
    opts.precisions.some((p) => p !== 'fp32') && '--precision',
    opts.minBlockSize !== undefined && '--min-block-size',
    opts.fallbackOps.length > 0 && '--fallback-ops',
    opts.fallbackNodes.length > 0 && '--fallback-nodes',
    opts.requireFullCompilation && '--require-full-compilation',
    opts.timingCache !== undefined && '--timing-cache',
    opts.cacheDir !== undefined && '--cache-dir',
    opts.ranges.length > 0 && '--min-shapes/--opt-shapes/--max-shapes',
  ].filter(Boolean);
  if (compileOnly.length) {
    throw new HybridError(
      'OPTION',
      `${compileOnly.join(', ')}: ${opts.model} is a compiled model, loaded as it was built; compile the ONNX model to change ${compileOnly.length > 1 ? 'them' : 'it'}`,
    );
  }
  if (opts.backend === 'ort')
    throw new HybridError('OPTION', `--backend ort: ${opts.model} is a compiled model; run its ONNX model with --backend ort`);
  if (opts.backend !== 'auto' && opts.backend !== m.backend) {
    throw new HybridError(
      'OPTION',
      `--backend ${opts.backend}: ${opts.model} was compiled for ${m.backend} and runs there; compile its ONNX model with --backend ${opts.backend}`,
    );
  }
  if (opts.onnx !== undefined && !opts.compare) throw new HybridError('OPTION', '--onnx: only --compare reads the source model of a .hybrid file');
  if (opts.onnx !== undefined && opts.refOutputs !== undefined) {
    throw new HybridError('OPTION', '--onnx, --ref-outputs: --ref-outputs compares with saved outputs and runs no source model; give one of them');
  }
  checkBenchmarkFlags(opts);
  checkSaveEngine(opts);
}

/**
 * --save-engine, for an ONNX model or a .hybrid one: refused where nothing is built (--dry-run,
 * --backend ort); its file must be new, empty, or a .hybrid file it replaces; anything else
 * (the ONNX model itself, a folder) is refused rather than overwritten.
 */
export function checkSaveEngine(opts: CliOptions): void {
  const file = opts.saveEngine;
  if (file === undefined) return;
  if (opts.dryRun) throw new HybridError('OPTION', '--save-engine: --dry-run builds no engines; drop --dry-run to compile and save the model');
  if (opts.backend === 'ort') throw new HybridError('OPTION', '--save-engine: --backend ort builds no engines; use --backend auto|cpu|cuda');
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isFile()) throw new HybridError('OPTION', `--save-engine ${file}: not a regular file`);
  if (st.size > 0 && !isArtifactFile(file)) {
    throw new HybridError('OPTION', `--save-engine ${file}: the file exists and is not a .hybrid file; refusing to overwrite it`);
  }
}

/** The inputs a run of the saved model takes: its compiled shapes, or a ranged input's declared one. */
export function artifactInputs(m: Manifest): ModelInput[] {
  return m.inputs.map((i) => {
    // An input ranged in one profile takes its declared shape: its sizes are the range's to
    // bound (artifactRanges), not the opt shape's.
    const ranged = !!rangeOf(m, i);
    return { name: i.name, dtype: i.dtype, shape: [...(ranged ? i.declaredShape! : i.shape)], ...(i.value ? { value: decodeTensor(i.value)! } : {}) };
  });
}

/**
 * An input's range where the file has one profile, the input takes more than one shape in it
 * and declares its shape (whose symbols the range sizes).
 */
function rangeOf(m: Manifest, i: Manifest['inputs'][number]) {
  if (m.inputs.some((x) => (x.ranges?.length ?? 0) > 1) || i.declaredShape?.length !== i.shape.length) return undefined;
  const r = i.ranges?.[0];
  return r && r.min.some((d, k) => d !== r.max[k]) ? r : undefined;
}

/**
 * The ranges of a .hybrid file compiled for one profile of shape ranges, as its
 * --min-shapes/--opt-shapes/--max-shapes were: a run feeds a ranged input at its opt shape, or
 * at its --input file's shape, inside the range (inputs.ts checks it), or at its --shape,
 * checked here (that input then takes no range: a --shape and a range would both size it).
 * A ranged input given neither, whose shared dimensions a --shape sizes, runs at its opt shape
 * with those sizes, as a --shape of its own (--shape input=1x256 runs a `state` of
 * [2, batch, 128] at batch 1). A file of several profiles lists no ranges: its inputs run at
 * the first profile's opt shapes.
 */
export function artifactRanges(m: Manifest, shapes: readonly ShapeFlag[], files: readonly string[]): { ranges: RangeFlag[]; shapes: ShapeFlag[] } {
  const ranges: RangeFlag[] = [];
  const derived: ShapeFlag[] = [];
  const bound = bindSymbols(
    shapes.flatMap((s) => {
      const declared = m.inputs.find((i) => i.name === s.name)?.declaredShape;
      return declared ? [{ input: s.name, declared, dims: s.dims, what: `--shape ${s.raw}` }] : [];
    }),
  );
  for (const i of m.inputs) {
    const r = rangeOf(m, i);
    if (!r) continue;
    const end = (dims: readonly number[]): ShapeFlag => ({ raw: `${i.name}:${dims.join('x')}`, name: i.name, dims: [...dims] });
    const range: RangeFlag = { name: i.name, min: end(r.min), opt: end(r.opt), max: end(r.max) };
    const inside = (dims: readonly number[]) => dims.length === r.min.length && dims.every((d, k) => d >= r.min[k]! && d <= r.max[k]!);
    const shape = shapes.find((s) => s.name === i.name);
    if (shape) {
      if (!inside(shape.dims))
        throw new HybridError('OPTION', `--shape ${shape.raw}: outside the range ${m.label} was compiled for (${rangeText(range)})`);
      continue;
    }
    const follows = i.declaredShape!.some((d) => isSharedSymbol(d) && bound.has(d));
    if (!follows || files.includes(i.name)) {
      ranges.push(range);
      continue;
    }
    // The bound symbols' sizes (symbols.ts's substitute), the rest as at opt.
    const opt = substitute(i.declaredShape!, bound).map((d, k) => (typeof d === 'number' ? d : r.opt[k]!));
    if (!inside(opt)) {
      const by = [...new Set([...bound.values()].map((b) => b.what))].join(', ');
      throw new HybridError(
        'OPTION',
        `${by}: input '${i.name}' would run at ${opt.join('x')}, outside the range ${m.label} was compiled for (${rangeText(range)})`,
      );
    }
    derived.push(end(opt));
  }
  return { ranges, shapes: [...shapes, ...derived] };
}

/**
 * The model --compare runs on onnxruntime: --onnx (a warning where its content is not the
 * source the file was compiled from), else the embedded source.
 */
export function compareSource(opts: CliOptions, manifest: Manifest, warn: (message: string) => void): string | Uint8Array {
  if (opts.onnx !== undefined) {
    const st = fs.statSync(opts.onnx, { throwIfNoEntry: false });
    if (!st?.isFile()) throw new HybridError('OPTION', `--onnx ${opts.onnx}: ${st ? 'not a regular file' : 'no such file'}`);
    const digest = Buffer.from(modelDigest(loadModelProto(opts.onnx, { label: opts.onnx }))).toString('hex');
    if (manifest.source.sha256 && digest !== manifest.source.sha256) {
      warn(
        `--onnx ${opts.onnx} is not the model ${opts.model} was compiled from (${manifest.label}, sha256 ${manifest.source.sha256.slice(0, 16)}...); differences may be the model's, not the engines'`,
      );
    }
    return opts.onnx;
  }
  const { sections, label } = readArtifact(opts.model);
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
    rows.push([
      'input',
      `${i.name}  ${i.dtype}${shape(i.shape)}${i.declaredShape ? `  (declared ${shape(i.declaredShape)})` : ''}${i.value ? `  fixed at compile time: ${formatValue(decodeTensor(i.value)!)}` : ''}`,
    ]);
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
