/**
 * The model checker (src/ir/check.ts): each rule broken once, as the fuzzer broke it (a
 * Softmax with axis 0 and axis 1 used to run as axis 0), refused with MODEL_INVALID naming the
 * rule; every conformance model, which onnx's checker passes, accepted.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { HybridError } from '../../src/errors.js';
import { checkGraph, opArity } from '../../src/ir/check.js';
import { Graph } from '../../src/ir/graph.js';
import { buildGraph, buildModel } from '../../src/ir/model-builder.js';
import { makeAttr } from '../../src/ir/attributes.js';
import { LIMITS } from '../../src/limits.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { AttributeType } from '../../src/onnx/proto.js';
import { CONFORMANCE_MISSING, allConformanceModels, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';

/**   x ─► Relu ─► r ─► Softmax ─► y */
const base = () =>
  buildGraph({
    inputs: [{ name: 'x', shape: [2, 3] }],
    outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'], name: 'relu' },
      { op: 'Softmax', inputs: ['r'], outputs: ['y'], name: 'softmax', attrs: { axis: 1 } },
    ],
  });

function refusal(g: Graph): string {
  try {
    checkGraph(g, 'm.onnx');
  } catch (e) {
    expect(e).toBeInstanceOf(HybridError);
    expect((e as HybridError).code).toBe('MODEL_INVALID');
    return (e as HybridError).message;
  }
  throw new Error('expected the checker to refuse the model');
}

