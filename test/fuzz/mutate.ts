/**
 * The model fuzzer's seeded mutator: seed models (the shipped examples, the conformance light_*
 * models, small graphs built here with src/ir/model-builder.ts) and named mutation kinds over
 * their ModelProtos and encoded bytes.
 *
 * A case is (seed model, kind, seed) and nothing else: `makeCase(seedModel, kind, seed)` decodes
 * a fresh copy of the seed model and draws every choice from one mulberry32 stream seeded from
 * the three, so the same triple gives the same bytes and the same compile options everywhere.
 * The case's `notes` say what was done, in words.
 *
 * Every mutation is a named function (MUTATIONS below). Proto mutators edit a decoded
 * ModelProto in place; byte mutators work on the encoded file. `multi` applies several.
 * Mutators never throw on odd models: where a model lacks what a kind needs, the kind adds it
 * (a shape constant, an attribute, a node) so that each kind always mutates something.
 *
 * NOTE: protobufjs decodes an absent repeated field as a frozen empty array shared on the
 * prototype, so every list here is replaced (`x = [...x, y]`), never pushed to in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Long from 'long';
import { buildModel } from '../../src/ir/model-builder.js';
import type {
  AttributeProto,
  FunctionProto,
  GraphProto,
  Int64,
  ModelProto,
  NodeProto,
  TensorProto,
  TypeProto,
  ValueInfoProto,
} from '../../src/onnx/proto.js';
import { AttributeType, toNumber } from '../../src/onnx/proto.js';
import { ModelProtoType } from '../../src/onnx/schema.js';
import { type Random, mulberry32, streamSeed } from '../../src/util/random.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// Seed models

export interface SeedModel {
  /** Stable name used in case ids: 'resnet_mini', 'light_vgg19', 'built_mlp'. */
  name: string;
  /** The encoded model (read or built once). */
  bytes: () => Uint8Array;
  /** Relative frequency when cases pick a seed model. */
  weight: number;
  /** Where it comes from (a path, or 'model-builder'). */
  source: string;
  /**
   * Multiplies the per-case time limit: the light models take seconds to compile unmutated
   * (light_vgg19 about 8 s alone on 2 cores), so that a loaded machine does not turn them
   * into false hangs.
   */
  slow?: number;
}

const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

const lazy = <T>(f: () => T): (() => T) => {
  let v: T | undefined;
  return () => (v ??= f());
};

/** $ONNX_CONFORMANCE_DIR, else ../shared/onnx-conformance beside the repository, if present. */
export function conformanceRoot(): string | undefined {
  for (const c of [process.env.ONNX_CONFORMANCE_DIR, path.join(REPO_ROOT, '..', 'shared', 'onnx-conformance')]) {
    if (c && fs.existsSync(c)) return c;
  }
  return undefined;
}

/**
 * The conformance light models: `light_*` folders holding a model.onnx (under the root or its
 * light/ folder), or `light/light_*.onnx` files (the layout of the ONNX backend test data).
 */
export function lightModelFiles(root: string | undefined): Array<{ name: string; file: string }> {
  if (!root) return [];
  const out = new Map<string, string>();
  for (const dir of [root, path.join(root, 'light')]) {
    if (!fs.existsSync(dir)) continue;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.name.startsWith('light_')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory() && fs.existsSync(path.join(p, 'model.onnx'))) out.set(e.name, path.join(p, 'model.onnx'));
      else if (e.isFile() && e.name.endsWith('.onnx')) out.set(e.name.replace(/\.onnx$/, ''), p);
    }
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([name, file]) => ({ name, file }));
}

/** Light models whose compile alone takes several seconds and over 400 MB (big ConstantOfShape weights). */
const HEAVY_LIGHT = new Set(['light_vgg19', 'light_zfnet512', 'light_bvlc_alexnet', 'light_resnet50']);

/**
 * Every seed model. Light models are skipped, with a message through `log`, where the
 * conformance folder is missing. `lightWeight` scales how often light models are picked (they
 * cost seconds per compile where the others cost tens of milliseconds).
 */
export function seedModels(options: { log?: (message: string) => void; lightWeight?: number } = {}): SeedModel[] {
  const file = (f: string) => lazy(() => new Uint8Array(fs.readFileSync(f)));
  const seeds: SeedModel[] = [
    { name: 'resnet_mini', bytes: file(path.join(REPO_ROOT, 'examples', 'resnet_mini.onnx')), weight: 3, source: 'examples/resnet_mini.onnx' },
    {
      name: 'transformer_block',
      bytes: file(path.join(REPO_ROOT, 'examples', 'transformer_block.onnx')),
      weight: 3,
      source: 'examples/transformer_block.onnx',
    },
  ];
  for (const [name, build] of Object.entries(BUILT_SEEDS)) {
    seeds.push({ name, bytes: lazy(() => ModelProtoType.encode(build() as never).finish()), weight: 2, source: 'model-builder' });
  }
  const root = conformanceRoot();
  const light = lightModelFiles(root);
  if (!light.length) {
    options.log?.(
      `fuzz: conformance light models skipped: ${root ? `no light_* models under ${root}` : 'no conformance folder (set ONNX_CONFORMANCE_DIR or place it at ../shared/onnx-conformance)'}`,
    );
  }
  const lw = options.lightWeight ?? 1;
  for (const { name, file: f } of light) {
    const heavy = HEAVY_LIGHT.has(name);
    seeds.push({ name, bytes: file(f), weight: (heavy ? 0.25 : 0.5) * lw, source: path.relative(REPO_ROOT, f), slow: heavy ? 3 : 2 });
  }
  return seeds.filter((s) => s.weight > 0);
}

// Small graphs built with model-builder: each covers ops or structures the others lack.

const f32 = (n: number, rng: Random) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
const i64 = (v: number[]) => BigInt64Array.from(v.map(BigInt));

function builtMlp(): ModelProto {
  const r = mulberry32(11);
  return buildModel({
    name: 'mlp',
    inputs: [{ name: 'x', shape: [2, 8] }],
    outputs: [{ name: 'y', shape: [2, 4] }],
    initializers: {
      w1: { dtype: 'float32', dims: [8, 16], data: f32(128, r) },
      b1: { dtype: 'float32', dims: [16], data: f32(16, r) },
      w2: { dtype: 'float32', dims: [16, 4], data: f32(64, r) },
    },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
      { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
      { op: 'Relu', inputs: ['h1'], outputs: ['h2'] },
      { op: 'MatMul', inputs: ['h2', 'w2'], outputs: ['h3'] },
      { op: 'Softmax', inputs: ['h3'], outputs: ['y'], attrs: { axis: -1 } },
    ],
  });
}

function builtConv(): ModelProto {
  const r = mulberry32(12);
  return buildModel({
    name: 'conv',
    inputs: [{ name: 'x', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'y', shape: ['N', 5] }],
    initializers: {
      w: { dtype: 'float32', dims: [4, 3, 3, 3], data: f32(108, r) },
      b: { dtype: 'float32', dims: [4], data: f32(4, r) },
      fw: { dtype: 'float32', dims: [64, 5], data: f32(320, r) },
      fb: { dtype: 'float32', dims: [5], data: f32(5, r) },
    },
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w', 'b'],
        outputs: ['c'],
        attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 },
      },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'AveragePool', inputs: ['p'], outputs: ['q'], attrs: { kernel_shape: [1, 1], pads: [0, 0, 0, 0] } },
      { op: 'Flatten', inputs: ['q'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'] },
    ],
  });
}

