/**
 * External data: a model saved with its large tensors in a side file loads back with identical
 * tensors (and onnxruntime runs it to the same outputs); every way out of the model's folder
 * ('..', absolute paths, symbolic links) and every broken reference is an EXTERNAL_DATA error.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { allTensors, encodeModel, loadModelProto, saveModelProto } from '../../src/onnx/model.js';
import type { ModelProto, TensorProto } from '../../src/onnx/proto.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { fillUniform, mulberry32 } from '../../src/util/random.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-ext-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function seeded(n: number, seed: number): Float32Array {
  return fillUniform(new Float32Array(n), mulberry32(seed), -0.5, 0.5);
}

/**
 *   x[1,4] ─ MatMul(w: 4x300000 floats, 4.8 MB) ─ ReduceSum ─ Add(b) ─ Mul(c: Constant node) ─ y
 * plus a small int64 initializer (shape) that stays inline under the threshold.
 */
function makeModel(): ModelProto {
  const big: TensorData = { dtype: 'float32', dims: [4, 300000], data: seeded(4 * 300000, 1) };
  const bias: TensorData = { dtype: 'float32', dims: [1, 1], data: new Float32Array([0.25]) };
  const c: TensorData = { dtype: 'float32', dims: [1, 512], data: seeded(512, 2) };
  return buildModel({
    inputs: [{ name: 'x', shape: [1, 4] }],
    outputs: [{ name: 'y' }],
    initializers: { w: big, b: bias, axes: { dtype: 'int64', dims: [1], data: new BigInt64Array([1n]) } },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { op: 'ReduceSum', inputs: ['m', 'axes'], outputs: ['r'] },
      { op: 'Add', inputs: ['r', 'b'], outputs: ['s'] },
      { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value: c } },
      { op: 'Mul', inputs: ['s', 'c'], outputs: ['y'] },
    ],
  });
}

function tensorsByName(m: ModelProto): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  let i = 0;
  for (const t of allTensors(m)) out.set(t.name || `#${i++}`, tensorFromProto(t));
  return out;
}

function errorOf(fn: () => unknown): HybridError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HybridError) return e;
    throw new Error(`expected a HybridError, got ${String(e)}`);
  }
  throw new Error('expected an error');
}

describe('saving and loading with external data', () => {
  const dir = path.join(root, 'saved');
  const file = path.join(dir, 'model.onnx');
  let model: ModelProto;
  beforeAll(() => {
    fs.mkdirSync(dir);
    model = makeModel();
    saveModelProto(model, file, { externalData: { location: 'model.data', threshold: 1024 } });
  });

  it('moves tensors at or above the threshold out, page-aligns the large one, leaves the model unchanged', () => {
    const raw = loadModelProto(file, { loadExternalData: false });
    const ext = [...allTensors(raw)].filter((t) => t.dataLocation === 1);
    const entry = (t: TensorProto, k: string) => t.externalData.find((e) => e.key === k)?.value;
    expect(ext.map((t) => t.name ?? '')).toEqual(['w', '']); // the Constant's tensor has no name
    expect(ext.every((t) => entry(t, 'location') === 'model.data')).toBe(true);
    expect(Number(entry(ext[0]!, 'offset')) % 65536).toBe(0);
    expect(fs.statSync(path.join(dir, 'model.data')).size).toBeGreaterThanOrEqual(4 * 300000 * 4 + 512 * 4);
    expect(fs.statSync(file).size).toBeLessThan(4096);
    expect([...allTensors(model)].every((t) => t.dataLocation !== 1 && (t.rawData?.length ?? 0) > 0)).toBe(true);
  });

  it('loads back with identical tensors', () => {
    const back = tensorsByName(loadModelProto(file));
    const orig = tensorsByName(model);
    expect([...back.keys()]).toEqual([...orig.keys()]);
    for (const [name, t] of orig) {
      const b = back.get(name)!;
      expect(b.dtype).toBe(t.dtype);
      expect(b.dims).toEqual(t.dims);
      expect(
        Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
      ).toBe(true);
    }
  });

  it('onnxruntime runs the saved files and the in-memory model to the same outputs', async () => {
    const x = new ort.Tensor('float32', new Float32Array([1, -2, 0.5, 3]), [1, 4]);
    const a = await (await ort.InferenceSession.create(file)).run({ x });
    const b = await (await ort.InferenceSession.create(encodeModel(model))).run({ x });
    expect(Array.from(a.y!.data as Float32Array)).toEqual(Array.from(b.y!.data as Float32Array));
  });

  it('from bytes: needs baseDir, and works with it', () => {
    const bytes = fs.readFileSync(file);
    expect(errorOf(() => loadModelProto(bytes)).message).toBe("<bytes>: tensor 'w' uses external data; pass baseDir to load it from bytes");
    expect(tensorsByName(loadModelProto(bytes, { baseDir: dir })).get('w')!.dims).toEqual([4, 300000]);
  });

  it('typed-field tensors over the threshold go external too, and read back', () => {
    const m = makeModel();
    const w = m.graph!.initializer.find((t) => t.name === 'w')!;
    const values = tensorFromProto(w).data as Float32Array;
    Object.assign(w, { rawData: new Uint8Array(0), floatData: Array.from(values) });
    const f = path.join(dir, 'typed.onnx');
    saveModelProto(m, f, { externalData: { location: 'typed.data' } });
    expect(w.floatData.length).toBe(values.length); // restored after the save
    const back = tensorsByName(loadModelProto(f)).get('w')!.data as Float32Array;
    expect(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(values.buffer))).toBe(true);
  });
});

