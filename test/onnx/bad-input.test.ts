/**
 * Bad input never escapes as anything but a HybridError: missing files, folders, empty files,
 * non-ONNX bytes, and a seeded fuzz of truncations and bit flips over real models (the
 * conformance data where present, plus a built model with subgraph, function, sparse
 * initializer and external data) and over tensor files. Loading goes as far as a user's load
 * would: decode, external data, every tensor to a typed array, the graph IR and back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { allTensors, encodeModel, loadModelProto, saveModelProto } from '../../src/onnx/model.js';
import { decodeNpy, encodeNpy } from '../../src/onnx/npy.js';
import { tensorFromProto, tensorToProto } from '../../src/onnx/tensor.js';
import { decodeTensorProtoFile } from '../../src/onnx/tensor-file.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { mulberry32 } from '../../src/util/random.js';
import { conformanceDir } from '../helpers/conformance.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-bad-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Loads as a user would; returns 'ok' or the HybridError code, and rethrows anything else. */
function loadAll(bytes: Uint8Array, baseDir?: string): string {
  try {
    const model = loadModelProto(bytes, { baseDir, label: 'fuzz.onnx' });
    for (const t of allTensors(model)) {
      try {
        tensorFromProto(t);
      } catch (e) {
        if (!(e instanceof HybridError)) throw e;
      }
    }
    encodeModel(Graph.fromModel(model, 'fuzz.onnx').toModel());
    return 'ok';
  } catch (e) {
    if (e instanceof HybridError) return e.code;
    throw e;
  }
}

/** 1-8 random bit flips. */
function flip(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = new Uint8Array(src);
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) b[Math.floor(rnd() * b.length)]! ^= 1 << Math.floor(rnd() * 8);
  return b;
}

/** Runs `fn` over cases, collecting every non-HybridError failure with its case label. */
function fuzz(cases: Iterable<[string, () => string]>): { outcomes: Map<string, number>; escaped: string[] } {
  const outcomes = new Map<string, number>();
  const escaped: string[] = [];
  for (const [label, fn] of cases) {
    try {
      const r = fn();
      outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
    } catch (e) {
      escaped.push(`${label}: ${(e as Error)?.constructor?.name} ${(e as Error)?.message}`);
    }
  }
  return { outcomes, escaped };
}

/**
 *   x ─ If(cond: then Add(x, one) / else Neg(x)) ─ Scale (local function: Mul by 2) ─ y
 * with a sparse initializer and one initializer saved as external data.
 */
function builtModelDir(): { bytes: Uint8Array; dir: string } {
  const one = { dtype: 'float32' as const, dims: [4], data: new Float32Array([1, 1, 1, 1]) };
  const m = buildModel({
    inputs: [{ name: 'x', shape: [4] }],
    outputs: [{ name: 'y' }],
    opsets: { 'local.fn': 1 },
    initializers: {
      cond: { dtype: 'bool', dims: [], data: new Uint8Array([1]) },
      big: { dtype: 'float32', dims: [64], data: new Float32Array(64).fill(3) },
    },
    nodes: [
      { op: 'If', inputs: ['cond'], outputs: ['z'] },
      { op: 'Scale', domain: 'local.fn', inputs: ['z'], outputs: ['y'] },
    ],
  });
  const sub = (op: string, ins: string[]) =>
    buildModel({
      inputs: [],
      outputs: [{ name: `${op}_out`, dtype: 'float32' }],
      initializers: op === 'Add' ? { one } : {},
      nodes: [{ op, inputs: ins, outputs: [`${op}_out`] }],
    }).graph!;
  m.graph!.node[0]!.attribute = [
    { name: 'then_branch', type: 5, g: sub('Add', ['x', 'one']) },
    { name: 'else_branch', type: 5, g: sub('Neg', ['x']) },
  ] as never;
  const two = tensorToProto({ dtype: 'float32', dims: [], data: new Float32Array([2]) });
  m.functions = [
    {
      name: 'Scale',
      domain: 'local.fn',
      input: ['a'],
      output: ['b'],
      attribute: [],
      attributeProto: [],
      opsetImport: [{ domain: '', version: 17 }],
      node: [
        { opType: 'Constant', input: [], output: ['k'], attribute: [{ name: 'value', type: 4, t: two }] },
        { opType: 'Mul', input: ['a', 'k'], output: ['b'], attribute: [] },
      ],
    },
  ] as never;
  m.graph!.sparseInitializer = [
    {
      values: tensorToProto({ dtype: 'float32', dims: [2], data: new Float32Array([5, 6]) }, 'sp'),
      indices: tensorToProto({ dtype: 'int64', dims: [2], data: new BigInt64Array([0n, 3n]) }),
      dims: [4],
    },
  ] as never;
  const dir = path.join(tmp, 'built');
  fs.mkdirSync(dir);
  saveModelProto(m, path.join(dir, 'model.onnx'), { externalData: { location: 'weights.bin', threshold: 200 } });
  return { bytes: fs.readFileSync(path.join(dir, 'model.onnx')), dir };
}