function builtShapes(): ModelProto {
  return buildModel({
    name: 'shapes',
    inputs: [{ name: 'x', shape: [2, 3, 4] }],
    outputs: [
      { name: 'y', shape: [2, 2, 24] },
      { name: 'y2', shape: [2, 12] },
    ],
    initializers: {
      s1: { dtype: 'int64', dims: [2], data: i64([6, 4]) },
      s2: { dtype: 'int64', dims: [3], data: i64([2, 4, 6]) },
      reps: { dtype: 'int64', dims: [3], data: i64([1, 1, 2]) },
      s3: { dtype: 'int64', dims: [3], data: i64([2, 4, 12]) },
      idx: { dtype: 'int64', dims: [2], data: i64([0, 2]) },
      zero: { dtype: 'int64', dims: [], data: i64([0]) },
      ax0: { dtype: 'int64', dims: [1], data: i64([0]) },
      minus1: { dtype: 'int64', dims: [1], data: i64([-1]) },
    },
    nodes: [
      { op: 'Reshape', inputs: ['x', 's1'], outputs: ['r'] },
      { op: 'Transpose', inputs: ['r'], outputs: ['t'], attrs: { perm: [1, 0] } },
      { op: 'Expand', inputs: ['t', 's2'], outputs: ['e'] },
      { op: 'Tile', inputs: ['e', 'reps'], outputs: ['tl'] },
      { op: 'ConstantOfShape', inputs: ['s3'], outputs: ['c'], attrs: { value: { dtype: 'float32', dims: [1], data: Float32Array.of(0.5) } } },
      { op: 'Add', inputs: ['tl', 'c'], outputs: ['a'] },
      { op: 'Gather', inputs: ['a', 'idx'], outputs: ['g'], attrs: { axis: 1 } },
      { op: 'Concat', inputs: ['g', 'g'], outputs: ['y'], attrs: { axis: -1 } },
      { op: 'Shape', inputs: ['x'], outputs: ['sh'] },
      { op: 'Gather', inputs: ['sh', 'zero'], outputs: ['d0'], attrs: { axis: 0 } },
      { op: 'Unsqueeze', inputs: ['d0', 'ax0'], outputs: ['u'] },
      { op: 'Concat', inputs: ['u', 'minus1'], outputs: ['cc'], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: ['x', 'cc'], outputs: ['y2'] },
    ],
  });
}

function builtIf(): ModelProto {
  const model = buildModel({
    name: 'if',
    inputs: [
      { name: 'x', shape: [2, 3] },
      { name: 'flag', dtype: 'bool', shape: [] },
    ],
    outputs: [{ name: 'y', shape: [2, 3] }],
    nodes: [
      { op: 'If', inputs: ['flag'], outputs: ['z'], name: 'the_if' },
      { op: 'Add', inputs: ['z', 'x'], outputs: ['y'] },
    ],
  });
  const branch = (op: string, out: string) =>
    buildModel({ name: out, inputs: [], outputs: [{ name: out, shape: [2, 3] }], nodes: [{ op, inputs: ['x'], outputs: [out] }] }).graph!;
  const node = model.graph!.node[0]!;
  node.attribute = [graphAttr('then_branch', branch('Relu', 'then_out')), graphAttr('else_branch', branch('Neg', 'else_out'))];
  return model;
}

function builtFunctions(): ModelProto {
  const r = mulberry32(15);
  const model = buildModel({
    name: 'functions',
    inputs: [{ name: 'x', shape: [3, 4] }],
    outputs: [{ name: 'y', shape: [3, 4] }],
    initializers: { b: { dtype: 'float32', dims: [4], data: f32(4, r) } },
    opsets: { 'fuzz.fn': 1 },
    nodes: [{ op: 'Twice', domain: 'fuzz.fn', inputs: ['x', 'b'], outputs: ['y'] }],
  });
  const opsets = [
    { domain: '', version: 17 },
    { domain: 'fuzz.fn', version: 1 },
  ];
  model.functions = [
    fn('fuzz.fn', 'AddRelu', ['a', 'b'], ['o'], [node('Add', ['a', 'b'], ['s']), node('Relu', ['s'], ['o'])], opsets),
    fn('fuzz.fn', 'Twice', ['a', 'b'], ['o'], [node('AddRelu', ['a', 'b'], ['m'], 'fuzz.fn'), node('AddRelu', ['m', 'b'], ['o'], 'fuzz.fn')], opsets),
  ];
  return model;
}

function builtInt(): ModelProto {
  return buildModel({
    name: 'int',
    inputs: [{ name: 'x', shape: [4, 4] }],
    outputs: [
      { name: 'y', shape: [4, 4] },
      { name: 'am', dtype: 'int64', shape: [4] },
    ],
    initializers: { k: { dtype: 'int64', dims: [4], data: i64([1, 2, 3, 4]) } },
    nodes: [
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['sq'] },
      { op: 'Cast', inputs: ['sq'], outputs: ['ci'], attrs: { to: INT64 } },
      { op: 'Add', inputs: ['ci', 'k'], outputs: ['cs'] },
      { op: 'Cast', inputs: ['cs'], outputs: ['cf'], attrs: { to: FLOAT } },
      { op: 'Sub', inputs: ['cf', 'x'], outputs: ['y'] },
      { op: 'ArgMax', inputs: ['x'], outputs: ['am'], attrs: { axis: 1, keepdims: 0 } },
    ],
  });
}

export const BUILT_SEEDS: Record<string, () => ModelProto> = {
  built_mlp: builtMlp,
  built_conv: builtConv,
  built_shapes: builtShapes,
  built_if: builtIf,
  built_functions: builtFunctions,
  built_int: builtInt,
};

// ---------------------------------------------------------------------------------------------
// Proto helpers

function node(opType: string, input: string[], output: string[], domain = '', name?: string, attribute: AttributeProto[] = []): NodeProto {
  return { input, output, opType, domain, name: name ?? '', attribute };
}

function fn(
  domain: string,
  name: string,
  input: string[],
  output: string[],
  nodes: NodeProto[],
  opsetImport: FunctionProto['opsetImport'],
): FunctionProto {
  return { domain, name, input, output, attribute: [], attributeProto: [], node: nodes, opsetImport };
}

function baseAttr(name: string, type: number): AttributeProto {
  return { name, type, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
}
function graphAttr(name: string, g: GraphProto): AttributeProto {
  return { ...baseAttr(name, AttributeType.GRAPH), g };
}
function intAttr(name: string, v: Int64): AttributeProto {
  return { ...baseAttr(name, AttributeType.INT), i: v };
}
function intsAttr(name: string, v: Int64[]): AttributeProto {
  return { ...baseAttr(name, AttributeType.INTS), ints: v };
}

function int64Tensor(name: string, values: Int64[], dims: number[] = [values.length]): TensorProto {
  const raw = new BigInt64Array(values.map((v) => BigInt(Long.fromValue(v as never).toString())));
  return tensor(name, INT64, dims, new Uint8Array(raw.buffer));
}
function tensor(name: string, dataType: number, dims: Int64[], rawData: Uint8Array): TensorProto {
  return {
    name,
    dataType,
    dims,
    rawData,
    floatData: [],
    int32Data: [],
    stringData: [],
    int64Data: [],
    externalData: [],
    doubleData: [],
    uint64Data: [],
  };
}
function floatTensor(name: string, values: number[], dims: number[] = [values.length]): TensorProto {
  return tensor(name, FLOAT, dims, new Uint8Array(Float32Array.from(values).buffer));
}
function boolScalar(name: string, v: boolean): TensorProto {
  return tensor(name, BOOL, [], Uint8Array.of(v ? 1 : 0));
}

function valueInfo(name: string, elemType: number | undefined, shape?: Array<number | string | Int64>): ValueInfoProto {
  const type: TypeProto = { tensorType: { elemType: elemType ?? 0 } };
  if (shape) {
    type.tensorType!.shape = {
      dim: shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
    };
  }
  return elemType === undefined ? { name } : { name, type };
}

/** A deep copy of a message: through JSON-safe structured cloning, Longs kept as Longs. */
function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Long.isLong(v)) return Long.fromValue(v as unknown as Long) as unknown as T;
  if (v instanceof Uint8Array) return new Uint8Array(v) as unknown as T;
  if (Array.isArray(v)) return v.map(clone) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = clone((v as Record<string, unknown>)[k]);
  return out as T;
}

const pick = <T>(rng: Random, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const randInt = (rng: Random, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo));
const chance = (rng: Random, p: number) => rng() < p;

/** Absurd dimension and attribute values: huge, zero, negative, past int32 and near int64's ends. */
export const ABSURD: readonly Int64[] = [
  1e12,
  2 ** 40,
  0,
  -1,
  -2,
  -1000,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 32 + 1,
  2 ** 53,
  Long.fromString('4611686018427387904'), // 2^62
  Long.MAX_VALUE,
  Long.MIN_VALUE,
];
const absurd = (rng: Random): Int64 => pick(rng, ABSURD);
/** Small values that are wrong in a plausible way (an odd kernel, stride 0, a pad past the input). */
export const ODD: readonly number[] = [0, 1, 2, 3, 4, 5, 7, 9, 16, 31, 64, 100, -1, -2, -3, -4];
/** Half absurd, half merely odd: geometry code breaks on the second kind too. */
const oddOrAbsurd = (rng: Random): Int64 => (chance(rng, 0.5) ? absurd(rng) : pick(rng, ODD));
const show = (v: Int64) => (Long.isLong(v) ? (v as Long).toString() : String(v));

