// Pass remove-identity: structure after the pass, and onnxruntime's outputs before and after
// (random inputs, seed fixed; exact: the pass only rewires values).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import { AttributeType } from '../../src/onnx/proto.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const x = randomTensor('float32', [2, 3], 7);

describe('remove-identity', () => {
  it('rewires readers of an Identity to its input', async () => {
    //   x ─► Identity ─► a ─► Relu ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu']);
    expect(g.nodes[0]!.inputs).toEqual(['x']);
    expect(r.counts).toEqual({ 'removed Identity': 1 });
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('renames the producer when the Identity output is a graph output', async () => {
    //   x ─► Relu ─► r ─► Identity ─► y (graph output)
    //                └──► Neg ─► z
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Identity', inputs: ['r'], outputs: ['y'] },
        { op: 'Neg', inputs: ['r'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu', 'Neg']);
    expect(g.nodes[0]!.outputs).toEqual(['y']);
    expect(g.nodes[1]!.inputs).toEqual(['y']);
    expect(g.outputs).toEqual(['y', 'z']);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('keeps an Identity that renames a graph input or an initializer into a graph output', async () => {
    //   x ─► Identity ─► y        w (initializer) ─► Identity ─► v
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'v' }],
      initializers: { w: randomTensor('float32', [3], 2) },
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['y'] },
        { op: 'Identity', inputs: ['w'], outputs: ['v'] },
      ],
    });
    const r = await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Identity', 'Identity']);
    expect(r.changed).toBe(0);
    expect(r.notes.join('\n')).toMatch(/kept 'Identity_0'.*'x' into graph output 'y'/);
  });

  it('keeps an Identity whose output a nested graph reads by name', async () => {
    //   x ─► Identity ─► a ─┬─► Relu ─► y
    //                       └─ (read inside If's branches) ─► If(cond) ─► z
    const branch = (op: string) =>
      buildGraph({ inputs: [], outputs: [{ name: `${op}_out` }], nodes: [{ op, inputs: ['a'], outputs: [`${op}_out`] }] }).toModel().graph!;
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'cond', dtype: 'bool', shape: [] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['a'], outputs: ['y'] },
        { op: 'If', inputs: ['cond'], outputs: ['z'] },
      ],
    });
    const ifNode = g.nodes[2]!;
    const graphAttr = (name: string, op: string) => ({
      name,
      type: AttributeType.GRAPH,
      g: branch(op),
      floats: [],
      ints: [],
      strings: [],
      tensors: [],
      graphs: [],
    });
    ifNode.attributes = [graphAttr('then_branch', 'Neg'), graphAttr('else_branch', 'Abs')];
    const original = snapshot(g);
    await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Identity', 'Relu', 'If']);
    const cond = { dtype: 'bool' as const, dims: [], data: new Uint8Array([1]) };
    expect(await compareOnOrt(original, g, { x, cond }, EXACT)).toEqual([]);
  });

  it('removes an inference Dropout (opset 13, no training_mode)', async () => {
    //   x ─► Dropout(ratio 0.5) ─► d ─► Relu ─► y
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: { ratio: { dtype: 'float32', dims: [], data: new Float32Array([0.5]) } },
      nodes: [
        { op: 'Dropout', inputs: ['x', 'ratio'], outputs: ['d'] },
        { op: 'Relu', inputs: ['d'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu']);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('turns a read Dropout mask into an all-true constant when the shape is static', async () => {
    //   x ─► Dropout ─┬─► y
    //                 └─ mask ─► Cast(int32) ─► m
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'm' }],
      initializers: { off: { dtype: 'bool', dims: [], data: new Uint8Array([0]) } },
      nodes: [
        { op: 'Dropout', inputs: ['x', '', 'off'], outputs: ['d', 'mask'] },
        { op: 'Relu', inputs: ['d'], outputs: ['y'] },
        { op: 'Cast', inputs: ['mask'], outputs: ['m'], attrs: { to: 6 } },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu', 'Cast']);
    const mask = g.constant('mask')!;
    expect(mask.dtype).toBe('bool');
    expect(mask.dims).toEqual([2, 3]);
    expect([...mask.data]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.counts['masks made constant']).toBe(1);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('keeps a Dropout-7 whose mask is read (runtimes disagree on its value), removes one whose mask is not', async () => {
    //   x ─► Relu ─► r ─► Dropout ─► (d, mask)   both graph outputs
    //   x ─► Dropout ─► e ─► Neg ─► n             mask unused
    const g = buildGraph({
      opset: 9,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'd' }, { name: 'mask' }, { name: 'n' }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['r'] },
        { op: 'Dropout', inputs: ['r'], outputs: ['d', 'mask'] },
        { op: 'Dropout', inputs: ['x'], outputs: ['e'] },
        { op: 'Neg', inputs: ['e'], outputs: ['n'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu', 'Dropout', 'Neg']);
    expect(r.notes.join('\n')).toMatch(/before opset 10/);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('removes a training-mode Dropout whose ratio is a constant 0, mask included (swin_t exports 24)', async () => {
    //   x ─► Dropout(ratio 0, training_mode=true) ─┬─► d ─► Relu ─► y
    //                                              └─ mask ─► Cast(int32) ─► m
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'm' }],
      initializers: {
        on: { dtype: 'bool', dims: [], data: new Uint8Array([1]) },
        zero: { dtype: 'float32', dims: [], data: new Float32Array([0]) },
      },
      nodes: [
        { op: 'Dropout', inputs: ['x', 'zero', 'on'], outputs: ['d', 'mask'] },
        { op: 'Relu', inputs: ['d'], outputs: ['y'] },
        { op: 'Cast', inputs: ['mask'], outputs: ['m'], attrs: { to: 6 } },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Relu', 'Cast']);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('removes a training-mode Dropout whose ratio comes from a Constant node, as torch exports it', async () => {
    //   Constant(0) ─► ratio ─┐
    //   x ─► Dropout(ratio, training_mode=true) ─► d ─► Relu ─► y
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: { on: { dtype: 'bool', dims: [], data: new Uint8Array([1]) } },
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['ratio'], attrs: { value: { dtype: 'float32', dims: [], data: new Float32Array([0]) } } },
        { op: 'Dropout', inputs: ['x', 'ratio', 'on'], outputs: ['d'] },
        { op: 'Relu', inputs: ['d'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Constant', 'Relu']);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('keeps a Dropout in training mode with a ratio other than 0, or whose mask shape is unknown', async () => {
    //   x ─► Dropout(ratio r, training_mode=true) ─► y       x2 (shape [N,3]) ─► Dropout ─► (y2, mask2)
    const g = buildGraph({
      opset: 13,
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'x2', shape: ['N', 3] },
      ],
      outputs: [{ name: 'y' }, { name: 'y2' }, { name: 'mask2' }],
      initializers: {
        on: { dtype: 'bool', dims: [], data: new Uint8Array([1]) },
      },
      nodes: [
        { op: 'Dropout', inputs: ['x', 'r', 'on'], outputs: ['y'] },
        { op: 'Dropout', inputs: ['x2'], outputs: ['y2', 'mask2'] },
      ],
    });
    g.inputs.push('r');
    g.types.set('r', { dtype: 'float32', shape: [] });
    g.invalidate();
    const r = await runPass(g, 'remove-identity');
    expect(opTypes(g)).toEqual(['Dropout', 'Dropout']);
    expect(r.notes.join('\n')).toMatch(/training mode with a ratio that is not a constant 0/);
    expect(r.notes.join('\n')).toMatch(/mask is read/);
  });
});
