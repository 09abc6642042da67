/**
 * Pass `normalize-gemm`: one form for fully connected layers.
 *
 * - MatMul(A, B) + Add(C) with A of rank 2, B a constant matrix and C a constant that Gemm can
 *   broadcast (scalar, [N], [1,N]) becomes Gemm(A, B, C). Gemm adds C inside the product's
 *   epilogue, so the sum may round differently: equal within float reassociation of one add.
 * - Gemm: a constant C of shape [1,N] is stored as [N]; alpha and beta that are powers of two
 *   are multiplied into constant B and C (exact in binary floating point, checked for overflow
 *   and underflow of the scaled values); attributes equal to their defaults are dropped. Exact.
 *   transA/transB stay: the network IR's matmul takes them as flags, and weights travel as
 *   views of the model's buffers, so transposing a [4096, 25088] B would only cost a copy.
 */
import { attrFloat, attrInt, findAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import type { TensorData } from '../onnx/tensor.js';
import { isOp, onlyReadBy, outerReads } from './graph-utils.js';
import { Changes, type PassResult } from './types.js';

const GEMM_TYPES = new Set(['float32', 'float64', 'float16']);

export function normalizeGemm(graph: Graph): PassResult {
  const changes = new Changes();
  if ((graph.opset('') ?? 1) < 7) return changes.result();
  const pinned = outerReads(graph);
  for (const mm of [...graph.nodes]) if (isOp(mm, 'MatMul')) matMulAddToGemm(graph, mm, pinned, changes);
  for (const gemm of graph.nodes) if (isOp(gemm, 'Gemm')) canonicalGemm(graph, gemm, changes);
  return changes.result();
}

function matMulAddToGemm(graph: Graph, mm: Node, pinned: Set<string>, changes: Changes): void {
  const [a, b] = mm.inputs as [string, string];
  const y = mm.outputs[0]!;
  const weights = graph.constant(b);
  if (!weights || weights.dims.length !== 2 || !GEMM_TYPES.has(weights.dtype)) return;
  if (graph.types.get(a)?.shape?.length !== 2) return;
  const users = graph.consumers(y);
  const add = users[0];
  if (users.length !== 1 || !isOp(add!, 'Add') || !onlyReadBy(graph, y, add!, pinned)) return;
  const c = add!.inputs[0] === y ? add!.inputs[1] : add!.inputs[0];
  if (!c || c === y) return;
  const bias = graph.constant(c);
  const n = weights.dims[1]!;
  if (!bias || bias.dtype !== weights.dtype || !rowBroadcast(bias, n)) {
    changes.note(`kept '${mm.name}' (MatMul) + '${add!.name}' (Add): the added value is not a constant row of ${n}`);
    return;
  }
  graph.removeNodes([add!]);
  mm.opType = 'Gemm';
  mm.inputs = [a, b, c];
  mm.outputs = [add!.outputs[0]!];
  mm.attributes = [];
  graph.types.delete(y);
  graph.invalidate();
  changes.add('MatMul+Add to Gemm', `'${mm.name}' + '${add!.name}' -> Gemm '${mm.name}'`);
}

/** A constant that broadcasts over the rows of an [M, n] matrix: scalar, [1], [n], [1,1], [1,n]. */
function rowBroadcast(t: TensorData, n: number): boolean {
  if (t.dims.length > 2) return false;
  if (t.dims.length === 2 && t.dims[0] !== 1) return false;
  const last = t.dims.at(-1) ?? 1;
  return last === 1 || last === n;
}

function canonicalGemm(graph: Graph, gemm: Node, changes: Changes): void {
  const before = gemm.attributes.length;
  const c = gemm.inputs[2];
  const bias = c ? graph.constant(c) : undefined;
  if (bias && bias.dims.length === 2 && bias.dims[0] === 1) {
    const name = graph.freshName(`${c}_row_`);
    graph.setInitializer(name, { ...bias, dims: [bias.dims[1]!] });
    gemm.inputs[2] = name;
    graph.invalidate();
    changes.add('Gemm C as vector', `'${gemm.name}': C [1,N] stored as [N]`);
  }
  for (const [attr, slot] of [
    ['alpha', 1],
    ['beta', 2],
  ] as const) {
    const factor = attrFloat(gemm, attr, 1);
    const input = gemm.inputs[slot];
    if (factor === 1) continue;
    if (attr === 'beta' && !input) {
      drop(gemm, 'beta');
      continue;
    }
    const t = input ? graph.constant(input) : undefined;
    const scaled = t && isPowerOfTwo(factor) ? scaleExactly(t, factor) : undefined;
    if (!scaled) continue;
    const name = graph.freshName(`${input}_${attr}_`);
    graph.setInitializer(name, scaled);
    gemm.inputs[slot] = name;
    drop(gemm, attr);
    graph.invalidate();
    changes.add(`Gemm ${attr} folded`, `'${gemm.name}': ${attr}=${factor} multiplied into '${input}'`);
  }
  for (const [attr, dflt] of [
    ['alpha', 1],
    ['beta', 1],
    ['transA', 0],
    ['transB', 0],
  ] as const) {
    const a = findAttr(gemm, attr);
    if (a && (attr.startsWith('trans') ? attrInt(gemm, attr, dflt) : attrFloat(gemm, attr, dflt)) === dflt) drop(gemm, attr);
  }
  if (gemm.attributes.length !== before) changes.add('Gemm default attributes dropped');
}

function drop(node: Node, attr: string): void {
  node.attributes = node.attributes.filter((a) => a.name !== attr);
}

function isPowerOfTwo(x: number): boolean {
  if (!(x > 0) || !Number.isFinite(x)) return false;
  return 2 ** Math.round(Math.log2(x)) === x;
}

/** t * factor (a power of two) when every product is exact in t's type; float32/64 only. */
function scaleExactly(t: TensorData, factor: number): TensorData | undefined {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') return undefined;
  const minNormal = t.dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  const out = t.dtype === 'float32' ? new Float32Array(t.data.length) : new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = (t.data as Float32Array)[i]!;
    const s = v * factor;
    out[i] = s;
    if (!Number.isFinite(out[i]!) && Number.isFinite(v)) return undefined;
    if (s !== 0 && Math.abs(out[i]!) < minNormal) return undefined;
  }
  return { dtype: t.dtype, dims: [...t.dims], data: out };
}
