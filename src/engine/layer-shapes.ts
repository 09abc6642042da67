/**
 * Output dtype and shape of each network-IR layer kind, from its inputs and params (see
 * network.ts for each kind's semantics; layer-dtypes.ts for the element types each accepts).
 *
 * Every rule checks its inputs (ranks, sizes, dtypes, param lengths, resolved params) and
 * throws a HybridError naming the layer when they are inconsistent: a converter bug is caught
 * here, where the layer is made, rather than in the native builder.
 */
import { HybridError } from '../errors.js';
import type { TensorRef } from './builder.js';
import { FLOAT_DTYPES, NUMERIC_DTYPES, binaryDTypes, poolingDTypes, reduceDTypes, unaryDTypes } from './layer-dtypes.js';
import type { BinaryOp, EngineDType, LayerSpec } from './network.js';
import { ENGINE_DTYPES } from './network.js';
import { broadcastShapes, numel, sameShape } from './shape-math.js';

export interface OutputType {
  dtype: EngineDType;
  shape: number[];
}

type Kind = Exclude<LayerSpec['kind'], 'constant'>;
type Given = ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }> | undefined;
type P<K extends Kind> = Extract<LayerSpec, { kind: K }>['params'];

class Checker {
  constructor(
    readonly kind: Kind,
    readonly name: string,
  ) {}

  fail(message: string): never {
    throw new HybridError('CONVERTER', `layer '${this.name}' (${this.kind}): ${message}`);
  }

  check(cond: boolean, message: () => string): asserts cond {
    if (!cond) this.fail(message());
  }

  count(inputs: readonly TensorRef[], min: number, max = min): void {
    this.check(inputs.length >= min && inputs.length <= max, () =>
      `takes ${min === max ? min : `${min} to ${max}`} inputs, got ${inputs.length}`,
    );
  }

  dtype(t: TensorRef, allowed: readonly EngineDType[], what: string): void {
    this.check(allowed.includes(t.dtype), () => `${what} has dtype ${t.dtype}; this layer takes ${allowed.join(', ')}`);
  }

  sameDType(a: TensorRef, b: TensorRef, what: string): void {
    this.check(a.dtype === b.dtype, () => `${what} has dtype ${b.dtype}, expected ${a.dtype}`);
  }

  shapeIs(t: TensorRef, shape: readonly number[], what: string): void {
    this.check(sameShape(t.shape, shape), () => `${what} has shape [${t.shape}], expected [${shape}]`);
  }

  ints(list: unknown, length: number, what: string, min = -Infinity): number[] {
    this.check(Array.isArray(list) && list.length === length, () => `${what} needs ${length} values, got ${JSON.stringify(list)}`);
    for (const v of list as unknown[]) {
      this.check(Number.isSafeInteger(v) && (v as number) >= min, () => `${what} has an invalid value ${String(v)}`);
    }
    return list as number[];
  }

  axis(axis: unknown, rank: number, what = 'axis'): number {
    this.check(Number.isInteger(axis) && (axis as number) >= 0 && (axis as number) < rank, () =>
      `${what} ${String(axis)} is not a resolved axis of a rank-${rank} input`,
    );
    return axis as number;
  }

  perm(perm: readonly number[], rank: number, what: string): void {
    this.check(perm.length === rank && [...perm].sort((a, b) => a - b).every((v, i) => v === i), () =>
      `${what} [${perm}] is not a permutation of ${rank} dims`,
    );
  }
}

const COMPARISONS: readonly BinaryOp[] = ['equal', 'less', 'greater'];

export function inferLayerOutputs(
  kind: Kind,
  inputs: readonly TensorRef[],
  params: unknown,
  given: Given,
  name: string,
): OutputType[] {
  const c: Checker = new Checker(kind, name);
  const out = rule(c, inputs, params as never, given);
  // A kind whose output a converter had to state must agree with what the rule derived.
  out.forEach((o, i) => {
    const g = given?.[i];
    if (g?.shape) c.check(sameShape(g.shape, o.shape), () => `output ${i} was given shape [${g.shape}], the layer makes [${o.shape}]`);
    if (g?.dtype) c.check(g.dtype === o.dtype, () => `output ${i} was given dtype ${g.dtype}, the layer makes ${o.dtype}`);
    for (const d of o.shape) c.check(Number.isSafeInteger(d) && d >= 0, () => `output ${i} would have shape [${o.shape}]`);
  });
  return out;
}

