/**
 * com.microsoft MultiHeadAttention and Attention (onnxruntime's contrib ops, what its
 * transformer optimizer and several exporters write) -> the engine's `attention` layer, the
 * layer the builder's fusion makes of the plain chain (native/src/builder/attention_fusion.h):
 *
 *   heads    q [B, S, H*d] -> [B, H, S, d] (a reshape, then a transpose); k likewise, read as
 *            [B, H, L, d] (transK); v [B, L, H*dv] -> [B, H, L, dv]
 *   mask     additive, broadcasting onto [B, H, S, L]: a 2-D key padding mask [B, L] and a 3-D
 *            mask [B, S, L] give mask_filter_value where not above 0, as onnxruntime's CPU
 *            kernel; attention_bias [B|1, H, S, L] is added; unidirectional adds
 *            mask_filter_value where key > query (static S == L)
 *   output   softmax(scale * q k^T + mask) v, scale default 1/sqrt(d), back to [B, S, H*dv]
 *
 * Attention first projects: input [B, S, Hin] @ weights [Hin, Dq+Dk+Dv] + bias, split into q,
 * k, v (qkv_hidden_sizes, default equal thirds). Refused with the reason: past and present
 * key/value (a KV cache), packed or 4-D key/value layouts, 1-D and 4-D mask formats, rotary
 * embeddings; batch and sequence may vary over a range.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import type { TensorRef } from '../src/engine/builder.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { type Emitter, defineConverter, tensorOf } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

const domain = 'com.microsoft';

interface AttendPlan {
  heads: number;
  /** Head sizes of q/k and of v. */
  d: number;
  dv: number;
  scale: number;
  filter: number;
  /** The mask input's index and rank (2: key padding [B, L]; 3: [B, S, L]), if any. */
  mask?: { input: number; rank: 2 | 3 };
  /** The attention_bias input's index, if any. */
  bias?: number;
  /** Static S and L for a causal mask. */
  causal?: { s: number; l: number };
}

/** What both ops share: heads, scale, the mask and bias inputs, no KV cache. */
function readAttend(
  v: NodeView,
  q: number[],
  kvLen: number,
  dq: number,
  dvTotal: number,
  maskAt: number,
  biasAt: number,
  pastAt: number[],
): AttendPlan {
  const heads = v.int('num_heads', 0);
  v.check(heads > 0, () => `num_heads is ${heads}; expected a positive count`);
  v.check(dq % heads === 0 && dvTotal % heads === 0, () => `hidden sizes ${dq} and ${dvTotal} are not multiples of num_heads ${heads}`);
  for (const i of pastAt) v.check(!v.has(i), () => `${v.inLabel(i)}: past key/value (a KV cache) is not supported`);
  for (const o of [1, 2]) v.check(!v.hasOutput(o), () => `output ${o} (present key/value) is not supported`);
  const d = dq / heads;
  const plan: AttendPlan = {
    heads,
    d,
    dv: dvTotal / heads,
    scale: v.float('scale', 0) || 1 / Math.sqrt(d),
    filter: v.float('mask_filter_value', -10000),
  };
  if (v.has(maskAt)) {
    const m = v.in(maskAt);
    v.check(m.dtype === 'int32', () => `${v.inLabel(maskAt)} has dtype ${m.dtype}; expected int32`);
    const b = q[0]!;
    const ok2 = m.shape.length === 2 && m.shape[0] === b && m.shape[1] === kvLen;
    const ok3 = m.shape.length === 3 && m.shape[0] === b && m.shape[1] === q[1] && m.shape[2] === kvLen;
    v.check(ok2 || ok3, () => `${v.inLabel(maskAt)} [${m.shape}]: only [batch, kv length] and [batch, S, kv length] masks are supported`);
    plan.mask = { input: maskAt, rank: ok2 ? 2 : 3 };
  }
  if (v.has(biasAt)) {
    const s = v.in(biasAt).shape;
    v.check(v.in(biasAt).dtype === v.in(0).dtype, () => `${v.inLabel(biasAt)} has dtype ${v.in(biasAt).dtype}, ${v.inLabel(0)} ${v.in(0).dtype}`);
    v.check(
      s.length === 4 && (s[0] === 1 || s[0] === q[0]) && s[1] === heads && s[2] === q[1] && s[3] === kvLen,
      () => `${v.inLabel(biasAt)} [${s}] is not [batch or 1, ${heads}, ${q[1]}, ${kvLen}]`,
    );
    plan.bias = biasAt;
  }
  if (v.int('unidirectional', 0) !== 0) {
    v.check(!v.ranged, () => 'unidirectional over a shape range is not supported (the causal mask is built for one S and L)');
    // With S != L onnxruntime's CPU kernel masks neither top-left nor bottom-right aligned
    // (measured: S 2, L 4 lets row 0 see key 0 and row 1 every key): no rule to match.
    v.check(q[1] === kvLen, () => `unidirectional with ${q[1]} queries and ${kvLen} keys is not supported (only S == L)`);
    plan.causal = { s: q[1]!, l: kvLen };
  }
  return plan;
}

