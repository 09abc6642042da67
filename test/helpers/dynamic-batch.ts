/**
 * A model rewritten with a dynamic batch, for the shape-range tests: dim 0 of every input and
 * output becomes the symbol `N`, and a Reshape whose constant target starts with the batch as a
 * literal 1 (old exporters wrote `[1, 9216]`) starts with 0 instead (ONNX: copy the input's
 * dim), so that onnxruntime runs the model at any batch too. Intermediate value types are
 * dropped: they were inferred for batch 1.
 */
import { Graph } from '../../src/ir/graph.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';

export function withDynamicBatch(file: string): Uint8Array {
  const g = Graph.fromModel(loadModelProto(file), file);
  for (const name of [...g.inputs, ...g.outputs]) {
    const t = g.types.get(name);
    if (t?.shape?.length) g.types.set(name, { ...t, shape: ['N', ...t.shape.slice(1)] });
  }
  for (const node of g.nodes) {
    if (node.opType !== 'Reshape') continue;
    const target = g.isInitializer(node.inputs[1] ?? '') ? g.constant(node.inputs[1]!) : undefined;
    if (!target || target.dims.length !== 1 || target.data.length < 2 || Number(target.data[0]) !== 1) continue;
    const data = BigInt64Array.from(target.data as ArrayLike<bigint | number>, (d) => BigInt(d));
    data[0] = 0n;
    g.setInitializer(node.inputs[1]!, { dtype: 'int64', dims: [...target.dims], data });
  }
  return encodeModel(g.toModel({ valueInfo: false }), file);
}

/** The model's real inputs (old models list their initializers among the inputs too). */
export function dataInputs(file: string): string[] {
  const g = Graph.fromModel(loadModelProto(file), file);
  return g.inputs.filter((i) => !g.isInitializer(i));
}