function g(m: ModelProto): GraphProto {
  if (!m.graph) m.graph = { node: [], initializer: [], sparseInitializer: [], input: [], output: [], valueInfo: [] };
  return m.graph;
}

/** Names of the graph's initializers. */
const initNames = (gp: GraphProto) => new Set(gp.initializer.map((t) => t.name ?? ''));

/** Graph inputs that are not initializers. */
const realInputs = (gp: GraphProto) => {
  const inits = initNames(gp);
  return gp.input.filter((i) => !inits.has(i.name ?? ''));
};

/** Every value name the graph defines: inputs, initializers, node outputs. */
function definedValues(gp: GraphProto): string[] {
  const s = new Set<string>();
  for (const i of gp.input) if (i.name) s.add(i.name);
  for (const t of gp.initializer) if (t.name) s.add(t.name);
  for (const n of gp.node) for (const o of n.output) if (o) s.add(o);
  return [...s];
}

/** A name not used in the graph. */
function freshName(gp: GraphProto, base: string): string {
  const used = new Set(definedValues(gp));
  for (const n of gp.node) used.add(n.name ?? '');
  let s = base;
  for (let k = 1; used.has(s); k++) s = `${base}_${k}`;
  return s;
}

const elemTypeOf = (vi: ValueInfoProto | undefined) => vi?.type?.tensorType?.elemType;

/** A graph output of element type float (the first such), else the first output. */
function floatOutput(gp: GraphProto, rng?: Random): ValueInfoProto | undefined {
  const floats = gp.output.filter((o) => elemTypeOf(o) === FLOAT);
  if (floats.length) return rng ? pick(rng, floats) : floats[0];
  return gp.output[0];
}

/** Default-domain opset of the model (17 where it names none). */
function defaultOpset(m: ModelProto): number {
  const o = m.opsetImport.find((x) => !x.domain || x.domain === 'ai.onnx');
  return o ? toNumber(o.version) : 17;
}

function addOpset(m: ModelProto, domain: string, version: number): void {
  if (!m.opsetImport.some((o) => (o.domain ?? '') === domain)) m.opsetImport = [...m.opsetImport, { domain, version }];
}

/** Replaces graph output `o` by value `v` (keeping its declared type). */
function retargetOutput(gp: GraphProto, o: ValueInfoProto, v: string): void {
  gp.output = gp.output.map((x) => (x === o ? { ...x, name: v } : x));
}

