/**
 * Rules for the loss ops NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: the target's
 * shape with reduction 'none', a scalar otherwise (and SoftmaxCrossEntropyLoss's optional
 * log_prob output, shaped like the scores).
 */
import { attrString } from '../attributes.js';
import type { Rule } from './context.js';

export const loss: Rule = (ctx) => {
  const none = attrString(ctx.node, 'reduction', 'mean') === 'none';
  const target = ctx.shape(1);
  const dtype = ctx.dtype(0);
  return [
    { dtype, shape: none ? (target ? [...target] : undefined) : [] },
    { dtype, shape: ctx.shape(0) ? [...ctx.shape(0)!] : undefined },
  ];
};
