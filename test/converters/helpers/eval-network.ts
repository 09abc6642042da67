/**
 * A reference interpreter of the network IR, for tests: runs a NetworkDefinition on host
 * tensors in float64, rounding every layer output to its dtype's storage (float32, fp16,
 * integer wrap-around). It follows network.ts's layer docs literally and is written for
 * clarity, not speed; with it, converter tests check what the emitted layers compute against
 * onnxruntime and the ONNX conformance outputs, before the native engine exists.
 */
import { HybridError } from '../../../src/errors.js';
import type { EngineDType, NetLayer, NetworkDefinition } from '../../../src/engine/network.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { allocTyped } from '../../../src/onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../../src/onnx/half.js';
import { evalWindowed } from './eval-kernels.js';
import { recurrent } from './eval-recurrent.js';
import { evalDetect } from './eval-detect.js';
import { sliceRange } from '../../../src/ir/infer/slicing.js';

export interface HostTensor {
  dtype: EngineDType;
  shape: number[];
  data: Float64Array;
}

export const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Calls fn for every index of `shape` in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (idx: number[], flat: number) => void): void {
  const n = numel(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Rounds a value to what a tensor of `dtype` stores. */
export function store(dtype: EngineDType, x: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(x);
    case 'float16':
      return float16BitsToFloat32(float32ToFloat16Bits(x));
    case 'bfloat16':
      return bfloat16BitsToFloat32(float32ToBfloat16Bits(x));
    case 'int32':
      return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case 'int64':
      return Number.isFinite(x) ? Math.trunc(x) : 0;
    case 'int8':
      return ((((Math.trunc(x) + 128) % 256) + 256) % 256) - 128;
    case 'uint8':
      return ((Math.trunc(x) % 256) + 256) % 256;
    case 'bool':
      return x !== 0 ? 1 : 0;
  }
}

/** float -> integer cast: truncate toward zero, saturate at the type's limits, NaN -> 0. */
function saturate(to: EngineDType, v: number): number {
  if (Number.isNaN(v)) return 0;
  const [lo, hi] = { int8: [-128, 127], uint8: [0, 255], int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63] }[to as 'int8'] ?? [
    -Infinity,
    Infinity,
  ];
  return Math.min(Math.max(Math.trunc(v), lo!), hi!);
}

export function fromTensorData(t: TensorData): HostTensor {
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = t.data[i]!;
    data[i] = t.dtype === 'float16' ? float16BitsToFloat32(v as number) : t.dtype === 'bfloat16' ? bfloat16BitsToFloat32(v as number) : Number(v);
  }
  return { dtype: t.dtype as EngineDType, shape: [...t.dims], data };
}

export function toTensorData(t: HostTensor): TensorData {
  const out = allocTyped(t.dtype, t.data.length);
  t.data.forEach((v, i) => {
    if (out instanceof BigInt64Array) out[i] = BigInt(v);
    else if (t.dtype === 'float16') (out as Uint16Array)[i] = float32ToFloat16Bits(v);
    else if (t.dtype === 'bfloat16') (out as Uint16Array)[i] = float32ToBfloat16Bits(v);
    else (out as Float32Array)[i] = v;
  });
  return { dtype: t.dtype, dims: [...t.shape], data: out };
}

/** Input flat offset for each output index under numpy broadcasting. */
export function broadcastIndexer(inShape: readonly number[], outShape: readonly number[]): (idx: number[]) => number {
  const lead = outShape.length - inShape.length;
  const st = stridesOf(inShape);
  return (idx) => {
    let off = 0;
    for (let d = 0; d < inShape.length; d++) if (inShape[d] !== 1) off += idx[d + lead]! * st[d]!;
    return off;
  };
}

