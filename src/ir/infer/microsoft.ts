/**
 * Rules for the com.microsoft ops that onnxruntime's transformer optimizer writes and that
 * converters take (converters/microsoft.ts): the GELU forms (the input's type), SkipLayerNormalization
 * (output and input_skip_bias_sum like the input; mean and inv_std_var the input's shape with the
 * last dim 1) and FusedMatMul (MatMul of the operands with their last two dims swapped by transA /
 * transB). The table is looked up for nodes of domain com.microsoft only.
 */
import { attrInt } from '../attributes.js';
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

export const MICROSOFT_RULES: Readonly<Record<string, Rule>> = {
  BiasGelu: likeInput,
  FastGelu: likeInput,
  FusedMatMul: fusedMatMul,
  Gelu: likeInput,
  QuickGelu: likeInput,
  SkipLayerNormalization: skipLayerNormalization,
};