/** Node indices that (transitively) read what node `i` produces. */
function descendants(gp: GraphProto, i: number): number[] {
  const readers = new Map<string, number[]>();
  gp.node.forEach((n, k) => {
    for (const v of n.input) {
      if (!v) continue;
      let r = readers.get(v);
      if (!r) readers.set(v, (r = []));
      r.push(k);
    }
  });
  const seen = new Set<number>();
  const stack = [i];
  while (stack.length) {
    const k = stack.pop()!;
    for (const o of gp.node[k]!.output) {
      for (const r of readers.get(o) ?? []) {
        if (!seen.has(r)) {
          seen.add(r);
          stack.push(r);
        }
      }
    }
  }
  seen.delete(i);
  return [...seen].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Mutations

/** What a mutator may touch: the model (proto mutators), the compile options, and notes. */
export interface MutationContext {
  rng: Random;
  model: ModelProto;
  notes: string[];
}

export type ProtoMutator = (ctx: MutationContext) => void;
export type ByteMutator = (bytes: Uint8Array, ctx: MutationContext) => Uint8Array;

/** Flips 1..16 bytes of the encoded file (xor with a random non-zero byte). */
export function byteFlip(bytes: Uint8Array, ctx: MutationContext): Uint8Array {
  const out = new Uint8Array(bytes);
  const n = pick(ctx.rng, [1, 1, 2, 4, 8, 16]);
  const at: number[] = [];
  for (let k = 0; k < n && out.length; k++) {
    const i = Math.floor(ctx.rng() * out.length);
    out[i] = out[i]! ^ randInt(ctx.rng, 1, 256);
    at.push(i);
  }
  ctx.notes.push(`flipped ${n} byte(s) at ${at.join(',')} of ${out.length}`);
  return out;
}

/** Cuts the encoded file short (anywhere, or a few bytes from the end). */
export function truncate(bytes: Uint8Array, ctx: MutationContext): Uint8Array {
  const len = chance(ctx.rng, 0.3) ? Math.max(0, bytes.length - randInt(ctx.rng, 1, 16)) : Math.floor(ctx.rng() * bytes.length);
  ctx.notes.push(`truncated to ${len} of ${bytes.length} bytes`);
  return bytes.slice(0, len);
}

/** Absurd (or merely odd) dimensions in graph input, output or value_info shapes. */
export function absurdIoDims(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const where = pick(rng, ['input', 'input', 'output', 'value_info', 'rank']);
  if (where === 'value_info') {
    // The seeds carry no value_info: declare one for an intermediate value, with an absurd shape.
    const produced = gp.node.flatMap((n) => n.output.filter(Boolean));
    if (!produced.length) return absurdIoDims({ ...ctx, rng: mulberry32(Math.floor(rng() * 2 ** 32)) });
    const v = pick(rng, produced);
    const rank = randInt(rng, 1, 5);
    const shape = Array.from({ length: rank }, () => (chance(rng, 0.5) ? absurd(rng) : randInt(rng, 1, 4)));
    gp.valueInfo = [...gp.valueInfo, valueInfo(v, chance(rng, 0.8) ? FLOAT : pick(rng, [INT64, BOOL, 10, 16]), shape)];
    ctx.notes.push(`value_info '${v}' declared [${shape.map(show)}]`);
    return;
  }
  const list = where === 'output' ? gp.output : where === 'rank' ? [...realInputs(gp), ...gp.output] : realInputs(gp);
  const withShape = list.filter((v) => v.type?.tensorType?.shape);
  if (!withShape.length) {
    // Nothing declared a shape there (built seeds leave output types out): declare one instead.
    ctx.notes.push(`no ${where} with a shape:`);
    const v = list[0]?.name;
    if (!v) return;
    const shape = [oddOrAbsurd(rng), randInt(rng, 1, 4)];
    if (where === 'input') gp.input = gp.input.map((x) => (x.name === v ? valueInfo(v, elemTypeOf(x) ?? FLOAT, shape) : x));
    else gp.output = gp.output.map((x) => (x.name === v ? valueInfo(v, elemTypeOf(x) ?? FLOAT, shape) : x));
    ctx.notes.push(`'${v}' declared [${shape.map(show)}]`);
    return;
  }
  const vi = pick(rng, withShape);
  const shape = vi.type!.tensorType!.shape!;
  if (where === 'rank') {
    // Another rank: dims added (absurd ones) or all removed.
    const dims = chance(rng, 0.3) ? [] : [...shape.dim, ...Array.from({ length: randInt(rng, 1, 4) }, () => ({ dimValue: absurd(rng) }))];
    shape.dim = dims;
    ctx.notes.push(`'${vi.name}' rank changed to ${dims.length}`);
    return;
  }
  if (!shape.dim.length) {
    shape.dim = [{ dimValue: absurd(rng) }];
    ctx.notes.push(`'${vi.name}' scalar given dim ${show(shape.dim[0]!.dimValue!)}`);
    return;
  }
  const k = Math.floor(rng() * shape.dim.length);
  const v = oddOrAbsurd(rng);
  shape.dim = shape.dim.map((d, i) => (i === k ? { dimValue: v } : d));
  ctx.notes.push(`${where} '${vi.name}' dim ${k} = ${show(v)}`);
}

/** Absurd dims on an initializer (its data unchanged). */
export function absurdInitializerDims(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  if (!gp.initializer.length) {
    gp.initializer = [floatTensor(freshName(gp, 'fuzz_init'), [1, 2, 3])];
  }
  const t = pick(rng, gp.initializer);
  const v = absurd(rng);
  const variant = pick(rng, ['one', 'one', 'append', 'all']);
  if (variant === 'one' && t.dims.length) {
    const k = Math.floor(rng() * t.dims.length);
    t.dims = t.dims.map((d, i) => (i === k ? v : d));
    ctx.notes.push(`initializer '${t.name}' dim ${k} = ${show(v)}`);
  } else if (variant === 'all') {
    t.dims = t.dims.length ? t.dims.map(() => v) : [v];
    ctx.notes.push(`initializer '${t.name}' dims all ${show(v)}`);
  } else {
    t.dims = [...t.dims, v];
    ctx.notes.push(`initializer '${t.name}' dims + [${show(v)}]`);
  }
}

const SHAPE_OPS: Record<string, number> = { Reshape: 1, Expand: 1, Tile: 1, ConstantOfShape: 0 };

/**
 * Absurd values in the shape constants of Reshape/ConstantOfShape/Expand/Tile (initializers or
 * Constant nodes); where the model has none (or sometimes anyway), adds such a node reading one.
 */
export function absurdShapeConstant(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const inits = new Map(gp.initializer.map((t) => [t.name ?? '', t]));
  const constants = new Map<string, TensorProto>();
  for (const n of gp.node) {
    if (n.opType !== 'Constant') continue;
    const t = n.attribute.find((a) => a.name === 'value')?.t;
    if (t && n.output[0]) constants.set(n.output[0], t);
  }
  const candidates: Array<{ t: TensorProto; op: string; value: string }> = [];
  for (const n of gp.node) {
    const idx = SHAPE_OPS[n.opType ?? ''];
    if (idx === undefined) continue;
    const v = n.input[idx];
    const t = v ? (inits.get(v) ?? constants.get(v)) : undefined;
    if (t && (t.dataType === INT64 || t.dataType === 6)) candidates.push({ t, op: n.opType!, value: v! });
  }
  if (candidates.length && chance(rng, 0.7)) {
    const { t, op, value } = pick(rng, candidates);
    const count = Math.max(
      1,
      t.dims.reduce<number>((a, d) => a * toNumber(d), 1),
    );
    const values: Int64[] = Array.from({ length: Math.min(count, 8) }, (_, i) => (i === 0 || chance(rng, 0.4) ? absurd(rng) : randInt(rng, 1, 4)));
    // Keep the element count (a rank change is another bug class); shuffle where the absurd value lands.
    if (values.length > 1 && chance(rng, 0.5)) values.reverse();
    const replaced = int64Tensor(t.name ?? '', values, [values.length]);
    Object.assign(t, { dataType: INT64, dims: replaced.dims, rawData: replaced.rawData, int64Data: [], int32Data: [] });
    ctx.notes.push(`${op} shape constant '${value}' = [${values.map(show)}]`);
    return;
  }
  // Add a shape op reading an absurd constant.
  const out = floatOutput(gp, rng);
  const op = pick(rng, ['Reshape', 'Expand', 'Tile', 'ConstantOfShape']);
  const rank = randInt(rng, 1, 5);
  const values: Int64[] = Array.from({ length: rank }, (_, i) => (i === 0 || chance(rng, 0.5) ? absurd(rng) : randInt(rng, 1, 4)));
  const c = freshName(gp, 'fuzz_shape');
  const y = freshName(gp, `fuzz_${op.toLowerCase()}`);
  gp.initializer = [...gp.initializer, int64Tensor(c, values)];
  if (op === 'ConstantOfShape' || !out) {
    gp.node = [...gp.node, node('ConstantOfShape', [c], [y], '', y)];
    gp.output = [...gp.output, valueInfo(y, FLOAT)];
  } else {
    gp.node = [...gp.node, node(op, [out.name!, c], [y], '', y)];
    retargetOutput(gp, out, y);
    gp.output = gp.output.map((o) => (o.name === y ? { name: y, type: { tensorType: { elemType: elemTypeOf(out) ?? FLOAT } } } : o));
  }
  ctx.notes.push(`added ${op} '${y}' with shape constant [${values.map(show)}]`);
}

const ATTR_INTS = [
  'kernel_shape',
  'pads',
  'strides',
  'dilations',
  'axis',
  'axes',
  'group',
  'perm',
  'output_padding',
  'output_shape',
  'keepdims',
  'to',
  'size',
];

/** Absurd (or merely odd) attribute ints: kernel_shape, pads, strides, axis and the like (added where absent). */
export function absurdAttrInts(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const candidates: Array<{ n: NodeProto; a: AttributeProto }> = [];
  for (const n of gp.node)
    for (const a of n.attribute)
      if (ATTR_INTS.includes(a.name ?? '') && (a.type === AttributeType.INT || a.type === AttributeType.INTS)) candidates.push({ n, a });
  if (candidates.length && chance(rng, 0.8)) {
    const { n, a } = pick(rng, candidates);
    const v = oddOrAbsurd(rng);
    if (a.type === AttributeType.INT) {
      a.i = v;
      ctx.notes.push(`node '${n.name}' (${n.opType}) ${a.name} = ${show(v)}`);
    } else {
      const variant = pick(rng, ['one', 'one', 'all', 'longer', 'empty']);
      if (variant === 'empty') a.ints = [];
      else if (variant === 'longer') a.ints = [...a.ints, v, v];
      else if (variant === 'all') a.ints = a.ints.map(() => v);
      else {
        const k = Math.floor(rng() * Math.max(1, a.ints.length));
        a.ints = a.ints.length ? a.ints.map((x, i) => (i === k ? v : x)) : [v];
      }
      ctx.notes.push(`node '${n.name}' (${n.opType}) ${a.name} ${variant} -> [${a.ints.map(show)}]`);
    }
    return;
  }
  if (!gp.node.length) return;
  const n = pick(rng, gp.node);
  const name = pick(rng, ['axis', 'axis', 'kernel_shape', 'pads', 'strides', 'perm']);
  const v = absurd(rng);
  const attr = name === 'axis' ? intAttr(name, v) : intsAttr(name, [v, v]);
  n.attribute = [...n.attribute.filter((a) => a.name !== name), attr];
  ctx.notes.push(`node '${n.name}' (${n.opType}) given ${name} = ${show(v)}`);
}

/** A graph output listed twice (or an input, initializer or '' listed as an output). */
export function duplicateGraphOutput(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const variant = pick(rng, ['same', 'same', 'input', 'initializer', 'empty']);
  if (variant === 'same' && gp.output.length) {
    const o = pick(rng, gp.output);
    const copies = chance(rng, 0.2) ? 50 : 1;
    gp.output = [...gp.output, ...Array.from({ length: copies }, () => clone(o))];
    ctx.notes.push(`output '${o.name}' listed ${copies + 1} times`);
  } else if (variant === 'input' && realInputs(gp).length) {
    const i = pick(rng, realInputs(gp));
    gp.output = [...gp.output, clone(i), clone(i)];
    ctx.notes.push(`input '${i.name}' listed twice as an output`);
  } else if (variant === 'initializer' && gp.initializer.length) {
    const t = pick(rng, gp.initializer);
    gp.output = [...gp.output, valueInfo(t.name ?? '', t.dataType), valueInfo(t.name ?? '', t.dataType)];
    ctx.notes.push(`initializer '${t.name}' listed twice as an output`);
  } else {
    gp.output = [...gp.output, valueInfo('', FLOAT), valueInfo('', FLOAT)];
    ctx.notes.push(`two outputs named ''`);
  }
}

/** A node duplicated: same name and outputs (or same name, other outputs). */
export function duplicateNode(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  if (!gp.node.length) return;
  const i = Math.floor(rng() * gp.node.length);
  const n = gp.node[i]!;
  const copy = clone(n);
  copy.input = copy.input ?? [];
  copy.output = copy.output ?? [];
  copy.attribute = copy.attribute ?? [];
  const variant = pick(rng, ['adjacent', 'adjacent', 'end', 'name-only']);
  if (variant === 'name-only') copy.output = copy.output.map((o) => (o ? freshName(gp, `${o}_dup`) : o));
  const at = variant === 'end' ? gp.node.length : i + 1;
  gp.node = [...gp.node.slice(0, at), copy, ...gp.node.slice(at)];
  ctx.notes.push(`node '${n.name}' (${n.opType}) duplicated (${variant})`);
}

/** Two nodes producing the same value; or one node listing an output twice, or an input's or initializer's name. */
export function duplicateNodeOutput(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const producers = gp.node.map((n, i) => ({ n, i })).filter(({ n }) => n.output.some(Boolean));
  if (!producers.length) return;
  let variant = pick(rng, ['two-nodes', 'two-nodes', 'same-node', 'input', 'initializer']);
  // Where the model lacks what a variant needs, a node lists its output twice instead.
  if (
    (variant === 'two-nodes' && producers.length < 2) ||
    (variant === 'input' && !realInputs(gp).length) ||
    (variant === 'initializer' && !gp.initializer.length)
  ) {
    variant = 'same-node';
  }
  if (variant === 'two-nodes') {
    const a = pick(rng, producers);
    const b = pick(
      rng,
      producers.filter((p) => p !== a),
    );
    const va = pick(rng, a.n.output.filter(Boolean));
    const k = b.n.output.findIndex(Boolean);
    const old = b.n.output[k]!;
    b.n.output = b.n.output.map((o, j) => (j === k ? va : o));
    // B's readers now read the shared name: the graph stays connected, the value defined twice.
    if (chance(rng, 0.7)) for (const n of gp.node) n.input = n.input.map((x) => (x === old ? va : x));
    gp.output = gp.output.map((o) => (o.name === old ? { ...o, name: va } : o));
    ctx.notes.push(`node '${b.n.name}' output '${old}' renamed to '${va}', also produced by '${a.n.name}'`);
  } else if (variant === 'same-node') {
    const { n } = pick(rng, producers);
    const o = n.output.find(Boolean)!;
    n.output = [...n.output, o];
    ctx.notes.push(`node '${n.name}' lists output '${o}' twice`);
  } else if (variant === 'input') {
    const { n } = pick(rng, producers);
    const inName = pick(rng, realInputs(gp)).name!;
    n.output = n.output.map((o, j) => (j === 0 ? inName : o));
    ctx.notes.push(`node '${n.name}' output 0 renamed to the graph input '${inName}'`);
  } else {
    const { n } = pick(rng, producers);
    const t = pick(rng, gp.initializer).name!;
    n.output = n.output.map((o, j) => (j === 0 ? t : o));
    ctx.notes.push(`node '${n.name}' output 0 renamed to the initializer '${t}'`);
  }
}

/** A graph input listed twice (same or conflicting type), or named as a node output or initializer. */
export function duplicateGraphInput(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const ins = realInputs(gp);
  const variant = pick(rng, ['same', 'same', 'conflicting', 'node-output', 'initializer', 'empty']);
  if ((variant === 'same' || variant === 'conflicting') && ins.length) {
    const i = pick(rng, ins);
    const copy = clone(i);
    if (variant === 'conflicting') {
      copy.type = { tensorType: { elemType: pick(rng, [INT64, BOOL, 10, 11]), shape: { dim: [{ dimValue: randInt(rng, 1, 9) }] } } };
    }
    gp.input = [...gp.input, copy];
    ctx.notes.push(`input '${i.name}' listed twice (${variant})`);
  } else if (variant === 'node-output') {
    const produced = gp.node.flatMap((n) => n.output.filter(Boolean));
    if (!produced.length) return;
    const v = pick(rng, produced);
    gp.input = [...gp.input, valueInfo(v, FLOAT, [1])];
    ctx.notes.push(`input '${v}' added, also a node output`);
  } else if (variant === 'initializer' && gp.initializer.length) {
    const t = pick(rng, gp.initializer);
    gp.input = [...gp.input, valueInfo(t.name ?? '', t.dataType ?? FLOAT, [randInt(rng, 1, 7), 1e3]), valueInfo(t.name ?? '', FLOAT, [1])];
    ctx.notes.push(`initializer '${t.name}' listed twice as an input, with conflicting shapes`);
  } else {
    gp.input = [...gp.input, valueInfo('', FLOAT, [1]), valueInfo('', FLOAT, [2])];
    ctx.notes.push(`two inputs named ''`);
  }
}

function otherValue(a: AttributeProto, rng: Random): AttributeProto {
  const b = clone(a);
  switch (a.type) {
    case AttributeType.INT:
      b.i = Long.fromValue((a.i ?? 0) as never).add(randInt(rng, 1, 5));
      break;
    case AttributeType.FLOAT:
      b.f = (a.f ?? 0) * 2 + 1;
      break;
    case AttributeType.INTS:
      b.ints = [...a.ints, 1];
      break;
    case AttributeType.FLOATS:
      b.floats = [...a.floats, 0.5];
      break;
    case AttributeType.STRING:
      b.s = new TextEncoder().encode('fuzz_other');
      break;
    default:
      b.type = AttributeType.INT;
      b.i = 7;
  }
  return b;
}

/** An attribute given twice with different values (or types). */
export function duplicateAttribute(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const withAttrs = gp.node.filter((n) => n.attribute.length);
  if (!withAttrs.length || chance(rng, 0.15)) {
    if (!gp.node.length) return;
    const n = pick(rng, gp.node);
    n.attribute = [...n.attribute, intAttr('axis', 0), intAttr('axis', 1)];
    ctx.notes.push(`node '${n.name}' (${n.opType}) given axis twice (0, 1)`);
    return;
  }
  const n = pick(rng, withAttrs);
  const a = pick(rng, n.attribute);
  const variant = pick(rng, ['value', 'value', 'type', 'untyped']);
  let b: AttributeProto;
  if (variant === 'value') b = otherValue(a, rng);
  else if (variant === 'type') {
    b =
      a.type === AttributeType.FLOAT
        ? { ...baseAttr(a.name ?? '', AttributeType.STRING), s: new TextEncoder().encode('x') }
        : { ...baseAttr(a.name ?? '', AttributeType.FLOAT), f: 2.5 };
  } else b = baseAttr(a.name ?? '', 0);
  n.attribute = chance(rng, 0.5) ? [...n.attribute, b] : [b, ...n.attribute];
  ctx.notes.push(`node '${n.name}' (${n.opType}) attribute '${a.name}' given twice (${variant})`);
}

/** Extra inputs on a node: existing values, '' or the same input again. */
export function extraNodeInput(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  if (!gp.node.length) return;
  const i = Math.floor(rng() * gp.node.length);
  const n = gp.node[i]!;
  // Values defined before the node (inputs, initializers, earlier outputs): no cycle, only arity.
  const before = new Set<string>([...gp.input.map((x) => x.name ?? ''), ...gp.initializer.map((t) => t.name ?? '')]);
  for (const m of gp.node.slice(0, i)) for (const o of m.output) before.add(o);
  before.delete('');
  const pool = [...before];
  const count = chance(rng, 0.1) ? 100 : randInt(rng, 1, 4);
  const extra = Array.from({ length: count }, () => {
    const r = rng();
    if (r < 0.15) return '';
    if (r < 0.3 && n.input.length) return pick(rng, n.input);
    return pool.length ? pick(rng, pool) : '';
  });
  n.input = [...n.input, ...extra];
  ctx.notes.push(`node '${n.name}' (${n.opType}) given ${count} extra input(s)${count <= 4 ? `: ${extra.map((e) => `'${e}'`).join(', ')}` : ''}`);
}

/** A node input removed (one, all, or blanked to ''). */
export function removedNodeInput(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const withInputs = gp.node.filter((n) => n.input.length);
  if (!withInputs.length) return;
  const n = pick(rng, withInputs);
  const variant = pick(rng, ['one', 'one', 'last', 'all', 'blank']);
  const k = Math.floor(rng() * n.input.length);
  if (variant === 'all') n.input = [];
  else if (variant === 'last') n.input = n.input.slice(0, -1);
  else if (variant === 'blank') n.input = n.input.map((x, j) => (j === k ? '' : x));
  else n.input = n.input.filter((_, j) => j !== k);
  ctx.notes.push(`node '${n.name}' (${n.opType}) inputs ${variant}${variant === 'one' || variant === 'blank' ? ` #${k}` : ''}`);
}

/** A cycle: a node's input rewired to a later node's output that depends on it (or to its own). */
export function cycle(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const order = gp.node.map((_, i) => i).filter((i) => gp.node[i]!.input.length && gp.node[i]!.output.some(Boolean));
  if (!order.length) return;
  const variant = pick(rng, ['descendant', 'descendant', 'descendant', 'self', 'later']);
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = pick(rng, order);
    const n = gp.node[i]!;
    const k = Math.floor(rng() * n.input.length);
    let j: number | undefined;
    if (variant === 'self') j = i;
    else if (variant === 'later') j = i + 1 < gp.node.length ? randInt(rng, i + 1, gp.node.length) : undefined;
    else {
      const d = descendants(gp, i);
      j = d.length ? pick(rng, d) : undefined;
    }
    if (j === undefined) continue;
    const outs = gp.node[j]!.output.filter(Boolean);
    if (!outs.length) continue;
    const v = pick(rng, outs);
    const old = n.input[k];
    n.input = n.input.map((x, m) => (m === k ? v : x));
    ctx.notes.push(`node '${n.name}' (${n.opType}) input ${k} '${old}' -> '${v}' of node '${gp.node[j]!.name}' (${variant})`);
    return;
  }
  ctx.notes.push('no cycle found to make');
}

/** A chain of 50,000 (or 20,000/100,000) Identity/Relu nodes, at an output or in the middle. */
export function deepChain(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const length = pick(rng, [50_000, 50_000, 50_000, 20_000, 100_000]);
  const where = pick(rng, ['output', 'output', 'middle']);
  const ops = pick(rng, [['Identity'], ['Relu'], ['Identity', 'Relu']]);
  const out = floatOutput(gp, rng);
  let from: string;
  let insertAt = gp.node.length;
  let middleReaders: NodeProto[] = [];
  if (where === 'middle') {
    const candidates = gp.node.map((n, i) => ({ n, i })).filter(({ n }) => n.output[0] && gp.node.some((m) => m.input.includes(n.output[0]!)));
    if (!candidates.length) return deepChain({ ...ctx, rng: mulberry32(Math.floor(rng() * 2 ** 32)) });
    const { n, i } = pick(rng, candidates);
    from = n.output[0]!;
    insertAt = i + 1;
    middleReaders = gp.node.filter((m) => m.input.includes(from));
  } else {
    if (!out) return;
    from = out.name!;
  }
  const float = where === 'output' ? elemTypeOf(out) === FLOAT : true;
  const chainOps = float ? ops : ['Identity'];
  const prefix = freshName(gp, 'fuzz_chain');
  const chain: NodeProto[] = [];
  let prev = from;
  for (let k = 0; k < length; k++) {
    const y = `${prefix}_${k}`;
    chain.push(node(chainOps[k % chainOps.length]!, [prev], [y], '', y));
    prev = y;
  }
  for (const m of middleReaders) m.input = m.input.map((x) => (x === from ? prev : x));
  gp.node = [...gp.node.slice(0, insertAt), ...chain, ...gp.node.slice(insertAt)];
  if (where === 'output') retargetOutput(gp, out!, prev);
  ctx.notes.push(`${length} ${chainOps.join('/')} nodes chained after '${from}' (${where})`);
}

/** Calls of model-local functions nested 10,000 deep (or recursive, or just past the inliner's limit). */
export function deepFunctions(ctx: MutationContext): void {
  const { rng } = ctx;
  const m = ctx.model;
  const gp = g(m);
  const variant = pick(rng, ['deep', 'deep', 'deep', 'self-recursive', 'mutual', 'depth-64', 'depth-66', 'missing-callee']);
  const depth = variant === 'deep' ? pick(rng, [10_000, 10_000, 2_000]) : variant === 'depth-64' ? 64 : variant === 'depth-66' ? 66 : 2;
  const domain = 'fuzz.local';
  const opsets = [
    { domain: '', version: defaultOpset(m) },
    { domain, version: 1 },
  ];
  const name = (k: number) => `f${k}`;
  const fns: FunctionProto[] = [];
  if (variant === 'self-recursive') {
    fns.push(fn(domain, 'f0', ['x'], ['y'], [node('f0', ['x'], ['y'], domain)], opsets));
  } else if (variant === 'mutual') {
    fns.push(fn(domain, 'f0', ['x'], ['y'], [node('f1', ['x'], ['y'], domain)], opsets));
    fns.push(fn(domain, 'f1', ['x'], ['y'], [node('Relu', ['x'], ['r']), node('f0', ['r'], ['y'], domain)], opsets));
  } else {
    for (let k = 0; k < depth; k++) {
      const last = k === depth - 1;
      const body = last ? [node('Relu', ['x'], ['y'])] : [node(name(k + 1), ['x'], ['y'], domain)];
      fns.push(fn(domain, name(k), ['x'], ['y'], body, opsets));
    }
    if (variant === 'missing-callee') fns.pop();
  }
  m.functions = [...m.functions, ...fns];
  addOpset(m, domain, 1);
  const out = floatOutput(gp, rng);
  if (!out) return;
  const y = freshName(gp, 'fuzz_call');
  gp.node = [...gp.node, node('f0', [out.name!], [y], domain, y)];
  retargetOutput(gp, out, y);
  ctx.notes.push(`${variant}: ${fns.length} local function(s), called on '${out.name}'`);
}

/** Functions whose bodies call the next one twice: inlining n levels makes 2^n nodes. */
export function functionExplosion(ctx: MutationContext): void {
  const { rng } = ctx;
  const m = ctx.model;
  const gp = g(m);
  const depth = pick(rng, [16, 24, 30, 40, 63]);
  const domain = 'fuzz.local';
  const opsets = [
    { domain: '', version: defaultOpset(m) },
    { domain, version: 1 },
  ];
  const fns: FunctionProto[] = [];
  for (let k = 0; k < depth; k++) {
    const body = k === depth - 1 ? [node('Relu', ['x'], ['y'])] : [node(`e${k + 1}`, ['x'], ['t'], domain), node(`e${k + 1}`, ['t'], ['y'], domain)];
    fns.push(fn(domain, `e${k}`, ['x'], ['y'], body, opsets));
  }
  m.functions = [...m.functions, ...fns];
  addOpset(m, domain, 1);
  const out = floatOutput(gp, rng);
  if (!out) return;
  const y = freshName(gp, 'fuzz_call');
  gp.node = [...gp.node, node('e0', [out.name!], [y], domain, y)];
  retargetOutput(gp, out, y);
  ctx.notes.push(`${depth} functions each calling the next twice (2^${depth - 1} nodes inlined), called on '${out.name}'`);
}

function branchGraph(name: string, nodes: NodeProto[], outputs: ValueInfoProto[], initializer: TensorProto[] = []): GraphProto {
  return { name, node: nodes, initializer, sparseInitializer: [], input: [], output: outputs, valueInfo: [] };
}

/** An If node whose branches read an outer value, well formed (sometimes nested). */
function addIf(ctx: MutationContext, broken: string | undefined): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const out = floatOutput(gp, rng);
  if (!out) return;
  const v = out.name!;
  const et = elemTypeOf(out) ?? FLOAT;
  const y = freshName(gp, 'fuzz_if');
  const cond = freshName(gp, 'fuzz_cond');
  if (chance(rng, 0.5)) {
    gp.input = [...gp.input, valueInfo(cond, BOOL, [])];
  } else {
    gp.initializer = [...gp.initializer, boolScalar(cond, chance(rng, 0.5))];
  }
  const tOut = `${y}_then`;
  const eOut = `${y}_else`;
  let thenB = branchGraph('then', [node('Identity', [v], [tOut], '', `${y}_then_id`)], [valueInfo(tOut, et)]);
  let elseB = branchGraph('else', [node(et === FLOAT ? 'Relu' : 'Identity', [v], [eOut], '', `${y}_else_op`)], [valueInfo(eOut, et)]);
  if (!broken && chance(rng, 0.3)) {
    // Nested: the then branch holds another If on the same condition.
    const inner = `${y}_inner`;
    const innerNode = node('If', [cond], [inner], '', `${y}_inner_if`, [
      graphAttr('then_branch', branchGraph('t2', [node('Identity', [v], [`${inner}_t`])], [valueInfo(`${inner}_t`, et)])),
      graphAttr('else_branch', branchGraph('e2', [node('Identity', [v], [`${inner}_e`])], [valueInfo(`${inner}_e`, et)])),
    ]);
    thenB = branchGraph('then', [innerNode, node('Identity', [inner], [tOut])], [valueInfo(tOut, et)]);
  }
  if (!broken && chance(rng, 0.2)) {
    // A branch with its own initializer.
    const c = `${y}_else_c`;
    elseB = branchGraph('else', [node('Mul', [v, c], [eOut])], [valueInfo(eOut, et)], [floatTensor(c, [2], [])]);
  }
  let attrs = [graphAttr('then_branch', thenB), graphAttr('else_branch', elseB)];
  let inputs = [cond];
  let outputs = [y];
  switch (broken) {
    case 'no-else':
      attrs = attrs.slice(0, 1);
      break;
    case 'output-count':
      elseB.output = [...elseB.output, valueInfo(eOut, et)];
      elseB.node = [...elseB.node];
      break;
    case 'missing-outer':
      thenB.node = [node('Relu', ['fuzz_no_such_outer_value'], [tOut])];
      break;
    case 'unproduced-output':
      elseB.node = [];
      break;
    case 'dtype-mismatch':
      elseB.node = [node('Cast', [v], [eOut], '', undefined, [intAttr('to', INT64)])];
      elseB.output = [valueInfo(eOut, INT64)];
      break;
    case 'cycle':
      thenB.node = [node('Relu', [`${tOut}_b`], [`${tOut}_a`]), node('Relu', [`${tOut}_a`], [`${tOut}_b`]), node('Identity', [`${tOut}_b`], [tOut])];
      break;
    case 'wrong-attr-type':
      attrs = [{ ...intAttr('then_branch', 1) }, attrs[1]!];
      break;
    case 'cond-tensor':
      inputs = [freshName(gp, 'fuzz_cond_vec')];
      gp.initializer = [...gp.initializer, floatTensor(inputs[0]!, [1, 0, 1])];
      break;
    case 'no-outputs':
      thenB.output = [];
      elseB.output = [];
      break;
    case 'no-cond':
      inputs = [];
      break;
    case 'shadowing':
      // A branch node redefines an outer value's name.
      thenB.node = [node('Relu', [v], [v]), node('Identity', [v], [tOut])];
      break;
    case 'extra-if-outputs':
      outputs = [y, `${y}_extra`, `${y}_extra2`];
      break;
    case 'empty-branch':
      attrs = [graphAttr('then_branch', branchGraph('empty', [], [])), attrs[1]!];
      break;
  }
  gp.node = [...gp.node, node('If', inputs, outputs, '', y, attrs)];
  retargetOutput(gp, out, y);
  ctx.notes.push(`If '${y}' on '${cond}' over '${v}'${broken ? `, broken: ${broken}` : ''}`);
}