function rule(c: Checker, inputs: readonly TensorRef[], params: never, given: Given): OutputType[] {
  switch (c.kind) {
    case 'convolution':
      return convolution(c, inputs, params);
    case 'deconvolution':
      return deconvolution(c, inputs, params);
    case 'matmul':
      return matmul(c, inputs, params);
    case 'elementwise':
      return elementwise(c, inputs, params);
    case 'unary':
      return unary(c, inputs, params);
    case 'pooling':
      return pooling(c, inputs, params);
    case 'reduce':
      return reduce(c, inputs, params);
    case 'softmax':
      return softmax(c, inputs, params);
    case 'normalization':
      return normalization(c, inputs, params);
    case 'shuffle':
      return shuffle(c, inputs, params);
    case 'concat':
      return concat(c, inputs, params);
    case 'split':
      return split(c, inputs, params);
    case 'slice':
      return slice(c, inputs, params, given);
    case 'gather':
      return gather(c, inputs, params);
    case 'pad':
      return pad(c, inputs, params);
    case 'resize':
      return resize(c, inputs, params, given);
    case 'cast':
      return cast(c, inputs, params);
    case 'select':
      return select(c, inputs);
    case 'quantize':
    case 'dequantize':
      return quantize(c, inputs, params, given);
    case 'pointwise':
      return pointwise(c, inputs, params, given);
  }
}

/** Spatial geometry common to convolution and pooling params. */
function geometry(c: Checker, p: { kernel: number[]; strides: number[]; padsBegin: number[]; padsEnd: number[]; dilations: number[] }, n: number) {
  c.ints(p.kernel, n, 'kernel', 1);
  c.ints(p.strides, n, 'strides', 1);
  c.ints(p.padsBegin, n, 'padsBegin', 0);
  c.ints(p.padsEnd, n, 'padsEnd', 0);
  c.ints(p.dilations, n, 'dilations', 1);
}

function spatialRank(c: Checker, x: TensorRef): number {
  const n = x.shape.length - 2;
  c.check(n >= 1 && n <= 3, () => `input has shape [${x.shape}]; expected (N, C, 1 to 3 spatial dims)`);
  return n;
}

function convolution(c: Checker, inputs: readonly TensorRef[], p: P<'convolution'>): OutputType[] {
  c.count(inputs, 2, 3);
  const [x, w, b] = inputs as [TensorRef, TensorRef, TensorRef?];
  c.dtype(x, FLOAT_DTYPES, 'input');
  c.sameDType(x, w, 'weights');
  const n = spatialRank(c, x);
  geometry(c, p, n);
  c.check(Number.isInteger(p.groups) && p.groups >= 1, () => `groups ${p.groups} is invalid`);
  c.check(w.shape.length === n + 2, () => `weights have shape [${w.shape}], expected rank ${n + 2}`);
  const m = w.shape[0]!;
  c.check(w.shape[1]! * p.groups === x.shape[1] && m % p.groups === 0, () =>
    `weights [${w.shape}] with ${p.groups} groups do not fit ${x.shape[1]} input channels`,
  );
  c.check(sameShape(w.shape.slice(2), p.kernel), () => `kernel [${p.kernel}] differs from the weights' [${w.shape.slice(2)}]`);
  if (b) {
    c.sameDType(x, b, 'bias');
    c.shapeIs(b, [m], 'bias');
  }
  const shape = [x.shape[0]!, m];
  for (let d = 0; d < n; d++) {
    const span = p.dilations[d]! * (p.kernel[d]! - 1) + 1;
    const padded = x.shape[d + 2]! + p.padsBegin[d]! + p.padsEnd[d]!;
    c.check(padded >= span, () => `the kernel extent ${span} exceeds the padded input ${padded} in spatial dim ${d}`);
    shape.push(Math.floor((padded - span) / p.strides[d]!) + 1);
  }
  return [{ dtype: x.dtype, shape }];
}

