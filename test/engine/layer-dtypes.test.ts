/**
 * layer-dtypes.ts against the addon's layer rules (issue 12: one authority per rule). The
 * table is what converters check before they emit a layer; the addon's rules
 * (native/src/ir/shape_rules*.cc), asked through `inferLayer` as layer-outputs.ts asks them,
 * are what the layer is then held to. For every op of every entry and every engine dtype this
 * asks the addon whether it takes the dtype, and holds the table to the answer both ways: a
 * dtype the table allows must be one the addon takes (else a converter emits a layer the
 * addon refuses), and one the addon takes must be allowed by the table unless DELIBERATE
 * below names it with the reason (else a node goes to onnxruntime for no reason).
 *
 * The op lists and the dtype list come from the addon: a param schema's refusal of an unknown
 * value lists the values it takes (native/src/ir/param_schema.cc, fed by elementwise.h,
 * reduce.h and activation.cc), so an op the addon gains fails here until the table has it.
 * The TypeScript unions are spelled out once below as records the type checker holds equal to
 * them (tsconfig.test.json), so an op the TypeScript side gains fails too.
 */
import { describe, expect, it } from 'vitest';
import { FLOAT_DTYPES, NUMERIC_DTYPES, binaryDTypes, poolingDTypes, reduceDTypes, unaryDTypes } from '../../src/engine/layer-dtypes.js';
import { loadNative } from '../../src/engine/native.js';
import type { BinaryOp, EngineDType, ReduceOp, UnaryOp } from '../../src/engine/network.js';
import { ENGINE_DTYPES } from '../../src/engine/network.js';

const addon = loadNative();

type Input = { dtype: EngineDType; shape: number[] };
type Outputs = Array<{ dtype?: EngineDType; shape?: number[] }> | undefined;

/** The values a layer kind's enum param takes, from the addon's refusal of one it does not. */
function addonChoices(kind: string, param: string, params: Record<string, unknown>, inputs: Input[]): string[] {
  let message = '';
  try {
    addon.inferLayer({ kind, name: 'probe', params: { ...params, [param]: '\u0001not-a-choice' }, inputs });
  } catch (e) {
    message = (e as Error).message;
  }
  const m = new RegExp(`param '${param}' is '\\u0001not-a-choice'; expected one of: (.+)$`).exec(message);
  if (!m) throw new Error(`no list of ${kind}.${param} values in the addon's answer: ${message || '(it took the value)'}`);
  return m[1]!.split(', ');
}

/**
 * Whether the addon's rule takes a layer whose inputs are all of `dtype`. A refusal must be
 * about that dtype (its message names it); any other refusal means the probe layer itself is
 * wrong, and is thrown rather than read as "refused".
 */
function addonTakes(
  kind: string,
  params: Record<string, unknown>,
  inputs: (d: EngineDType) => Input[],
  dtype: EngineDType,
  outputs?: Outputs,
): boolean {
  try {
    addon.inferLayer({ kind, name: 'probe', params, inputs: inputs(dtype), outputs });
    return true;
  } catch (e) {
    const message = (e as Error).message;
    if (message.includes(`dtype ${dtype}`)) return false;
    throw new Error(`probe of ${kind} ${JSON.stringify(params)} on ${dtype} refused for another reason: ${message}`);
  }
}

/** The engine dtypes, as the addon names them (cast's 'to' param), which must be ENGINE_DTYPES. */
const DTYPES = addonChoices('cast', 'to', {}, [{ dtype: 'float32', shape: [1] }]) as EngineDType[];

/**
 * TypeScript refusals of dtypes the addon takes, on purpose: `${entry}:${dtype}` -> why.
 * None today. An entry here that is no longer a disagreement fails the test (drop it).
 */
const DELIBERATE = new Map<string, string>([]);

