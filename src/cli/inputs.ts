/**
 * The feeds of a run: each model input from its --input file (checked against the model's
 * declared dtype and shape) or else random (--seed, --random-dist), its shape from --shape or
 * the model with symbolic dims resolved. A symbolic dim fixed by one input (a file's shape or a
 * --shape) is fixed for every input that shares its name, as a user of `batch`/`seq` expects;
 * one that nothing fixes is set to 1 with a notice naming it and the flag that sets it, as
 * trtexec does. Every problem is a HybridError naming the input and the flag or file involved,
 * and every shape is held to the tensor ceilings (src/limits.ts) before anything is allocated.
 */
import path from 'node:path';
import { HybridError } from '../errors.js';
import { checkTensorSize } from '../limits.js';
import type { Graph } from '../ir/graph.js';
import { type Binding, bindSymbols, isSharedSymbol, substitute } from '../ir/symbols.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import type { DType } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { readTensorFile } from '../onnx/tensor-file.js';
import { type InputShape, RANGE_ENDS, type RangeEnd } from '../compiler/profiles.js';
import { type CliOptions, type InputFlag, RANGE_FLAGS, type RangeFlag, type ShapeFlag, rangeShape, rangeText } from './options.js';
import { randomTensor } from './random.js';
import { inputValueTensors } from './input-flags.js';

export interface ModelInput {
  name: string;
  dtype?: DType;
  /** Undefined where the model does not declare a rank. */
  shape?: Dim[];
  /** A saved model's input fixed at compile time: fed that value unless --input gives one. */
  value?: TensorData;
}

export interface Feed {
  name: string;
  tensor: TensorData;
  /** Where the data came from, for the printout: a file path or "random ...". */
  source: string;
}

export type InputOptions = Pick<CliOptions, 'inputs' | 'shapes' | 'seed' | 'distribution' | 'random'> &
  Partial<Pick<CliOptions, 'ranges' | 'inputValues'>>;
type ShapeOptions = Pick<InputOptions, 'inputs' | 'shapes' | 'ranges'>;

export function modelInputs(graph: Graph): ModelInput[] {
  return graph.inputs.map((name) => ({ name, ...graph.types.get(name) }));
}

const show = (shape: readonly Dim[] | undefined) => (shape ? `[${shape.join(',')}]` : '[?]');

function inputList(inputs: ModelInput[]): string {
  return inputs.length ? inputs.map((i) => i.name).join(', ') : 'none';
}

/** Checks a concrete shape against the declared one; returns what is wrong, or undefined. */
function shapeMismatch(declared: Dim[] | undefined, dims: number[]): string | undefined {
  if (!declared) return undefined;
  if (declared.length !== dims.length) {
    return `rank ${dims.length} ([${dims.join(',')}]), the model wants rank ${declared.length} ${show(declared)}`;
  }
  for (let i = 0; i < dims.length; i++) {
    const want = declared[i]!;
    if (typeof want === 'number' && want !== dims[i]) {
      return `dimension ${i} is ${dims[i]} ([${dims.join(',')}]), the model fixes it at ${want} ${show(declared)}`;
    }
  }
  return undefined;
}

function checkShapeFlags(inputs: ModelInput[], shapes: ShapeFlag[], ranges: readonly RangeFlag[]): void {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const each = [
    ...shapes.map((s) => ({ flag: '--shape', s })),
    ...ranges.flatMap((r) => RANGE_ENDS.map((end) => ({ flag: RANGE_FLAGS[end], s: r[end] }))),
  ];
  for (const { flag, s } of each) {
    const input = byName.get(s.name);
    if (!input) {
      throw new HybridError('OPTION', `${flag} ${s.raw}: the model has no input '${s.name}' (its inputs: ${inputList(inputs)})`);
    }
    const wrong = shapeMismatch(input.shape, s.dims);
    if (wrong) throw new HybridError('OPTION', `${flag} ${s.raw}: input '${s.name}': ${wrong}`);
  }
}

/**
 * The shared symbols the flags bind at each end of their ranges: a --shape binds its sizes at
 * min, opt and max alike, a range its min, opt and max. Two inputs giving one symbol different
 * sizes at an end is an OPTION error naming both flags.
 */