function deconvolution(c: Checker, inputs: readonly TensorRef[], p: P<'deconvolution'>): OutputType[] {
  c.count(inputs, 2, 3);
  const [x, w, b] = inputs as [TensorRef, TensorRef, TensorRef?];
  c.dtype(x, FLOAT_DTYPES, 'input');
  c.sameDType(x, w, 'weights');
  const n = spatialRank(c, x);
  geometry(c, p, n);
  c.ints(p.outputPadding, n, 'outputPadding', 0);
  c.check(Number.isInteger(p.groups) && p.groups >= 1, () => `groups ${p.groups} is invalid`);
  c.check(w.shape.length === n + 2, () => `weights have shape [${w.shape}], expected rank ${n + 2}`);
  c.check(w.shape[0] === x.shape[1] && x.shape[1]! % p.groups === 0, () =>
    `weights [${w.shape}] with ${p.groups} groups do not fit ${x.shape[1]} input channels`,
  );
  c.check(sameShape(w.shape.slice(2), p.kernel), () => `kernel [${p.kernel}] differs from the weights' [${w.shape.slice(2)}]`);
  const m = w.shape[1]! * p.groups;
  if (b) {
    c.sameDType(x, b, 'bias');
    c.shapeIs(b, [m], 'bias');
  }
  const shape = [x.shape[0]!, m];
  for (let d = 0; d < n; d++) {
    const o =
      p.strides[d]! * (x.shape[d + 2]! - 1) + p.outputPadding[d]! + p.dilations[d]! * (p.kernel[d]! - 1) + 1 - p.padsBegin[d]! - p.padsEnd[d]!;
    c.check(o >= 0, () => `spatial dim ${d} would have size ${o}`);
    shape.push(o);
  }
  return [{ dtype: x.dtype, shape }];
}

function matmul(c: Checker, inputs: readonly TensorRef[], p: P<'matmul'>): OutputType[] {
  c.count(inputs, 2, 3);
  const [a, b, bias] = inputs as [TensorRef, TensorRef, TensorRef?];
  c.dtype(a, FLOAT_DTYPES, 'a');
  c.sameDType(a, b, 'b');
  c.check(a.shape.length >= 1 && b.shape.length >= 1, () => 'a and b need rank >= 1');
  c.check(typeof p.transA === 'boolean' && typeof p.transB === 'boolean', () => 'transA/transB must be booleans');
  c.check(Number.isFinite(p.alpha) && Number.isFinite(p.beta), () => 'alpha/beta must be finite numbers');
  c.check(!(p.transA && a.shape.length < 2) && !(p.transB && b.shape.length < 2), () => 'a transposed operand needs rank >= 2');
  const ar = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape.slice(-2);
  const br = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape.slice(-2);
  const [m, ka] = p.transA ? [ar[1]!, ar[0]!] : [ar[0]!, ar[1]!];
  const [kb, n] = p.transB ? [br[1]!, br[0]!] : [br[0]!, br[1]!];
  c.check(ka === kb, () => `inner dimensions differ: a [${a.shape}], b [${b.shape}]`);
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  c.check(batch !== undefined, () => `batch dims of a [${a.shape}] and b [${b.shape}] do not broadcast`);
  const shape = [...batch];
  if (a.shape.length > 1) shape.push(m);
  if (b.shape.length > 1) shape.push(n);
  if (bias) {
    c.sameDType(a, bias, 'c');
    const bc = broadcastShapes(shape, bias.shape);
    c.check(bc !== undefined && sameShape(bc, shape), () => `c [${bias.shape}] does not broadcast to the output [${shape}]`);
  }
  return [{ dtype: a.dtype, shape }];
}