/** An If node with well-formed subgraphs reading an outer value. */
export function ifSubgraph(ctx: MutationContext): void {
  addIf(ctx, undefined);
}

/** An If node with a broken subgraph (or attributes). */
export function ifBrokenSubgraph(ctx: MutationContext): void {
  const kind = pick(ctx.rng, [
    'no-else',
    'output-count',
    'missing-outer',
    'unproduced-output',
    'dtype-mismatch',
    'cycle',
    'wrong-attr-type',
    'cond-tensor',
    'no-outputs',
    'no-cond',
    'shadowing',
    'extra-if-outputs',
    'empty-branch',
  ]);
  addIf(ctx, kind);
}

/** A reference to a value nothing defines: a node input, a graph output, or a removed initializer. */
export function danglingReference(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  const variant = pick(rng, ['node-input', 'node-input', 'graph-output', 'removed-initializer', 'removed-input', 'removed-producer']);
  const missing = freshName(gp, 'fuzz_missing');
  if (variant === 'graph-output') {
    gp.output = [...gp.output, valueInfo(missing, FLOAT, [1])];
    ctx.notes.push(`output '${missing}' defined by nothing`);
  } else if (variant === 'removed-initializer' && gp.initializer.length) {
    const k = Math.floor(rng() * gp.initializer.length);
    const t = gp.initializer[k]!;
    gp.initializer = gp.initializer.filter((_, j) => j !== k);
    ctx.notes.push(`initializer '${t.name}' removed`);
  } else if (variant === 'removed-input' && realInputs(gp).length) {
    const i = pick(rng, realInputs(gp));
    gp.input = gp.input.filter((x) => x !== i);
    ctx.notes.push(`graph input '${i.name}' removed`);
  } else if (variant === 'removed-producer' && gp.node.length) {
    const k = Math.floor(rng() * gp.node.length);
    ctx.notes.push(`node '${gp.node[k]!.name}' (${gp.node[k]!.opType}) removed`);
    gp.node = gp.node.filter((_, j) => j !== k);
  } else {
    const withInputs = gp.node.filter((n) => n.input.some(Boolean));
    if (!withInputs.length) return;
    const n = pick(rng, withInputs);
    const k = n.input.findIndex(Boolean);
    n.input = n.input.map((x, j) => (j === k ? missing : x));
    ctx.notes.push(`node '${n.name}' (${n.opType}) input ${k} -> '${missing}'`);
  }
}

