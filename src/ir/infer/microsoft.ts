/**
 * Rules for the com.microsoft ops that onnxruntime's transformer optimizer writes and that
 * converters take (converters/microsoft.ts): the GELU forms (the input's type), SkipLayerNormalization
 * (output and input_skip_bias_sum like the input; mean and inv_std_var the input's shape with the
 * last dim 1), FusedMatMul (MatMul of the operands with their last two dims swapped by transA /
 * transB), Attention and MultiHeadAttention (their first output: [batch, S, value hidden size]) and
 * EmbedLayerNormalization ([batch, S, hidden] twice, mask_index int32 [batch]). The table is looked up for nodes of domain com.microsoft only.
 */
import { attrInt, attrInts } from '../attributes.js';
import type { Dim } from '../types.js';
import { type Rule, fail } from './context.js';
import { matmulShape } from './matmul.js';

const likeInput: Rule = (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.shape(0) }];

const skipLayerNormalization: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const stats = x ? [...x.slice(0, -1), 1] : undefined;
  return [
    { dtype, shape: x },
    { dtype: 'float32', shape: stats },
    { dtype: 'float32', shape: stats && [...stats] },
    { dtype, shape: x && [...x] },
  ];
};

const swapLast = (s: Dim[] | undefined, swap: boolean): Dim[] | undefined => {
  if (!s || !swap) return s;
  if (s.length < 2) fail('a transposed operand must have rank 2 or more');
  return [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
};

const fusedMatMul: Rule = (ctx) => [
  {
    dtype: ctx.dtype(0),
    shape: matmulShape(
      ctx,
      swapLast(ctx.shape(0), attrInt(ctx.node, 'transA', 0) !== 0),
      swapLast(ctx.shape(1), attrInt(ctx.node, 'transB', 0) !== 0),
    ),
  },
];

/** Attention: [batch, S, Dv] with Dv the third of qkv_hidden_sizes (default a third of the weights' columns). */
const attention: Rule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const sizes = attrInts(ctx.node, 'qkv_hidden_sizes');
  const dv = sizes?.[2] ?? (w && typeof w[1] === 'number' ? w[1] / 3 : undefined);
  return [{ dtype: ctx.dtype(0), shape: x && dv !== undefined ? [x[0]!, x[1]!, dv] : undefined }];
};

/** MultiHeadAttention with 3-D query and value: [batch, S, the value's hidden size]. */
const multiHeadAttention: Rule = (ctx) => {
  const q = ctx.shape(0);
  const v = ctx.node.inputs[2] ? ctx.shape(2) : undefined;
  return [{ dtype: ctx.dtype(0), shape: q && v && q.length === 3 && v.length === 3 ? [q[0]!, q[1]!, v[2]!] : undefined }];
};

/** EmbedLayerNormalization: [batch, S, hidden] (twice: output and embedding_sum) and mask_index int32 [batch]. */
const embedLayerNormalization: Rule = (ctx) => {
  const ids = ctx.shape(0);
  const table = ctx.shape(2);
  const out = ids && table ? [ids[0]!, ids[1]!, table[1]!] : undefined;
  const dtype = ctx.dtype(2);
  return [
    { dtype, shape: out },
    { dtype: 'int32', shape: ids ? [ids[0]!] : undefined },
    { dtype, shape: out && [...out] },
  ];
};

export const MICROSOFT_RULES: Readonly<Record<string, Rule>> = {
  Attention: attention,
  BiasGelu: likeInput,
  EmbedLayerNormalization: embedLayerNormalization,
  FastGelu: likeInput,
  FusedMatMul: fusedMatMul,
  Gelu: likeInput,
  MultiHeadAttention: multiHeadAttention,
  QuickGelu: likeInput,
  SkipLayerNormalization: skipLayerNormalization,
};
