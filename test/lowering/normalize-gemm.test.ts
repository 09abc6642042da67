// Pass normalize-gemm: MatMul + Add as Gemm, Gemm's canonical attributes, and onnxruntime's
// outputs before and after (random data, seeds fixed). MatMul + Add -> Gemm may round the bias
// add differently (rtol 1e-6, atol 1e-6); the attribute rewrites are exact.
import { describe, expect, it } from 'vitest';
import { findAttr } from '../../src/ir/attributes.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const REASSOC = { rtol: 1e-6, atol: 1e-6 };

describe('normalize-gemm', () => {
  it('turns MatMul(2-D, constant B) + Add(constant row) into Gemm, either Add operand order', async () => {
    //   x[3,5] ─► MatMul(B) ─► m ─► Add(m, C[4]) ─► y
    //   x[3,5] ─► MatMul(B) ─► n ─► Add(D[1,4], n) ─► z
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3, 5] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { B: randomTensor('float32', [5, 4], 1), C: randomTensor('float32', [4], 2), D: randomTensor('float32', [1, 4], 3) },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'B'], outputs: ['m'] },
        { op: 'Add', inputs: ['m', 'C'], outputs: ['y'] },
        { op: 'MatMul', inputs: ['x', 'B'], outputs: ['n'] },
        { op: 'Add', inputs: ['D', 'n'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'normalize-gemm');
    expect(opTypes(g)).toEqual(['Gemm', 'Gemm']);
    expect(g.nodes[0]!.inputs).toEqual(['x', 'B', 'C']);
    expect(g.nodes[0]!.outputs).toEqual(['y']);
    // D [1,4] is stored as a vector, the canonical C.
    expect(g.constant(g.nodes[1]!.inputs[2]!)!.dims).toEqual([4]);
    expect(r.counts['MatMul+Add to Gemm']).toBe(2);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [3, 5], 4) }, REASSOC)).toEqual([]);
  });

  it('leaves MatMul of a 3-D input, and an Add whose constant is not a row', async () => {
    //   x3[2,3,5] ─► MatMul(B) ─► m ─► Add(C) ─► y
    //   x[3,5] ─► MatMul(B) ─► n ─► Add(E[3,4]) ─► z
    const g = buildGraph({
      inputs: [
        { name: 'x3', shape: [2, 3, 5] },
        { name: 'x', shape: [3, 5] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { B: randomTensor('float32', [5, 4], 1), C: randomTensor('float32', [4], 2), E: randomTensor('float32', [3, 4], 3) },
      nodes: [
        { op: 'MatMul', inputs: ['x3', 'B'], outputs: ['m'] },
        { op: 'Add', inputs: ['m', 'C'], outputs: ['y'] },
        { op: 'MatMul', inputs: ['x', 'B'], outputs: ['n'] },
        { op: 'Add', inputs: ['n', 'E'], outputs: ['z'] },
      ],
    });
    const r = await runPass(g, 'normalize-gemm');
    expect(opTypes(g)).toEqual(['MatMul', 'Add', 'MatMul', 'Add']);
    expect(r.notes.join('\n')).toMatch(/not a constant row of 4/);
  });

  it('multiplies power-of-two alpha and beta into constant B and C and drops default attributes', async () => {
    //   x ─► Gemm(B, C, alpha 2, beta 0.5, transA 0, transB 1) ─► y
    //   x ─► Gemm(B, C, alpha 1.5) ─► z           (1.5 is no power of two: stays)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [3, 5] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { B: randomTensor('float32', [4, 5], 1), C: randomTensor('float32', [4], 2) },
      nodes: [
        { op: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['y'], attrs: { alpha: { float: 2 }, beta: 0.5, transA: 0, transB: 1 } },
        { op: 'Gemm', inputs: ['x', 'B', 'C'], outputs: ['z'], attrs: { alpha: 1.5, transB: 1 } },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'normalize-gemm');
    const [first, second] = g.nodes as [(typeof g.nodes)[0], (typeof g.nodes)[0]];
    expect(first.attributes.map((a) => a.name)).toEqual(['transB']);
    expect(second.attributes.map((a) => a.name).sort()).toEqual(['alpha', 'transB']);
    expect(first.inputs[1]).not.toBe('B');
    expect(findAttr(second, 'alpha')!.f).toBe(1.5);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [3, 5], 4) }, EXACT)).toEqual([]);
  });
});