function rangeBindings(inputs: ModelInput[], opts: ShapeOptions): Record<RangeEnd, Map<string, Binding>> {
  const declared = (name: string) => inputs.find((i) => i.name === name)?.shape;
  const fixed = opts.shapes.map((s) => ({ input: s.name, declared: declared(s.name), dims: s.dims, what: `--shape ${s.raw}` }));
  return Object.fromEntries(
    RANGE_ENDS.map((end) => [
      end,
      bindSymbols([
        ...fixed,
        ...(opts.ranges ?? []).map((r) => ({
          input: r.name,
          declared: declared(r.name),
          dims: r[end].dims,
          what: `${RANGE_FLAGS[end]} ${r[end].raw}`,
        })),
      ]),
    ]),
  ) as Record<RangeEnd, Map<string, Binding>>;
}

const span = (lo: number, hi: number) => (lo === hi ? `${lo}` : `${lo}..${hi}`);

/**
 * A file must lie inside the ranges: every dim of a ranged input's file inside its range, and
 * every shared symbol a file gives inside the range the flags give that symbol.
 */
function checkFileInRanges(
  input: ModelInput,
  dims: readonly number[],
  file: string,
  range: RangeFlag | undefined,
  ends: Record<RangeEnd, Map<string, Binding>>,
): void {
  const label = `input '${input.name}' (${file})`;
  if (range) {
    const { min, max } = rangeShape(range);
    if (dims.length !== min.length) {
      throw new HybridError(
        'INPUT',
        `${label}: shape [${dims.join(',')}] has rank ${dims.length}, its range has rank ${min.length} (${rangeText(range)})`,
      );
    }
    dims.forEach((v, d) => {
      if (v < min[d]! || v > max[d]!) {
        throw new HybridError(
          'INPUT',
          `${label}: shape [${dims.join(',')}]: dim ${d} is ${v}, outside its range ${span(min[d]!, max[d]!)} (${rangeText(range)})`,
        );
      }
    });
  }
  if (!input.shape || input.shape.length !== dims.length) return;
  input.shape.forEach((sym, d) => {
    if (!isSharedSymbol(sym)) return;
    const lo = ends.min.get(sym);
    const hi = ends.max.get(sym);
    if (!lo || !hi || lo.size === hi.size) return; // a --shape's size is checked as a binding
    const v = dims[d]!;
    if (v < lo.size || v > hi.size) {
      throw new HybridError(
        'INPUT',
        `${label}: shape [${dims.join(',')}]: '${sym}' is ${v}, outside its range ${span(lo.size, hi.size)} (${lo.what} ${hi.what})`,
      );
    }
  });
}

/** Reads every --input file and decides which model input it feeds. */
function readInputFiles(inputs: ModelInput[], flags: InputFlag[]): Map<string, { tensor: TensorData; file: string }> {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const out = new Map<string, { tensor: TensorData; file: string }>();
  for (const flag of flags) {
    if (flag.name !== undefined && !byName.has(flag.name)) {
      throw new HybridError('OPTION', `--input ${flag.raw}: the model has no input '${flag.name}' (its inputs: ${inputList(inputs)})`);
    }
    const { tensor, name: storedName } = readTensorFile(flag.file);
    let name = flag.name;
    if (name === undefined) {
      // Without NAME=, a .pb file's own tensor name decides, else the model's only input.
      if (storedName && byName.has(storedName)) name = storedName;
      else if (inputs.length === 1) name = inputs[0]!.name;
      else {
        throw new HybridError(
          'OPTION',
          `--input ${flag.raw}: say which input it feeds, as NAME=${flag.file} (the model's inputs: ${inputList(inputs)})`,
        );
      }
    }
    if (out.has(name)) throw new HybridError('OPTION', `--input ${flag.raw}: input '${name}' is given more than once`);
    out.set(name, { tensor, file: flag.file });
  }
  return out;
}

function checkFileAgainstModel(input: ModelInput, tensor: TensorData, file: string, shapeFlag?: ShapeFlag): void {
  const label = `input '${input.name}' (${file})`;
  if (input.dtype && input.dtype !== tensor.dtype) {
    throw new HybridError('INPUT', `${label}: dtype ${tensor.dtype}, the model wants ${input.dtype}`);
  }
  const wrong = shapeMismatch(input.shape, tensor.dims);
  if (wrong) throw new HybridError('INPUT', `${label}: ${wrong}`);
  if (shapeFlag && shapeFlag.dims.join() !== tensor.dims.join()) {
    throw new HybridError('INPUT', `${label}: shape [${tensor.dims.join(',')}] differs from --shape ${shapeFlag.raw}`);
  }
}

/** Hears that an input's symbolic dims were set to 1: the message, and the input's name. */
export type InputNotice = (message: string, input: string) => void;

/**
 * The input's shape with its symbols bound; a symbol nothing binds becomes 1 (and binds as 1
 * for the inputs that share it), said once through `notice`.
 */
