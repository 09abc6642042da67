// Pass remove-noops: identity Transposes, Casts to the same type and one-input Concats go,
// Transpose pairs merge; onnxruntime's outputs before and after (random input, seed fixed; exact).
import { describe, expect, it } from 'vitest';
import { attrInts } from '../../src/ir/attributes.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

describe('remove-noops', () => {
  it('merges Transpose pairs and removes what does not change its input', async () => {
    //   x[2,3,4] ─► Transpose(1,2,0) ─► t ─► Transpose(2,0,1) ─► u ─► Relu ─► y     (identity pair)
    //   x ─► Transpose(1,0,2) ─► p ─► Transpose(0,2,1) ─► q (graph output)          (merged: 1,2,0)
    //   x ─► Cast(float) ─► c ─► Concat(c) ─► k ─► Neg ─► z
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [{ name: 'y' }, { name: 'q' }, { name: 'z' }],
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [1, 2, 0] } },
        { op: 'Transpose', inputs: ['t'], outputs: ['u'], attrs: { perm: [2, 0, 1] } },
        { op: 'Relu', inputs: ['u'], outputs: ['y'] },
        { op: 'Transpose', inputs: ['x'], outputs: ['p'], attrs: { perm: [1, 0, 2] } },
        { op: 'Transpose', inputs: ['p'], outputs: ['q'], attrs: { perm: [0, 2, 1] } },
        { op: 'Cast', inputs: ['x'], outputs: ['c'], attrs: { to: 1 } },
        { op: 'Concat', inputs: ['c'], outputs: ['k'], attrs: { axis: 0 } },
        { op: 'Neg', inputs: ['k'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'remove-noops');
    expect(opTypes(g)).toEqual(['Relu', 'Transpose', 'Neg']);
    expect(g.nodes[0]!.inputs).toEqual(['x']);
    expect(attrInts(g.nodes[1]!, 'perm')).toEqual([1, 2, 0]);
    expect(g.nodes[1]!.outputs).toEqual(['q']);
    expect(g.nodes[2]!.inputs).toEqual(['x']);
    expect(r.counts['Transpose pairs merged']).toBe(2);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 4], 1) }, EXACT)).toEqual([]);
  });

  it('keeps a Cast that changes the type', async () => {
    //   x ─► Cast(int32) ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['y'], attrs: { to: 6 } }],
    });
    const r = await runPass(g, 'remove-noops');
    expect(opTypes(g)).toEqual(['Cast']);
    expect(r.changed).toBe(0);
  });
});