describe('model checker', () => {
  it('accepts a valid model', () => {
    expect(() => checkGraph(base(), 'm.onnx')).not.toThrow();
  });

  it('refuses a graph of more than LIMITS.graphNodes nodes before walking it', () => {
    const g = base();
    // A sparse array: the count is what is checked, before any node is read.
    (g.nodes as unknown[]).length = LIMITS.graphNodes + 1;
    expect(refusal(g)).toBe(`m.onnx: the graph has ${LIMITS.graphNodes + 1} nodes, more than the ${LIMITS.graphNodes} a graph may have`);
  });

  it('refuses names given twice: graph inputs, initializers, graph outputs, a value with two producers', () => {
    const inputs = base();
    inputs.inputs.push('x');
    expect(refusal(inputs)).toBe("m.onnx: graph input 'x' is declared twice");
    const outputs = base();
    outputs.outputs.push('y');
    expect(refusal(outputs)).toBe("m.onnx: graph output 'y' is listed twice");
    const twice = base();
    twice.nodes.push({ ...twice.nodes[0]!, name: 'relu_copy' });
    expect(refusal(twice)).toBe("m.onnx: value 'r' is defined twice: by node 'relu' (Relu) and by node 'relu_copy' (Relu)");
    const shadow = base();
    shadow.nodes[0]!.outputs = ['x'];
    shadow.nodes[1]!.inputs = ['x'];
    expect(refusal(shadow)).toBe("m.onnx: value 'x' is defined twice: by graph input 'x' and by node 'relu' (Relu)");
  });

  it('refuses a top-level initializer given twice (the map of initializers would keep the last)', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      initializers: { w: { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) } },
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
    });
    const again = { ...model.graph!.initializer![0]!, floatData: [5, 6], rawData: undefined };
    model.graph!.initializer!.push(again);
    expect(() => Graph.fromModel(model, 'm.onnx')).toThrow("m.onnx: initializer 'w' is given twice");
    const err = await compile(model, { backend: 'cpu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).code).toBe('MODEL_INVALID');
  });

  it('refuses dangling references, from nodes and from graph outputs', () => {
    const node = base();
    node.nodes[1]!.inputs = ['nowhere'];
    expect(refusal(node)).toBe("m.onnx: node 'softmax' (Softmax) reads 'nowhere', which no node, graph input or initializer defines");
    const out = base();
    out.outputs = ['ghost'];
    expect(refusal(out)).toBe("m.onnx: graph output 'ghost' is produced by no node, graph input or initializer");
  });

  it('refuses an attribute given twice, and input or output counts the schema does not allow', () => {
    const attrs = base();
    attrs.nodes[1]!.attributes.push(makeAttr.int('axis', 0));
    expect(refusal(attrs)).toBe("m.onnx: node 'softmax' (Softmax): attribute 'axis' is given twice");
    const extra = base();
    extra.nodes[0]!.inputs = ['x', 'x'];
    expect(refusal(extra)).toBe("m.onnx: node 'relu' (Relu) has 2 inputs; Relu takes 1");
    const outs = base();
    outs.nodes[1]!.outputs = ['y', 'y2'];
    expect(refusal(outs)).toBe("m.onnx: node 'softmax' (Softmax) has 2 outputs; Softmax gives 1");
    // Conv takes 2 to 3 inputs; beyond the opsets the table knows, counts are not judged.
    expect(opArity('Conv', 17)).toEqual([2, 3, 1, 1]);
    expect(opArity('Conv', 99)).toBeUndefined();
  });

  it('checks nested graphs with the enclosing names in scope, and bounds their depth', () => {
    const branch = (input: string) =>
      buildGraph({ inputs: [], outputs: [{ name: 'b' }], nodes: [{ op: 'Neg', inputs: [input], outputs: ['b'] }] }).toModel().graph!;
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [2] },
        { name: 'c', dtype: 'bool', shape: [] },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'If', inputs: ['c'], outputs: ['y'], name: 'if' }],
    });
    const attr = (name: string, sub: ReturnType<typeof branch>) => ({
      name,
      type: AttributeType.GRAPH,
      g: sub,
      floats: [],
      ints: [],
      strings: [],
      tensors: [],
      graphs: [],
    });
    g.nodes[0]!.attributes = [attr('then_branch', branch('x')), attr('else_branch', branch('x'))];
    expect(() => checkGraph(g, 'm.onnx')).not.toThrow();
    g.nodes[0]!.attributes = [attr('then_branch', branch('x')), attr('else_branch', branch('missing'))];
    expect(refusal(g)).toMatch(
      /^m\.onnx: the else_branch of node 'if': node '.*' \(Neg\) reads 'missing', which no node, graph input or initializer defines$/,
    );
    // 100 nested Ifs: each then_branch holds the next.
    let inner = branch('x');
    for (let i = 0; i < 100; i++) {
      const wrap = buildGraph({
        inputs: [],
        outputs: [{ name: 'b' }],
        nodes: [{ op: 'If', inputs: ['c'], outputs: ['b'], name: `if${i}` }],
      }).toModel().graph!;
      wrap.node[0]!.attribute = [attr('then_branch', inner), attr('else_branch', branch('x'))] as never;
      inner = wrap;
    }
    g.nodes[0]!.attributes = [attr('then_branch', inner), attr('else_branch', branch('x'))];
    expect(refusal(g)).toMatch(/graphs are nested more than 64 deep$/);
  });

  it('compile() refuses a cycle before any work, naming a node on it, and sorts nodes merely out of order', async () => {
    const cyc = base();
    cyc.nodes[0]!.inputs = ['y'];
    await expect(compile(cyc.toModel(), { backend: 'cpu' })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/cycle through node '(relu|softmax)'/),
    });
    const unsorted = base();
    unsorted.nodes = [unsorted.nodes[1]!, unsorted.nodes[0]!];
    const m = await compile(unsorted.toModel(), { backend: 'cpu', minBlockSize: 0 });
    await m.dispose();
  });

  it('runs before compile() does anything else', async () => {
    const g = base();
    g.nodes[1]!.attributes.push(makeAttr.int('axis', 0));
    await expect(compile(g.toModel(), { backend: 'cpu' })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining("attribute 'axis' is given twice"),
    });
  });
});

describeIf(conformanceDir() !== undefined, 'model checker on the conformance models', CONFORMANCE_MISSING, () => {
  it('accepts every model of the ONNX backend test data', () => {
    const refused: string[] = [];
    let count = 0;
    for (const p of allConformanceModels()) {
      let g: Graph;
      try {
        g = Graph.fromModel(loadModelProto(p), p);
      } catch {
        continue; // not loadable at all: other tests say why
      }
      count++;
      try {
        checkGraph(g, p);
      } catch (err) {
        refused.push((err as Error).message);
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(refused).toEqual([]);
  });
});
