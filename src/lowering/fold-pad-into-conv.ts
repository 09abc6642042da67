/**
 * Pass `fold-pad-into-conv`: a Pad of zeros on the spatial dims read only by a Conv (as its
 * input, not its weights) becomes the Conv's own `pads` (added to any it has), so the padded copy
 * is never made: TF models exported by tf2onnx pad explicitly before each 'valid' stride-2
 * convolution (ZeroPadding2D; M-LSD's block_1_pad, 1.1 ms of mlsd_tiny_320's 21 on the cpu
 * engine), which onnxruntime folds likewise (its Pad fusion). Issue 18.
 *
 * Exact: a Conv's pads read as zeros, which is what the Pad wrote. Which Pads fold:
 * fold-pad-into-pool's padAmounts (zeros, constant pads, spatial dims only), the Conv's auto_pad
 * NOTSET or VALID (SAME_* places its pads from the input's size), its output read by the Conv
 * alone.
 */
import { attrInts, attrString, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph } from '../ir/graph.js';
import { padAmounts } from './fold-pad-into-pool.js';
import { isOp, onlyReadBy, outerReads } from './graph-utils.js';
import { Changes, type PassResult } from './types.js';

export function foldPadIntoConv(graph: Graph): PassResult {
  const changes = new Changes();
  const opset = graph.opset('') ?? 1;
  const pinned = outerReads(graph);
  for (const pad of [...graph.nodes]) {
    if (!isOp(pad, 'Pad') || !pad.inputs[0] || !pad.outputs[0]) continue;
    const conv = graph.consumers(pad.outputs[0]).find((r) => isOp(r, 'Conv'));
    if (!conv) continue;
    if (!onlyReadBy(graph, pad.outputs[0], conv, pinned) || conv.inputs[0] !== pad.outputs[0] || conv.inputs.indexOf(pad.outputs[0], 1) > 0) {
      changes.note(`kept Pad '${pad.name}': read by more than Conv '${conv.name}'s input (or a graph output)`);
      continue;
    }
    const amounts = padAmounts(graph, pad, graph.types.get(pad.inputs[0])?.shape?.length, opset);
    if (typeof amounts === 'string') {
      changes.note(`kept Pad '${pad.name}' before '${conv.name}': ${amounts}`);
      continue;
    }
    const autoPad = attrString(conv, 'auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') {
      changes.note(`kept Pad '${pad.name}' before '${conv.name}': auto_pad ${autoPad}`);
      continue;
    }
    const spatial = amounts.begin.length - 2;
    const own = autoPad === 'VALID' ? new Array<number>(2 * spatial).fill(0) : attrInts(conv, 'pads', new Array<number>(2 * spatial).fill(0));
    if (own.length !== 2 * spatial) {
      changes.note(`kept Pad '${pad.name}' before '${conv.name}': ${own.length} pads for ${spatial} spatial dims`);
      continue;
    }
    const pads = own.map((p, i) => p + (i < spatial ? amounts.begin[2 + i]! : amounts.end[2 + i - spatial]!));
    setAttr(conv, makeAttr.ints('pads', pads));
    if (autoPad === 'VALID') setAttr(conv, makeAttr.string('auto_pad', 'NOTSET'));
    graph.removeNodes([pad]);
    graph.setInput(conv, 0, pad.inputs[0]);
    graph.types.delete(pad.outputs[0]);
    changes.add('Pad folded into Conv', `'${pad.name}' folded into '${conv.name}' (pads [${pads}])`);
  }
  return changes.result();
}