/** Runs the network; `feeds` by network input name. Returns outputs by name. */
export function evalNetwork(net: NetworkDefinition, feeds: Record<string, TensorData>): Record<string, HostTensor> {
  const values = new Map<number, HostTensor>();
  for (const id of net.inputs) {
    const t = net.tensors[id]!;
    const f = feeds[t.name];
    if (!f) throw new Error(`no feed for '${t.name}'`);
    values.set(id, fromTensorData(f));
  }
  for (const layer of net.layers) {
    const ins = layer.inputs.map((id) => {
      const v = values.get(id);
      if (!v) throw new Error(`layer '${layer.name}' reads tensor ${id} before it is made`);
      return v;
    });
    const outs = evalLayer(
      layer,
      ins,
      layer.outputs.map((id) => net.tensors[id]!),
    );
    outs.forEach((o, i) => {
      const decl = net.tensors[layer.outputs[i]!]!;
      // A data-dependent output (nonzero) is made at its count, within the declared bound.
      const fits =
        layer.kind === 'nonzero' || layer.kind === 'nms'
          ? o.shape.length === decl.shape.length && o.shape.every((d, k) => d <= decl.shape[k]!)
          : o.shape.join() === decl.shape.join();
      if (o.dtype !== decl.dtype || !fits) {
        throw new Error(`layer '${layer.name}' made ${o.dtype}[${o.shape}], the network declares ${decl.dtype}[${decl.shape}]`);
      }
      o.data = o.data.map((x) => store(o.dtype, x));
      values.set(layer.outputs[i]!, o);
    });
  }
  const result: Record<string, HostTensor> = {};
  for (const id of net.outputs) result[net.tensors[id]!.name] = values.get(id)!;
  return result;
}

type Decl = { dtype: EngineDType; shape: number[] };