// The TypeScript unions, each held equal to its type by the checker (a missing or extra key fails tsc).
const TS_UNARY_OPS = Object.keys({
  identity: 1,
  relu: 1,
  leaky_relu: 1,
  elu: 1,
  selu: 1,
  sigmoid: 1,
  hard_sigmoid: 1,
  hard_swish: 1,
  tanh: 1,
  softplus: 1,
  mish: 1,
  gelu: 1,
  gelu_tanh: 1,
  erf: 1,
  clip: 1,
  exp: 1,
  log: 1,
  sqrt: 1,
  reciprocal: 1,
  abs: 1,
  neg: 1,
  floor: 1,
  ceil: 1,
  sin: 1,
  cos: 1,
  round: 1,
  sign: 1,
  not: 1,
  silu: 1,
} satisfies Record<UnaryOp, 1>);
const TS_BINARY_OPS = Object.keys({
  add: 1,
  sub: 1,
  mul: 1,
  div: 1,
  pow: 1,
  max: 1,
  min: 1,
  prelu: 1,
  fmod: 1,
  mod: 1,
  equal: 1,
  less: 1,
  greater: 1,
  and: 1,
  or: 1,
} satisfies Record<BinaryOp, 1>);
const TS_REDUCE_OPS = Object.keys({
  sum: 1,
  mean: 1,
  max: 1,
  min: 1,
  prod: 1,
  sum_square: 1,
  l1: 1,
  l2: 1,
  log_sum_exp: 1,
} satisfies Record<ReduceOp, 1>);
const TS_POOLING_MODES = Object.keys({ max: 1, average: 1 } satisfies Record<Parameters<typeof poolingDTypes>[0], 1>);

const sorted = (xs: readonly string[]) => [...xs].sort();
const x =
  (shape: number[]) =>
  (d: EngineDType): Input[] => [{ dtype: d, shape }];
const window1d = { kernel: [2], strides: [1], padsBegin: [0], padsEnd: [0], dilations: [1] };
const window2d = { kernel: [3, 3], strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1] };

/** One table entry: the dtypes the table allows, and a probe layer for the addon. */
interface Entry {
  name: string;
  table: readonly EngineDType[];
  kind: string;
  params: Record<string, unknown>;
  inputs: (d: EngineDType) => Input[];
  outputs?: Outputs;
}

// Unary: every optional param given, so ops that need alpha/beta/min/max have them.
const unaryEntries = (ops: string[]): Entry[] =>
  ops.map((op) => ({
    name: `unaryDTypes('${op}')`,
    table: unaryDTypes(op as UnaryOp),
    kind: 'unary',
    params: { op, alpha: 0.5, beta: 0.5, min: 0, max: 1 },
    inputs: x([2, 3]),
  }));
const binaryEntries = (ops: string[]): Entry[] =>
  ops.map((op) => ({
    name: `binaryDTypes('${op}')`,
    table: binaryDTypes(op as BinaryOp) ?? [],
    kind: 'elementwise',
    params: { op },
    inputs: (d) => [
      { dtype: d, shape: [2, 3] },
      { dtype: d, shape: [3] },
    ],
  }));
const reduceEntries = (ops: string[]): Entry[] =>
  ops.map((op) => ({
    name: `reduceDTypes('${op}')`,
    table: reduceDTypes(op as ReduceOp),
    kind: 'reduce',
    params: { op, axes: [1], keepDims: false },
    inputs: x([2, 3]),
  }));
const poolingEntries = (modes: string[]): Entry[] =>
  modes.map((mode) => ({
    name: `poolingDTypes('${mode}')`,
    table: poolingDTypes(mode as 'max' | 'average'),
    kind: 'pooling',
    params: { ...window1d, mode, ceilMode: false, countIncludePad: false },
    inputs: x([1, 2, 4]),
  }));

/**
 * The layer kinds converters gate with FLOAT_DTYPES or NUMERIC_DTYPES alone (conv, conv-transpose,
 * matmul, microsoft, softmax, normalization, lrn, embed-layer-norm, attention, einsum, resize;
 * cumsum, arg-min-max, topk): each constant must be exactly what those kinds' rules take.
 */