/** [B, T, H*h] -> [B, H, T, h]. */
function heads(e: Emitter, x: TensorRef, h: number, size: number, suffix: string): TensorRef {
  return e.transpose(e.reshapeRelative(x, [0, 0, h, size], `${suffix}_split`), [0, 2, 1, 3], `${suffix}_heads`);
}

/** The additive mask (or none) and the attention layer, back to [B, S, H*dv]. */
function attend(e: Emitter, p: AttendPlan, q: TensorRef, k: TensorRef, v: TensorRef): void {
  const dtype = q.dtype;
  let mask: TensorRef | undefined;
  const add = (m: TensorRef, suffix: string) => {
    mask = mask ? e.add('elementwise', [mask, m], { op: 'add' }, suffix) : m;
  };
  if (p.mask) {
    const raw = e.input(p.mask.input);
    // As onnxruntime reads it: a position is kept where the mask is above 0.
    const kept = e.add('elementwise', [raw, e.fill(0, 'int32', 'mask_zero')], { op: 'greater' }, 'mask_kept');
    const filter = e.add('select', [kept, e.fill(0, dtype, 'mask_keep'), e.fill(p.filter, dtype, 'mask_filter')], {}, 'mask_add');
    // [B, L] -> [B, 1, 1, L]; [B, S, L] -> [B, S, L, 1] -> [B, 1, S, L] (each dim may vary over a range).
    const shaped =
      p.mask.rank === 2
        ? e.reshapeRelative(filter, [0, 1, 1, -1], 'mask_rank')
        : e.transpose(e.reshapeRelative(filter, [0, 0, 0, 1], 'mask_rank'), [0, 3, 1, 2], 'mask_heads');
    add(shaped, 'mask_bias');
  }
  if (p.bias !== undefined) add(e.input(p.bias), 'bias_sum');
  if (p.causal) {
    const { s, l } = p.causal;
    // Query i sees keys 0..i (S == L: the plan refuses other lengths).
    const values = Array.from({ length: s * l }, (_, i) => (i % l > Math.floor(i / l) ? p.filter : 0));
    add(e.constant(tensorOf(dtype, [s, l], values), 'causal'), 'causal_sum');
  }
  const qh = heads(e, q, p.heads, p.d, 'q');
  const kh = heads(e, k, p.heads, p.d, 'k');
  const vh = heads(e, v, p.heads, p.dv, 'v');
  const y = e.add('attention', mask ? [qh, kh, vh, mask] : [qh, kh, vh], { scale: p.scale, transK: true }, 'attention');
  e.output(0, e.reshapeRelative(e.transpose(y, [0, 2, 1, 3], 'merge'), [0, 0, p.heads * p.dv], 'out'));
}

