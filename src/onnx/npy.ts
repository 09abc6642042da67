/**
 * NumPy `.npy` files <-> TensorData.
 *
 * Reads format versions 1.0, 2.0 and 3.0 with the dtypes hybridrt has (<f2 <f4 <f8, i1..i8,
 * u1..u8, b1), in either byte order and in C or Fortran order; the result is always a
 * C-order, little-endian tensor. Writes version 1.0 (2.0 when the header needs it), C order,
 * little-endian, header padded to 64 bytes as NumPy does.
 *
 * bfloat16 has no NumPy dtype (ml_dtypes' bfloat16 is not part of the format), so writing one
 * is refused: write a .pb file, or cast to float32 first. Every problem with a file is a
 * HybridError('TENSOR_FILE', '<file>: <what is wrong>'); a valid file of a dtype hybridrt does
 * not handle (complex, strings, objects...) is an UNSUPPORTED_DTYPE error naming the file.
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';
import { type NumericDType, type TypedArray, DTYPE_SIZE, TYPED_ARRAY, bytesOf, numel } from './dtype.js';
import type { TensorData } from './tensor.js';
import { readRegularFile } from './files.js';
import { maxTensorBytes } from '../limits.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** NumPy type code (kind + item size) -> hybridrt dtype. */
const NPY_TO_DTYPE: Record<string, NumericDType> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
};

const DTYPE_TO_NPY: Partial<Record<NumericDType, string>> = {
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  uint64: '<u8',
  bool: '|b1',
};

function fail(label: string, what: string): never {
  throw new HybridError('TENSOR_FILE', `${label}: ${what}`);
}

