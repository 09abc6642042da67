/**
 * Raising a model's ai.onnx opset to 13 for its Q/DQ layout (qdq.ts): QuantizeLinear and
 * DequantizeLinear exist from opset 10, their per-axis form (per-channel weights) from 13, and
 * trained models exported long ago are older (PaddleOCR's angle classifier and recognizer are
 * opset 9). The ops whose form changed between an older opset and 13 are rewritten into their
 * opset-13 form, computing the same; every other op kept its meaning (new attributes with
 * defaults, more types, negative axes), so the node stays as it is:
 *
 *   BatchNormalization (< 9)        its `spatial` attribute (1, the only form kept) dropped
 *   Slice (< 10)                    starts, ends, axes: attributes -> int64 inputs
 *   TopK (< 10)                     k: attribute -> int64 input
 *   Clip (< 11)                     min, max: attributes -> float32 scalar inputs
 *   Pad (< 11)                      pads, value: attributes -> inputs
 *   Dropout (< 12)                  -> Identity, where its mask is not read (inference)
 *   Squeeze, Unsqueeze, ReduceSum,  axes / split: attributes -> int64 inputs
 *   Split (< 13)
 *   Softmax, LogSoftmax, Hardmax    before 13 they flatten from `axis` on, from 13 act along it:
 *   (< 13)                          the same only where `axis` is the last dim, which is then
 *                                   written as axis -1 (an input of unknown rank is refused)
 *
 * Refused (the model keeps its opset, and qdq.ts says why where it must have 10): any model of
 * opset < 7 (Add, Mul, Gemm, ... broadcast there along a `broadcast`/`axis` attribute, not as
 * numpy does from 7 on; consumed_inputs and the like were removed), Upsample and
 * Scatter (deprecated, other ops replace them), Resize of opset 10 (its coordinates differ from
 * 11's), Scan of opset 8 (its batch axis), a BatchNormalization of opset < 7 or with spatial
 * 0, a Dropout whose mask is read, a Clip or Pad on a tensor not float32, and any of the ops
 * above inside a subgraph (If, Loop, Scan bodies are not rewritten). All is checked before
 * anything changes: the graph is rewritten wholly or not at all.
 */
import type { Graph, Node } from '../ir/graph.js';
import { attrFloat, attrInt, attrInts, findAttr, makeAttr } from '../ir/attributes.js';
import { type NodeProto, toBigInt } from '../onnx/proto.js';

/** The opset the layout is raised to: per-axis DequantizeLinear. */
export const QDQ_OPSET = 13;

/** Op -> the opset whose form it takes from (rewritten or refused below where the model is older). */
const CHANGED: Record<string, number> = {
  BatchNormalization: 9,
  Scan: 9,
  Slice: 10,
  TopK: 10,
  Upsample: 13, // deprecated in 10: refused whatever the model's opset
  Resize: 11,
  Clip: 11,
  Pad: 11,
  Scatter: 13, // deprecated in 11: refused whatever the model's opset
  Dropout: 12,
  Squeeze: 13,
  Unsqueeze: 13,
  ReduceSum: 13,
  Split: 13,
  Softmax: 13,
  LogSoftmax: 13,
  Hardmax: 13,
};

type Fresh = (base: string) => string;
/** A rewrite of one node, planned (not yet applied), or why it cannot be. */
type Plan = { apply: (fresh: Fresh) => void } | { refused: string };

const isDefault = (n: Node) => n.domain === '' || n.domain === 'ai.onnx';
const without = (n: Node, ...names: string[]) => n.attributes.filter((a) => !names.includes(a.name ?? ''));

