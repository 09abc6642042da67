/**
 * readTensorFile / writeTensorFile: dispatch on .npy / .pb, the TensorProto name kept, every
 * dtype through .pb, and a HybridError naming the file for every bad file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { readTensorFile, writeTensorFile } from '../../src/onnx/tensor-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-tf-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => path.join(dir, name);

const SAMPLES: TensorData[] = [
  { dtype: 'float32', dims: [2, 2], data: new Float32Array([1, -2, 3.5, 1e-30]) },
  { dtype: 'float16', dims: [2], data: new Uint16Array([0x3c00, 0xfbff]) },
  { dtype: 'bfloat16', dims: [2], data: new Uint16Array([0x3f80, 0x4049]) },
  { dtype: 'float64', dims: [1], data: new Float64Array([Math.E]) },
  { dtype: 'int8', dims: [3], data: new Int8Array([-128, 0, 127]) },
  { dtype: 'int16', dims: [2], data: new Int16Array([-32768, 32767]) },
  { dtype: 'int32', dims: [2], data: new Int32Array([-1, 2147483647]) },
  { dtype: 'int64', dims: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n]) },
  { dtype: 'uint8', dims: [2], data: new Uint8Array([0, 255]) },
  { dtype: 'uint16', dims: [1], data: new Uint16Array([65535]) },
  { dtype: 'uint32', dims: [1], data: new Uint32Array([4294967295]) },
  { dtype: 'uint64', dims: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
  { dtype: 'bool', dims: [2, 1], data: new Uint8Array([1, 0]) },
  { dtype: 'float32', dims: [], data: new Float32Array([42]) },
  { dtype: 'int32', dims: [0, 5], data: new Int32Array(0) },
];

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof HybridError)) throw new Error(`expected a HybridError, got ${String(e)}`);
    return { code: e.code, message: e.message };
  }
  throw new Error('expected an error');
}

describe('.pb tensor files', () => {
  it.each(SAMPLES.map((t, i) => [`${t.dtype}[${t.dims.join(',')}]`, t, i] as const))('%s round trip keeps the name', (_l, t, i) => {
    const file = at(`t${i}.pb`);
    writeTensorFile(file, t, `tensor_${i}`);
    // What was written is a plain TensorProto, readable by any ONNX tool.
    const proto = TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto;
    expect(proto.name).toBe(`tensor_${i}`);
    expect(proto.dims.map(Number)).toEqual(t.dims);
    const back = readTensorFile(file);
    expect(back.name).toBe(`tensor_${i}`);
    expect(back.tensor.dtype).toBe(t.dtype);
    expect(back.tensor.dims).toEqual(t.dims);
    expect(Array.from(back.tensor.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
  });

  it('reads a hand-built TensorProto with typed fields and no name', () => {
    const bytes = TensorProtoType.encode(TensorProtoType.fromObject({ dims: [3], dataType: 7, int64Data: ['-5', '9007199254740993', '0'] })).finish();
    fs.writeFileSync(at('typed.pb'), bytes);
    const back = readTensorFile(at('typed.pb'));
    expect(back.name).toBeUndefined();
    expect(Array.from(back.tensor.data as BigInt64Array)).toEqual([-5n, 9007199254740993n, 0n]);
  });

  it('reads external data beside the file and refuses it outside the folder', () => {
    fs.writeFileSync(at('ext.bin'), new Uint8Array(new Float32Array([0, 0, 6, 7]).buffer));
    const proto = (location: string) =>
      TensorProtoType.encode(
        TensorProtoType.fromObject({
          name: 'e',
          dims: [2],
          dataType: 1,
          dataLocation: 1,
          externalData: [
            { key: 'location', value: location },
            { key: 'offset', value: '8' },
            { key: 'length', value: '8' },
          ],
        }),
      ).finish();
    fs.writeFileSync(at('ext.pb'), proto('ext.bin'));
    expect(Array.from(readTensorFile(at('ext.pb')).tensor.data as Float32Array)).toEqual([6, 7]);
    fs.writeFileSync(at('escape.pb'), proto('../ext.bin'));
    expect(codeOf(() => readTensorFile(at('escape.pb')))).toEqual({
      code: 'EXTERNAL_DATA',
      message: `${at('escape.pb')}: tensor 'e': external data path '../ext.bin' leaves the model's folder`,
    });
  });
});

describe('.npy through readTensorFile / writeTensorFile', () => {
  it('dispatches on the extension (any case) and has no name', () => {
    const t: TensorData = { dtype: 'int32', dims: [2, 2], data: new Int32Array([1, 2, 3, 4]) };
    writeTensorFile(at('a.NPY'), t, 'ignored');
    expect(Buffer.from(fs.readFileSync(at('a.NPY')).subarray(0, 6)).toString('latin1')).toBe('\x93NUMPY');
    const back = readTensorFile(at('a.NPY'));
    expect(back.name).toBeUndefined();
    expect(Array.from(back.tensor.data as Int32Array)).toEqual([1, 2, 3, 4]);
  });
});

describe('bad tensor files', () => {
  const good = TensorProtoType.encode(TensorProtoType.fromObject({ name: 'x', dims: [4, 4], dataType: 1, rawData: new Uint8Array(64) })).finish();
  fs.writeFileSync(at('empty.pb'), new Uint8Array(0));
  fs.writeFileSync(at('short.pb'), good.subarray(0, good.length - 10));
  fs.writeFileSync(at('text.pb'), 'this is not a protobuf at all, just words\n');
  fs.writeFileSync(
    at('strings.pb'),
    TensorProtoType.encode(TensorProtoType.fromObject({ name: 's', dims: [1], dataType: 8, stringData: [Buffer.from('a')] })).finish(),
  );
  // A SequenceProto { name: "seq", elem_type: TENSOR, tensor_values: [...] } written by hand.
  const inner = TensorProtoType.encode(TensorProtoType.fromObject({ dims: [1], dataType: 1, floatData: [1] })).finish();
  fs.writeFileSync(at('sequence.pb'), Buffer.concat([Buffer.from([0x0a, 3]), Buffer.from('seq'), Buffer.from([0x10, 1, 0x1a, inner.length]), inner]));
  fs.writeFileSync(at('t.txt'), 'x');

  it.each([
    ['missing', at('missing.pb'), 'TENSOR_FILE', /cannot read tensor file \(no such file\)/],
    ['a directory', path.join(dir, 'sub.pb'), 'TENSOR_FILE', /is a directory/],
    ['empty', at('empty.pb'), 'TENSOR_FILE', /empty file, not a TensorProto/],
    ['truncated', at('short.pb'), 'TENSOR_FILE', /not a TensorProto \(truncated or corrupt protobuf/],
    ['text', at('text.pb'), 'TENSOR_FILE', /./],
    ['a string tensor', at('strings.pb'), 'UNSUPPORTED_DTYPE', /tensor 's' is a string tensor/],
    ['a sequence', at('sequence.pb'), 'TENSOR_FILE', /not a single TensorProto/],
    ['of unknown type', at('t.txt'), 'TENSOR_FILE', /unknown tensor file type '\.txt'; use \.npy or \.pb/],
  ])('%s', (_what, file, code, message) => {
    fs.mkdirSync(path.join(dir, 'sub.pb'), { recursive: true });
    const err = codeOf(() => readTensorFile(file));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('writing to an unwritable place or with an unknown extension', () => {
    const t: TensorData = { dtype: 'float32', dims: [1], data: new Float32Array(1) };
    expect(codeOf(() => writeTensorFile('/nonexistent-dir/y.pb', t)).code).toBe('TENSOR_FILE');
    expect(codeOf(() => writeTensorFile(at('y.bin'), t)).message).toMatch(/unknown tensor file type '\.bin'/);
    expect(codeOf(() => writeTensorFile(at('y.pb'), { dtype: 'float32', dims: [3], data: new Float32Array(2) })).message).toMatch(
      /y\.pb: .*2 values do not fill shape \[3\]/,
    );
  });
});