const multiHeadAttention = defineConverter<AttendPlan>({
  opType: 'MultiHeadAttention',
  domain,
  sinceVersion: 1,
  notes:
    'query, key, value [batch, length, hidden] (no packed or 4-D layouts); an optional constant bias; key_padding_mask int32 [batch, kv length] or [batch, S, kv length]; attention_bias; unidirectional on static shapes with S == L; no past/present key/value.',
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    v.check(v.has(1) && v.has(2), () => 'packed QKV (no separate key and value) is not supported');
    const [q, k, val] = [v.in(0).shape, v.in(1).shape, v.in(2).shape];
    v.check(
      q.length === 3 && k.length === 3 && val.length === 3,
      () => `query [${q}], key [${k}], value [${val}]: only 3-D [batch, length, hidden] forms are supported`,
    );
    for (const i of [1, 2]) v.check(v.in(i).dtype === dtype, () => `${v.inLabel(i)} has dtype ${v.in(i).dtype}, query ${dtype}`);
    v.check(k[0] === q[0] && val[0] === q[0] && k[1] === val[1] && k[2] === q[2], () => `query [${q}], key [${k}] and value [${val}] do not fit`);
    if (v.has(3)) {
      const b = v.constant(3);
      v.check(b && b.dims.length === 1 && b.dims[0] === 2 * q[2]! + val[2]!, () => `${v.inLabel(3)} must be a constant of [${2 * q[2]! + val[2]!}]`);
    }
    return readAttend(v, q, k[1]!, q[2]!, val[2]!, 4, 5, [6, 7]);
  },
  emit(e, p) {
    let [q, k, v] = [e.input(0), e.input(1), e.input(2)];
    if (e.node.inputs[3]) {
      const b = e.ctx.constant(e.node.inputs[3])!;
      const data = b.data as Float32Array;
      const dq = p.heads * p.d;
      const part = (from: number, to: number, suffix: string) =>
        e.constant({ dtype: b.dtype, dims: [to - from], data: data.subarray(from, to) } as TensorData, suffix);
      q = e.add('elementwise', [q, part(0, dq, 'bias_q')], { op: 'add' }, 'q_bias');
      k = e.add('elementwise', [k, part(dq, 2 * dq, 'bias_k')], { op: 'add' }, 'k_bias');
      v = e.add('elementwise', [v, part(2 * dq, data.length, 'bias_v')], { op: 'add' }, 'v_bias');
    }
    attend(e, p, q, k, v);
  },
});

interface ProjectedPlan extends AttendPlan {
  sizes: [number, number, number];
}

const attention = defineConverter<ProjectedPlan>({
  opType: 'Attention',
  domain,
  sinceVersion: 1,
  notes:
    'input [batch, S, hidden] and weights [hidden, Dq+Dk+Dv] (qkv_hidden_sizes); mask_index int32 [batch, S] or [batch, S, S] (no 1-D or 4-D forms); attention_bias; unidirectional on static shapes; no past/present, no rotary embedding.',
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const x = v.in(0).shape;
    const w = v.in(1).shape;
    v.check(
      x.length === 3 && w.length === 2 && w[0] === x[2],
      () => `input [${x}] and weights [${w}] do not fit [batch, S, hidden] @ [hidden, 3 hidden]`,
    );
    v.check(v.in(1).dtype === dtype, () => `${v.inLabel(1)} has dtype ${v.in(1).dtype}, input ${dtype}`);
    v.check(v.int('do_rotary', 0) === 0, () => 'do_rotary=1 is not supported');
    const given = v.ints('qkv_hidden_sizes');
    const sizes = (given ?? [w[1]! / 3, w[1]! / 3, w[1]! / 3]) as [number, number, number];
    v.check(
      sizes.length === 3 && sizes[0] === sizes[1] && sizes.every((s) => Number.isInteger(s) && s > 0) && sizes[0] + sizes[1] + sizes[2] === w[1],
      () => `qkv_hidden_sizes [${sizes}] do not split weights [${w}] into q, k (equal) and v`,
    );
    if (v.has(2))
      v.check(
        v.in(2).shape.length === 1 && v.in(2).shape[0] === w[1] && v.in(2).dtype === dtype,
        () => `${v.inLabel(2)} is not [${w[1]}] of ${dtype}`,
      );
    v.check(!v.has(6), () => 'past_sequence_length is not supported');
    return { ...readAttend(v, x, x[1]!, sizes[0], sizes[2], 3, 5, [4]), sizes };
  },
  emit(e, p) {
    let qkv = e.add('matmul', [e.input(0), e.input(1)], { transA: false, transB: false, alpha: 1, beta: 0 }, 'qkv');
    if (e.node.inputs[2]) qkv = e.add('elementwise', [qkv, e.input(2)], { op: 'add' }, 'qkv_bias');
    const [q, k, v] = e.addMany('split', [qkv], { axis: 2, sizes: [...p.sizes] }, 'qkv_split');
    attend(e, p, q!, k!, v!);
  },
});

export const attentionConverters: Converter[] = [attention, multiHeadAttention];
