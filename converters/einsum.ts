/**
 * Einsum of one or two float operands -> the layers it means, as TensorRT's parser lowers it:
 * each operand first sums the labels nobody else reads (a `reduce`), then for two operands a
 * transpose and reshape to [batch..., M, K] and [batch..., K, N] (batch: labels in both operands
 * and the output, broadcast as matmul broadcasts them; K: labels in both but not the output;
 * M and N: labels of one operand kept in the output), one `matmul`, and a reshape and transpose
 * to the output's order. One operand is a reduce and a transpose. Ellipses, implicit outputs and
 * outer products (no K) are taken; a label repeated within one operand (a diagonal), three or
 * more operands and integer operands are refused, saying so. Shapes must be static (the
 * reshapes are fixed); the output shape is inference's.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { sameShape } from '../src/engine/shape-math.js';
import type { TensorRef } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

interface Operand {
  /** One label per dim. */
  labels: string[];
  /** Labels only this operand has and the output drops: summed first. */
  summed: number[];
}

interface Plan {
  operands: Operand[];
  /** The labels after each operand's sums, in the order the matmul (or transpose) wants them. */
  order: string[][];
  batch: string[];
  m: string[];
  k: string[];
  n: string[];
  output: string[];
  size: Record<string, number>;
}

/** 'ab...c' -> labels, the ellipsis expanded to `ellipsis` digit labels right-aligned among `width`. */
function expand(term: string, rank: number, width: number, v: NodeView, what: string): string[] {
  const dots = term.indexOf('...');
  const letters = term.replace('...', '');
  v.check(/^[a-zA-Z]*$/.test(letters), () => `${what} '${term}' holds characters other than letters and one '...'`);
  if (dots < 0) {
    v.check(letters.length === rank, () => `${what} '${term}' names ${letters.length} dims of a rank-${rank} input`);
    return [...letters];
  }
  const count = rank - letters.length;
  v.check(count >= 0 && count <= width, () => `${what} '${term}' does not fit a rank-${rank} input`);
  const dims = Array.from({ length: count }, (_, i) => String(width - count + i));
  return [...letters.slice(0, dots), ...dims, ...letters.slice(dots)];
}

/** How a message names a label: a letter, or the ellipsis' k-th dim (its internal digit). */
const labelName = (l: string) => (/[0-9]/.test(l) ? `ellipsis dim ${l}` : `label '${l}'`);

