/**
 * The flags that give inputs: --input NAME=FILE (trtexec's --loadInputs NAME:FILE,...), read by
 * inputs.ts, and --input-value NAME=V or NAME=V1,V2,...: an input fixed at compile time (compile's
 * inputValues, src/compiler/input-values.ts), e.g. Silero VAD's `--input-value sr=16000`. The
 * value's dtype is the model input's and its dims the input's declared shape (a scalar for a
 * rank-0 input; the count of values for a rank-1 input of a symbolic length). The run feeds
 * the same value, and --compare gives it to onnxruntime too.
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import { INT_RANGE } from '../compiler/input-values.js';
import { type NumericDType, TYPED_ARRAY, isFloatDType, numel } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { nearestKey } from '../util/option-keys.js';
import type { DType } from '../onnx/dtype.js';

/** One --input: `name=file`, or just `file` to be matched to an input by main. */
export interface InputFlag {
  raw: string;
  name?: string;
  file: string;
}

/** A model input as inputs.ts's ModelInput gives it (this module imports nothing of the CLI's). */
interface ModelInput {
  name: string;
  dtype?: DType;
  shape?: Dim[];
}

/** One --input-value as given: the input's name and its values as text. */
export interface InputValueFlag {
  raw: string;
  name: string;
  values: string[];
}

const FLAG = '--input-value';
const bad = (raw: string, what: string) => new HybridError('OPTION', `${FLAG} ${raw}: ${what}`);
const show = (dims: readonly Dim[] | undefined) => (dims ? `[${dims.join(',')}]` : '[?]');

/**
 * trtexec's --loadInputs value, `name:file[,name:file...]`, as --input flags (`name=file`). A
 * name may hold ':' (TensorFlow's `input:0`): the name ends at the first ':' after which an
 * existing file is named, else at the first ':'.
 */
export function trtexecInputs(value: string): string[] {
  return value.split(',').map((spec) => {
    const colons = [...spec.matchAll(/:/g)].map((m) => m.index).filter((i) => i > 0);
    const colon = colons.find((i) => fs.statSync(spec.slice(i + 1), { throwIfNoEntry: false })?.isFile()) ?? colons[0] ?? -1;
    if (colon <= 0 || spec.indexOf(':') === 0)
      throw new HybridError('OPTION', `--loadInputs ${value}: '${spec}' is not NAME:FILE, e.g. --loadInputs input:image.npy`);
    return `${spec.slice(0, colon)}=${spec.slice(colon + 1)}`;
  });
}

/** `name=path` or `path` alone. */
export function parseInputFlag(raw: string): InputFlag {
  const eq = raw.indexOf('=');
  if (eq === 0) throw new HybridError('OPTION', `--input ${raw}: expected NAME=FILE, e.g. --input input=image.npy`);
  if (eq < 0) return { raw, file: raw };
  const file = raw.slice(eq + 1);
  if (!file) throw new HybridError('OPTION', `--input ${raw}: no file after '='`);
  return { raw, name: raw.slice(0, eq), file };
}

/** --input (and --loadInputs) and --input-value, parsed. */
export function inputFlags(raw: { input?: string[]; loadInputs?: string[]; inputValue?: string[] }): {
  inputs: InputFlag[];
  inputValues: InputValueFlag[];
} {
  return {
    inputs: [...(raw.input ?? []), ...(raw.loadInputs ?? []).flatMap(trtexecInputs)].map(parseInputFlag),
    inputValues: parseInputValueFlags(raw.inputValue),
  };
}

/** The --input-value flags, each input at most once (the separator is the last '='). */
export function parseInputValueFlags(raws: readonly string[] | undefined): InputValueFlag[] {
  const seen = new Set<string>();
  return (raws ?? []).map((raw) => {
    const eq = raw.lastIndexOf('=');
    if (eq <= 0 || eq === raw.length - 1) throw bad(raw, `expected NAME=VALUE or NAME=V1,V2,..., e.g. ${FLAG} sr=16000`);
    const name = raw.slice(0, eq);
    if (seen.has(name)) throw bad(raw, `input '${name}' is given more than one ${FLAG}`);
    seen.add(name);
    return {
      raw,
      name,
      values: raw
        .slice(eq + 1)
        .split(',')
        .map((v) => v.trim()),
    };
  });
}

/** One value's text as an element of `dtype`. */
function element(flag: InputValueFlag, dtype: NumericDType, text: string): number | bigint {
  if (dtype === 'bool') {
    const b = { true: 1, false: 0, '1': 1, '0': 0 }[text.toLowerCase()];
    if (b === undefined) throw bad(flag.raw, `'${text}' is not a bool (true, false, 1 or 0)`);
    return b;
  }
  if (isFloatDType(dtype)) {
    if (dtype === 'float16' || dtype === 'bfloat16') throw bad(flag.raw, `input '${flag.name}' is ${dtype}: give it with --input ${flag.name}=FILE`);
    const n = Number(text);
    if (text === '' || Number.isNaN(n) !== /^[+-]?nan$/i.test(text)) throw bad(flag.raw, `'${text}' is not a number`);
    return n;
  }
  if (!/^[+-]?\d+$/.test(text)) throw bad(flag.raw, `'${text}' is not an integer (input '${flag.name}' is ${dtype})`);
  const b = BigInt(text);
  const [lo, hi] = INT_RANGE[dtype]!;
  if (b < lo || b > hi) throw bad(flag.raw, `${text} is out of the range of ${dtype} (${lo}..${hi})`);
  return dtype === 'int64' || dtype === 'uint64' ? b : Number(b);
}

/** The dims of `count` values for an input declared `shape`. */
function dimsOf(flag: InputValueFlag, shape: readonly Dim[] | undefined, count: number): number[] {
  if (shape && isStaticShape(shape)) {
    if (numel(shape) !== count) throw bad(flag.raw, `${count} value(s), input '${flag.name}' is ${show(shape)} (${numel(shape)} elements)`);
    return [...shape];
  }
  if (!shape) return count === 1 ? [] : [count];
  if (shape.length === 1) return [count];
  throw bad(flag.raw, `input '${flag.name}' is ${show(shape)}, of symbolic dims: give its value with --input ${flag.name}=FILE`);
}

/** The flags as tensors of the model inputs' dtypes and shapes, by name (compile() checks them again). */
export function inputValueTensors(flags: readonly InputValueFlag[], inputs: readonly ModelInput[]): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const flag of flags) {
    const input = inputs.find((i) => i.name === flag.name);
    if (!input) {
      const names = inputs.map((i) => i.name);
      const near = nearestKey(flag.name, names);
      throw bad(
        flag.raw,
        `the model has no input '${flag.name}'; ${near ? `did you mean '${near}'? ` : ''}its inputs: ${names.join(', ') || 'none'}`,
      );
    }
    const dtype = input.dtype;
    if (!dtype || dtype === 'string') throw bad(flag.raw, `input '${flag.name}' is of ${dtype ?? 'no declared'} type`);
    const data = new TYPED_ARRAY[dtype](flag.values.length);
    flag.values.forEach((v, i) => ((data as unknown as Array<number | bigint>)[i] = element(flag, dtype, v)));
    out.set(flag.name, { dtype, dims: dimsOf(flag, input.shape, flag.values.length), data });
  }
  return out;
}