/** An initializer whose data does not match its dims or dtype (or holds an unsupported type). */
export function initializerDataMismatch(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  if (!gp.initializer.length) gp.initializer = [floatTensor(freshName(gp, 'fuzz_init'), [1, 2, 3])];
  const t = pick(rng, gp.initializer);
  const variant = pick(rng, [
    'dims-grown',
    'dtype-changed',
    'dtype-changed',
    'raw-truncated',
    'odd-dtype',
    'both-fields',
    'typed-short',
    'external-missing',
    'external-escape',
    'no-data',
  ]);
  const raw = t.rawData && t.rawData.length ? t.rawData : undefined;
  switch (variant) {
    case 'dims-grown':
      t.dims = t.dims.length ? t.dims.map((d, i) => (i === 0 ? toNumber(d) * 2 + 1 : d)) : [3];
      break;
    case 'dtype-changed':
      t.dataType = pick(
        rng,
        [INT64, 11, 10, 3, BOOL, 6, 16].filter((c) => c !== t.dataType),
      );
      break;
    case 'raw-truncated':
      if (raw) t.rawData = raw.subarray(0, Math.max(0, raw.length - randInt(rng, 1, 8)));
      else t.dims = [...t.dims, 2];
      break;
    case 'odd-dtype':
      t.dataType = pick(rng, [0, 8, 14, 15, 17, 19, 21, 22, 23, 99]);
      break;
    case 'both-fields':
      t.floatData = [1, 2, 3];
      t.int64Data = [1, 2];
      break;
    case 'typed-short':
      t.rawData = new Uint8Array(0);
      t.floatData = [1];
      t.int64Data = [Long.fromNumber(1)];
      t.int32Data = [1];
      t.doubleData = [1];
      break;
    case 'external-missing':
      t.dataLocation = 1;
      t.externalData = [
        { key: 'location', value: 'fuzz_no_such_file.bin' },
        { key: 'length', value: String(raw?.length ?? 4) },
      ];
      break;
    case 'external-escape':
      t.dataLocation = 1;
      t.externalData = [{ key: 'location', value: pick(rng, ['../../../../etc/passwd', '/etc/passwd', '.', 'x\u0000y']) }];
      break;
    case 'no-data':
      t.rawData = new Uint8Array(0);
      t.floatData = [];
      t.int64Data = [];
      t.int32Data = [];
      t.doubleData = [];
      break;
  }
  ctx.notes.push(`initializer '${t.name}' ${variant} (dtype ${t.dataType}, dims [${t.dims.map(show)}])`);
}