function elementwise(c: Checker, inputs: readonly TensorRef[], p: P<'elementwise'>): OutputType[] {
  c.count(inputs, 2);
  const [a, b] = inputs as [TensorRef, TensorRef];
  c.check(binaryOps.has(p.op), () => `unknown op '${p.op}'`);
  c.dtype(a, binaryDTypes(p.op), 'a');
  c.sameDType(a, b, 'b');
  const shape = broadcastShapes(a.shape, b.shape);
  c.check(shape !== undefined, () => `shapes [${a.shape}] and [${b.shape}] do not broadcast`);
  return [{ dtype: COMPARISONS.includes(p.op) ? 'bool' : a.dtype, shape }];
}

const binaryOps = new Set<string>(['add', 'sub', 'mul', 'div', 'pow', 'max', 'min', 'prelu', 'equal', 'less', 'greater', 'and', 'or']);
const unaryOps = new Set<string>([
  'identity', 'relu', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'hard_sigmoid', 'hard_swish', 'tanh', 'softplus', 'mish',
  'gelu', 'gelu_tanh', 'erf', 'clip', 'exp', 'log', 'sqrt', 'reciprocal', 'abs', 'neg', 'floor', 'ceil', 'sin', 'cos', 'not',
  'silu',
]);

function unary(c: Checker, inputs: readonly TensorRef[], p: P<'unary'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  c.check(unaryOps.has(p.op), () => `unknown op '${p.op}'`);
  c.dtype(x, unaryDTypes(p.op), 'input');
  const need = (k: 'alpha' | 'beta' | 'min' | 'max') =>
    c.check(typeof p[k] === 'number' && !Number.isNaN(p[k]), () => `${p.op} needs a numeric '${k}'`);
  if (p.op === 'leaky_relu' || p.op === 'elu') need('alpha');
  if (p.op === 'selu' || p.op === 'hard_sigmoid') {
    need('alpha');
    need('beta');
  }
  if (p.op === 'clip') {
    need('min');
    need('max');
  }
  return [{ dtype: x.dtype, shape: [...x.shape] }];
}

function pooling(c: Checker, inputs: readonly TensorRef[], p: P<'pooling'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  c.check(p.mode === 'max' || p.mode === 'average', () => `unknown mode '${p.mode}'`);
  c.dtype(x, poolingDTypes(p.mode), 'input');
  const n = spatialRank(c, x);
  geometry(c, p, n);
  const shape = [x.shape[0]!, x.shape[1]!];
  for (let d = 0; d < n; d++) {
    const span = p.dilations[d]! * (p.kernel[d]! - 1) + 1;
    c.check(p.padsBegin[d]! < span && p.padsEnd[d]! < span, () => `pads in spatial dim ${d} are not smaller than the window ${span}`);
    const inSize = x.shape[d + 2]!;
    const room = inSize + p.padsBegin[d]! + p.padsEnd[d]! - span;
    c.check(room >= 0, () => `the window ${span} exceeds the padded input in spatial dim ${d}`);
    let o = (p.ceilMode ? Math.ceil(room / p.strides[d]!) : Math.floor(room / p.strides[d]!)) + 1;
    // ceil mode: the last window must start inside the input or the begin padding.
    if (p.ceilMode && (o - 1) * p.strides[d]! >= inSize + p.padsBegin[d]!) o--;
    shape.push(o);
  }
  return [{ dtype: x.dtype, shape }];
}

function reduce(c: Checker, inputs: readonly TensorRef[], p: P<'reduce'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  c.check(['sum', 'mean', 'max', 'min', 'prod', 'sum_square', 'l1', 'l2', 'log_sum_exp'].includes(p.op), () => `unknown op '${p.op}'`);
  c.dtype(x, reduceDTypes(p.op), 'input');
  const rank = x.shape.length;
  c.check(Array.isArray(p.axes) && p.axes.length > 0, () => 'axes must be a non-empty list');
  p.axes.forEach((a, i) => {
    c.axis(a, rank, 'axes');
    c.check(i === 0 || a > p.axes[i - 1]!, () => `axes [${p.axes}] are not sorted and unique`);
  });
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!p.axes.includes(i)) shape.push(d);
    else if (p.keepDims) shape.push(1);
  });
  return [{ dtype: x.dtype, shape }];
}