function int64s(graph: Graph, fresh: Fresh, base: string, values: readonly (number | bigint)[]): string {
  const name = fresh(base);
  graph.setInitializer(name, { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
  return name;
}

function float32(graph: Graph, fresh: Fresh, base: string, value: number): string {
  const name = fresh(base);
  graph.setInitializer(name, { dtype: 'float32', dims: [], data: Float32Array.of(value) });
  return name;
}

/** The rewrite of `n` (an op of CHANGED, in a graph of opset `from` < its entry). */
function plan(graph: Graph, n: Node, from: number): Plan {
  const what = `${n.opType} '${n.name}' (opset ${from})`;
  const floatInput = () => graph.types.get(n.inputs[0]!)?.dtype === 'float32';
  /** An ints attribute made the node's second input (none where the attribute is absent). */
  const attrToInput = (attr: string): Plan => {
    const values = attrInts(n, attr);
    return {
      apply: (fresh) => {
        n.inputs = [n.inputs[0]!, ...(values ? [int64s(graph, fresh, `${n.name}_${attr}`, values)] : [])];
        n.attributes = without(n, attr);
      },
    };
  };
  switch (n.opType) {
    case 'BatchNormalization':
      if (from < 7 || attrInt(n, 'spatial', 1) !== 1) return { refused: `${what} is of opset < 7 or has spatial 0, which opset 9 dropped` };
      return {
        apply: () => {
          n.attributes = without(n, 'spatial');
        },
      };
    case 'Slice': {
      // Exact int64s: exporters write INT64_MAX for "to the end", which a double rounds past int64.
      const exact = (name: string) => findAttr(n, name)?.ints.map(toBigInt);
      const [starts, ends, axes] = [exact('starts') ?? [], exact('ends') ?? [], exact('axes')];
      return {
        apply: (fresh) => {
          n.inputs = [
            n.inputs[0]!,
            int64s(graph, fresh, `${n.name}_starts`, starts),
            int64s(graph, fresh, `${n.name}_ends`, ends),
            ...(axes ? [int64s(graph, fresh, `${n.name}_axes`, axes)] : []),
          ];
          n.attributes = without(n, 'starts', 'ends', 'axes');
        },
      };
    }
    case 'TopK': {
      const k = attrInt(n, 'k');
      if (k === undefined) return { refused: `${what} has no k` };
      return {
        apply: (fresh) => {
          n.inputs = [n.inputs[0]!, int64s(graph, fresh, `${n.name}_k`, [k])];
          n.attributes = without(n, 'k');
        },
      };
    }
    case 'Clip': {
      if (!floatInput()) return { refused: `${what} clips a tensor that is not float32` };
      const [min, max] = [attrFloat(n, 'min'), attrFloat(n, 'max')];
      return {
        apply: (fresh) => {
          const lo = min === undefined ? '' : float32(graph, fresh, `${n.name}_min`, min);
          const hi = max === undefined ? [] : [float32(graph, fresh, `${n.name}_max`, max)];
          n.inputs = [n.inputs[0]!, ...(lo || hi.length ? [lo] : []), ...hi];
          n.attributes = without(n, 'min', 'max');
        },
      };
    }
    case 'Pad': {
      const value = attrFloat(n, 'value', 0);
      if (value !== 0 && !floatInput()) return { refused: `${what} pads a tensor that is not float32 with ${value}` };
      const pads = attrInts(n, 'pads') ?? attrInts(n, 'paddings');
      if (!pads) return { refused: `${what} has no pads` };
      return {
        apply: (fresh) => {
          n.inputs = [
            n.inputs[0]!,
            int64s(graph, fresh, `${n.name}_pads`, pads),
            ...(value !== 0 ? [float32(graph, fresh, `${n.name}_value`, value)] : []),
          ];
          n.attributes = without(n, 'pads', 'paddings', 'value');
        },
      };
    }
    case 'Dropout': {
      const mask = n.outputs[1];
      if (mask && (graph.outputs.includes(mask) || graph.nodes.some((m) => m.inputs.includes(mask))))
        return { refused: `${what}: its mask is read, and Dropout's mask changed type in opset 10` };
      return {
        apply: () => {
          n.opType = 'Identity';
          n.inputs = [n.inputs[0]!];
          n.outputs = [n.outputs[0]!];
          n.attributes = [];
        },
      };
    }
    case 'Squeeze':
    case 'ReduceSum':
      return attrToInput('axes');
    case 'Unsqueeze':
      return attrInts(n, 'axes') ? attrToInput('axes') : { refused: `${what} has no axes` };
    case 'Split':
      return attrToInput('split');
    case 'Softmax':
    case 'LogSoftmax':
    case 'Hardmax': {
      const rank = graph.types.get(n.inputs[0]!)?.shape?.length;
      if (rank === undefined) return { refused: `${what}: its input's rank is unknown, and before opset 13 it flattens from its axis on` };
      const axis = attrInt(n, 'axis', 1);
      if ((axis < 0 ? axis + rank : axis) !== rank - 1)
        return { refused: `${what} flattens dims ${axis}.. of a rank-${rank} input, which opset 13 has no attribute for` };
      return {
        apply: () => {
          n.attributes = [...without(n, 'axis'), makeAttr.int('axis', -1)];
        },
      };
    }
    case 'Scan':
      return { refused: `${what}: Scan of opset 8 scans along a batch axis, which opset 9 dropped` };
    case 'Resize':
      if (from >= 11) return { apply: () => {} };
      return { refused: `${what}: Resize of opset 10 computes its coordinates as 11's does not` };
    default:
      return { refused: `${what} is deprecated (${n.opType === 'Upsample' ? 'Resize' : 'ScatterElements'} replaces it)` };
  }
}

/** The changed ops inside subgraph attributes (If, Loop, Scan bodies), which are not rewritten. */
function subgraphRefusal(nodes: readonly NodeProto[], from: number): string | undefined {
  for (const n of nodes) {
    const op = n.opType ?? '';
    if ((!n.domain || n.domain === 'ai.onnx') && (CHANGED[op] ?? 0) > from) return `${op} inside a subgraph`;
    for (const a of n.attribute ?? []) {
      for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
        const r = subgraphRefusal(g.node ?? [], from);
        if (r) return r;
      }
    }
  }
  return undefined;
}

/**
 * Raises `graph`'s ai.onnx opset to 13 (in place), rewriting the ops whose form changed (the
 * file comment). Returns undefined where it did (or had nothing to do), else why it cannot,
 * with the graph unchanged.
 */
export function raiseOpset(graph: Graph, fresh: Fresh): string | undefined {
  const from = graph.opsets.get('') ?? 1;
  if (from >= QDQ_OPSET) return undefined;
  if (from < 7)
    return `opset ${from} is below 7, whose elementwise ops and Gemm broadcast by a legacy axis attribute (and other ops had attributes 7 removed), which the raise does not rewrite`;
  const plans: Plan[] = [];
  for (const n of graph.nodes) {
    if (!isDefault(n)) continue;
    const sub = subgraphRefusal(
      n.attributes.flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]).flatMap((g) => g.node ?? []),
      from,
    );
    if (sub) return `${n.opType} '${n.name}' has ${sub}`;
    if ((CHANGED[n.opType] ?? 0) > from) plans.push(plan(graph, n, from));
  }
  const refused = plans.find((p): p is { refused: string } => 'refused' in p);
  if (refused) return refused.refused;
  for (const p of plans) (p as { apply: (f: Fresh) => void }).apply(fresh);
  graph.opsets.set('', QDQ_OPSET);
  graph.invalidate();
  return undefined;
}
