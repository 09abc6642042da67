/**
 * Rules for the recurrent ops RNN, GRU and LSTM: Y, Y_h (and LSTM's Y_c) from the sequence
 * input, hidden_size and direction, in either layout (batch-first from opset 14). An X of another
 * rank than 3 is an issue (onnxruntime refuses it).
 */
import { attrInt, attrString } from '../attributes.js';
import type { Dim } from '../types.js';
import { type Rule, fail } from './context.js';

export const recurrent: Rule = (ctx) => {
  const x = ctx.shape(0);
  if (x && x.length !== 3) fail(`X has rank ${x.length} ([${x.join(',')}]); ${ctx.node.opType} takes [seq, batch, input] (or batch-first)`);
  const dtype = ctx.dtype(0);
  const layout = ctx.opset >= 14 ? attrInt(ctx.node, 'layout', 0) : 0;
  const dirs = attrString(ctx.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1;
  const hidden: Dim = attrInt(ctx.node, 'hidden_size') ?? ctx.shape(2)?.[2] ?? ctx.symbols.fresh();
  const [seq, batch]: Dim[] = x && x.length === 3 ? (layout ? [x[1]!, x[0]!] : [x[0]!, x[1]!]) : [ctx.symbols.fresh(), ctx.symbols.fresh()];
  const y = layout ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const state = layout ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return [
    { dtype, shape: y },
    { dtype, shape: state },
    { dtype, shape: [...state] },
  ];
};