const kindEntries: Entry[] = [
  {
    name: 'FLOAT_DTYPES (convolution)',
    table: FLOAT_DTYPES,
    kind: 'convolution',
    params: { ...window2d, groups: 1 },
    inputs: (d) => [
      { dtype: d, shape: [1, 2, 5, 5] },
      { dtype: d, shape: [4, 2, 3, 3] },
      { dtype: d, shape: [4] },
    ],
  },
  {
    name: 'FLOAT_DTYPES (deconvolution)',
    table: FLOAT_DTYPES,
    kind: 'deconvolution',
    params: { ...window2d, outputPadding: [0, 0], groups: 1 },
    inputs: (d) => [
      { dtype: d, shape: [1, 2, 4, 4] },
      { dtype: d, shape: [2, 3, 3, 3] },
    ],
  },
  {
    name: 'FLOAT_DTYPES (matmul)',
    table: FLOAT_DTYPES,
    kind: 'matmul',
    params: { transA: false, transB: false, alpha: 1, beta: 1 },
    inputs: (d) => [
      { dtype: d, shape: [2, 3] },
      { dtype: d, shape: [3, 4] },
      { dtype: d, shape: [4] },
    ],
  },
  { name: 'FLOAT_DTYPES (softmax)', table: FLOAT_DTYPES, kind: 'softmax', params: { axis: 1, log: false }, inputs: x([2, 3]) },
  ...['layer', 'instance', 'group'].map((mode): Entry => ({
    name: `FLOAT_DTYPES (normalization '${mode}')`,
    table: FLOAT_DTYPES,
    kind: 'normalization',
    params: { mode, axis: 1, epsilon: 1e-5, groups: 2 },
    inputs: (d) => [
      { dtype: d, shape: mode === 'layer' ? [2, 4] : [1, 4, 3] },
      { dtype: d, shape: [4] },
      { dtype: d, shape: [4] },
    ],
  })),
  {
    name: 'FLOAT_DTYPES (attention)',
    table: FLOAT_DTYPES,
    kind: 'attention',
    params: { scale: 0.5, transK: false },
    inputs: (d) => [
      { dtype: d, shape: [2, 3] },
      { dtype: d, shape: [3, 4] },
      { dtype: d, shape: [4, 5] },
    ],
  },
  {
    name: 'FLOAT_DTYPES (resize)',
    table: FLOAT_DTYPES,
    kind: 'resize',
    params: {
      mode: 'nearest',
      coordinateTransformation: 'asymmetric',
      nearestMode: 'floor',
      scales: [1, 2],
      cubicCoeffA: -0.75,
      excludeOutside: false,
      extrapolationValue: 0,
    },
    inputs: x([2, 3]),
    outputs: [{ shape: [2, 6] }],
  },
  {
    name: 'NUMERIC_DTYPES (cumsum)',
    table: NUMERIC_DTYPES,
    kind: 'cumsum',
    params: { axis: 1, exclusive: false, reverse: false },
    inputs: x([2, 3]),
  },
  ...['max', 'min'].map((op): Entry => ({
    name: `NUMERIC_DTYPES (argminmax '${op}')`,
    table: NUMERIC_DTYPES,
    kind: 'argminmax',
    params: { op, axis: 1, keepDims: true, lastIndex: false },
    inputs: x([2, 3]),
  })),
  { name: 'NUMERIC_DTYPES (topk)', table: NUMERIC_DTYPES, kind: 'topk', params: { axis: 1, k: 2, largest: true }, inputs: x([2, 3]) },
];