function softmax(c: Checker, inputs: readonly TensorRef[], p: P<'softmax'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  c.dtype(x, FLOAT_DTYPES, 'input');
  c.axis(p.axis, x.shape.length);
  c.check(typeof p.log === 'boolean', () => 'log must be a boolean');
  return [{ dtype: x.dtype, shape: [...x.shape] }];
}

function normalization(c: Checker, inputs: readonly TensorRef[], p: P<'normalization'>): OutputType[] {
  c.count(inputs, 2, 3);
  const [x, scale, bias] = inputs as [TensorRef, TensorRef, TensorRef?];
  c.dtype(x, FLOAT_DTYPES, 'input');
  c.sameDType(x, scale, 'scale');
  if (bias) c.sameDType(x, bias, 'bias');
  c.check(Number.isFinite(p.epsilon) && p.epsilon >= 0, () => `epsilon ${p.epsilon} is invalid`);
  let paramShape: number[];
  if (p.mode === 'layer') {
    c.axis(p.axis, x.shape.length);
    paramShape = x.shape.slice(p.axis);
  } else if (p.mode === 'instance' || p.mode === 'group') {
    c.check(x.shape.length >= 3, () => `input has shape [${x.shape}]; expected (N, C, spatial...)`);
    paramShape = [x.shape[1]!];
    if (p.mode === 'group') {
      c.check(Number.isInteger(p.groups) && p.groups >= 1 && x.shape[1]! % p.groups === 0, () => `${p.groups} groups do not divide ${x.shape[1]} channels`);
    }
  } else {
    c.fail(`unknown mode '${String(p.mode)}'`);
  }
  c.shapeIs(scale, paramShape, 'scale');
  if (bias) c.shapeIs(bias, paramShape, 'bias');
  return [{ dtype: x.dtype, shape: [...x.shape] }];
}

function shuffle(c: Checker, inputs: readonly TensorRef[], p: P<'shuffle'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  let shape = [...x.shape];
  if (p.firstPerm) {
    c.perm(p.firstPerm, shape.length, 'firstPerm');
    shape = p.firstPerm.map((i) => x.shape[i]!);
  }
  if (p.reshape) {
    c.ints(p.reshape, p.reshape.length, 'reshape', 0);
    c.check(numel(p.reshape) === numel(shape), () => `cannot reshape [${shape}] to [${p.reshape}]`);
    shape = [...p.reshape];
  }
  if (p.secondPerm) {
    const before = shape;
    c.perm(p.secondPerm, before.length, 'secondPerm');
    shape = p.secondPerm.map((i) => before[i]!);
  }
  return [{ dtype: x.dtype, shape }];
}

function concat(c: Checker, inputs: readonly TensorRef[], p: P<'concat'>): OutputType[] {
  c.check(inputs.length >= 1, () => 'needs at least one input');
  const x = inputs[0]!;
  const axis = c.axis(p.axis, x.shape.length);
  const shape = [...x.shape];
  for (let i = 1; i < inputs.length; i++) {
    const t = inputs[i]!;
    c.sameDType(x, t, `input ${i}`);
    c.check(t.shape.length === x.shape.length && t.shape.every((d, j) => j === axis || d === x.shape[j]), () =>
      `input ${i} [${t.shape}] does not match input 0 [${x.shape}] outside axis ${axis}`,
    );
    shape[axis]! += t.shape[axis]!;
  }
  return [{ dtype: x.dtype, shape }];
}

function split(c: Checker, inputs: readonly TensorRef[], p: P<'split'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  const axis = c.axis(p.axis, x.shape.length);
  c.check(Array.isArray(p.sizes) && p.sizes.length >= 1, () => 'sizes must be a non-empty list');
  c.ints(p.sizes, p.sizes.length, 'sizes', 0);
  c.check(p.sizes.reduce((a, b) => a + b, 0) === x.shape[axis], () => `sizes [${p.sizes}] do not add up to ${x.shape[axis]}`);
  return p.sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
}