/** Other opset versions (0, negative, far future, none, duplicated) or IR versions. */
export function opsetChange(ctx: MutationContext): void {
  const { rng } = ctx;
  const m = ctx.model;
  const variant = pick(rng, ['version', 'version', 'version', 'removed', 'duplicated', 'ai.onnx-alias', 'ir-version', 'custom-domain']);
  const others = m.opsetImport.filter((o) => o.domain && o.domain !== 'ai.onnx');
  switch (variant) {
    case 'version': {
      const v = pick(rng, [1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 99, 0, -1, 2 ** 40]);
      m.opsetImport = [{ domain: '', version: v }, ...others];
      ctx.notes.push(`default opset -> ${v}`);
      break;
    }
    case 'removed':
      m.opsetImport = others;
      ctx.notes.push('default opset import removed');
      break;
    case 'duplicated': {
      const v = defaultOpset(m);
      m.opsetImport = [{ domain: '', version: v }, { domain: '', version: pick(rng, [7, 11, 13, 21]) }, ...others];
      ctx.notes.push('default opset imported twice with different versions');
      break;
    }
    case 'ai.onnx-alias':
      m.opsetImport = [...m.opsetImport, { domain: 'ai.onnx', version: pick(rng, [7, 11, 13, 21]) }];
      ctx.notes.push(`'ai.onnx' imported beside ''`);
      break;
    case 'ir-version': {
      const v = pick(rng, [1, 2, 3, 11, 12, 100, 2 ** 40]);
      m.irVersion = v;
      ctx.notes.push(`ir_version -> ${v}`);
      break;
    }
    case 'custom-domain': {
      const gp = g(m);
      if (!gp.node.length) return;
      const n = pick(rng, gp.node);
      n.domain = pick(rng, ['com.unknown', 'ai.onnx.ml', 'com.microsoft']);
      ctx.notes.push(`node '${n.name}' (${n.opType}) moved to domain '${n.domain}'`);
      break;
    }
  }
}

const SWAP_OPS = [
  'Relu',
  'Conv',
  'MatMul',
  'Gemm',
  'Softmax',
  'Reshape',
  'Concat',
  'MaxPool',
  'Add',
  'Gather',
  'Transpose',
  'Flatten',
  'Resize',
  'Split',
  'Slice',
  'LayerNormalization',
  'BatchNormalization',
  'Where',
  'NonZero',
  'Loop',
  'Scan',
  'If',
  'Einsum',
  'TopK',
  'NoSuchOp',
  '',
];

