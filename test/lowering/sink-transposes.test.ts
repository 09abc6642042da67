// Pass sink-transposes: Transposes moved past Reshapes and constant-index Gathers; onnxruntime's
// outputs before and after the whole lowering (random input, seed fixed; exact: data movement only).
import { describe, expect, it } from 'vitest';
import { attrInt, attrInts } from '../../src/ir/attributes.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { lower } from '../../src/lowering/index.js';
import { torchMhaSpec } from '../helpers/torch-mha.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const i64 = (v: number[], dims = [v.length]) => ({ dtype: 'int64' as const, dims, data: BigInt64Array.from(v, BigInt) });
const vitAttention = (b: number) => buildGraph(torchMhaSpec({ s: 5, b, h: 2, d: 4 }));

describe('sink-transposes', () => {
  // Batch 1 puts dims of size 1 in every shape (ViT at batch 1): they must neither break the
  // rewrite nor end up last in a permutation.
  it.each([2, 1])("takes PyTorch's multi-head split to one Transpose per operand, read next to the matmuls (batch %i)", async (b) => {
    const g = vitAttention(b);
    const original = snapshot(g);
    const report = await lower(g);
    const pass = report.passes.find((p) => p.name === 'sink-transposes')!;
    expect(pass.counts['Transpose moved past Gathers']).toBe(1);
    expect(pass.counts['Transpose moved past a Reshape']).toBeGreaterThanOrEqual(3);
    expect(pass.counts['Reshape moved before a Gather']).toBe(3);
    // The packed projection's transpose went into the Gathers' axis, and the head split before
    // them (each reads x as [S,B,3,H,D] along axis 2).
    const gathers = g.nodes.filter((n) => n.opType === 'Gather');
    expect(gathers.map((n) => attrInt(n, 'axis', 0))).toEqual([2, 2, 2]);
    for (const n of gathers) {
      expect(g.producer(n.inputs[0]!)?.opType).toBe('Reshape');
      expect(g.types.get(n.inputs[0]!)?.shape).toEqual([5, b, 3, 2, 4]);
    }
    // One Transpose per operand, each read by a MatMul: q and v [S,B,H,D] -> [B,H,S,D], k -> [B,H,D,S].
    const transposes = g.nodes.filter((n) => n.opType === 'Transpose');
    expect(transposes.map((n) => attrInts(n, 'perm'))).toEqual([
      [1, 2, 0, 3],
      [1, 2, 3, 0],
      [1, 2, 0, 3],
    ]);
    for (const t of transposes) expect(g.consumers(t.outputs[0]!).map((n) => n.opType)).toEqual(['MatMul']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [5, b, 24], 3) }, EXACT)).toEqual([]);
  });

  it.each([2, 1])(
    'the output projection: the rows transpose folds into the one before it, the residual add moves onto the product (batch %i)',
    async (b) => {
      const g = buildGraph(torchMhaSpec({ s: 5, b, h: 2, d: 4, outProjection: true }));
      const original = snapshot(g);
      const report = await lower(g);
      const pass = report.passes.find((p) => p.name === 'sink-transposes')!;
      expect(pass.counts['Transpose folded through a linear layer']).toBe(1);
      expect(pass.counts['Add moved before a Reshape']).toBe(1);
      // The attention result [B,H,S,D] goes to [B,S,H,D] at once (rows in B, S order); the Gemm's
      // output is added to r (viewed as rows) before the view back to [B,S,E].
      const after = g.nodes.slice(g.nodes.findIndex((n) => n.opType === 'Softmax') + 1);
      expect(after.map((n) => n.opType)).toEqual(['MatMul', 'Transpose', 'Reshape', 'Gemm', 'Reshape', 'Add', 'Reshape']);
      expect(attrInts(after[1]!, 'perm')).toEqual([0, 2, 1, 3]);
      expect(g.producer(after[5]!.inputs[0]!)?.opType).toBe('Gemm');
      const feeds = { x: randomTensor('float32', [5, b, 24], 3), r: randomTensor('float32', [b, 5, 8], 4) };
      expect(await compareOnOrt(original, g, feeds, EXACT)).toEqual([]);
    },
  );

  it.each([
    ['a Gemm whose C has a row per row (not folded)', 2, [10, 6], [10, -1], false],
    ['a Gemm whose C is one row, and a rows target written with 0 (folded, the target made explicit)', 1, [6], [0, -1], true],
  ] as const)('the rows transpose through %s', async (_, b, cShape, rows, folded) => {
    //   x[b,2,5,4] -> Transpose(2,0,1,3) -> [5,b,2,4] -> Reshape rows -> [5b,8] -> Gemm(w[8,6], c)
    //     -> Reshape [5,b,6] -> Transpose(1,0,2) -> + r [b,5,6] -> y
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [b, 2, 5, 4] },
        { name: 'r', shape: [b, 5, 6] },
      ],
      outputs: [{ name: 'y' }],
      initializers: {
        rows: i64([...rows]),
        sbe: i64([5, b, 6]),
        w: randomTensor('float32', [8, 6], 8),
        c: randomTensor('float32', [...cShape], 9),
      },
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [2, 0, 1, 3] } },
        { op: 'Reshape', inputs: ['t', 'rows'], outputs: ['m'] },
        { op: 'Gemm', inputs: ['m', 'w', 'c'], outputs: ['o'] },
        { op: 'Reshape', inputs: ['o', 'sbe'], outputs: ['os'] },
        { op: 'Transpose', inputs: ['os'], outputs: ['ot'], attrs: { perm: [1, 0, 2] } },
        { op: 'Add', inputs: ['ot', 'r'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'sink-transposes');
    expect(r.counts['Transpose folded through a linear layer'] ?? 0).toBe(folded ? 1 : 0);
    const feeds = { x: randomTensor('float32', [b, 2, 5, 4], 3), r: randomTensor('float32', [b, 5, 6], 4) };
    expect(await compareOnOrt(original, g, feeds, EXACT)).toEqual([]);
  });

  it('leaves a Reshape that merges dims the transpose reordered, and a transpose read twice', async () => {
    //   x[2,3,4] -> Transpose(1,0,2) -> t[3,2,4] -> Reshape[6,4] -> y   (merges X's dims 1, 0: stays)
    //   x -> Transpose(0,2,1) -> u[2,4,3] -> Reshape[8,3] -> z; u -> Relu -> w   (u read twice: stays)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [{ name: 'y' }, { name: 'z' }, { name: 'w' }],
      initializers: { s1: i64([6, 4]), s2: i64([8, 3]) },
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [1, 0, 2] } },
        { op: 'Reshape', inputs: ['t', 's1'], outputs: ['y'] },
        { op: 'Transpose', inputs: ['x'], outputs: ['u'], attrs: { perm: [0, 2, 1] } },
        { op: 'Reshape', inputs: ['u', 's2'], outputs: ['z'] },
        { op: 'Relu', inputs: ['u'], outputs: ['w'] },
      ],
    });
    const r = await runPass(g, 'sink-transposes');
    expect(r.changed).toBe(0);
    expect(opTypes(g)).toEqual(['Transpose', 'Reshape', 'Transpose', 'Reshape', 'Relu']);
  });

  it('splits and size-1 dims: Transpose then Reshape becomes Reshape then Transpose', async () => {
    //   x[4,6,1,5] -> Transpose(1,3,2,0) -> t[6,5,1,4] -> Reshape[2,3,5,4,1] -> y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [4, 6, 1, 5] }],
      outputs: [{ name: 'y' }],
      initializers: { s: i64([2, 3, 5, 4, 1]) },
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [1, 3, 2, 0] } },
        { op: 'Reshape', inputs: ['t', 's'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'sink-transposes');
    expect(opTypes(g)).toEqual(['Reshape', 'Transpose']);
    expect(g.nodes[1]!.outputs).toEqual(['y']);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [4, 6, 1, 5], 4) }, EXACT)).toEqual([]);
  });

  it.each([
    ['one-element index, negative axis: the gathered dim kept', 'one', -3, [1, 3, 4]],
    ['scalar index along the last axis', 's', 2, [5, 3]],
  ] as const)('a Gather (%s) reads the transpose input, then a smaller Transpose', async (_, index, axis, shape) => {
    //   x[3,4,5] -> Transpose(2,0,1) -> t[5,3,4] -> Gather(axis, index) -> y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3, 4, 5] }],
      outputs: [{ name: 'y' }],
      initializers: { one: i64([2]), s: i64([1], []) },
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [2, 0, 1] } },
        { op: 'Gather', inputs: ['t', index], outputs: ['y'], attrs: { axis } },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'sink-transposes');
    expect(r.counts['Transpose moved past Gathers']).toBe(1);
    expect(opTypes(g)).toEqual(['Gather', 'Transpose']);
    expect(g.types.get('y')?.shape).toEqual([...shape]);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [3, 4, 5], 5) }, EXACT)).toEqual([]);
  });

  it('leaves a transpose read by two Gathers that would each need one', async () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3, 4, 5] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { one: i64([2]), s: i64([1], []) },
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [2, 0, 1] } },
        { op: 'Gather', inputs: ['t', 'one'], outputs: ['y'], attrs: { axis: -3 } },
        { op: 'Gather', inputs: ['t', 's'], outputs: ['z'], attrs: { axis: 2 } },
      ],
    });
    const r = await runPass(g, 'sink-transposes');
    expect(r.changed).toBe(0);
    expect(opTypes(g)).toEqual(['Transpose', 'Gather', 'Gather']);
  });
});