/** Decodes the bytes of a .npy file; `label` (usually the path) names it in errors. */
export function decodeNpy(bytes: Uint8Array, label = '<npy>'): TensorData {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(label, bytes.length === 0 ? 'empty file, not a .npy file' : 'not a .npy file (no \\x93NUMPY magic)');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) fail(label, `unsupported .npy format version ${major}.${minor}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail(label, 'truncated header');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = 8 + lenSize + headerLen;
  if (dataStart > bytes.length) fail(label, `truncated header (${headerLen} bytes announced, ${bytes.length - 8 - lenSize} present)`);
  const headerBytes = bytes.subarray(8 + lenSize, dataStart);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { descr, fortranOrder, shape } = parseHeader(header, label);

  const { dtype, bigEndian } = parseDescr(descr, label);
  const size = DTYPE_SIZE[dtype];
  const count = numel(shape);
  const need = count * size;
  const have = bytes.length - dataStart;
  if (!Number.isSafeInteger(need)) fail(label, `shape (${shape.join(', ')}) is too large`);
  if (have < need) fail(label, `truncated data: shape (${shape.join(', ')}) of ${descr} needs ${need} bytes, the file holds ${have}`);
  if (have > need) fail(label, `${have - need} unexpected bytes after the data of shape (${shape.join(', ')}) of ${descr}`);

  // Always copy: the result owns aligned memory and does not pin the caller's buffer.
  // NOTE: Buffer.slice is a view, so copy through the Uint8Array constructor.
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + need));
  if (bigEndian && size > 1) swapBytes(raw, size);
  let data = new TYPED_ARRAY[dtype](raw.buffer as ArrayBuffer, 0, count);
  if (dtype === 'bool') for (let i = 0; i < count; i++) if (raw[i]) raw[i] = 1;
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  return { dtype, dims: shape, data };
}

/** Reads a .npy file. */
export function readNpy(file: string): TensorData {
  return decodeNpy(readFileForTensor(file), file);
}

/** Encodes a tensor as .npy bytes (C order, little-endian). */
export function encodeNpy(tensor: TensorData, label = 'tensor'): Uint8Array {
  const descr = DTYPE_TO_NPY[tensor.dtype];
  if (!descr) {
    throw new HybridError(
      'UNSUPPORTED_DTYPE',
      `${label}: ${tensor.dtype} has no NumPy dtype, so it cannot be written as .npy; write a .pb tensor file or cast to float32`,
    );
  }
  if (tensor.data.length !== numel(tensor.dims)) {
    fail(label, `${tensor.data.length} values do not fill shape [${tensor.dims.join(',')}]`);
  }
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that magic + length + header is a multiple of 64, ending in '\n'.
  const padded = (prefix: number) => Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const major = padded(10) - 10 <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  const total = padded(prefix);
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const body = bytesOf(tensor.data);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, dict.length, true);
  else dv.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.set(body, total);
  return out;
}

/** Writes a tensor as a .npy file. */
export function writeNpy(file: string, tensor: TensorData): void {
  writeFileForTensor(file, encodeNpy(tensor, file));
}

/** Reads a whole file for a tensor reader, turning I/O failures into TENSOR_FILE errors. */
export function readFileForTensor(file: string): Uint8Array {
  return readRegularFile(file, { code: 'TENSOR_FILE', what: 'tensor file', maxBytes: maxTensorBytes(), limitWhy: "half of this machine's memory" });
}

/** Writes a whole file for a tensor writer, turning I/O failures into TENSOR_FILE errors. */
export function writeFileForTensor(file: string, bytes: Uint8Array): void {
  try {
    fs.writeFileSync(file, bytes);
  } catch (e) {
    throw new HybridError('TENSOR_FILE', `${file}: cannot write tensor file (${(e as Error).message})`, { cause: e });
  }
}

function parseDescr(descr: string, label: string): { dtype: NumericDType; bigEndian: boolean } {
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const dtype = m ? NPY_TO_DTYPE[`${m[2]}${m[3]}`] : undefined;
  if (!m || !dtype) {
    throw new HybridError('UNSUPPORTED_DTYPE', `${label}: NumPy dtype '${descr}' is not supported (hybridrt reads f2/f4/f8, i1-i8, u1-u8 and b1)`);
  }
  // '=' (native order) never appears in files NumPy writes; read it as little-endian.
  return { dtype, bigEndian: m[1] === '>' };
}

function swapBytes(raw: Uint8Array, size: number): void {
  for (let i = 0; i < raw.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = raw[a]!;
      raw[a] = raw[b]!;
      raw[b] = t;
    }
  }
}

/** Reorders column-major data into row-major order for the same shape. */
function fortranToC(src: TypedArray, shape: number[]): TypedArray {
  const count = src.length;
  const out = new (src.constructor as new (n: number) => TypedArray)(count);
  const rank = shape.length;
  const fStride: number[] = [];
  for (let k = 0, s = 1; k < rank; k++) {
    fStride.push(s);
    s *= shape[k]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0; // Fortran offset of the current C-order index
  for (let c = 0; c < count; c++) {
    (out as Float32Array)[c] = (src as Float32Array)[f]!;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      f += fStride[k]!;
      if (idx[k]! < shape[k]!) break;
      f -= idx[k]! * fStride[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

// ---- header: a Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }

type PyValue = string | boolean | number | PyValue[] | { [k: string]: PyValue } | null;

function parseHeader(text: string, label: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  let value: PyValue;
  try {
    value = new PyLiteralParser(text).parseAll();
  } catch (e) {
    fail(label, `unreadable header (${(e as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(label, 'the header is not a dict');
  const dict = value as Record<string, PyValue>;
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (typeof descr !== 'string') {
    throw new HybridError('UNSUPPORTED_DTYPE', `${label}: structured or missing dtype in the header; hybridrt reads plain numeric arrays`);
  }
  if (typeof fortranOrder !== 'boolean') fail(label, "the header has no boolean 'fortran_order'");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail(label, "the header's 'shape' is not a tuple of non-negative integers");
  }
  return { descr, fortranOrder, shape: shape as number[] };
}

/** Just enough of Python's literal syntax for .npy headers: dicts, tuples, lists, str, int, bool, None. */
class PyLiteralParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseAll(): PyValue {
    const v = this.value();
    this.ws();
    if (this.pos !== this.s.length) throw new Error(`unexpected '${this.s[this.pos]}' at ${this.pos}`);
    return v;
  }

  private ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private value(): PyValue {
    this.ws();
    const c = this.s[this.pos];
    if (c === '{') return this.dict();
    if (c === '(') return this.seq(')');
    if (c === '[') return this.seq(']');
    if (c === "'" || c === '"') return this.str();
    const word = /^(True|False|None|-?\d+L?)/.exec(this.s.slice(this.pos, this.pos + 40));
    if (!word) throw new Error(c === undefined ? 'unexpected end' : `unexpected '${c}' at ${this.pos}`);
    this.pos += word[0].length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0].replace('L', '')); // Python 2 wrote longs as 3L
  }

  private expect(ch: string): void {
    this.ws();
    if (this.s[this.pos] !== ch) throw new Error(`expected '${ch}' at ${this.pos}`);
    this.pos++;
  }

  /** Reads `,`-separated items until `close`, allowing a trailing comma. */
  private items(close: string, item: () => void): void {
    for (;;) {
      this.ws();
      if (this.s[this.pos] === close) break;
      item();
      this.ws();
      if (this.s[this.pos] === ',') this.pos++;
      else if (this.s[this.pos] !== close) throw new Error(`expected ',' or '${close}' at ${this.pos}`);
    }
    this.pos++;
  }

  private dict(): PyValue {
    this.pos++;
    const out: Record<string, PyValue> = Object.create(null);
    this.items('}', () => {
      const key = this.value();
      if (typeof key !== 'string') throw new Error('dict keys must be strings');
      this.expect(':');
      out[key] = this.value();
    });
    return out;
  }

  private seq(close: string): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  private str(): string {
    const q = this.s[this.pos++]!;
    let out = '';
    while (this.pos < this.s.length && this.s[this.pos] !== q) {
      let c = this.s[this.pos++]!;
      if (c === '\\' && this.pos < this.s.length) c = this.s[this.pos++]!;
      out += c;
    }
    if (this.pos >= this.s.length) throw new Error('unterminated string');
    this.pos++;
    return out;
  }
}