describe('files that are not models', () => {
  const err = (source: string | Uint8Array) => {
    try {
      loadModelProto(source);
    } catch (e) {
      return e;
    }
    return undefined;
  };
  const write = (name: string, data: string | Uint8Array) => {
    fs.writeFileSync(path.join(tmp, name), data);
    return path.join(tmp, name);
  };

  it.each([
    ['a missing file', () => path.join(tmp, 'missing.onnx'), /missing\.onnx: cannot read model \(no such file\)/],
    ['a directory', () => tmp, /: cannot read model \(is a directory\)/],
    ['an empty file', () => write('empty.onnx', ''), /empty\.onnx: empty file, not an ONNX model/],
    ['a text file', () => write('text.onnx', 'name,value\nalpha,1\nbeta,2\n'), /text\.onnx: not (a valid|an) ONNX model/],
    [
      'PNG bytes',
      () =>
        write(
          'img.onnx',
          Buffer.from(
            '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a40000000049454e44ae426082',
            'hex',
          ),
        ),
      /img\.onnx: not (a valid|an) ONNX model/,
    ],
    ['a JSON file', () => write('model.json', JSON.stringify({ irVersion: 8, graph: { node: [] } })), /model\.json: not (a valid|an) ONNX model/],
    [
      'a TensorProto file',
      () =>
        write(
          'tensor.onnx',
          TensorProtoType.encode(tensorToProto({ dtype: 'float32', dims: [2], data: new Float32Array(2) }, 't') as never).finish(),
        ),
      /tensor\.onnx: not (a valid|an) ONNX model/,
    ],
  ])('%s', (_what, source, message) => {
    const e = err(source());
    expect(e).toBeInstanceOf(HybridError);
    expect((e as HybridError).code).toBe('MODEL_LOAD');
    expect((e as HybridError).message).toMatch(message);
  });
});

describe('fuzzing the model loader (fixed seeds)', () => {
  const root = conformanceDir();
  const real = root
    ? [
        'light/light_bvlc_alexnet.onnx',
        'node/test_sequence_map_add_2_sequences_expanded/model.onnx',
        'node/test_conv_with_strides_and_asymmetric_padding/model.onnx',
      ]
        .map((p) => path.join(root, p))
        .filter((p) => fs.existsSync(p))
        .map((p) => [path.relative(root, p), fs.readFileSync(p)] as const)
    : [];
  const built = builtModelDir();
  const corpus: Array<readonly [string, Uint8Array, string?]> = [...real, ['built model', built.bytes, built.dir]];

  it('the corpus loads intact', () => {
    for (const [name, bytes, dir] of corpus) expect(loadAll(bytes, dir), name).toBe('ok');
    if (!root) console.warn('conformance data not found: fuzzing the built model only');
  });

  it('every truncation point of each model gives a HybridError or a model, never another exception', () => {
    const { outcomes, escaped } = fuzz(
      (function* () {
        for (const [name, bytes, dir] of corpus) {
          for (let n = 0; n < bytes.length; n++) yield [`${name} cut at ${n}`, () => loadAll(bytes.subarray(0, n), dir)] as [string, () => string];
        }
      })(),
    );
    expect(escaped.length, escaped.slice(0, 10).join('\n')).toBe(0);
    // Most cuts break the protobuf itself.
    const cuts = corpus.reduce((n, [, bytes]) => n + bytes.length, 0);
    expect(outcomes.get('MODEL_LOAD')).toBeGreaterThan(cuts / 2);
  });

  it('4000 random bit-flip mutants give a HybridError or a model', () => {
    const rnd = mulberry32(20261120);
    const { outcomes, escaped } = fuzz(
      (function* () {
        for (let i = 0; i < 4000; i++) {
          const [name, bytes, dir] = corpus[i % corpus.length]!;
          const mutant = flip(bytes, rnd);
          yield [`${name} mutant ${i}`, () => loadAll(mutant, dir)] as [string, () => string];
        }
      })(),
    );
    expect(escaped.length, escaped.slice(0, 10).join('\n')).toBe(0);
    expect(outcomes.size).toBeGreaterThan(1); // the mutations reach more than one outcome
  });

  it('1000 random byte strings give a HybridError', () => {
    const rnd = mulberry32(7);
    const { outcomes, escaped } = fuzz(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          const b = new Uint8Array(Math.floor(rnd() * 600));
          for (let k = 0; k < b.length; k++) b[k] = Math.floor(rnd() * 256);
          yield [`random ${i}`, () => loadAll(b)] as [string, () => string];
        }
      })(),
    );
    expect(escaped.length, escaped.slice(0, 10).join('\n')).toBe(0);
    expect(outcomes.get('ok') ?? 0).toBe(0);
  });
});

describe('fuzzing the tensor file readers (fixed seeds)', () => {
  const tensor = { dtype: 'float32' as const, dims: [3, 4], data: new Float32Array(12).map((_, i) => i) };
  const npy = encodeNpy(tensor);
  const pb = TensorProtoType.encode(tensorToProto(tensor, 'input') as never).finish();
  const readers: Array<[string, Uint8Array, (b: Uint8Array) => unknown]> = [
    ['npy', npy, (b) => decodeNpy(b, 'x.npy')],
    ['pb', pb, (b) => decodeTensorProtoFile(b, 'x.pb')],
  ];

  it('every truncation and 2000 bit-flip mutants of each give a HybridError or a tensor', () => {
    const rnd = mulberry32(99);
    const { escaped, outcomes } = fuzz(
      (function* () {
        for (const [name, bytes, read] of readers) {
          const run = (b: Uint8Array) => () => {
            try {
              read(b);
              return 'ok';
            } catch (e) {
              if (e instanceof HybridError) return e.code;
              throw e;
            }
          };
          for (let n = 0; n < bytes.length; n++) yield [`${name} cut at ${n}`, run(bytes.subarray(0, n))] as [string, () => string];
          for (let i = 0; i < 2000; i++) yield [`${name} mutant ${i}`, run(flip(bytes, rnd))] as [string, () => string];
        }
      })(),
    );
    expect(escaped.length, escaped.slice(0, 10).join('\n')).toBe(0);
    expect(outcomes.get('TENSOR_FILE')).toBeGreaterThan(100);
  });
});
