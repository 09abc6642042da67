/**
 * Sub-model extraction on small graphs: which values become inputs, initializers and outputs
 * (each case drawn beside it; [X] marks an extracted node), non-convex sets, subgraph
 * outer-scope reads, forced outputs, and the errors. Each extracted model is also run on
 * onnxruntime to show that it is valid and computes what the nodes compute.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { extractSubGraph, extractSubModel } from '../../src/ir/extract.js';
import { Graph } from '../../src/ir/graph.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { AttributeType, type GraphProto } from '../../src/onnx/proto.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { runOrt } from './support.js';

const f32 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });
const feed = (values: number[], dims = [values.length]) => new ort.Tensor('float32', Float32Array.from(values), dims);

/*
 *        x
 *        |
 *      [Relu] ---- r ------.
 *        |                 |
 *      [Mul w] -> m     Neg -> n
 *        |                 |
 *        '------ Add ------'
 *                 |
 *                 y
 */
const diamond = () =>
  buildGraph({
    inputs: [{ name: 'x', shape: [4] }],
    outputs: [{ name: 'y', shape: [4] }],
    initializers: { w: f32([1, 2, 3, 4]) },
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'], name: 'relu' },
      { op: 'Mul', inputs: ['r', 'w'], outputs: ['m'], name: 'mul' },
      { op: 'Neg', inputs: ['r'], outputs: ['n'], name: 'neg' },
      { op: 'Add', inputs: ['m', 'n'], outputs: ['y'], name: 'add' },
    ],
  });

