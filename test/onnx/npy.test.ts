/**
 * .npy reading from byte layouts built here by hand (header text + little/big-endian data as
 * the format document describes it), the writer's exact bytes, and, where python3 with NumPy
 * is installed, files exchanged with NumPy itself.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../../src/onnx/npy.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { describeIf } from '../helpers/skip.js';

/** A .npy file: magic, version, header length, header text, data. */
function npyBytes(header: string, data: Uint8Array, version: 1 | 2 | 3 = 1): Uint8Array {
  const lenSize = version === 1 ? 2 : 4;
  const text = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const out = new Uint8Array(8 + lenSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  out.set(text, 8 + lenSize);
  out.set(data, 8 + lenSize + text.length);
  return out;
}

function dict(descr: string, shape: string, fortran = false): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }\n`;
}

/** Six values 0..5 (bool: 0,1,0,1,0,1) of a dtype, in the given byte order. */
function sixValues(kind: string, size: number, bigEndian: boolean): Uint8Array {
  const buf = new Uint8Array(6 * size);
  const dv = new DataView(buf.buffer);
  const le = !bigEndian;
  for (let i = 0; i < 6; i++) {
    const o = i * size;
    const v = i - 2; // -2..3 for signed kinds
    if (kind === 'f' && size === 2) dv.setUint16(o, [0xc000, 0xbc00, 0x0000, 0x3c00, 0x4000, 0x4200][i]!, le);
    else if (kind === 'f' && size === 4) dv.setFloat32(o, v + 0.5, le);
    else if (kind === 'f') dv.setFloat64(o, v + 0.25, le);
    else if (kind === 'i' && size === 1) dv.setInt8(o, v);
    else if (kind === 'i' && size === 2) dv.setInt16(o, v, le);
    else if (kind === 'i' && size === 4) dv.setInt32(o, v, le);
    else if (kind === 'i') dv.setBigInt64(o, BigInt(v) - 2n ** 40n, le);
    else if (kind === 'u' && size === 1) dv.setUint8(o, 250 + i);
    else if (kind === 'u' && size === 2) dv.setUint16(o, 65530 + i, le);
    else if (kind === 'u' && size === 4) dv.setUint32(o, 4294967290 + i, le);
    else if (kind === 'u') dv.setBigUint64(o, 2n ** 64n - 6n + BigInt(i), le);
    else dv.setUint8(o, i % 2);
  }
  return buf;
}

/** The values sixValues writes, as the reader should return them. */
function expectedSix(kind: string, size: number): Array<number | bigint> {
  const r = [0, 1, 2, 3, 4, 5];
  if (kind === 'f' && size === 2) return [0xc000, 0xbc00, 0x0000, 0x3c00, 0x4000, 0x4200];
  if (kind === 'f') return r.map((i) => i - 2 + (size === 4 ? 0.5 : 0.25));
  if (kind === 'i') return size === 8 ? r.map((i) => BigInt(i - 2) - 2n ** 40n) : r.map((i) => i - 2);
  if (kind === 'u') {
    if (size === 8) return r.map((i) => 2n ** 64n - 6n + BigInt(i));
    return r.map((i) => [256, 65536, 4294967296][Math.log2(size)]! - 6 + i);
  }
  return r.map((i) => i % 2);
}

const DTYPES: Array<[string, string, number, string]> = [
  ['f2', 'f', 2, 'float16'],
  ['f4', 'f', 4, 'float32'],
  ['f8', 'f', 8, 'float64'],
  ['i1', 'i', 1, 'int8'],
  ['i2', 'i', 2, 'int16'],
  ['i4', 'i', 4, 'int32'],
  ['i8', 'i', 8, 'int64'],
  ['u1', 'u', 1, 'uint8'],
  ['u2', 'u', 2, 'uint16'],
  ['u4', 'u', 4, 'uint32'],
  ['u8', 'u', 8, 'uint64'],
  ['b1', 'b', 1, 'bool'],
];

const values = (t: TensorData) => Array.from(t.data as ArrayLike<number | bigint>);

describe('reading hand-built .npy files', () => {
  describe.each(DTYPES)('%s', (code, kind, size, dtype) => {
    const order = size === 1 ? '|' : '<';
    it('little-endian, C order', () => {
      const t = decodeNpy(npyBytes(dict(`${order}${code}`, '(2, 3)'), sixValues(kind, size, false)));
      expect(t.dtype).toBe(dtype);
      expect(t.dims).toEqual([2, 3]);
      expect(values(t)).toEqual(expectedSix(kind, size));
    });
    it('big-endian is converted', () => {
      const t = decodeNpy(npyBytes(dict(`${size === 1 ? '|' : '>'}${code}`, '(6,)'), sixValues(kind, size, true)));
      expect(t.dims).toEqual([6]);
      expect(values(t)).toEqual(expectedSix(kind, size));
    });
    it('Fortran order is reordered to C order', () => {
      // Column-major (2, 3): the file holds a00 a10 a01 a11 a02 a12.
      const file = sixValues(kind, size, false);
      const t = decodeNpy(npyBytes(dict(`${order}${code}`, '(3, 2)', true), file));
      const v = expectedSix(kind, size);
      expect(t.dims).toEqual([3, 2]);
      expect(values(t)).toEqual([v[0], v[3], v[1], v[4], v[2], v[5]]);
    });
  });

  it('Fortran order in three dimensions', () => {
    // shape (2, 2, 2); file value k sits at index (i, j, l) with k = i + 2j + 4l.
    const data = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const t = decodeNpy(npyBytes(dict('|u1', '(2, 2, 2)', true), data));
    expect(values(t)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
  });

  it('format versions 2.0 and 3.0, scalars, empty arrays, "<i1" and Python 2 longs', () => {
    const six = sixValues('i', 4, false);
    expect(values(decodeNpy(npyBytes(dict('<i4', '(6,)'), six, 2)))).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(values(decodeNpy(npyBytes(dict('<i4', '(6,)'), six, 3)))).toEqual([-2, -1, 0, 1, 2, 3]);
    const scalar = decodeNpy(npyBytes(dict('<f8', '()'), new Uint8Array(new Float64Array([7.5]).buffer)));
    expect(scalar.dims).toEqual([]);
    expect(values(scalar)).toEqual([7.5]);
    const empty = decodeNpy(npyBytes(dict('<f4', '(0, 4)'), new Uint8Array(0)));
    expect(empty.dims).toEqual([0, 4]);
    expect(empty.data.length).toBe(0);
    expect(values(decodeNpy(npyBytes(dict('<i1', '(2L, 3L)'), new Uint8Array(6))))).toEqual([0, 0, 0, 0, 0, 0]);
    const keysReordered = '{ "shape": (1,), "fortran_order": False, "descr": \'<u2\' }';
    expect(values(decodeNpy(npyBytes(keysReordered, new Uint8Array([1, 2]))))).toEqual([0x0201]);
  });

  it('normalises bool bytes to 0/1', () => {
    expect(values(decodeNpy(npyBytes(dict('|b1', '(3,)'), new Uint8Array([0, 7, 255]))))).toEqual([0, 1, 1]);
  });
});

describe('bad .npy files', () => {
  const good = npyBytes(dict('<f4', '(2, 3)'), new Uint8Array(24));
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /bad\.npy: empty file/],
    ['no magic', Buffer.from('just some text, definitely not numpy'), /bad\.npy: not a \.npy file/],
    [
      'version 4.0',
      (() => {
        const b = good.slice();
        b[6] = 4;
        return b;
      })(),
      /unsupported \.npy format version 4\.0/,
    ],
    ['header cut short', good.subarray(0, 30), /truncated header/],
    ['data cut short', good.subarray(0, good.length - 1), /truncated data: shape \(2, 3\) of <f4 needs 24 bytes, the file holds 23/],
    ['trailing bytes', npyBytes(dict('<f4', '(2, 3)'), new Uint8Array(25)), /1 unexpected bytes after the data/],
    ['header not a dict', npyBytes("('<f4', False)\n", new Uint8Array(0)), /the header is not a dict/],
    ['header garbage', npyBytes("{'descr': '<f4', 'fortran_order': Fals", new Uint8Array(0)), /unreadable header/],
    ['unterminated string', npyBytes("{'descr': '<f4", new Uint8Array(0)), /unreadable header \(unterminated string\)/],
    ['negative dim', npyBytes(dict('<f4', '(-1, 3)'), new Uint8Array(0)), /'shape' is not a tuple of non-negative integers/],
    ['shape not a tuple', npyBytes(dict('<f4', "'x'"), new Uint8Array(0)), /'shape' is not a tuple/],
    ['no fortran_order', npyBytes("{'descr': '<f4', 'shape': (1,)}", new Uint8Array(4)), /no boolean 'fortran_order'/],
    ['absurd shape', npyBytes(dict('<f8', '(4294967296, 4294967296)'), new Uint8Array(0)), /is too large/],
  ];
  it.each(cases)('%s -> TENSOR_FILE naming the file', (_what, bytes, message) => {
    let err: unknown;
    try {
      decodeNpy(bytes, 'bad.npy');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).code).toBe('TENSOR_FILE');
    expect((err as HybridError).message).toMatch(/^bad\.npy: /);
    expect((err as HybridError).message).toMatch(message);
  });

  it.each([
    ['<c8', dict('<c8', '(1,)')],
    ['<U3', dict('<U3', '(1,)')],
    ['|O', dict('|O', '(1,)')],
    ['structured', "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }"],
    ['<f16', dict('<f16', '(1,)')],
  ])('dtype %s -> UNSUPPORTED_DTYPE naming the file', (_d, header) => {
    expect(() => decodeNpy(npyBytes(header, new Uint8Array(16)), 'x.npy')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_DTYPE', message: expect.stringMatching(/^x\.npy: /) }),
    );
  });
});

describe('writing .npy', () => {
  it('writes the exact NumPy layout: v1.0, 64-byte aligned header, C order, little-endian', () => {
    const bytes = encodeNpy({ dtype: 'int16', dims: [2, 3], data: new Int16Array([1, -2, 3, -4, 5, -6]) });
    const header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    // 10 + 60 header characters + '\n' do not fit in 64 bytes: the data starts at 128.
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(128 - 10);
    const text = Buffer.from(bytes.subarray(10, 128)).toString('latin1');
    expect(text).toBe(header.padEnd(117, ' ') + '\n');
    expect(Array.from(bytes.subarray(128))).toEqual([1, 0, 0xfe, 0xff, 3, 0, 0xfc, 0xff, 5, 0, 0xfa, 0xff]);
  });

  it('writes one-element shapes as "(n,)" and scalars as "()"', () => {
    const text = (t: TensorData) => Buffer.from(encodeNpy(t)).toString('latin1');
    expect(text({ dtype: 'uint8', dims: [4], data: new Uint8Array(4) })).toContain("'descr': '|u1', 'fortran_order': False, 'shape': (4,), }");
    expect(text({ dtype: 'float32', dims: [], data: new Float32Array(1) })).toContain("'shape': (), }");
  });

  it.each(DTYPES)('%s: writer output reads back identically', (_code, kind, size, dtype) => {
    const t = decodeNpy(npyBytes(dict(`${size === 1 ? '|' : '<'}${_code}`, '(3, 1, 2)'), sixValues(kind, size, false)));
    expect(t.dtype).toBe(dtype);
    const back = decodeNpy(encodeNpy(t));
    expect(back.dtype).toBe(dtype);
    expect(back.dims).toEqual([3, 1, 2]);
    expect(values(back)).toEqual(expectedSix(kind, size));
  });

  it('refuses bfloat16 (no NumPy dtype) with a hint', () => {
    expect(() => encodeNpy({ dtype: 'bfloat16', dims: [1], data: new Uint16Array(1) }, 'out.npy')).toThrow(
      new HybridError(
        'UNSUPPORTED_DTYPE',
        'out.npy: bfloat16 has no NumPy dtype, so it cannot be written as .npy; write a .pb tensor file or cast to float32',
      ),
    );
  });

  it('reports I/O failures as TENSOR_FILE errors', () => {
    expect(() => writeNpy('/nonexistent-dir/x.npy', { dtype: 'float32', dims: [1], data: new Float32Array(1) })).toThrow(
      /^\/nonexistent-dir\/x\.npy: cannot write tensor file/,
    );
    expect(() => readNpy('/nonexistent-dir/x.npy')).toThrow(
      new HybridError('TENSOR_FILE', '/nonexistent-dir/x.npy: cannot read tensor file (no such file)'),
    );
    expect(() => readNpy(os.tmpdir())).toThrow(/is a directory/);
  });
});

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describeIf(hasNumpy, 'NumPy interoperability', 'python3 with numpy not installed', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-npy-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('NumPy reads what we write and we read what NumPy writes, every dtype, both orders', () => {
    for (const [code, kind, size] of DTYPES) {
      const t = decodeNpy(npyBytes(dict(`${size === 1 ? '|' : '<'}${code}`, '(2, 3)'), sixValues(kind, size, false)));
      writeNpy(path.join(dir, `ours_${code}.npy`), t);
    }
    const script = `
import numpy as np, sys, os
d = sys.argv[1]
for code in ${JSON.stringify(DTYPES.map((d) => d[0]))}:
    a = np.load(os.path.join(d, f'ours_{code}.npy'))
    assert a.shape == (2, 3) and a.dtype.str[1:] == code, (code, a.dtype, a.shape)
    np.save(os.path.join(d, f'np_c_{code}.npy'), a.astype(a.dtype.newbyteorder('>')))
    np.save(os.path.join(d, f'np_f_{code}.npy'), np.asfortranarray(a))
`;
    execFileSync('python3', ['-c', script, dir]);
    for (const [code, kind, size] of DTYPES) {
      for (const variant of ['c', 'f']) {
        const back = readNpy(path.join(dir, `np_${variant}_${code}.npy`));
        expect(back.dims).toEqual([2, 3]);
        expect(values(back)).toEqual(expectedSix(kind, size));
      }
    }
  });
});