function resolveShape(input: ModelInput, bindings: Map<string, Binding>, notice: InputNotice): number[] {
  if (!input.shape) {
    throw new HybridError('SHAPE', `input '${input.name}': the model does not declare its shape; give one with --shape ${input.name}=DIMS`);
  }
  const defaulted: string[] = [];
  const dims = input.shape.map((d, i) => {
    if (typeof d === 'number') return d;
    const bound = isSharedSymbol(d) ? bindings.get(d) : undefined;
    if (bound !== undefined) return bound.size;
    if (isSharedSymbol(d)) bindings.set(d, { size: 1, what: 'the default' });
    defaulted.push(isSharedSymbol(d) ? `'${d}'` : `dimension ${i} (unnamed)`);
    return 1;
  });
  if (defaulted.length) {
    notice(
      `input '${input.name}' ${show(input.shape)}: ${defaulted.join(', ')} set to 1; set ${defaulted.length > 1 ? 'them' : 'it'} with --shape ${input.name}=${dims.join('x')} (with your sizes)`,
      input.name,
    );
  }
  return dims;
}

interface Gathered {
  files: Map<string, { tensor: TensorData; file: string }>;
  shapeFlags: Map<string, ShapeFlag>;
  /** The run shape of each ranged input that has no file: its opt, with the sizes files give its symbols. */
  rangedDims: Map<string, { range: RangeFlag; dims: number[] }>;
  /** Symbol -> size, from input files first, then --shape (src/ir/symbols.ts). */
  bindings: Map<string, Binding>;
}

/** Checks --shape and --input against the model, reads the files, and binds shared symbols. */
function gather(inputs: ModelInput[], opts: ShapeOptions): Gathered {
  const ranges = new Map((opts.ranges ?? []).map((r) => [r.name, r]));
  checkShapeFlags(inputs, opts.shapes, [...ranges.values()]);
  const ends = rangeBindings(inputs, opts);
  const files = readInputFiles(inputs, opts.inputs);
  const shapeFlags = new Map(opts.shapes.map((s) => [s.name, s]));
  const given = [];
  for (const input of inputs) {
    const file = files.get(input.name);
    if (file) {
      checkFileAgainstModel(input, file.tensor, file.file, shapeFlags.get(input.name));
      checkFileInRanges(input, file.tensor.dims, file.file, ranges.get(input.name), ends);
      given.push({ input: input.name, declared: input.shape, dims: file.tensor.dims, what: `--input ${file.file}` });
    }
  }
  for (const s of opts.shapes)
    given.push({ input: s.name, declared: inputs.find((i) => i.name === s.name)?.shape, dims: s.dims, what: `--shape ${s.raw}` });
  // A ranged input without a file runs at its opt shape, except where a file fixes a symbol it
  // shares (inside the range: checked above), so that the run's inputs agree.
  const fixed = bindSymbols(given);
  const rangedDims = new Map<string, { range: RangeFlag; dims: number[] }>();
  for (const input of inputs) {
    const range = ranges.get(input.name);
    if (!range || files.has(input.name)) continue;
    const dims = range.opt.dims.map((v, d) => {
      const sym = input.shape?.length === range.opt.dims.length ? input.shape[d] : undefined;
      return sym !== undefined && isSharedSymbol(sym) ? (fixed.get(sym)?.size ?? v) : v;
    });
    rangedDims.set(input.name, { range, dims });
    given.push({ input: input.name, declared: input.shape, dims, what: `--opt-shapes ${range.opt.raw}` });
  }
  return { files, shapeFlags, rangedDims, bindings: bindSymbols(given) };
}

/**
 * The input shapes the flags and files determine, for a dry run: every input whose shape is
 * fully known (from its file, its --shape, or its declared shape with shared symbols bound);
 * the others are left out rather than refused. Also the tensors read from --input files.
 */
export function knownInputShapes(inputs: ModelInput[], opts: ShapeOptions): { shapes: Record<string, number[]>; files: Map<string, TensorData> } {
  const { files, shapeFlags, rangedDims, bindings } = gather(inputs, opts);
  const shapes: Record<string, number[]> = {};
  for (const input of inputs) {
    const dims = files.get(input.name)?.tensor.dims ?? shapeFlags.get(input.name)?.dims ?? rangedDims.get(input.name)?.dims;
    if (dims) shapes[input.name] = dims;
    else if (input.shape) {
      const resolved = substitute(input.shape, bindings);
      // Only a shape some flag or file made static is worth passing; a declared static one is the default.
      if (isStaticShape(resolved) && !isStaticShape(input.shape)) shapes[input.name] = resolved;
    }
  }
  return { shapes, files: new Map([...files].map(([name, f]) => [name, f.tensor])) };
}

