// Pass inline-functions: calls of model-local functions replaced by their bodies (fresh value
// names, attribute references, nested calls), and onnxruntime's outputs before and after
// (random inputs, seed fixed; exact: a function means its body).
import { describe, expect, it } from 'vitest';
import { makeAttr } from '../../src/ir/attributes.js';
import type { Graph } from '../../src/ir/graph.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { AttributeProto, FunctionProto, NodeProto } from '../../src/onnx/proto.js';
import { toLong } from '../../src/onnx/proto.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const node = (opType: string, input: string[], output: string[], attribute: AttributeProto[] = [], domain = ''): NodeProto => ({
  opType,
  input,
  output,
  attribute,
  domain,
});
const ref = (attr: AttributeProto, refAttrName: string): AttributeProto => ({ ...attr, refAttrName });

function fn(name: string, input: string[], output: string[], body: NodeProto[], extra: Partial<FunctionProto> = {}): FunctionProto {
  return {
    name,
    domain: 'local',
    input,
    output,
    attribute: [],
    attributeProto: [],
    node: body,
    opsetImport: [{ domain: '', version: toLong(17) }],
    ...extra,
  };
}

/** Y = Relu(X) * alpha + beta, alpha without default, beta defaulting to 0.25. */
const scaledRelu = fn(
  'ScaledRelu',
  ['X'],
  ['Y'],
  [
    node('Constant', [], ['A'], [ref(makeAttr.float('value_float', 0), 'alpha')]),
    node('Constant', [], ['B'], [ref(makeAttr.float('value_float', 0), 'beta')]),
    node('Relu', ['X'], ['R']),
    node('Mul', ['R', 'A'], ['M']),
    node('Add', ['M', 'B'], ['Y']),
  ],
  { attribute: ['alpha'], attributeProto: [makeAttr.float('beta', 0.25)] },
);

function withFunctions(g: Graph, functions: FunctionProto[]): Graph {
  g.functions = functions;
  return g;
}