describe('external data that leaves the folder or is broken', () => {
  const outside = path.join(root, 'outside.bin');
  const dir = path.join(root, 'evil');

  /** Writes the model with tensor 'w' pointing at `entries` instead of its real data. */
  function pointW(entries: Record<string, string>, name = 'model.onnx'): string {
    const m = loadModelProto(path.join(root, 'saved', 'model.onnx'), { loadExternalData: false });
    const w = m.graph!.initializer.find((t) => t.name === 'w')!;
    w.externalData = Object.entries(entries).map(([key, value]) => ({ key, value }));
    const out = path.join(dir, name);
    fs.writeFileSync(out, encodeModel(m));
    return out;
  }
  const full = String(4 * 300000 * 4);

  beforeAll(() => {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(root, 'saved', 'model.data'), path.join(dir, 'model.data'));
    fs.writeFileSync(outside, new Uint8Array(4 * 300000 * 4));
    fs.symlinkSync(outside, path.join(dir, 'link.bin'));
    fs.symlinkSync(root, path.join(dir, 'linkdir'));
    fs.symlinkSync(path.join(dir, 'model.data'), path.join(dir, 'inside-link.bin'));
    fs.writeFileSync(path.join(dir, 'short.bin'), new Uint8Array(1000));
    fs.mkdirSync(path.join(dir, 'subdir'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  });

  it.each([
    ["'..'", { location: '../outside.bin', length: full }, "external data path '../outside.bin' leaves the model's folder"],
    ["'..' after a folder", { location: 'sub/../../outside.bin', length: full }, "leaves the model's folder"],
    ['an absolute path', { location: outside, length: full }, `external data path '${outside}' must be relative to the model's folder`],
    ['a symlinked file', { location: 'link.bin', length: full }, "external data path 'link.bin' links outside the model's folder"],
    ['a symlinked folder', { location: 'linkdir/outside.bin', length: full }, "links outside the model's folder"],
    [
      'a truncated file',
      { location: 'short.bin', length: full },
      `external data range (offset 0, length ${full}) lies outside 'short.bin' (1000 bytes)`,
    ],
    ['an offset past the end', { location: 'model.data', offset: '99999999', length: '4' }, 'lies outside'],
    ['a missing file', { location: 'nothing.bin' }, "external data file 'nothing.bin' not found beside the model"],
    ['no location', { offset: '0' }, 'external data has no location'],
    ['a non-numeric offset', { location: 'model.data', offset: '12abc' }, 'lies outside'],
    ['a negative length', { location: 'model.data', length: '-4' }, 'lies outside'],
    ['a wrong length', { location: 'model.data', length: '16' }, 'external data holds 16 bytes, its shape [4,300000] of float32 needs 4800000'],
    ['a directory', { location: 'subdir', length: full }, "external data 'subdir' is not a regular file"],
    ['a FIFO', { location: 'fifo', length: full }, "external data 'fifo' is not a regular file"],
  ])('%s is refused', (_what, entries, message) => {
    const f = pointW(entries);
    const err = errorOf(() => loadModelProto(f));
    expect(err.code).toBe('EXTERNAL_DATA');
    expect(err.message).toContain(`${f}: tensor 'w': `);
    expect(err.message).toContain(message);
  });

  it('a symlink that stays inside the folder is fine', () => {
    const f = pointW({ location: 'inside-link.bin', offset: '0', length: full });
    expect(tensorsByName(loadModelProto(f)).get('w')!.dims).toEqual([4, 300000]);
  });

  it('a folder of the model itself that is a symlink is fine (confinement uses real paths on both sides)', () => {
    const link = path.join(root, 'saved-link');
    fs.symlinkSync(path.join(root, 'saved'), link);
    expect(tensorsByName(loadModelProto(path.join(link, 'model.onnx'))).get('w')!.dims).toEqual([4, 300000]);
  });

  it('saving refuses external locations outside the folder, or the model file itself', () => {
    const m = makeModel();
    for (const location of ['../x.bin', path.join(root, 'x.bin'), '', 'model.onnx']) {
      const err = errorOf(() => saveModelProto(m, path.join(dir, 'model.onnx'), { externalData: { location } }));
      expect(err.code).toBe('EXTERNAL_DATA');
      expect(err.message).toMatch(/external data location/);
    }
    expect(fs.existsSync(path.join(root, 'x.bin'))).toBe(false);
  });

  it('saving into a folder that does not exist is a MODEL_SAVE error', () => {
    const err = errorOf(() => saveModelProto(makeModel(), path.join(root, 'no', 'such', 'm.onnx')));
    expect(err.code).toBe('MODEL_SAVE');
    expect(err.message).toMatch(/m\.onnx: cannot write/);
  });

  it('loading from bytes with a baseDir that does not exist', () => {
    const bytes = fs.readFileSync(path.join(root, 'saved', 'model.onnx'));
    expect(errorOf(() => loadModelProto(bytes, { baseDir: path.join(root, 'nowhere') })).code).toBe('EXTERNAL_DATA');
  });
});
