/**
 * The calibration cache in TensorRT's text format (src/quantize/cache.ts): a round trip, a
 * hand-written TensorRT-style cache (hex values worked out from the float32 bit patterns), and
 * the errors: a malformed line, and a cache that lacks tensors the model needs, by name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCacheCovers, formatCache, hexToScale, parseCache, readCache, scaleToHex, writeCache } from '../../src/quantize/cache.js';

describe('TensorRT calibration cache', () => {
  it('reads a TensorRT-written cache (no leading zeros, names with colons and slashes)', () => {
    const text = [
      'TRT-8601-EntropyCalibration2',
      'input: 3c010a14',
      '/conv1/Conv_output_0: 3d8d6dcf',
      'onnx::Gemm_12: 3f800000',
      'tiny: da24260',
      '',
    ].join('\n');
    const cache = parseCache(text);
    expect(cache.version).toBe('8601');
    expect(cache.algorithm).toBe('EntropyCalibration2');
    expect([...cache.scales.keys()]).toEqual(['input', '/conv1/Conv_output_0', 'onnx::Gemm_12', 'tiny']);
    // 0x3f800000 = 1.0; 0x3c010a14: exponent 0x78 - 127 = -7, mantissa 1 + 0x010a14 / 2^23
    expect(cache.scales.get('onnx::Gemm_12')).toBe(1);
    expect(cache.scales.get('input')).toBe(Math.fround(2 ** -7 * (1 + 0x010a14 / 2 ** 23)));
    expect(cache.scales.get('/conv1/Conv_output_0')).toBe(Math.fround(2 ** (0x7b - 127) * (1 + 0x0d6dcf / 2 ** 23)));
    expect(cache.scales.get('tiny')).toBe(Math.fround(2 ** (0x1b - 127) * (1 + 0x224260 / 2 ** 23)));
  });

  it('writes the float32 bits as TensorRT prints them and reads back the same scales', () => {
    expect(scaleToHex(1)).toBe('3f800000');
    expect(scaleToHex(Math.fround(2 ** -100))).toBe('d800000');
    const scales = new Map([
      ['x', Math.fround(0.0123)],
      ['a/b:c', Math.fround(7.5 / 127)],
    ]);
    const text = formatCache(scales, 'minmax');
    expect(text).toBe(`TRT-8601-MinMaxCalibration\nx: ${scaleToHex(scales.get('x')!)}\na/b:c: ${scaleToHex(scales.get('a/b:c')!)}\n`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calib-cache-'));
    const file = path.join(dir, 'model.cache');
    writeCache(file, scales, 'entropy');
    const back = readCache(file);
    expect(back.algorithm).toBe('EntropyCalibration2');
    expect(back.scales).toEqual(scales);
    for (const v of [0.5, 1e-30, 3.4e38]) expect(hexToScale(scaleToHex(v))).toBe(Math.fround(v));
    fs.rmSync(dir, { recursive: true });
  });

  it('says what is wrong with a malformed cache', () => {
    expect(() => parseCache('x: 3f800000\n', 'a.cache')).toThrow(/a.cache: the first line is not a TensorRT calibration cache header/);
    expect(() => parseCache('TRT-8601-EntropyCalibration2\nx 3f800000\n', 'a.cache')).toThrow(/a.cache: line 2 is not '<tensor>: <hex/);
    expect(() => parseCache('TRT-8601-EntropyCalibration2\nx: 7fc00000\n', 'a.cache')).toThrow(/tensor 'x' the scale NaN/);
    expect(() => readCache('/nonexistent/x.cache')).toThrow(/cannot read the calibration cache/);
  });

  it("reads TensorRT 10's header and the layer outputs TensorRT names itself (spaces, brackets, a scale of 0), CRLF too", () => {
    // TensorRT 10.14 writes version 101401; its own layers' outputs are '(Unnamed Layer* <n>) [<kind>]_output'.
    const text = [
      'TRT-101401-EntropyCalibration2',
      'input: 3caa54fc',
      '(Unnamed Layer* 64) [Shuffle]_output: 0',
      '(Unnamed Layer* 82) [Constant]_output: 3c56713e',
      '',
    ].join('\r\n');
    const cache = parseCache(text);
    expect([cache.version, cache.algorithm]).toEqual(['101401', 'EntropyCalibration2']);
    expect([...cache.scales.keys()]).toEqual(['input', '(Unnamed Layer* 64) [Shuffle]_output', '(Unnamed Layer* 82) [Constant]_output']);
    // 0x3c56713e: exponent 0x78 - 127 = -7, mantissa 1 + 0x56713e / 2^23; the 0 reads as 1 (below).
    expect(cache.scales.get('(Unnamed Layer* 82) [Constant]_output')).toBe(Math.fround(2 ** -7 * (1 + 0x56713e / 2 ** 23)));
    expect(cache.scales.get('(Unnamed Layer* 64) [Shuffle]_output')).toBe(1);
  });

  it('a scale of 0 (an all-zero tensor) reads as 1, not as a division by 0', () => {
    const cache = parseCache('TRT-8601-EntropyCalibration2\nzeros: 0\nx: 3f000000\n');
    expect([cache.scales.get('zeros'), cache.scales.get('x')]).toEqual([1, 0.5]);
  });

  it('a cache without some of the model tensors is an error naming them', () => {
    const cache = parseCache('TRT-8601-EntropyCalibration2\ninput: 3c010a14\nextra: 3f800000\n');
    expect(() => checkCacheCovers(cache, ['input'])).not.toThrow();
    let message = '';
    try {
      checkCacheCovers(cache, ['input', 'conv1_out', 'fc_in'], 'model.cache');
    } catch (e) {
      message = (e as Error).message;
      expect((e as { code?: string }).code).toBe('CALIBRATION');
    }
    expect(message).toBe(
      "model.cache does not match the model: it has no scale for 2 tensor(s) the model quantizes: 'conv1_out', 'fc_in' (a cache made for another model or another version of it?)",
    );
  });
});