/**
 * The feeds for every model input, in the model's input order; `notice` hears of symbolic
 * dimensions set to 1.
 */
export function prepareInputs(inputs: ModelInput[], opts: InputOptions, notice: InputNotice = () => {}): Feed[] {
  const { files, shapeFlags, rangedDims, bindings } = gather(inputs, opts);
  for (const input of inputs) {
    // The largest tensor a range admits must fit too, file or not: the model is built for it.
    const range = (opts.ranges ?? []).find((r) => r.name === input.name);
    if (range) checkTensorSize(`--max-shapes ${range.max.raw}`, range.max.dims, input.dtype, 'OPTION');
  }
  const values = inputValueTensors(opts.inputValues ?? [], inputs);
  return inputs.map((input): Feed => {
    const file = files.get(input.name);
    const value = values.get(input.name);
    if (value && file) throw new HybridError('OPTION', `input '${input.name}' is given by --input ${file.file} and by --input-value: give one`);
    if (value) return { name: input.name, tensor: value, source: '--input-value' };
    if (file) return { name: input.name, tensor: file.tensor, source: path.normalize(file.file) };
    if (input.value) return { name: input.name, tensor: input.value, source: 'fixed at compile time' };
    if (!opts.random) {
      throw new HybridError('INPUT', `input '${input.name}': required input not given; pass --input ${input.name}=FILE (--no-random is set)`);
    }
    if (!input.dtype || input.dtype === 'string') {
      const why = input.dtype ? 'string inputs cannot be random' : 'the model does not declare its element type';
      throw new HybridError('INPUT', `input '${input.name}': ${why}; pass it with --input ${input.name}=FILE`);
    }
    const flag = shapeFlags.get(input.name);
    const ranged = rangedDims.get(input.name);
    const dims = flag?.dims ?? ranged?.dims ?? resolveShape(input, bindings, notice);
    const what = flag ? `--shape ${flag.raw}` : ranged ? `--opt-shapes ${ranged.range.opt.raw}` : `input '${input.name}'`;
    checkTensorSize(what, dims, input.dtype, flag || ranged ? 'OPTION' : 'SHAPE');
    const tensor = randomTensor({ name: input.name, dtype: input.dtype, dims, seed: opts.seed, distribution: opts.distribution });
    return { name: input.name, tensor, source: `random ${opts.distribution}, seed ${opts.seed}` };
  });
}

/**
 * compile()'s `inputs` option for a run (or a dry run) whose inputs have the shapes `run`.
 * Without range flags: each input's shape in the run, as always. With them: `{ min, opt, max }`
 * for a ranged input, the --shape of a fixed one, and for every other input the range its
 * shared symbols take from the flags (`mask[batch, seq]` gets `batch`'s range from `--min-shapes
 * x:1x...` etc.), its other dims as in the run (a file's sizes, or 1, said once by
 * prepareInputs). An input absent from `run` is left out (compile() completes it).
 */
export function compileInputs(
  inputs: ModelInput[],
  opts: Pick<CliOptions, 'shapes' | 'ranges'>,
  run: Readonly<Record<string, readonly number[]>>,
): Record<string, InputShape> {
  const out: Record<string, InputShape> = {};
  if (!opts.ranges.length) {
    for (const input of inputs) if (run[input.name]) out[input.name] = [...run[input.name]!];
    return out;
  }
  const ends = rangeBindings(inputs, { ...opts, inputs: [] });
  const ranges = new Map(opts.ranges.map((r) => [r.name, r]));
  const shapes = new Map(opts.shapes.map((s) => [s.name, s]));
  for (const input of inputs) {
    const range = ranges.get(input.name);
    const dims = run[input.name];
    if (range) out[input.name] = rangeShape(range);
    else if (shapes.has(input.name)) out[input.name] = [...shapes.get(input.name)!.dims];
    else if (dims) {
      const declared = input.shape?.length === dims.length ? input.shape : undefined;
      const at = (end: RangeEnd) => (declared ? substitute(declared, ends[end]).map((d, i) => (typeof d === 'number' ? d : dims[i]!)) : [...dims]);
      const r = { min: at('min'), opt: at('opt'), max: at('max') };
      out[input.name] = r.min.every((v, d) => v === r.max[d]) ? [...dims] : r;
    }
  }
  return out;
}
