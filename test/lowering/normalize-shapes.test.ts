// Pass normalize-shapes: Squeeze/Unsqueeze/Flatten/Reshape of static shapes as explicit
// Reshapes, chains collapsed, no-op Reshapes removed, and onnxruntime's outputs before and
// after (random inputs, seed fixed; exact: only shapes change).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const i64 = (values: number[]): TensorData => ({ dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, BigInt) });

describe('normalize-shapes', () => {
  it('turns a static Squeeze -> Unsqueeze -> Flatten chain into one explicit Reshape', async () => {
    //   x[2,3,1,4] ─► Squeeze(-2) ─► a[2,3,4] ─► Unsqueeze(0) ─► b[1,2,3,4] ─► Flatten(2) ─► y[2,12]
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: [2, 3, 1, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { sq: i64([-2]), un: i64([0]) },
      nodes: [
        { op: 'Squeeze', inputs: ['x', 'sq'], outputs: ['a'] },
        { op: 'Unsqueeze', inputs: ['a', 'un'], outputs: ['b'] },
        { op: 'Flatten', inputs: ['b'], outputs: ['y'], attrs: { axis: 2 } },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'normalize-shapes');
    expect(opTypes(g)).toEqual(['Reshape']);
    expect(g.nodes[0]!.inputs[0]).toBe('x');
    expect([...g.constant(g.nodes[0]!.inputs[1]!)!.data]).toEqual([2n, 12n]);
    expect(r.counts['Reshape chains collapsed']).toBe(2);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 1, 4], 1) }, EXACT)).toEqual([]);
  });

  it('makes 0 and -1 explicit, and removes a Reshape to the input shape', async () => {
    //   x[2,3,4] ─► Reshape([0, -1]) ─► y[2,12]
    //   x[2,3,4] ─► Reshape([2, 3, 4]) ─► r ─► Relu ─► z
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { s1: i64([0, -1]), s2: i64([2, 3, 4]) },
      nodes: [
        { op: 'Reshape', inputs: ['x', 's1'], outputs: ['y'] },
        { op: 'Reshape', inputs: ['x', 's2'], outputs: ['r'] },
        { op: 'Relu', inputs: ['r'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'normalize-shapes');
    expect(opTypes(g)).toEqual(['Reshape', 'Relu']);
    expect([...g.constant(g.nodes[0]!.inputs[1]!)!.data]).toEqual([2n, 12n]);
    expect(g.nodes[1]!.inputs).toEqual(['x']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 4], 2) }, EXACT)).toEqual([]);
  });

  it('with a symbolic batch: collapses Reshape chains, writes Unsqueeze and Squeeze as relative Reshapes', async () => {
    //   x[N,3,4] ─► Reshape([0,-1]) ─► a ─► Reshape([-1,4]) ─► y
    //   x[N,3,4] ─► Unsqueeze(1) ─► u ─► Squeeze(1) ─► z
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: ['N', 3, 4] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { s1: i64([0, -1]), s2: i64([-1, 4]), one: i64([1]) },
      nodes: [
        { op: 'Reshape', inputs: ['x', 's1'], outputs: ['a'] },
        { op: 'Reshape', inputs: ['a', 's2'], outputs: ['y'] },
        { op: 'Unsqueeze', inputs: ['x', 'one'], outputs: ['u'] },
        { op: 'Squeeze', inputs: ['u', 'one'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'normalize-shapes');
    expect(opTypes(g)).toEqual(['Reshape', 'Reshape', 'Reshape']);
    expect(g.nodes[0]!.inputs).toEqual(['x', 's2']);
    // 0 copies the symbolic batch: exact for every N.
    expect(Array.from(g.constant(g.nodes[1]!.inputs[1]!)!.data, Number)).toEqual([0, 1, 3, 4]);
    expect(Array.from(g.constant(g.nodes[2]!.inputs[1]!)!.data, Number)).toEqual([0, 3, 4]);
    for (const n of [1, 5]) expect(await compareOnOrt(original, g, { x: randomTensor('float32', [n, 3, 4], 3) }, EXACT)).toEqual([]);
  });
});