// The addon's op lists (param schemas), read once.
const unaryOps = addonChoices('unary', 'op', {}, x([2])('float32'));
const binaryOps = addonChoices('elementwise', 'op', {}, [
  { dtype: 'float32', shape: [2] },
  { dtype: 'float32', shape: [2] },
]);
const reduceOps = addonChoices('reduce', 'op', { axes: [0], keepDims: false }, x([2])('float32'));
const poolingModes = addonChoices('pooling', 'mode', { ...window1d, ceilMode: false, countIncludePad: false }, x([1, 1, 4])('float32'));
const argMinMaxOps = addonChoices('argminmax', 'op', { axis: 0, keepDims: true, lastIndex: false }, x([2])('float32'));
const normalizationModes = addonChoices('normalization', 'mode', { axis: 1, epsilon: 1e-5, groups: 1 }, [
  { dtype: 'float32', shape: [1, 2, 3] },
  { dtype: 'float32', shape: [2] },
]);

const ENTRIES: Entry[] = [
  ...unaryEntries(unaryOps),
  ...binaryEntries(binaryOps),
  ...reduceEntries(reduceOps),
  ...poolingEntries(poolingModes),
  ...kindEntries,
];

/** Every (entry, dtype) where the table and the addon differ, as `${entry}:${dtype}` -> the addon's answer. */
function disagreements(): Map<string, 'addon takes' | 'addon refuses'> {
  const out = new Map<string, 'addon takes' | 'addon refuses'>();
  for (const e of ENTRIES) {
    for (const d of DTYPES) {
      const takes = addonTakes(e.kind, e.params, e.inputs, d, e.outputs);
      if (takes !== e.table.includes(d)) out.set(`${e.name}:${d}`, takes ? 'addon takes' : 'addon refuses');
    }
  }
  return out;
}

describe('layer-dtypes.ts against the addon (one authority: native/src/ir/shape_rules*.cc)', () => {
  it('the addon names the engine dtypes ENGINE_DTYPES does', () => {
    expect(sorted(DTYPES)).toEqual(sorted(ENGINE_DTYPES));
    expect(DTYPES).toHaveLength(8);
  });

  it('the addon and the TypeScript types name the same ops and modes', () => {
    expect(sorted(unaryOps)).toEqual(sorted(TS_UNARY_OPS));
    expect(sorted(binaryOps)).toEqual(sorted(TS_BINARY_OPS));
    expect(sorted(reduceOps)).toEqual(sorted(TS_REDUCE_OPS));
    expect(sorted(poolingModes)).toEqual(sorted(TS_POOLING_MODES));
    // The kinds gated by FLOAT_DTYPES / NUMERIC_DTYPES are probed in every mode the addon has.
    expect(sorted(argMinMaxOps)).toEqual(['max', 'min']);
    expect(sorted(normalizationModes)).toEqual(['group', 'instance', 'layer']);
  });

  it('covers every op of every entry', () => {
    // 29 unary + 15 binary + 9 reduce ops + 2 pooling modes + 12 kind gates today.
    expect(ENTRIES.length).toBe(unaryOps.length + binaryOps.length + reduceOps.length + poolingModes.length + kindEntries.length);
    expect(ENTRIES.length).toBeGreaterThanOrEqual(67);
  });

  it('the table allows exactly the dtypes the addon takes, but for the deliberate restrictions', () => {
    const found = disagreements();
    const unexplained = [...found]
      .filter(([key, what]) => !(what === 'addon takes' && DELIBERATE.has(key)))
      .map(([key, what]) => `${key}: ${what}, the table says otherwise`);
    expect(unexplained).toEqual([]);
    // A deliberate restriction that no longer disagrees is stale.
    expect([...DELIBERATE.keys()].filter((key) => found.get(key) !== 'addon takes')).toEqual([]);
  });

  it('each probe layer is taken in some dtype (the probes are valid layers, so a refusal is about the dtype)', () => {
    for (const e of ENTRIES) {
      expect(
        DTYPES.some((d) => addonTakes(e.kind, e.params, e.inputs, d, e.outputs)),
        e.name,
      ).toBe(true);
    }
  });
});