function evalLayer(layer: NetLayer, ins: HostTensor[], decl: Decl[]): HostTensor[] {
  const out = (i = 0): HostTensor => ({ dtype: decl[i]!.dtype, shape: [...decl[i]!.shape], data: new Float64Array(numel(decl[i]!.shape)) });
  switch (layer.kind) {
    case 'constant':
      return [fromTensorData({ dtype: decl[0]!.dtype, dims: decl[0]!.shape, data: layer.weights })];
    case 'elementwise': {
      const y = out();
      const [a, b] = ins as [HostTensor, HostTensor];
      const ia = broadcastIndexer(a.shape, y.shape);
      const ib = broadcastIndexer(b.shape, y.shape);
      const f = binary(layer.params.op, a.dtype);
      forEachIndex(y.shape, (idx, i) => (y.data[i] = f(a.data[ia(idx)]!, b.data[ib(idx)]!)));
      return [y];
    }
    case 'unary': {
      const y = out();
      const f = unary(layer.params);
      y.data = ins[0]!.data.map(f);
      return [y];
    }
    case 'cumsum': {
      const [x, y] = [ins[0]!, out()];
      const { axis, exclusive, reverse } = layer.params;
      const [len, inner] = [x.shape[axis]!, numel(x.shape.slice(axis + 1))];
      for (let line = 0; line < numel(x.shape) / Math.max(len, 1); line++) {
        const base = Math.floor(line / inner) * len * inner + (line % inner);
        let sum = 0;
        for (let k = 0; k < len; k++) {
          const at = base + (reverse ? len - 1 - k : k) * inner;
          if (exclusive) y.data[at] = store(y.dtype, sum);
          sum = store(y.dtype, sum + x.data[at]!);
          if (!exclusive) y.data[at] = sum;
        }
      }
      return [y];
    }
    case 'argminmax': {
      const [x, y] = [ins[0]!, out()];
      const { op, axis, lastIndex } = layer.params;
      const [len, inner] = [x.shape[axis]!, numel(x.shape.slice(axis + 1))];
      y.data.forEach((_, line) => {
        const base = Math.floor(line / inner) * len * inner + (line % inner);
        let best = 0;
        for (let k = 1; k < len; k++) {
          const [v, b] = [x.data[base + k * inner]!, x.data[base + best * inner]!];
          if (op === 'max' ? v > b || (lastIndex && v === b) : v < b || (lastIndex && v === b)) best = k;
        }
        y.data[line] = best;
      });
      return [y];
    }
    case 'range': {
      // start + i * delta for as many elements as the output holds (its length is the layer's given shape).
      const y = out();
      const [start, delta] = ins.length ? [ins[0]!.data[0]!, ins[2]!.data[0]!] : [layer.params.start![0]!, layer.params.delta![0]!];
      y.data.forEach((_, i) => (y.data[i] = store(y.dtype, start + i * delta)));
      return [y];
    }
    case 'shape': {
      const y = out();
      ins[0]!.shape.forEach((d, i) => (y.data[i] = d));
      return [y];
    }
    case 'select': {
      const y = out();
      const [c, a, b] = ins as [HostTensor, HostTensor, HostTensor];
      const [ic, ia, ib] = [c, a, b].map((t) => broadcastIndexer(t.shape, y.shape)) as Array<(i: number[]) => number>;
      forEachIndex(y.shape, (idx, i) => (y.data[i] = c.data[ic!(idx)] ? a.data[ia!(idx)]! : b.data[ib!(idx)]!));
      return [y];
    }
    case 'cast': {
      const y = out();
      const to = layer.params.to;
      const fromFloat = ins[0]!.dtype.startsWith('float') || ins[0]!.dtype === 'bfloat16';
      // int -> int wraps (store() does it); float -> int saturates.
      y.data = ins[0]!.data.map((v) =>
        to === 'bool' ? (v !== 0 ? 1 : 0) : to.startsWith('float') || to === 'bfloat16' || !fromFloat ? v : saturate(to, v),
      );
      return [y];
    }
    case 'shuffle':
      return [shuffle(ins[0]!, layer.params, out())];
    case 'concat': {
      const y = out();
      const axis = layer.params.axis;
      let offset = 0;
      for (const t of ins) {
        const st = stridesOf(y.shape);
        forEachIndex(t.shape, (idx, i) => {
          let o = 0;
          idx.forEach((v, d) => (o += (d === axis ? v + offset : v) * st[d]!));
          y.data[o] = t.data[i]!;
        });
        offset += t.shape[axis]!;
      }
      return [y];
    }
    case 'split': {
      const x = ins[0]!;
      const { axis, sizes } = layer.params;
      const st = stridesOf(x.shape);
      let offset = 0;
      return sizes.map((_, k) => {
        const y = out(k);
        forEachIndex(y.shape, (idx, i) => {
          let o = 0;
          idx.forEach((v, d) => (o += (d === axis ? v + offset : v) * st[d]!));
          y.data[i] = x.data[o]!;
        });
        offset += sizes[k]!;
        return y;
      });
    }
    case 'slice': {
      const x = ins[0]!;
      const y = out();
      const st = stridesOf(x.shape);
      const { starts, steps } = sliceWindow(layer.params, ins);
      forEachIndex(y.shape, (idx, i) => {
        let o = 0;
        idx.forEach((v, d) => (o += (starts[d]! + v * steps[d]!) * st[d]!));
        y.data[i] = x.data[o]!;
      });
      return [y];
    }
    case 'gather':
      return [gather(ins[0]!, ins[1]!, layer.params, out())];
    case 'pad':
      return [pad(ins[0]!, layer.params, out())];
    case 'reduce':
      return [reduce(ins[0]!, layer.params, out())];
    case 'softmax': {
      const x = ins[0]!;
      const y = out();
      const { axis, log } = layer.params;
      const st = stridesOf(x.shape);
      const n = x.shape[axis]!;
      forEachIndex(
        x.shape.map((d, i) => (i === axis ? 1 : d)),
        (idx) => {
          let base = 0;
          idx.forEach((v, d) => (base += v * st[d]!));
          const vals = Array.from({ length: n }, (_, k) => x.data[base + k * st[axis]!]!);
          const m = Math.max(...vals);
          const sum = vals.reduce((a, v) => a + Math.exp(v - m), 0);
          vals.forEach((v, k) => (y.data[base + k * st[axis]!] = log ? v - m - Math.log(sum) : Math.exp(v - m) / sum));
        },
      );
      return [y];
    }
    case 'matmul':
      return [matmul(ins, layer.params, out())];
    case 'scatter': {
      // network.ts: a copy of data, each update written or combined in order.
      const [data, indices, updates] = ins as [HostTensor, HostTensor, HostTensor];
      const y = out();
      y.data = Float64Array.from(data.data);
      const { mode, axis, reduction } = layer.params;
      const st = stridesOf(data.shape);
      const combine = (a: number, b: number) =>
        reduction === 'add' ? a + b : reduction === 'mul' ? a * b : reduction === 'max' ? Math.max(a, b) : reduction === 'min' ? Math.min(a, b) : b;
      const fix = (v: number, dim: number) => {
        const w = v < 0 ? v + dim : v;
        if (w < 0 || w >= dim) throw new HybridError('INPUT', `scatter index ${v} out of range`);
        return w;
      };
      const write = (at: number, v: number) => (y.data[at] = store(y.dtype, combine(y.data[at]!, v)));
      if (mode === 'elements') {
        forEachIndex(indices.shape, (idx, i) => {
          let o = 0;
          idx.forEach((c, d) => (o += (d === axis ? fix(indices.data[i]!, data.shape[axis]!) : c) * st[d]!));
          write(o, updates.data[i]!);
        });
      } else {
        const k = indices.shape[indices.shape.length - 1]!;
        const slice = numel(data.shape.slice(k));
        for (let t = 0; t < indices.data.length / k; t++) {
          let o = 0;
          for (let j = 0; j < k; j++) o += fix(indices.data[t * k + j]!, data.shape[j]!) * st[j]!;
          for (let s = 0; s < slice; s++) write(o + s, updates.data[t * slice + s]!);
        }
      }
      return [y];
    }
    case 'attention': {
      // network.ts: softmax(scale * q k + mask) v per leading index, k read as [T, D] with transK.
      const [q, k, v, mask] = ins as [HostTensor, HostTensor, HostTensor, HostTensor | undefined];
      const y = out();
      const r = q.shape.length;
      const [S, D, Dv] = [q.shape[r - 2]!, q.shape[r - 1]!, v.shape[r - 1]!];
      const T = v.shape[r - 2]!;
      const kAt = (ti: number, di: number) => (layer.params.transK ? ti * D + di : di * T + ti);
      const mst = mask ? stridesOf(mask.shape) : [];
      forEachIndex(q.shape.slice(0, r - 2), (lead, b) => {
        for (let si = 0; si < S; si++) {
          const scores = Array.from({ length: T }, (_, ti) => {
            let dot = 0;
            for (let di = 0; di < D; di++) dot += q.data[b * S * D + si * D + di]! * k.data[b * T * D + kAt(ti, di)]!;
            let s = dot * layer.params.scale;
            if (mask) {
              // Right-aligned broadcast of the mask onto [...lead, S, T].
              const full = [...lead, si, ti];
              let at = 0;
              mask.shape.forEach((dim, j) => (at += (dim === 1 ? 0 : full[full.length - mask.shape.length + j]!) * mst[j]!));
              s += mask.data[at]!;
            }
            return s;
          });
          const m = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - m));
          const sum = e.reduce((a, x) => a + x, 0);
          for (let j = 0; j < Dv; j++) {
            let acc = 0;
            for (let ti = 0; ti < T; ti++) acc += (e[ti]! / sum) * v.data[b * T * Dv + ti * Dv + j]!;
            y.data[b * S * Dv + si * Dv + j] = layer.params.nanToZero && !(sum > 0) ? 0 : acc;
          }
        }
      });
      return [y];
    }
    case 'recurrent':
      return recurrent(
        ins,
        layer.params,
        decl.map((_, i) => out(i)),
      );
    case 'topk':
    case 'roialign':
    case 'nonzero':
    case 'nms':
    case 'gridsample':
      return evalDetect(
        layer,
        ins,
        decl.map((_, i) => out(i)),
      );
    default:
      return [evalWindowed(layer, ins, out())];
  }
}

