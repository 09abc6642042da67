// Pass eliminate-dead: nodes that reach no graph output and initializers nothing reads go;
// values nested graphs read by name stay. Outputs compared on onnxruntime (exact).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import { AttributeType } from '../../src/onnx/proto.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

describe('eliminate-dead', () => {
  it('removes nodes whose outputs reach no graph output, and unread initializers', async () => {
    //   x ─► Relu ─► a ─► Neg ─► y
    //   x ─► Exp ─► b ─► Add(b, v) ─► c          (dead: c is no output)
    //   w (initializer read by nobody)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y' }],
      initializers: { v: randomTensor('float32', [3], 1), w: randomTensor('float32', [3], 2) },
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'Exp', inputs: ['x'], outputs: ['b'] },
        { op: 'Add', inputs: ['b', 'v'], outputs: ['c'] },
        { op: 'Neg', inputs: ['a'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'eliminate-dead');
    expect(opTypes(g)).toEqual(['Relu', 'Neg']);
    expect([...g.initializers.keys()]).toEqual([]);
    expect(r.counts).toEqual({ 'removed Exp': 1, 'removed Add': 1, 'removed initializers': 2 });
    expect(g.types.has('b')).toBe(false);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [3], 3) }, EXACT)).toEqual([]);
  });

  it('keeps what a nested graph reads by name, and a node with one live output of two', async () => {
    //   x ─► Split ─► (p, q) ; p ─► Neg ─► y ; q unused
    //   k (initializer) is read only inside If's branches ─► If(cond) ─► z
    const branch = (op: string) =>
      buildGraph({ inputs: [], outputs: [{ name: `${op}_o` }], nodes: [{ op, inputs: ['k'], outputs: [`${op}_o`] }] }).toModel().graph!;
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [4] },
        { name: 'cond', dtype: 'bool', shape: [] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { k: randomTensor('float32', [2], 4), split: { dtype: 'int64', dims: [2], data: BigInt64Array.from([2n, 2n]) } },
      nodes: [
        { op: 'Split', inputs: ['x', 'split'], outputs: ['p', 'q'] },
        { op: 'Neg', inputs: ['p'], outputs: ['y'] },
        { op: 'If', inputs: ['cond'], outputs: ['z'] },
      ],
    });
    const attr = (name: string, op: string) => ({
      name,
      type: AttributeType.GRAPH,
      g: branch(op),
      floats: [],
      ints: [],
      strings: [],
      tensors: [],
      graphs: [],
    });
    g.nodes[2]!.attributes = [attr('then_branch', 'Neg'), attr('else_branch', 'Abs')];
    const original = snapshot(g);
    const r = await runPass(g, 'eliminate-dead');
    expect(r.changed).toBe(0);
    expect(g.isInitializer('k')).toBe(true);
    const feeds = { x: randomTensor('float32', [4], 5), cond: { dtype: 'bool' as const, dims: [], data: new Uint8Array([0]) } };
    expect(await compareOnOrt(original, g, feeds, EXACT)).toEqual([]);
  });
});
