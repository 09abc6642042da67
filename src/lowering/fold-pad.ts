/**
 * Passes `fold-pad-into-pool` and `fold-pad-into-conv`: a Pad of zeros on the spatial dims, read
 * only by one window op as its data input, becomes that op's own `pads` (added to any it has),
 * so the padded copy is never made. torchvision's inception_v3 pads before each 3x3 average pool;
 * tf2onnx pads explicitly before each 'valid' stride-2 convolution (ZeroPadding2D: M-LSD's
 * block_1_pad, 1.1 ms of mlsd_tiny_320's 21 on the cpu engine), which onnxruntime folds likewise
 * (its Pad fusion). Issue 18.
 *
 * One driver, one rule for the Pad (padAmounts), one for adding its pads to the op's (the op's
 * auto_pad NOTSET or VALID: SAME_* places its pads from the input's size; VALID becomes
 * NOTSET), and per op what else must hold for the fold to be exact:
 * - Conv: nothing more; its pads read as zeros, which is what the Pad wrote.
 * - AveragePool (opset 7 on, where count_include_pad exists): the fold sets count_include_pad=1,
 *   so that the pads count as zeros in every window; ceil_mode 0 (with ceil_mode the last
 *   window's rule depends on where the pads begin), dilations 1, pads of its own only with
 *   count_include_pad=1 already (else its own pads are not averaged in, the Pad's would be),
 *   each side's summed pads smaller than the kernel (onnxruntime refuses larger pads).
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
 * not.
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

/** A window op a Pad folds into: what else must hold (why not, or undefined), and what the fold sets besides the pads. */
interface Target {
  op: 'Conv' | 'AveragePool';
  minOpset: number;
  refuses(node: Node, own: number[], pads: number[]): string | undefined;
  alsoSet?(node: Node): void;
}

/** Why `node` cannot take the Pad's `extra` pads, or its new pads (its own plus the Pad's). */
function addedPads(node: Node, target: Target, extra: { begin: number[]; end: number[] }): number[] | string {
  const spatial = extra.begin.length - 2;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return `auto_pad ${autoPad}`;
  const own = autoPad === 'VALID' ? new Array<number>(2 * spatial).fill(0) : attrInts(node, 'pads', new Array<number>(2 * spatial).fill(0));
  if (own.length !== 2 * spatial) return `${own.length} pads for ${spatial} spatial dims`;
  const pads = own.map((p, i) => p + (i < spatial ? extra.begin[2 + i]! : extra.end[2 + i - spatial]!));
  return target.refuses(node, own, pads) ?? pads;
}

function foldPads(graph: Graph, target: Target): PassResult {
  const changes = new Changes();
  const opset = graph.opset('') ?? 1;
  if (opset < target.minOpset) return changes.result();
  const pinned = outerReads(graph);
  for (const pad of [...graph.nodes]) {
    if (!isOp(pad, 'Pad') || !pad.inputs[0] || !pad.outputs[0]) continue;
    const node = graph.consumers(pad.outputs[0]).find((r) => isOp(r, target.op));
    if (!node) continue;
    if (!onlyReadBy(graph, pad.outputs[0], node, pinned) || node.inputs.indexOf(pad.outputs[0]) !== 0 || node.inputs.indexOf(pad.outputs[0], 1) > 0) {
      changes.note(`kept Pad '${pad.name}': read by more than ${target.op} '${node.name}'s input (or a graph output)`);
      continue;
    }
    const amounts = padAmounts(graph, pad, graph.types.get(pad.inputs[0])?.shape?.length, opset);
    const pads = typeof amounts === 'string' ? amounts : addedPads(node, target, amounts);
    if (typeof pads === 'string') {
      changes.note(`kept Pad '${pad.name}' before '${node.name}': ${pads}`);
      continue;
    }
    setAttr(node, makeAttr.ints('pads', pads));
    if (attrString(node, 'auto_pad', 'NOTSET') === 'VALID') setAttr(node, makeAttr.string('auto_pad', 'NOTSET'));
    target.alsoSet?.(node);
    graph.removeNodes([pad]);
    graph.setInput(node, 0, pad.inputs[0]);
    graph.types.delete(pad.outputs[0]);
    changes.add(`Pad folded into ${target.op}`, `'${pad.name}' folded into '${node.name}' (pads [${pads}])`);
  }
  return changes.result();
}

const AVERAGE_POOL: Target = {
  op: 'AveragePool',
  minOpset: 7,
  refuses(pool, own, pads) {
    if (attrInt(pool, 'ceil_mode', 0) !== 0) return 'ceil_mode 1';
    if ((attrInts(pool, 'dilations') ?? []).some((d) => d !== 1)) return 'dilations';
    const spatial = own.length / 2;
    const kernel = attrInts(pool, 'kernel_shape');
    if (!kernel || kernel.length !== spatial) return `kernel_shape of ${kernel?.length ?? 0} dims for ${spatial} spatial dims`;
    if (own.some((p) => p !== 0) && attrInt(pool, 'count_include_pad', 0) === 0) return 'the pool has pads of its own with count_include_pad=0';
    for (let d = 0; d < spatial; d++) {
      if (pads[d]! >= kernel[d]! || pads[d + spatial]! >= kernel[d]!) return `pads [${pads}] would not be smaller than kernel_shape [${kernel}]`;
    }
    return undefined;
  },
  alsoSet: (pool) => setAttr(pool, makeAttr.int('count_include_pad', 1)),
};

const CONV: Target = { op: 'Conv', minOpset: 1, refuses: () => undefined };

export const foldPadIntoPool = (graph: Graph): PassResult => foldPads(graph, AVERAGE_POOL);
export const foldPadIntoConv = (graph: Graph): PassResult => foldPads(graph, CONV);
