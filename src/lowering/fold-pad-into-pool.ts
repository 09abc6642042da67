/**
 * Pass `fold-pad-into-pool`: a Pad of zeros on the spatial dims read only by an AveragePool
 * becomes the pool's own `pads` (added to any it has) with count_include_pad=1, so the padded
 * copy is never made (torchvision's inception_v3 pads before each 3x3 average pool, issue 18).
 *
 * Exact: with count_include_pad=1 a pool's pads count as zeros in every window, which is what
 * the Pad wrote. Folded only where that holds and onnxruntime accepts the result:
 * - Pad: mode constant, value 0 or absent, pads constant, non-negative, zero on N and C
 *   (opset 18's axes, constant, naming spatial dims only), its output read by the pool alone;
 * - AveragePool (opset 7 on, where count_include_pad exists): auto_pad NOTSET or VALID,
 *   ceil_mode 0 (with ceil_mode the last window's rule depends on where the pads begin),
 *   dilations 1, and pads of its own only with count_include_pad=1 already (else its own pads
 *   are not averaged in, the Pad's would be);
 * - each side's summed pads smaller than the kernel (onnxruntime refuses larger pads).
 * MaxPool is never folded: its pads read as -inf, the Pad's as 0.
 */
import { attrFloat, attrInt, attrInts, attrString, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isOp, onlyReadBy, outerReads } from './graph-utils.js';
import { Changes, type PassResult } from './types.js';

/** The constant's values as numbers, or undefined when `name` is no initializer. */
function constantNumbers(graph: Graph, name: string): number[] | undefined {
  const t = graph.constant(name);
  return t ? Array.from(t.data as ArrayLike<number | bigint>, Number) : undefined;
}

/**
 * The Pad's pads as [begin per dim, end per dim] over `rank` dims where it pads zeros on the
 * spatial dims only (mode constant, value 0 or absent, pads constant and non-negative), or why
 * not. Also fold-pad-into-conv's rule.
 */
export function padAmounts(graph: Graph, pad: Node, rank: number | undefined, opset: number): { begin: number[]; end: number[] } | string {
  const mode = attrString(pad, 'mode', 'constant');
  if (mode !== 'constant') return `mode ${mode}`;
  let pads: number[] | undefined;
  let value: number;
  let axes: number[] | undefined;
  if (opset < 11) {
    pads = attrInts(pad, 'pads');
    value = attrFloat(pad, 'value', 0);
  } else {
    pads = pad.inputs[1] ? constantNumbers(graph, pad.inputs[1]) : undefined;
    const v = pad.inputs[2] ? constantNumbers(graph, pad.inputs[2]) : [0];
    if (!v || v.length !== 1) return 'constant_value is not a constant scalar';
    value = v[0]!;
    if (pad.inputs[3]) {
      axes = constantNumbers(graph, pad.inputs[3]);
      if (!axes) return 'axes are not constant';
    }
  }
  if (value !== 0) return `pads with ${value}, not 0`;
  if (!pads) return 'pads are not constant';
  if (pads.some((p) => p < 0)) return 'negative pads (a crop)';
  if (rank === undefined) {
    if (axes) return 'axes given and the rank is unknown';
    rank = pads.length / 2;
  }
  const dims = axes ? axes.map((a) => (a < 0 ? a + rank! : a)) : Array.from({ length: rank }, (_, i) => i);
  if (pads.length !== 2 * dims.length) return `${pads.length} pads for ${dims.length} dims`;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  dims.forEach((d, i) => {
    begin[d]! += pads![i]!;
    end[d]! += pads![i + dims.length]!;
  });
  if (begin[0] || begin[1] || end[0] || end[1]) return 'pads the batch or channel dim';
  return { begin, end };
}

/** Why the pool cannot take `extra` pads exactly, or its new pads. */
function poolPads(pool: Node, spatial: number, extra: { begin: number[]; end: number[] }): number[] | string {
  const autoPad = attrString(pool, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return `auto_pad ${autoPad}`;
  if (attrInt(pool, 'ceil_mode', 0) !== 0) return 'ceil_mode 1';
  if ((attrInts(pool, 'dilations') ?? []).some((d) => d !== 1)) return 'dilations';
  const kernel = attrInts(pool, 'kernel_shape');
  if (!kernel || kernel.length !== spatial) return `kernel_shape of ${kernel?.length ?? 0} dims for ${spatial} spatial dims`;
  const own = autoPad === 'VALID' ? new Array<number>(2 * spatial).fill(0) : attrInts(pool, 'pads', new Array<number>(2 * spatial).fill(0));
  if (own.length !== 2 * spatial) return `${own.length} pads for ${spatial} spatial dims`;
  if (own.some((p) => p !== 0) && attrInt(pool, 'count_include_pad', 0) === 0) {
    return 'the pool has pads of its own with count_include_pad=0';
  }
  const pads = own.map((p, i) => p + (i < spatial ? extra.begin[2 + i]! : extra.end[2 + i - spatial]!));
  for (let d = 0; d < spatial; d++) {
    if (pads[d]! >= kernel[d]! || pads[d + spatial]! >= kernel[d]!) return `pads [${pads}] would not be smaller than kernel_shape [${kernel}]`;
  }
  return pads;
}

export function foldPadIntoPool(graph: Graph): PassResult {
  const changes = new Changes();
  const opset = graph.opset('') ?? 1;
  if (opset < 7) return changes.result();
  const pinned = outerReads(graph);
  for (const pad of [...graph.nodes]) {
    if (!isOp(pad, 'Pad') || !pad.inputs[0] || !pad.outputs[0]) continue;
    const readers = graph.consumers(pad.outputs[0]);
    const pool = readers.find((r) => isOp(r, 'AveragePool'));
    if (!pool) continue;
    if (!onlyReadBy(graph, pad.outputs[0], pool, pinned) || pool.inputs[0] !== pad.outputs[0]) {
      changes.note(`kept Pad '${pad.name}': read by more than AveragePool '${pool.name}' (or a graph output)`);
      continue;
    }
    const rank = graph.types.get(pad.inputs[0])?.shape?.length;
    const amounts = padAmounts(graph, pad, rank, opset);
    if (typeof amounts === 'string') {
      changes.note(`kept Pad '${pad.name}' before '${pool.name}': ${amounts}`);
      continue;
    }
    const pads = poolPads(pool, amounts.begin.length - 2, amounts);
    if (typeof pads === 'string') {
      changes.note(`kept Pad '${pad.name}' before '${pool.name}': ${pads}`);
      continue;
    }
    setAttr(pool, makeAttr.ints('pads', pads));
    setAttr(pool, makeAttr.int('count_include_pad', 1));
    if (attrString(pool, 'auto_pad', 'NOTSET') === 'VALID') setAttr(pool, makeAttr.string('auto_pad', 'NOTSET'));
    graph.removeNodes([pad]);
    graph.setInput(pool, 0, pad.inputs[0]);
    graph.types.delete(pad.outputs[0]);
    changes.add('Pad folded into AveragePool', `'${pad.name}' folded into '${pool.name}' (pads [${pads}])`);
  }
  return changes.result();
}