/** A node's op type replaced by another (its inputs and attributes kept). */
export function opSwap(ctx: MutationContext): void {
  const { rng } = ctx;
  const gp = g(ctx.model);
  if (!gp.node.length) return;
  const n = pick(rng, gp.node);
  const old = n.opType;
  n.opType = pick(
    rng,
    SWAP_OPS.filter((o) => o !== old),
  );
  ctx.notes.push(`node '${n.name}' op ${old} -> '${n.opType}'`);
}

export interface MutationKind {
  name: string;
  proto?: ProtoMutator;
  bytes?: ByteMutator;
  /** Costly to compile (thousands of nodes): left out of `multi`. */
  heavy?: boolean;
}

function multi(ctx: MutationContext): void {
  const pool = MUTATIONS.filter((k) => k.proto && !k.heavy && k.name !== 'multi');
  const n = randInt(ctx.rng, 2, 5);
  for (let k = 0; k < n; k++) {
    const kind = pick(ctx.rng, pool);
    ctx.notes.push(`[${kind.name}]`);
    kind.proto!(ctx);
  }
}

/** Every mutation kind, in a fixed order (cases cycle through them). */
export const MUTATIONS: readonly MutationKind[] = [
  { name: 'byte-flip', bytes: byteFlip },
  { name: 'truncate', bytes: truncate },
  { name: 'absurd-io-dims', proto: absurdIoDims },
  { name: 'absurd-initializer-dims', proto: absurdInitializerDims },
  { name: 'absurd-shape-constant', proto: absurdShapeConstant },
  { name: 'absurd-attr-ints', proto: absurdAttrInts },
  { name: 'duplicate-graph-output', proto: duplicateGraphOutput },
  { name: 'duplicate-node', proto: duplicateNode },
  { name: 'duplicate-node-output', proto: duplicateNodeOutput },
  { name: 'duplicate-graph-input', proto: duplicateGraphInput },
  { name: 'duplicate-attribute', proto: duplicateAttribute },
  { name: 'extra-node-input', proto: extraNodeInput },
  { name: 'removed-node-input', proto: removedNodeInput },
  { name: 'cycle', proto: cycle },
  { name: 'deep-chain', proto: deepChain, heavy: true },
  { name: 'deep-functions', proto: deepFunctions, heavy: true },
  { name: 'function-explosion', proto: functionExplosion, heavy: true },
  { name: 'if-subgraph', proto: ifSubgraph },
  { name: 'if-broken-subgraph', proto: ifBrokenSubgraph },
  { name: 'dangling-reference', proto: danglingReference },
  { name: 'initializer-data-mismatch', proto: initializerDataMismatch },
  { name: 'opset-change', proto: opsetChange },
  { name: 'op-swap', proto: opSwap },
  { name: 'multi', proto: multi },
];

export const KIND_NAMES: readonly string[] = MUTATIONS.map((k) => k.name);

// ---------------------------------------------------------------------------------------------
// Cases

/** Options the child process compiles and runs with (JSON). */
export interface CaseOptions {
  /** compile() options: backend 'cpu' always; inputs, minBlockSize, fallbackOps... */
  compile: {
    backend: 'cpu';
    threads?: number;
    inputs?: Record<string, number[]>;
    minBlockSize?: number;
    fallbackOps?: string[];
    fallbackNodes?: string[];
    requireFullCompilation?: boolean;
  };
  /** Seed of the random feeds. */
  feedSeed: number;
  /** Harness self-tests only: make the child misbehave on purpose. */
  selfTest?: 'type-error' | 'hybrid-error' | 'crash' | 'abort' | 'hang' | 'memory' | 'js-heap';
}

export interface FuzzCase {
  /** `<kind>/<seed>/<model>`. */
  id: string;
  model: string;
  kind: string;
  seed: number;
  bytes: Uint8Array;
  options: CaseOptions;
  notes: string[];
}

/** Static shapes for inputs with symbolic or unknown dims (small sizes), from a decoded model. */
function symbolicInputShapes(m: ModelProto, rng: Random): Record<string, number[]> | undefined {
  const out: Record<string, number[]> = {};
  const sizes = new Map<string, number>();
  let anonymous = 0;
  try {
    for (const vi of realInputs(g(m))) {
      const dims = vi.type?.tensorType?.shape?.dim;
      if (!vi.name || !dims) continue;
      let symbolic = false;
      const shape = dims.map((d) => {
        if (d.dimParam || !Object.hasOwn(d, 'dimValue') || d.dimValue === null || d.dimValue === undefined) {
          symbolic = true;
          const key = d.dimParam || `?${anonymous++}`;
          if (!sizes.has(key)) sizes.set(key, pick(rng, [1, 1, 1, 2, 3, 4]));
          return sizes.get(key)!;
        }
        return toNumber(d.dimValue);
      });
      if (symbolic) out[vi.name] = shape;
    }
  } catch {
    return undefined;
  }
  return Object.keys(out).length ? out : undefined;
}

function nodeOpTypes(m: ModelProto): string[] {
  try {
    return [...new Set(g(m).node.map((n) => n.opType ?? ''))].filter(Boolean);
  } catch {
    return [];
  }
}

/** Compile options drawn for a case: sometimes minBlockSize 0/1, fallbackOps, requireFullCompilation. */
function drawOptions(m: ModelProto, rng: Random, seed: number): CaseOptions {
  const compile: CaseOptions['compile'] = { backend: 'cpu', threads: 1 };
  const inputs = symbolicInputShapes(m, rng);
  if (inputs) compile.inputs = inputs;
  const r = rng();
  if (r < 0.3) compile.minBlockSize = 0;
  else if (r < 0.4) compile.minBlockSize = 1;
  const ops = nodeOpTypes(m);
  if (chance(rng, 0.15) && ops.length) compile.fallbackOps = [pick(rng, ops), ...(chance(rng, 0.3) ? ['NoSuchOp'] : [])];
  if (chance(rng, 0.05)) {
    const names = g(m)
      .node.map((n) => n.name ?? '')
      .filter(Boolean);
    if (names.length) compile.fallbackNodes = [pick(rng, names)];
  }
  if (chance(rng, 0.1)) compile.requireFullCompilation = true;
  return { compile, feedSeed: seed };
}

/** The case (seedModel, kind, seed): a mutated copy of the seed model and its options. */
export function makeCase(seedModel: SeedModel, kindName: string, seed: number): FuzzCase {
  const kind = MUTATIONS.find((k) => k.name === kindName);
  if (!kind) throw new Error(`unknown mutation kind '${kindName}' (kinds: ${KIND_NAMES.join(', ')})`);
  const rng = mulberry32(streamSeed(seed, `${seedModel.name}|${kindName}`));
  const original = seedModel.bytes();
  const model = ModelProtoType.decode(original) as unknown as ModelProto;
  const ctx: MutationContext = { rng, model, notes: [] };
  let bytes: Uint8Array;
  if (kind.bytes) {
    bytes = kind.bytes(original, ctx);
  } else {
    kind.proto!(ctx);
    bytes = ModelProtoType.encode(model as never).finish();
  }
  // Options from the mutated model (its inputs as mutated), drawn after the mutation.
  const options = drawOptions(model, rng, seed);
  return { id: `${kindName}/${seed}/${seedModel.name}`, model: seedModel.name, kind: kindName, seed, bytes, options, notes: ctx.notes };
}

/**
 * `count` cases from `baseSeed`: case i has seed baseSeed + i, kind KINDS[i mod K] (every kind
 * equally often) and a seed model drawn by weight from the seed's own stream.
 */
export function planCases(
  seeds: readonly SeedModel[],
  count: number,
  baseSeed: number,
  kinds: readonly string[] = KIND_NAMES,
): Array<{ model: SeedModel; kind: string; seed: number }> {
  const total = seeds.reduce((a, s) => a + s.weight, 0);
  return Array.from({ length: count }, (_, i) => {
    const seed = (baseSeed + i) >>> 0;
    const kind = kinds[i % kinds.length]!;
    let r = mulberry32(streamSeed(seed, 'seed-model'))() * total;
    let model = seeds[seeds.length - 1]!;
    for (const s of seeds) {
      r -= s.weight;
      if (r < 0) {
        model = s;
        break;
      }
    }
    return { model, kind, seed };
  });
}