function planEinsum(v: NodeView): Plan {
  const equation = v.string('equation', '').replace(/\s+/g, '');
  v.check(equation.length > 0, () => 'the equation attribute is missing');
  const [lhs, rhs] = equation.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  v.check(terms.length === v.inputCount, () => `the equation has ${terms.length} operands, the node ${v.inputCount} inputs`);
  v.check(terms.length <= 2, () => `${terms.length} operands: engines take Einsum of one or two`);
  const ranks = terms.map((_, i) => {
    v.dtype(i, FLOAT_DTYPES);
    return v.in(i).shape.length;
  });
  const width = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? ranks[i]! - t.replace('...', '').length : 0)));
  const labels = terms.map((t, i) => expand(t, ranks[i]!, width, v, `operand ${i}`));
  for (const [i, l] of labels.entries()) {
    v.check(new Set(l).size === l.length, () => `operand ${i} repeats a label (a diagonal), which engines do not take`);
  }
  const size: Record<string, number> = {};
  labels.forEach((l, i) =>
    l.forEach((label, d) => {
      const s = v.in(i).shape[d]!;
      const had = size[label];
      v.check(had === undefined || had === s || had === 1 || s === 1, () => `${labelName(label)} is ${had} in one operand and ${s} in another`);
      size[label] = had === undefined || had === 1 ? s : had;
    }),
  );
  const ellipsis = Array.from({ length: width }, (_, i) => String(i));
  let output: string[];
  if (rhs === undefined) {
    // Implicit: the ellipsis, then every letter named once, alphabetically.
    const once = Object.keys(size).filter((l) => /[a-zA-Z]/.test(l) && labels.flat().filter((x) => x === l).length === 1);
    output = [...ellipsis, ...once.sort()];
  } else {
    output = expand(rhs, rhs.replace('...', '').length + (rhs.includes('...') ? width : 0), width, v, 'the output');
    v.check(new Set(output).size === output.length, () => `the output '${rhs}' repeats a label`);
    for (const l of output) v.check(size[l] !== undefined, () => `the output names ${labelName(l)}, which no operand has`);
  }
  const inOut = new Set(output);
  const operands = labels.map((l, i) => {
    const others = labels.filter((_, j) => j !== i).flat();
    const summed = l.flatMap((label, d) => (!inOut.has(label) && !others.includes(label) ? [d] : []));
    return { labels: l, summed };
  });
  const kept = operands.map((o) => o.labels.filter((_, d) => !o.summed.includes(d)));
  if (kept.length === 1) {
    return { operands, order: [output], batch: [], m: output, k: [], n: [], output, size };
  }
  const [a, b] = kept as [string[], string[]];
  const batch = a.filter((l) => b.includes(l) && inOut.has(l));
  const k = a.filter((l) => b.includes(l) && !inOut.has(l));
  for (const l of k) {
    v.check(
      v.in(0).shape[labels[0]!.indexOf(l)] === v.in(1).shape[labels[1]!.indexOf(l)],
      () => `${labelName(l)} is summed over sizes that differ between the operands`,
    );
  }
  const m = a.filter((l) => !b.includes(l));
  const n = b.filter((l) => !a.includes(l));
  return {
    operands,
    order: [
      [...batch, ...m, ...k],
      [...batch, ...k, ...n],
    ],
    batch,
    m,
    k,
    n,
    output,
    size,
  };
}

const einsum = defineConverter<Plan>({
  opType: 'Einsum',
  sinceVersion: 12,
  notes: `One or two operands of ${FLOAT_DTYPES.join(', ')}; ellipses and implicit outputs; no diagonals (a label twice in one operand).`,
  plan(v) {
    const plan = planEinsum(v);
    // Inference is the authority on the output (src/ir/infer): the equation read here must agree.
    const made = plan.output.map((l) => plan.size[l]!);
    v.check(sameShape(made, v.out(0).shape), () => `the equation gives [${made}], inference says [${v.out(0).shape}]`);
    return plan;
  },
  emit(e, p) {
    const prod = (ls: string[]) => ls.reduce((acc, l) => acc * p.size[l]!, 1);
    // Each operand: its lone labels summed, then transposed to its order.
    const ready = p.operands.map((o, i) => {
      let x: TensorRef = e.input(i);
      let labels = o.labels;
      if (o.summed.length) {
        x = e.add('reduce', [x], { op: 'sum', axes: o.summed, keepDims: false }, `sum${i}`);
        labels = labels.filter((_, d) => !o.summed.includes(d));
      }
      return e.transpose(
        x,
        p.order[i]!.map((l) => labels.indexOf(l)),
        `order${i}`,
      );
    });
    if (ready.length === 1) {
      e.output(0, ready[0]!);
      return;
    }
    const batchDims = (x: TensorRef) => x.shape.slice(0, p.batch.length);
    const a = e.reshape(ready[0]!, [...batchDims(ready[0]!), prod(p.m), prod(p.k)], 'a');
    const b = e.reshape(ready[1]!, [...batchDims(ready[1]!), prod(p.k), prod(p.n)], 'b');
    const y = e.add('matmul', [a, b], { transA: false, transB: false, alpha: 1, beta: 0 }, 'matmul');
    const grouped = [...p.batch, ...p.m, ...p.n];
    const unflat = e.reshape(
      y,
      grouped.map((l, i) => (i < p.batch.length ? y.shape[i]! : p.size[l]!)),
      'unflatten',
    );
    e.output(
      0,
      e.transpose(
        unflat,
        p.output.map((l) => grouped.indexOf(l)),
      ),
    );
  },
});

export const einsumConverters: Converter[] = [einsum];