/** A builder form (network.ts): the native validator parses the program; here the I/O types. */
function pointwise(c: Checker, inputs: readonly TensorRef[], p: P<'pointwise'>, given: Given): OutputType[] {
  c.check(inputs.length >= 1 && inputs.length <= 12, () => `takes 1 to 12 inputs, got ${inputs.length}`);
  inputs.forEach((x, i) => c.dtype(x, FLOAT_DTYPES, `input ${i}`));
  c.check(typeof p.program === 'string' && p.program.length > 0, () => 'needs a program');
  const out = given?.[0];
  c.check(out?.shape !== undefined && out.dtype !== undefined, () => 'needs its output shape and dtype given');
  c.check(FLOAT_DTYPES.includes(out.dtype), () => `output dtype ${out.dtype} is not a float type`);
  for (const x of inputs) {
    const joined = broadcastShapes(x.shape, out.shape);
    c.check(joined !== undefined && sameShape(joined, out.shape), () => `input [${x.shape}] does not broadcast to [${out.shape}]`);
  }
  return [{ dtype: out.dtype, shape: [...out.shape] }];
}

function slice(c: Checker, inputs: readonly TensorRef[], p: P<'slice'>, given: Given): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  const shape = given?.[0]?.shape;
  c.check(shape !== undefined, () => 'needs its output shape given');
  const rank = x.shape.length;
  c.check(shape.length === rank, () => `output shape [${shape}] has another rank than the input [${x.shape}]`);
  c.ints(p.starts, rank, 'starts');
  c.ints(p.steps, rank, 'steps');
  for (let d = 0; d < rank; d++) {
    const n = shape[d]!;
    if (n === 0) continue;
    const first = p.starts[d]!;
    const last = first + (n - 1) * p.steps[d]!;
    c.check(first >= 0 && first < x.shape[d]! && last >= 0 && last < x.shape[d]!, () =>
      `dim ${d}: ${n} elements from ${first} by ${p.steps[d]} leave the input size ${x.shape[d]}`,
    );
  }
  return [{ dtype: x.dtype, shape: [...shape] }];
}

function gather(c: Checker, inputs: readonly TensorRef[], p: P<'gather'>): OutputType[] {
  c.count(inputs, 2);
  const [data, indices] = inputs as [TensorRef, TensorRef];
  c.dtype(indices, ['int32', 'int64'], 'indices');
  const axis = c.axis(p.axis, data.shape.length);
  if (p.mode === 'default') {
    return [{ dtype: data.dtype, shape: [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)] }];
  }
  c.check(p.mode === 'elements', () => `unknown mode '${String(p.mode)}'`);
  c.check(indices.shape.length === data.shape.length && indices.shape.every((d, i) => i === axis || d <= data.shape[i]!), () =>
    `indices [${indices.shape}] do not fit data [${data.shape}] for GatherElements`,
  );
  return [{ dtype: data.dtype, shape: [...indices.shape] }];
}

function pad(c: Checker, inputs: readonly TensorRef[], p: P<'pad'>): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  const rank = x.shape.length;
  c.check(['constant', 'reflect', 'edge', 'wrap'].includes(p.mode), () => `unknown mode '${p.mode}'`);
  c.ints(p.padsBegin, rank, 'padsBegin');
  c.ints(p.padsEnd, rank, 'padsEnd');
  c.check(typeof p.value === 'number', () => 'value must be a number');
  const shape = x.shape.map((d, i) => d + p.padsBegin[i]! + p.padsEnd[i]!);
  for (let i = 0; i < rank; i++) {
    // Negative pads crop first; the mode then pads what is left.
    const kept = x.shape[i]! + Math.min(p.padsBegin[i]!, 0) + Math.min(p.padsEnd[i]!, 0);
    c.check(kept >= 0 && shape[i]! >= 0, () => `dim ${i} crops more than its size ${x.shape[i]}`);
    const grows = p.padsBegin[i]! > 0 || p.padsEnd[i]! > 0;
    if (p.mode !== 'constant' && grows) c.check(kept > 0, () => `${p.mode} padding of the empty dim ${i}`);
  }
  return [{ dtype: x.dtype, shape }];
}