describe('extractSubModel', () => {
  it('makes outside reads inputs, read constants initializers, and values read outside outputs', async () => {
    const g = diamond();
    const sub = extractSubGraph(g, ['relu', 'mul']);
    expect(sub.nodes.map((n) => n.name)).toEqual(['relu', 'mul']);
    expect(sub.inputs).toEqual(['x']);
    expect([...sub.initializers.keys()]).toEqual(['w']);
    // r is read by neg (outside), m by add (outside).
    expect(sub.outputs).toEqual(['r', 'm']);
    expect(sub.types.get('r')).toEqual({ dtype: 'float32', shape: [4] });
    const out = await runOrt(sub.toModel(), { x: feed([-1, 2, -3, 4]) });
    expect(Array.from(out.m!.data as Float32Array)).toEqual([0, 4, 0, 16]);
    expect(Array.from(out.r!.data as Float32Array)).toEqual([0, 2, 0, 4]);
  });

  it('extracts the end of a graph with the graph output as its output', async () => {
    const model = extractSubModel(diamond(), ['neg', 'add']);
    expect(model.graph!.input.map((i) => i.name)).toEqual(['r', 'm']);
    expect(model.graph!.output.map((o) => o.name)).toEqual(['y']);
    expect(model.graph!.initializer).toEqual([]);
    const out = await runOrt(model, { r: feed([1, 2, 3, 4]), m: feed([10, 20, 30, 40]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([9, 18, 27, 36]);
  });

  /*
   * A set that is not convex: [A] -> b -> C -> d -> [E]; the value b leaves the set and d
   * comes back into it.
   *
   *   x -> [A:Relu] -> b -> C:Neg -> d -> [E:Add(d, b)] -> y
   */
  it('handles a non-convex set: values leave as outputs and re-enter as inputs', async () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['b'], name: 'A' },
        { op: 'Neg', inputs: ['b'], outputs: ['d'], name: 'C' },
        { op: 'Add', inputs: ['d', 'b'], outputs: ['y'], name: 'E' },
      ],
    });
    const sub = extractSubGraph(g, ['A', 'E']);
    expect(sub.inputs).toEqual(['x', 'd']);
    expect(sub.outputs).toEqual(['b', 'y']);
    const out = await runOrt(sub.toModel(), { x: feed([-1, 2, 3]), d: feed([5, 5, 5]) });
    expect(Array.from(out.b!.data as Float32Array)).toEqual([0, 2, 3]);
    expect(Array.from(out.y!.data as Float32Array)).toEqual([5, 7, 8]);
  });

  it('forces extra outputs, and makes dead-end values outputs when nothing else is read', () => {
    const g = diamond();
    expect(extractSubGraph(g, ['relu', 'mul', 'neg', 'add'], { outputs: ['m'] }).outputs).toEqual(['m', 'y']);
    // Only x -> relu -> r, and r is read outside: r is the output even without forcing.
    expect(extractSubGraph(g, ['relu']).outputs).toEqual(['r']);
    const dead = buildGraph({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'x2' }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['x2'], name: 'live' },
        { op: 'Neg', inputs: ['x'], outputs: ['unused'], name: 'dead' },
      ],
    });
    expect(extractSubGraph(dead, ['dead']).outputs).toEqual(['unused']);
  });

  /*
   *   c (bool) --> [If] --> y        then: Add(x, one) reads x from the outer scope
   *   x ----------' (implicit)       else: Identity(x)
   */
  it('counts values read by subgraphs from the outer scope as reads', async () => {
    const body = (nodes: GraphProto['node'], out: string): GraphProto =>
      ({
        node: nodes,
        name: 'b',
        initializer: [],
        sparseInitializer: [],
        input: [],
        output: [{ name: out, type: { tensorType: { elemType: 1 } } }],
        valueInfo: [],
      }) as GraphProto;
    const g = buildGraph({
      inputs: [
        { name: 'c', dtype: 'bool', shape: [] },
        { name: 'x', shape: [2] },
      ],
      outputs: [{ name: 'z' }],
      initializers: { one: f32([1]) },
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['xr'], name: 'pre' },
        { op: 'If', inputs: ['c'], outputs: ['y'], name: 'if' },
        { op: 'Neg', inputs: ['y'], outputs: ['z'], name: 'post' },
      ],
    });
    const ifNode = g.node('if')!;
    const graphAttr = (name: string, g: GraphProto) => ({
      name,
      type: AttributeType.GRAPH,
      g,
      floats: [],
      ints: [],
      strings: [],
      tensors: [],
      graphs: [],
    });
    ifNode.attributes = [
      graphAttr('then_branch', body([{ input: ['xr', 'one'], output: ['t'], opType: 'Add', attribute: [] }], 't')),
      graphAttr('else_branch', body([{ input: ['xr'], output: ['e'], opType: 'Identity', attribute: [] }], 'e')),
    ];
    const sub = extractSubGraph(g, ['if']);
    expect(sub.inputs).toEqual(['c', 'xr']);
    expect([...sub.initializers.keys()]).toEqual(['one']);
    expect(sub.outputs).toEqual(['y']);
    // xr is an If-body read, so extracting 'pre' alone must output it.
    expect(extractSubGraph(g, ['pre']).outputs).toEqual(['xr']);
    const model = extractSubModel(g, ['if']);
    const out = await runOrt(model, { c: new ort.Tensor('bool', Uint8Array.from([1]), []), xr: feed([1, 2]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2, 3]);
  });

  it('keeps opsets and model-local functions', async () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }],
      opset: 18,
      opsets: { local: 1 },
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'], name: 'relu' },
        { op: 'Double', domain: 'local', inputs: ['r'], outputs: ['y'], name: 'double' },
      ],
    });
    g.functions = [
      {
        name: 'Double',
        domain: 'local',
        input: ['a'],
        output: ['b'],
        attribute: [],
        attributeProto: [],
        node: [{ input: ['a', 'a'], output: ['b'], opType: 'Add', attribute: [] }],
        opsetImport: [{ domain: '', version: 18 }],
      },
    ];
    g.types.set('y', { dtype: 'float32', shape: [2] });
    const model = extractSubModel(g, ['double']);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 18],
      ['local', 1],
    ]);
    expect(model.functions.map((f) => f.name)).toEqual(['Double']);
    const out = await runOrt(model, { r: feed([1.5, 2]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([3, 4]);
  });

  it('infers the types of boundary values the graph does not know', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: ['N', 3] }],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], name: 't' },
        { op: 'Relu', inputs: ['t'], outputs: ['y'], name: 'r' },
      ],
    });
    expect(g.types.has('t')).toBe(false);
    const sub = extractSubGraph(g, ['r']);
    expect(sub.types.get('t')).toEqual({ dtype: 'float32', shape: [3, 'N'] });
    expect(g.types.has('t')).toBe(false); // the caller's graph is left alone
  });

  it('answers bad requests with errors naming what is wrong', () => {
    const g = diamond();
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(HybridError);
        return `${(e as HybridError).code}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(codeOf(() => extractSubGraph(g, ['relu', 'nope']))).toMatch(/^OPTION: .*no node named 'nope'/);
    expect(codeOf(() => extractSubGraph(g, []))).toMatch(/^OPTION: .*no nodes/);
    expect(codeOf(() => extractSubGraph(g, ['relu'], { outputs: ['y'] }))).toMatch(/^OPTION: .*'y' is not produced/);
    const untyped = new Graph();
    untyped.inputs = ['x'];
    untyped.outputs = ['y'];
    untyped.nodes = [{ name: 'n', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: [] }];
    expect(codeOf(() => extractSubGraph(untyped, ['n']))).toMatch(/^SHAPE: .*input 'x' of node 'n' has no known element type/);
  });
});