export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // Maclaurin series: converges fast below 3 without much cancellation.
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc beyond 3 (Lentz).
  const z = ax;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = z + an * d;
    d = 1 / d;
    c = z + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

function unary(p: Extract<NetLayer, { kind: 'unary' }>['params']): (x: number) => number {
  const a = p.alpha ?? 0;
  const b = p.beta ?? 0;
  const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
  switch (p.op) {
    case 'identity':
      return (x) => x;
    case 'relu':
      return (x) => Math.max(0, x);
    case 'leaky_relu':
      return (x) => (x < 0 ? a * x : x);
    case 'elu':
      return (x) => (x < 0 ? a * (Math.exp(x) - 1) : x);
    case 'selu':
      return (x) => (x <= 0 ? b * (a * Math.exp(x) - a) : b * x);
    case 'sigmoid':
      return (x) => 1 / (1 + Math.exp(-x));
    case 'hard_sigmoid':
      return (x) => Math.max(0, Math.min(1, a * x + b));
    case 'hard_swish':
      return (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'tanh':
      return Math.tanh;
    case 'softplus':
      return softplus;
    case 'mish':
      return (x) => x * Math.tanh(softplus(x));
    case 'gelu':
      return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'gelu_tanh':
      return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    case 'erf':
      return erf;
    case 'clip':
      return (x) => Math.min(Math.max(x, p.min!), p.max!);
    case 'exp':
      return Math.exp;
    case 'log':
      return Math.log;
    case 'sqrt':
      return Math.sqrt;
    case 'reciprocal':
      return (x) => 1 / x;
    case 'abs':
      return Math.abs;
    case 'neg':
      return (x) => -x;
    case 'floor':
      return Math.floor;
    case 'ceil':
      return Math.ceil;
    case 'sin':
      return Math.sin;
    case 'cos':
      return Math.cos;
    case 'round':
      // Halves to even: the nearest integer, or of two, the even one.
      return (x) => (Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
    case 'sign':
      return (x) => (x > 0 ? 1 : x < 0 ? -1 : Number.isNaN(x) ? x : 0);
    case 'not':
      return (x) => (x ? 0 : 1);
    case 'silu':
      return (x) => x / (1 + Math.exp(-x));
  }
}

function binary(op: Extract<NetLayer, { kind: 'elementwise' }>['params']['op'], dtype: EngineDType): (a: number, b: number) => number {
  const int = !dtype.startsWith('float') && dtype !== 'bfloat16';
  switch (op) {
    case 'add':
      return (a, b) => a + b;
    case 'sub':
      return (a, b) => a - b;
    case 'mul':
      return (a, b) => a * b;
    case 'div':
      return int ? (a, b) => Math.trunc(a / b) : (a, b) => a / b;
    case 'pow':
      return Math.pow;
    case 'max':
      return Math.max;
    case 'min':
      return Math.min;
    case 'prelu':
      return (a, b) => (a < 0 ? a * b : a);
    case 'fmod':
      return (a, b) => a % b; // JS's % keeps the dividend's sign, as C's fmod; an integer b of 0 stores as 0
    case 'mod':
      return (a, b) => {
        const r = a % b;
        return r !== 0 && r < 0 !== b < 0 ? r + b : r;
      };
    case 'equal':
      return (a, b) => (a === b ? 1 : 0);
    case 'less':
      return (a, b) => (a < b ? 1 : 0);
    case 'greater':
      return (a, b) => (a > b ? 1 : 0);
    case 'and':
      return (a, b) => (a && b ? 1 : 0);
    case 'or':
      return (a, b) => (a || b ? 1 : 0);
  }
}

function shuffle(x: HostTensor, p: Extract<NetLayer, { kind: 'shuffle' }>['params'], y: HostTensor): HostTensor {
  const transpose = (t: HostTensor, perm: number[]): HostTensor => {
    const shape = perm.map((i) => t.shape[i]!);
    const st = stridesOf(t.shape);
    const data = new Float64Array(t.data.length);
    forEachIndex(shape, (idx, i) => {
      let o = 0;
      idx.forEach((v, d) => (o += v * st[perm[d]!]!));
      data[i] = t.data[o]!;
    });
    return { dtype: t.dtype, shape, data };
  };
  let t = p.firstPerm ? transpose(x, p.firstPerm) : x;
  if (p.reshape) {
    // network.ts: 0 copies the dim at that index when zeroIsPlaceholder, one -1 takes the rest.
    const dims = p.reshape.map((d, i) => (d === 0 && p.zeroIsPlaceholder ? t.shape[i]! : d));
    const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
    t = { ...t, shape: dims.map((d) => (d === -1 ? t.data.length / known : d)) };
  }
  if (p.secondPerm) t = transpose(t, p.secondPerm);
  y.data = t.data;
  return y;
}

function gather(data: HostTensor, indices: HostTensor, p: { axis: number; mode: 'default' | 'elements' | 'nd' }, y: HostTensor): HostTensor {
  const st = stridesOf(data.shape);
  if (p.mode === 'nd') {
    // network.ts: GatherND with batch_dims = axis; output index = [batch..., tuple index..., slice...].
    const b = p.axis;
    const k = indices.shape[indices.shape.length - 1]!;
    const ist = stridesOf(indices.shape);
    const lead = indices.shape.length - 1; // batch dims and tuple dims of the output
    forEachIndex(y.shape, (idx, i) => {
      let io = 0;
      idx.slice(0, lead).forEach((v, d) => (io += v * ist[d]!));
      const full = [...idx.slice(0, b)];
      for (let j = 0; j < k; j++) {
        const dim = data.shape[b + j]!;
        const v = indices.data[io + j]!;
        const w = v < 0 ? v + dim : v;
        if (w < 0 || w >= dim) throw new HybridError('INPUT', `gathernd index ${v} out of range`);
        full.push(w);
      }
      full.push(...idx.slice(lead));
      let o = 0;
      full.forEach((v, d) => (o += v * st[d]!));
      y.data[i] = data.data[o]!;
    });
    return y;
  }
  const dim = data.shape[p.axis]!;
  const fix = (i: number) => {
    const j = i < 0 ? i + dim : i;
    if (j < 0 || j >= dim) throw new HybridError('INPUT', `gather index ${i} out of range`);
    return j;
  };
  if (p.mode === 'elements') {
    forEachIndex(indices.shape, (idx, i) => {
      let o = 0;
      idx.forEach((v, d) => (o += (d === p.axis ? fix(indices.data[i]!) : v) * st[d]!));
      y.data[i] = data.data[o]!;
    });
    return y;
  }
  const r = indices.shape.length;
  forEachIndex(y.shape, (idx, i) => {
    const before = idx.slice(0, p.axis);
    const ind = idx.slice(p.axis, p.axis + r);
    const after = idx.slice(p.axis + r);
    let io = 0;
    const ist = stridesOf(indices.shape);
    ind.forEach((v, d) => (io += v * ist[d]!));
    const full = [...before, fix(indices.data[io]!), ...after];
    let o = 0;
    full.forEach((v, d) => (o += v * st[d]!));
    y.data[i] = data.data[o]!;
  });
  return y;
}

function pad(x: HostTensor, p: Extract<NetLayer, { kind: 'pad' }>['params'], y: HostTensor): HostTensor {
  const st = stridesOf(x.shape);
  // Negative pads crop first; the mode pads the kept part [crop, crop + n).
  const crop = x.shape.map((_, d) => Math.max(0, -p.padsBegin[d]!));
  const kept = x.shape.map((s, d) => s - crop[d]! - Math.max(0, -p.padsEnd[d]!));
  forEachIndex(y.shape, (idx, i) => {
    let o = 0;
    for (let d = 0; d < idx.length; d++) {
      const n = kept[d]!;
      let s = idx[d]! - Math.max(0, p.padsBegin[d]!);
      if (s < 0 || s >= n) {
        if (p.mode === 'constant') {
          y.data[i] = p.value;
          return;
        }
        if (p.mode === 'edge') s = Math.min(Math.max(s, 0), n - 1);
        else if (p.mode === 'wrap') s = ((s % n) + n) % n;
        else {
          const period = 2 * (n - 1);
          s = n === 1 ? 0 : ((s % period) + period) % period;
          if (s >= n) s = period - s;
        }
      }
      o += (s + crop[d]!) * st[d]!;
    }
    y.data[i] = x.data[o]!;
  });
  return y;
}

function reduce(x: HostTensor, p: Extract<NetLayer, { kind: 'reduce' }>['params'], y: HostTensor): HostTensor {
  const keptShape = x.shape.map((d, i) => (p.axes.includes(i) ? 1 : d));
  const acc: number[][] = Array.from({ length: numel(keptShape) }, () => []);
  const kst = stridesOf(keptShape);
  forEachIndex(x.shape, (idx, i) => {
    let o = 0;
    idx.forEach((v, d) => (o += (p.axes.includes(d) ? 0 : v) * kst[d]!));
    acc[o]!.push(x.data[i]!);
  });
  const f = (vals: number[]): number => {
    switch (p.op) {
      case 'sum':
        return vals.reduce((a, b) => a + b, 0);
      case 'mean': // an empty set gives 0, as onnxruntime does (ONNX leaves it undefined)
        return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0;
      // Over an empty set, the type's lowest (highest) value, as the engines give (native/layers/reduce.h).
      case 'max':
        return vals.length ? Math.max(...vals) : saturate(y.dtype, -Infinity);
      case 'min':
        return vals.length ? Math.min(...vals) : saturate(y.dtype, Infinity);
      case 'prod':
        return vals.reduce((a, b) => a * b, 1);
      case 'sum_square':
        return vals.reduce((a, b) => a + b * b, 0);
      case 'l1':
        return vals.reduce((a, b) => a + Math.abs(b), 0);
      case 'l2':
        return Math.sqrt(vals.reduce((a, b) => a + b * b, 0));
      case 'log_sum_exp':
        return Math.log(vals.reduce((a, b) => a + Math.exp(b), 0));
    }
  };
  y.data = Float64Array.from(acc.map(f));
  return y;
}

function matmul(ins: HostTensor[], p: Extract<NetLayer, { kind: 'matmul' }>['params'], y: HostTensor): HostTensor {
  const [a0, b0, c] = ins as [HostTensor, HostTensor, HostTensor?];
  // Promote rank-1 operands the numpy way, transpose the last two dims if asked.
  const promote = (t: HostTensor, row: boolean): HostTensor =>
    t.shape.length === 1 ? { ...t, shape: row ? [1, t.shape[0]!] : [t.shape[0]!, 1] } : t;
  const lastTwoT = (t: HostTensor): HostTensor => {
    const r = t.shape.length;
    const perm = [...t.shape.keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
    return shuffle(t, { firstPerm: perm }, { ...t, shape: perm.map((i) => t.shape[i]!), data: new Float64Array(0) });
  };
  const a = p.transA ? lastTwoT(a0) : promote(a0, true);
  const b = p.transB ? lastTwoT(b0) : promote(b0, false);
  const m = a.shape[a.shape.length - 2]!;
  const k = a.shape[a.shape.length - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch = Array.from({ length: rank }, (_, i) => Math.max(batchA[batchA.length - rank + i] ?? 1, batchB[batchB.length - rank + i] ?? 1));
  const full = [...batch, m, n];
  const ia = broadcastIndexer([...batchA, 1, 1], [...batch, 1, 1]);
  const ib = broadcastIndexer([...batchB, 1, 1], [...batch, 1, 1]);
  const res = new Float64Array(numel(full));
  forEachIndex(batch, (bidx, bi) => {
    const oa = ia([...bidx, 0, 0]) * m * k;
    const ob = ib([...bidx, 0, 0]) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a.data[oa + i * k + q]! * b.data[ob + q * n + j]!;
        res[bi * m * n + i * n + j] = p.alpha * s;
      }
    }
  });
  if (c) {
    const ic = broadcastIndexer(c.shape, y.shape);
    forEachIndex(y.shape, (idx, i) => (res[i]! += p.beta * c.data[ic(idx)]!));
  }
  y.data = res; // y's shape drops the promoted dims; the element order is the same
  return y;
}

/**
 * A slice's starts and steps per dim: its params, or, for a window the model computes
 * (network.ts), ONNX Slice's clamping of the starts and ends inputs along `axes`, or Expand's
 * step 0 on every dim the target stretches.
 */
function sliceWindow(p: { starts?: number[]; steps: number[]; axes?: number[] }, ins: HostTensor[]): { starts: number[]; steps: number[] } {
  const x = ins[0]!;
  if (ins.length === 1) return { starts: p.starts!, steps: p.steps };
  const starts = x.shape.map(() => 0);
  const steps = [...p.steps];
  if (ins.length === 3) {
    p.axes!.forEach((d, k) => (starts[d] = sliceRange(x.shape[d]!, ins[1]!.data[k]!, ins[2]!.data[k]!, steps[d]!).start));
  } else {
    const target = [...ins[1]!.data];
    const lead = x.shape.length - target.length;
    target.forEach((t, k) => {
      if (x.shape[lead + k] === 1 && t !== 1) steps[lead + k] = 0;
    });
  }
  return { starts, steps };
}