function resize(c: Checker, inputs: readonly TensorRef[], p: P<'resize'>, given: Given): OutputType[] {
  c.count(inputs, 1);
  const x = inputs[0]!;
  c.dtype(x, FLOAT_DTYPES, 'input');
  const shape = given?.[0]?.shape;
  c.check(shape !== undefined, () => 'needs its output shape given');
  c.check(shape.length === x.shape.length, () => `output shape [${shape}] has another rank than the input [${x.shape}]`);
  c.check(Array.isArray(p.scales) && p.scales.length === x.shape.length && p.scales.every((s) => Number.isFinite(s) && s > 0), () =>
    `scales ${JSON.stringify(p.scales)} need one positive value per dim`,
  );
  c.check(['nearest', 'linear', 'cubic'].includes(p.mode), () => `unknown mode '${p.mode}'`);
  c.check(
    ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'half_pixel_symmetric'].includes(
      p.coordinateTransformation,
    ),
    () => `unknown coordinateTransformation '${p.coordinateTransformation}'`,
  );
  c.check(['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'].includes(p.nearestMode), () => `unknown nearestMode '${p.nearestMode}'`);
  c.check(Number.isFinite(p.cubicCoeffA) && typeof p.excludeOutside === 'boolean' && typeof p.extrapolationValue === 'number', () =>
    'cubicCoeffA, excludeOutside and extrapolationValue must be set',
  );
  return [{ dtype: x.dtype, shape: [...shape] }];
}

function cast(c: Checker, inputs: readonly TensorRef[], p: P<'cast'>): OutputType[] {
  c.count(inputs, 1);
  c.check(ENGINE_DTYPES.includes(p.to), () => `cannot cast to '${p.to}'`);
  return [{ dtype: p.to, shape: [...inputs[0]!.shape] }];
}

function select(c: Checker, inputs: readonly TensorRef[]): OutputType[] {
  c.count(inputs, 3);
  const [cond, a, b] = inputs as [TensorRef, TensorRef, TensorRef];
  c.dtype(cond, ['bool'], 'condition');
  c.sameDType(a, b, 'b');
  const shape = broadcastShapes(cond.shape, a.shape, b.shape);
  c.check(shape !== undefined, () => `shapes [${cond.shape}], [${a.shape}] and [${b.shape}] do not broadcast`);
  return [{ dtype: a.dtype, shape }];
}

function quantize(c: Checker, inputs: readonly TensorRef[], p: { axis: number }, given: Given): OutputType[] {
  c.count(inputs, 2, 3);
  const [x, scale, zp] = inputs as [TensorRef, TensorRef, TensorRef?];
  c.dtype(scale, FLOAT_DTYPES, 'scale');
  if (scale.shape.length > 0 && numel(scale.shape) !== 1) {
    const axis = c.axis(p.axis, x.shape.length);
    c.check(scale.shape.length === 1 && scale.shape[0] === x.shape[axis], () => `per-axis scale [${scale.shape}] does not fit axis ${axis} of [${x.shape}]`);
  }
  if (zp) {
    c.dtype(zp, ['int8', 'uint8', 'int32'], 'zero point');
    c.check(sameShape(zp.shape, scale.shape), () => `zero point [${zp.shape}] differs from scale [${scale.shape}]`);
  }
  if (c.kind === 'quantize') {
    c.dtype(x, FLOAT_DTYPES, 'input');
    const dtype = given?.[0]?.dtype ?? zp?.dtype ?? 'uint8';
    c.check(dtype === 'int8' || dtype === 'uint8', () => `quantizes to ${dtype}; int8 or uint8 only`);
    c.check(!zp || zp.dtype === dtype, () => `zero point is ${zp!.dtype}, the output ${dtype}`);
    return [{ dtype, shape: [...x.shape] }];
  }
  c.dtype(x, ['int8', 'uint8', 'int32'], 'input');
  c.check(!zp || zp.dtype === x.dtype, () => `zero point is ${zp!.dtype}, the input ${x.dtype}`);
  return [{ dtype: scale.dtype, shape: [...x.shape] }];
}
