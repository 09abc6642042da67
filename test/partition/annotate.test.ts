/**
 * Annotate: the verdict and the reason per node, through a hand-made registry.
 */
import { registryVerdict } from '../../converters/verdict.js';
import { describe, expect, it } from 'vitest';
import { ConverterRegistry } from '../../converters/registry.js';
import { OK, reject } from '../../converters/types.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { annotate, nodeReads, partition } from '../../src/partition/index.js';
import { AttributeType, type GraphProto } from '../../src/onnx/proto.js';
import { fakeConverter, testRegistry } from './helpers.js';

describe('annotate', () => {
  it('an op without a converter, and one with converters only for newer opsets', () => {
    const g = buildGraph({
      opset: 11,
      inputs: [
        { name: 'b', shape: [1, 4, 4] },
        { name: 's', shape: [1, 1, 4] },
      ],
      outputs: [{ name: 'i' }, { name: 'y' }],
      nodes: [
        { name: 'nms', op: 'NonMaxSuppression', inputs: ['b', 's'], outputs: ['i'] },
        { name: 'gelu', op: 'Gelu', inputs: ['b'], outputs: ['y'] },
      ],
    });
    const reg = testRegistry([fakeConverter('Gelu', () => ({ ok: true }), '', 20)]);
    const a = annotate(g, { verdict: registryVerdict(reg) });
    expect(a).toEqual([
      { name: 'nms', opType: 'NonMaxSuppression', domain: '', supported: false, reason: "no converter for 'NonMaxSuppression' (opset 11)" },
      { name: 'gelu', opType: 'Gelu', domain: '', supported: false, reason: "no converter for 'Gelu' at opset 11 (converters start at opset 20)" },
    ]);
  });

  it('a custom-domain op is told how to add a converter', () => {
    const g = buildGraph({
      opsets: { 'com.example': 1 },
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      nodes: [{ name: 'my', op: 'MyOp', domain: 'com.example', inputs: ['x'], outputs: ['y'] }],
    });
    const [a] = annotate(g, { verdict: registryVerdict(testRegistry()) });
    expect(a!.supported).toBe(false);
    expect(a!.reason).toBe(
      "no converter for custom op 'com.example::MyOp' (opset 1); add one with registerConverter({ opType: 'MyOp', domain: 'com.example', sinceVersion: 1, validate, convert })",
    );
  });

  it("passes the converter's reason through verbatim, and picks the converter by opset", () => {
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [1, 3, 4, 4] }],
      outputs: [{ name: 'y' }],
      nodes: [{ name: 'rs', op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['y'], attrs: { mode: 'cubic' } }],
    });
    const reg = new ConverterRegistry([
      fakeConverter('Resize', () => reject('old converter must not be picked'), '', 10),
      fakeConverter('Resize', () => reject("Resize: mode 'cubic' is not supported; use 'linear' or 'nearest'"), '', 13),
      fakeConverter('Resize', () => reject('newer than the model'), '', 18),
    ]);
    expect(annotate(g, { verdict: registryVerdict(reg) })[0]!.reason).toBe("Resize: mode 'cubic' is not supported; use 'linear' or 'nearest'");
  });

  it('a validate that throws is a converter bug: the node falls back with the error', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      nodes: [{ name: 'r', op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    });
    const reg = new ConverterRegistry([
      fakeConverter('Relu', () => {
        throw new TypeError("Cannot read properties of undefined (reading 'shape')");
      }),
    ]);
    expect(annotate(g, { verdict: registryVerdict(reg) })[0]).toMatchObject({
      supported: false,
      reason: "converter bug: Relu validate threw: Cannot read properties of undefined (reading 'shape')",
    });
  });

  it('validate sees the opset, types, and constants from initializers, Constant nodes and known values', () => {
    const seen: Record<string, unknown> = {};
    const spy = fakeConverter('Reshape', (node, ctx) => {
      seen[node.name] = {
        opset: ctx.opset,
        type: ctx.type(node.inputs[0]!),
        shape: ctx.constant(node.inputs[1]!) && Array.from(ctx.constant(node.inputs[1]!)!.data as BigInt64Array, Number),
        notConstant: ctx.constant(node.inputs[0]!),
      };
      return OK;
    });
    const g = buildGraph({
      opset: 14,
      inputs: [{ name: 'x', shape: ['N', 6] }],
      outputs: [{ name: 'y1' }, { name: 'y2' }, { name: 'y3' }],
      initializers: { s1: { dtype: 'int64', dims: [2], data: new BigInt64Array([3n, -1n]) } },
      nodes: [
        { name: 'init', op: 'Reshape', inputs: ['x', 's1'], outputs: ['y1'] },
        { name: 'k', op: 'Constant', inputs: [], outputs: ['s2'], attrs: { value_ints: [2, 3] } },
        { name: 'const', op: 'Reshape', inputs: ['x', 's2'], outputs: ['y2'] },
        { name: 'known', op: 'Reshape', inputs: ['x', 's3'], outputs: ['y3'] },
      ],
    });
    // What inference would fix for 's3' (a shape computation), held by the graph as inferShapes leaves it.
    g.inferredValues = new Map([['s3', { dtype: 'int64' as const, dims: [1], data: new BigInt64Array([-1n]) }]]);
    annotate(g, { verdict: registryVerdict(new ConverterRegistry([spy])) });
    expect(seen).toEqual({
      init: { opset: 14, type: { dtype: 'float32', shape: ['N', 6] }, shape: [3, -1], notConstant: undefined },
      const: { opset: 14, type: { dtype: 'float32', shape: ['N', 6] }, shape: [2, 3], notConstant: undefined },
      known: { opset: 14, type: { dtype: 'float32', shape: ['N', 6] }, shape: [-1], notConstant: undefined },
    });
  });
});

describe('values read by subgraphs', () => {
  //   x -> a(O) -> c(X) -> if(X) -> y
  //          \______________^        (the If's branches read 'a' and 'x' from the outer scope)
  const branch = (name: string, reads: string): GraphProto => ({
    name,
    node: [{ input: [reads], output: [`${name}_out`], opType: 'Relu', attribute: [] }],
    initializer: [],
    sparseInitializer: [],
    input: [],
    output: [{ name: `${name}_out` }],
    valueInfo: [],
  });
  const graph = () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      nodes: [
        { name: 'a', op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { name: 'c', op: 'NonZero', inputs: ['a'], outputs: ['c'] },
        { name: 'if', op: 'If', inputs: ['c'], outputs: ['y'] },
      ],
    });
    const ifNode = g.node('if')!;
    ifNode.attributes = [
      { name: 'then_branch', type: AttributeType.GRAPH, g: branch('then', 'a'), floats: [], ints: [], strings: [], tensors: [], graphs: [] },
      { name: 'else_branch', type: AttributeType.GRAPH, g: branch('else', 'x'), floats: [], ints: [], strings: [], tensors: [], graphs: [] },
    ];
    return g;
  };

  it('nodeReads lists explicit inputs, then outer-scope reads of subgraphs', () => {
    expect(nodeReads(graph().node('if')!)).toEqual(['c', 'a', 'x']);
  });

  it("a segment holding an If lists the outer value its branch reads among the segment's inputs", () => {
    const g = graph();
    const r = partition(g, { verdict: registryVerdict(testRegistry()), minBlockSize: 1 });
    expect(r.segments.map((s) => s.nodes)).toEqual([['a'], ['c', 'if']]);
    expect(r.segments[1]!.inputs.map((t) => t.name)).toEqual(['a', 'x']);
  });
});
