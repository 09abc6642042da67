/**
 * The attention layer's result in float64, written from its definition in src/engine/network.ts
 * (not from either backend's kernel): out = softmax(scale * q k + mask) v over the keys, each
 * operand its input's entry `select` ([axis, index]) transposed by its permutation (logical dim i
 * is the input's dim perm[i]), the output the result transposed by outPerm (its dim i is the
 * result's dim outPerm[i]), the mask broadcast onto [..., S, T] as numpy does. A row whose
 * scores are all -inf (or hold a NaN) is NaN, or 0 with nanToZero.
 */
import type { LayerSpec } from '../../../src/engine/network.js';

/** A tensor's shape and values (float32 or the float values of a half tensor). */
export interface RefTensor {
  dims: number[];
  data: ArrayLike<number>;
}

/** The attention layer's params, as network.ts declares them (the reference takes them as given). */
export type AttentionRefParams = Extract<LayerSpec, { kind: 'attention' }>['params'];

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function strides(dims: readonly number[]): number[] {
  const s = dims.map(() => 1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** An operand read through its selection and permutation: its logical shape and an element getter. */
function view(t: RefTensor, select?: number[], perm?: number[]): { dims: number[]; at: (index: number[]) => number } {
  const st = strides(t.dims);
  const selected = select ? t.dims.filter((_, i) => i !== select[0]) : t.dims;
  const p = perm ?? selected.map((_, i) => i);
  const dims = p.map((a) => selected[a]!);
  const at = (index: number[]) => {
    const sel: number[] = [];
    p.forEach((a, i) => (sel[a] = index[i]!));
    const full = select ? [...sel.slice(0, select[0]), select[1]!, ...sel.slice(select[0])] : sel;
    return Number(t.data[full.reduce((o, x, i) => o + x * st[i]!, 0)]);
  };
  return { dims, at };
}

/** Index `flat` of a row-major tensor of these dims, as a multi-index. */
export function unflatten(flat: number, dims: readonly number[]): number[] {
  const index = dims.map(() => 0);
  for (let i = dims.length - 1; i >= 0; i--) {
    index[i] = flat % dims[i]!;
    flat = Math.floor(flat / dims[i]!);
  }
  return index;
}

/** The layer's output (its physical shape, after outPerm) in float64. */
export function attentionReference(
  q: RefTensor,
  k: RefTensor,
  v: RefTensor,
  mask: RefTensor | undefined,
  p: AttentionRefParams,
): { dims: number[]; data: Float64Array } {
  const Q = view(q, p.qSelect, p.qPerm);
  const K = view(k, p.kSelect, p.kPerm);
  const V = view(v, p.vSelect, p.vPerm);
  const rank = Q.dims.length;
  const batchDims = Q.dims.slice(0, rank - 2);
  const [S, D] = [Q.dims[rank - 2]!, Q.dims[rank - 1]!];
  const T = p.transK ? K.dims[rank - 2]! : K.dims[rank - 1]!;
  const Dv = V.dims[rank - 1]!;
  const logical = [...batchDims, S, Dv];
  const outPerm = p.outPerm ?? logical.map((_, i) => i);
  const dims = outPerm.map((a) => logical[a]!);
  const outStrides = strides(dims);
  const data = new Float64Array(product(dims));
  const maskStrides = mask ? strides(mask.dims) : [];
  const maskAt = (b: number[], s: number, t: number) => {
    if (!mask) return 0;
    const scoreIndex = [...b, s, t];
    let off = 0;
    for (let j = 1; j <= mask.dims.length; j++) {
      const dm = mask.dims.length - j;
      if (mask.dims[dm] !== 1) off += scoreIndex[rank - j]! * maskStrides[dm]!;
    }
    return Number(mask.data[off]);
  };
  const scores = new Float64Array(T);
  for (let flat = 0; flat < product(batchDims); flat++) {
    const b = unflatten(flat, batchDims);
    for (let s = 0; s < S; s++) {
      let max = -Infinity;
      let nan = false;
      for (let t = 0; t < T; t++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += Q.at([...b, s, d]) * K.at(p.transK ? [...b, t, d] : [...b, d, t]);
        scores[t] = p.scale * dot + maskAt(b, s, t);
        if (Number.isNaN(scores[t]!)) nan = true;
        max = Math.max(max, scores[t]!);
      }
      let sum = 0;
      for (let t = 0; t < T; t++) sum += scores[t] = Math.exp(scores[t]! - max);
      const dead = nan || max === -Infinity;
      for (let dv = 0; dv < Dv; dv++) {
        let acc = 0;
        for (let t = 0; t < T; t++) acc += (scores[t]! / sum) * V.at([...b, t, dv]);
        const index = [...b, s, dv];
        const off = outPerm.reduce((o, a, i) => o + index[a]! * outStrides[i]!, 0);
        data[off] = dead ? (p.nanToZero ? 0 : NaN) : acc;
      }
    }
  }
  return { dims, data };
}