describe('inline-functions', () => {
  it('inlines two calls with fresh names, caller attributes and defaults', async () => {
    //   x ─► local:ScaledRelu(alpha 2) ─► a ─► local:ScaledRelu(alpha 3, beta 1) ─► y
    const g = withFunctions(
      buildGraph({
        opsets: { local: 1 },
        inputs: [{ name: 'x', shape: [2, 3] }],
        outputs: [{ name: 'y' }],
        nodes: [
          { op: 'ScaledRelu', domain: 'local', inputs: ['x'], outputs: ['a'], attrs: { alpha: { float: 2 } }, name: 'first' },
          { op: 'ScaledRelu', domain: 'local', inputs: ['a'], outputs: ['y'], attrs: { alpha: { float: 3 }, beta: { float: 1 } }, name: 'second' },
        ],
      }),
      [scaledRelu],
    );
    const original = snapshot(g);
    const r = await runPass(g, 'inline-functions');
    expect(opTypes(g)).toEqual(['Constant', 'Constant', 'Relu', 'Mul', 'Add', 'Constant', 'Constant', 'Relu', 'Mul', 'Add']);
    expect(g.functions).toEqual([]);
    expect(r.counts).toEqual({ 'inlined calls': 2, 'removed functions': 1 });
    const internal = g.nodes.flatMap((n) => n.outputs).filter((v) => v !== 'a' && v !== 'y');
    expect(new Set(internal).size).toBe(internal.length);
    expect(internal.every((v) => v.startsWith('first/') || v.startsWith('second/'))).toBe(true);
    const constants = g.nodes.filter((n) => n.opType === 'Constant').map((n) => n.attributes[0]!);
    expect(constants.map((a) => [a.name, a.f, a.refAttrName])).toEqual([
      ['value_float', 2, ''],
      ['value_float', 0.25, ''],
      ['value_float', 3, ''],
      ['value_float', 1, ''],
    ]);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3], 1) }, EXACT)).toEqual([]);
  });

  it('inlines calls inside a function body, and a call with an omitted optional input', async () => {
    //   x ─► local:Outer ─► y      Outer(X, S?) = Neg(Clip(X, S?)) via local:Inner(X) = Abs(X)
    const inner = fn('Inner', ['X'], ['Y'], [node('Abs', ['X'], ['Y'])]);
    const outer = fn(
      'Outer',
      ['X', 'LO'],
      ['Y'],
      [node('Clip', ['X', 'LO'], ['C']), node('Inner', ['C'], ['I'], [], 'local'), node('Neg', ['I'], ['Y'])],
      {
        opsetImport: [
          { domain: '', version: toLong(17) },
          { domain: 'local', version: toLong(1) },
        ],
      },
    );
    const g = withFunctions(
      buildGraph({
        opsets: { local: 1 },
        inputs: [{ name: 'x', shape: [4] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Outer', domain: 'local', inputs: ['x'], outputs: ['y'] }],
      }),
      [outer, inner],
    );
    const original = snapshot(g);
    await runPass(g, 'inline-functions');
    expect(opTypes(g)).toEqual(['Clip', 'Abs', 'Neg']);
    expect(g.nodes[0]!.inputs).toEqual(['x', '']);
    expect(g.functions).toEqual([]);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [4], 2) }, EXACT)).toEqual([]);
  });

  it('leaves a call whose function imports another ai.onnx version than the model', async () => {
    //   x ─► local:Old ─► y     (Old imports ai.onnx 13, the model 17)
    const old = fn('Old', ['X'], ['Y'], [node('Relu', ['X'], ['Y'])], { opsetImport: [{ domain: '', version: toLong(13) }] });
    const g = withFunctions(
      buildGraph({
        opsets: { local: 1 },
        inputs: [{ name: 'x', shape: [4] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Old', domain: 'local', inputs: ['x'], outputs: ['y'] }],
      }),
      [old],
    );
    const r = await runPass(g, 'inline-functions');
    expect(opTypes(g)).toEqual(['Old']);
    expect(g.functions).toEqual([old]);
    expect(r.notes.join('\n')).toMatch(/imports ai.onnx 13, the model 17/);
  });

  it('refuses a function that calls itself', async () => {
    //   x ─► local:Loop ─► y      Loop(X) = Loop(X)
    const loop = fn('Loop', ['X'], ['Y'], [node('Loop', ['X'], ['Y'], [], 'local')]);
    const g = withFunctions(
      buildGraph({
        opsets: { local: 1 },
        inputs: [{ name: 'x', shape: [4] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Loop', domain: 'local', inputs: ['x'], outputs: ['y'] }],
      }),
      [loop],
    );
    await expect(runPass(g, 'inline-functions')).rejects.toThrow(/function 'Loop' calls itself/);
  });
  it('refuses calls nested deeper than 64, and calls that multiply past the graph size limit', async () => {
    //   F0(X) = F1(X), F1 = F2, ... F99 = Relu: a chain of 100 functions
    const chain = Array.from({ length: 100 }, (_, k) =>
      fn(`F${k}`, ['X'], ['Y'], [k === 99 ? node('Relu', ['X'], ['Y']) : node(`F${k + 1}`, ['X'], ['Y'], [], 'local')]),
    );
    const call = (functions: FunctionProto[]) =>
      withFunctions(
        buildGraph({
          opsets: { local: 1 },
          inputs: [{ name: 'x', shape: [4] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op: 'F0', domain: 'local', inputs: ['x'], outputs: ['y'] }],
        }),
        functions,
      );
    await expect(runPass(call(chain), 'inline-functions')).rejects.toThrow(
      /^function calls nest more than 64 deep \(through node '.*' of function 'F65'\)/,
    );
    //   G_k(X) = G_{k+1}(G_{k+1}(X)) for 40 levels: 2^40 Relu nodes if inlined.
    const doubling = Array.from({ length: 41 }, (_, k) =>
      fn(
        `F${k}`,
        ['X'],
        ['Y'],
        k === 40 ? [node('Relu', ['X'], ['Y'])] : [node(`F${k + 1}`, ['X'], ['T'], [], 'local'), node(`F${k + 1}`, ['T'], ['Y'], [], 'local')],
      ),
    );
    await expect(runPass(call(doubling), 'inline-functions')).rejects.toThrow(
      /^inlining model-local functions makes more than 2000000 nodes, the most a graph may have/,
    );
  });
});
