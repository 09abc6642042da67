/**
 * Unit tests of shape inference: symbolic dims through small CNN- and transformer-like graphs,
 * value propagation of exporter shape chains, unknown ops staying unknown, input overrides and
 * the errors they can cause, and inconsistent nodes reported rather than guessed. Expected
 * shapes are worked out by hand from the ONNX operator definitions (noted beside each).
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { inferShapes } from '../../src/ir/infer/index.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const f32 = (dims: number[]): TensorData => ({ dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
const i64 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) });
const ints = (t: TensorData | undefined) => (t ? Array.from(t.data as BigInt64Array, Number) : undefined);

describe('symbolic dimensions', () => {
  // x[N,3,32,32] -> Conv(8,3x3,pad 1) -> Relu -> MaxPool(2x2,s2) -> Conv(16,3x3,s2) -> GlobalAveragePool -> Flatten -> Gemm(10) -> Softmax
  const cnn = () =>
    buildGraph({
      inputs: [{ name: 'x', shape: ['N', 3, 32, 32] }],
      outputs: [{ name: 'y' }],
      initializers: { w1: f32([8, 3, 3, 3]), w2: f32([16, 8, 3, 3]), fc: f32([10, 16]), b: f32([10]) },
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
        { op: 'Conv', inputs: ['p1', 'w2'], outputs: ['c2'], attrs: { strides: [2, 2] } },
        { op: 'GlobalAveragePool', inputs: ['c2'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'fc', 'b'], outputs: ['z'], attrs: { transB: 1 } },
        { op: 'Softmax', inputs: ['z'], outputs: ['y'] },
      ],
    });

  it('carries a batch symbol through a small CNN', () => {
    const g = cnn();
    const res = inferShapes(g);
    expect(res.issues).toEqual([]);
    expect(g.types.get('c1')).toEqual({ dtype: 'float32', shape: ['N', 8, 32, 32] }); // (32+2-3)/1+1
    expect(g.types.get('p1')?.shape).toEqual(['N', 8, 16, 16]); // (32-2)/2+1
    expect(g.types.get('c2')?.shape).toEqual(['N', 16, 7, 7]); // floor((16-3)/2)+1
    expect(g.types.get('g')?.shape).toEqual(['N', 16, 1, 1]);
    expect(g.types.get('f')?.shape).toEqual(['N', 16]); // 16*1*1
    expect(g.types.get('y')).toEqual({ dtype: 'float32', shape: ['N', 10] });
  });

  it('replaces the batch symbol by an override everywhere', () => {
    const g = cnn();
    inferShapes(g, { inputShapes: { x: [4, 3, 32, 32] } });
    expect(g.types.get('x')?.shape).toEqual([4, 3, 32, 32]);
    expect(g.types.get('y')?.shape).toEqual([4, 10]);
  });

  it('keeps batch and sequence symbols through an attention block', () => {
    // x[N,S,64] -> LayerNorm -> MatMul[64,192] -> Reshape(Concat(Shape(x)[0:2], [3,4,16])) -> Transpose(2,0,3,1,4)
    // -> Split(3) -> q,k,v[1,N,4,S,16] -> Squeeze -> q @ k^T -> Softmax -> @ v -> Transpose -> Reshape [N,S,64]
    const g = buildGraph({
      inputs: [{ name: 'x', shape: ['N', 'S', 64] }],
      outputs: [{ name: 'y' }],
      initializers: {
        gamma: f32([64]),
        beta: f32([64]),
        wqkv: f32([64, 192]),
        heads: i64([3, 4, 16]),
        start: i64([0]),
        two: i64([2]),
        axis0: i64([0]),
        hidden: i64([64]),
      },
      nodes: [
        { op: 'LayerNormalization', inputs: ['x', 'gamma', 'beta'], outputs: ['ln'], attrs: { axis: -1 } },
        { op: 'MatMul', inputs: ['ln', 'wqkv'], outputs: ['qkv'] },
        { op: 'Shape', inputs: ['x'], outputs: ['xs'] },
        { op: 'Slice', inputs: ['xs', 'start', 'two'], outputs: ['ns'] },
        { op: 'Concat', inputs: ['ns', 'heads'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['qkv', 'target'], outputs: ['r'] },
        { op: 'Transpose', inputs: ['r'], outputs: ['t'], attrs: { perm: [2, 0, 3, 1, 4] } },
        { op: 'Split', inputs: ['t'], outputs: ['q5', 'k5', 'v5'], attrs: { axis: 0 } },
        { op: 'Squeeze', inputs: ['q5', 'axis0'], outputs: ['q'] },
        { op: 'Squeeze', inputs: ['k5', 'axis0'], outputs: ['k'] },
        { op: 'Squeeze', inputs: ['v5', 'axis0'], outputs: ['v'] },
        { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attrs: { perm: [0, 1, 3, 2] } },
        { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['scores'] },
        { op: 'Softmax', inputs: ['scores'], outputs: ['attn'], attrs: { axis: -1 } },
        { op: 'MatMul', inputs: ['attn', 'v'], outputs: ['ctx'] },
        { op: 'Transpose', inputs: ['ctx'], outputs: ['ctxT'], attrs: { perm: [0, 2, 1, 3] } },
        { op: 'Concat', inputs: ['ns', 'hidden'], outputs: ['back'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['ctxT', 'back'], outputs: ['y'] },
      ],
    });
    const res = inferShapes(g);
    expect(res.issues).toEqual([]);
    expect(g.types.get('qkv')?.shape).toEqual(['N', 'S', 192]);
    expect(res.dimValues.get('target')).toEqual(['N', 'S', 3, 4, 16]);
    expect(g.types.get('r')?.shape).toEqual(['N', 'S', 3, 4, 16]);
    expect(g.types.get('q')?.shape).toEqual(['N', 4, 'S', 16]);
    expect(g.types.get('scores')?.shape).toEqual(['N', 4, 'S', 'S']);
    expect(g.types.get('y')).toEqual({ dtype: 'float32', shape: ['N', 'S', 64] });
  });

  it('broadcasts a symbol against 1 to the symbol, and against a number to the number', () => {
    const g = buildGraph({
      inputs: [
        { name: 'a', shape: ['N', 1, 4] },
        { name: 'b', shape: [1, 3, 1] },
        { name: 'c', shape: ['M'] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      nodes: [
        { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] },
        { op: 'Mul', inputs: ['y', 'c'], outputs: ['z'] },
      ],
    });
    inferShapes(g);
    expect(g.types.get('y')?.shape).toEqual(['N', 3, 4]);
    // M must be 4 or 1: the result is 4 whichever.
    expect(g.types.get('z')?.shape).toEqual(['N', 3, 4]);
  });

  it('solves Reshape -1 exactly against symbolic dims, and keeps products as products', () => {
    // x[N,3,4,5] reshaped to [N,-1]: 60; to [-1,20]: 3*N.
    const g = buildGraph({
      inputs: [{ name: 'x', shape: ['N', 3, 4, 5] }],
      outputs: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      initializers: { s1: i64([0, -1]), s2: i64([-1, 20]) },
      nodes: [
        { op: 'Reshape', inputs: ['x', 's1'], outputs: ['a'] },
        { op: 'Reshape', inputs: ['x', 's2'], outputs: ['b'] },
        { op: 'Flatten', inputs: ['b'], outputs: ['c'], attrs: { axis: 0 } },
      ],
    });
    inferShapes(g);
    expect(g.types.get('a')?.shape).toEqual(['N', 60]);
    expect(g.types.get('b')?.shape).toEqual(['3*N', 20]);
    expect(g.types.get('c')?.shape).toEqual([1, '60*N']);
  });

  it('gives arithmetic on symbols a fresh symbol, never a number, and the same one for the same expression', () => {
    // Two identical padded convolutions over a symbolic height, added together.
    const conv = (out: string) => ({ op: 'Conv', inputs: ['x', 'w'], outputs: [out], attrs: { strides: [2, 2] } });
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 'H', 'W'] }],
      outputs: [{ name: 'y' }],
      initializers: { w: f32([4, 3, 3, 3]), pads: i64([0, 0, 1, 1, 0, 0, 1, 1]) },
      nodes: [conv('c1'), conv('c2'), { op: 'Add', inputs: ['c1', 'c2'], outputs: ['y'] }, { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'] }],
    });
    const res = inferShapes(g);
    expect(res.issues).toEqual([]);
    const [, , h, w] = g.types.get('c1')!.shape!;
    expect(typeof h).toBe('string');
    expect(typeof w).toBe('string');
    expect([h, w]).not.toContain('H');
    expect(h).not.toEqual(w);
    expect(g.types.get('c2')?.shape).toEqual(g.types.get('c1')?.shape);
    expect(g.types.get('y')?.shape).toEqual([1, 4, h, w]);
    const padded = g.types.get('p')!.shape!;
    expect(padded.slice(0, 2)).toEqual([1, 3]);
    expect(padded.slice(2).every((d) => typeof d === 'string' && d !== 'H' && d !== 'W')).toBe(true);
  });

  it('names anonymous input dims apart, so two unknown dims are not taken as equal', () => {
    const g = buildGraph({
      inputs: [
        { name: 'a', shape: ['unk__dim0'] },
        { name: 'b', shape: ['unk__dim0'] },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
    });
    inferShapes(g);
    const [a] = g.types.get('a')!.shape!;
    const [b] = g.types.get('b')!.shape!;
    expect(a).not.toEqual(b);
    const [y] = g.types.get('y')!.shape!;
    expect([a, b]).not.toContain(y);
  });
});

describe('value propagation', () => {
  it('computes the exporter pattern Reshape(x, Concat(Shape(x)[0:1], [-1]))', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: ['N', 3, 4, 5] }],
      outputs: [{ name: 'y' }],
      initializers: { idx: i64([0]), minus1: i64([-1]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'idx'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Concat', inputs: ['n', 'minus1'], outputs: ['t'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 't'], outputs: ['y'] },
      ],
    });
    const symbolic = inferShapes(g.clone());
    expect(symbolic.dimValues.get('t')).toEqual(['N', -1]);
    const res = inferShapes(g, { inputShapes: { x: [2, 3, 4, 5] } });
    expect(g.types.get('y')?.shape).toEqual([2, 60]);
    expect(ints(res.values.get('s'))).toEqual([2, 3, 4, 5]);
    expect(ints(res.values.get('t'))).toEqual([2, -1]);
    expect(res.values.get('t')?.dtype).toBe('int64');
  });

  it('follows Shape -> Gather -> Cast -> Mul -> Cast -> Concat into a Resize sizes input', () => {
    // sizes = [N, C, floor(H*2.0), floor(W*2.0)] computed in float and cast back to int64.
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 10, 7] }],
      outputs: [{ name: 'y' }],
      initializers: { hw: i64([2, 3]), nc: i64([0, 1]), two: { dtype: 'float32', dims: [], data: new Float32Array([2]) } },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'hw'], outputs: ['h'] },
        { op: 'Cast', inputs: ['h'], outputs: ['hf'], attrs: { to: 1 } },
        { op: 'Mul', inputs: ['hf', 'two'], outputs: ['h2f'] },
        { op: 'Cast', inputs: ['h2f'], outputs: ['h2'], attrs: { to: 7 } },
        { op: 'Gather', inputs: ['s', 'nc'], outputs: ['ncs'] },
        { op: 'Concat', inputs: ['ncs', 'h2'], outputs: ['sizes'], attrs: { axis: 0 } },
        { op: 'Resize', inputs: ['x', '', '', 'sizes'], outputs: ['y'], attrs: { mode: 'nearest' } },
      ],
    });
    const res = inferShapes(g);
    expect(Array.from(res.values.get('h2f')!.data as Float32Array)).toEqual([20, 14]);
    expect(ints(res.values.get('sizes'))).toEqual([1, 3, 20, 14]);
    expect(g.types.get('y')?.shape).toEqual([1, 3, 20, 14]);
  });

  it('evaluates Range, ConstantOfShape, ReduceProd, Unsqueeze/Squeeze and Where on known values', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [{ name: 'r' }, { name: 'z' }],
      initializers: { zero: i64([0], []), one: i64([1], []), ax: i64([0]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'ReduceProd', inputs: ['s'], outputs: ['n'], attrs: { keepdims: 0 } }, // 24
        { op: 'Range', inputs: ['zero', 'n', 'one'], outputs: ['r'] }, // [0..23]
        { op: 'Unsqueeze', inputs: ['n', 'ax'], outputs: ['n1'] }, // [24]
        { op: 'ConstantOfShape', inputs: ['n1'], outputs: ['z'], attrs: { value: i64([7], [1]) } },
        { op: 'Squeeze', inputs: ['n1', 'ax'], outputs: ['n0'] },
        { op: 'Greater', inputs: ['s', 'one'], outputs: ['big'] },
        { op: 'Where', inputs: ['big', 's', 'zero'], outputs: ['w'] },
      ],
    });
    const res = inferShapes(g);
    expect(ints(res.values.get('n'))).toEqual([24]);
    expect(res.values.get('n')?.dims).toEqual([]);
    expect(g.types.get('r')).toEqual({ dtype: 'int64', shape: [24] });
    expect(ints(res.values.get('r'))).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(g.types.get('z')).toEqual({ dtype: 'int64', shape: [24] });
    expect(ints(res.values.get('z'))).toEqual(new Array(24).fill(7));
    expect(res.values.get('n0')?.dims).toEqual([]);
    expect(Array.from(res.values.get('big')!.data as Uint8Array)).toEqual([1, 1, 1]);
    expect(ints(res.values.get('w'))).toEqual([2, 3, 4]);
  });

  it('keeps symbols in values and gives unknowable elements a symbol', () => {
    // Shape(x)[1] + 1 with x[N,S]: not a product, so a fresh symbol; Range(0, S, 1) has length S.
    const g = buildGraph({
      inputs: [{ name: 'x', shape: ['N', 'S'] }],
      outputs: [{ name: 'pos' }, { name: 'p1' }],
      initializers: { i1: i64([1], []), zero: i64([0], []), one: i64([1], []) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'i1'], outputs: ['seq'] },
        { op: 'Add', inputs: ['seq', 'one'], outputs: ['seq1'] },
        { op: 'Range', inputs: ['zero', 'seq', 'one'], outputs: ['pos'] },
        { op: 'Range', inputs: ['zero', 'seq1', 'one'], outputs: ['p1'] },
      ],
    });
    const res = inferShapes(g);
    expect(res.dimValues.get('seq')).toEqual(['S']);
    expect(res.values.has('seq')).toBe(false);
    expect(g.types.get('pos')?.shape).toEqual(['S']);
    const [len] = g.types.get('p1')!.shape!;
    expect(typeof len).toBe('string');
    expect(['N', 'S']).not.toContain(len);
  });
});

describe('values that may be negative', () => {
  it('are not taken for sizes by Reshape or Range', () => {
    // d = S - 4 may be -1 (Reshape would infer that axis) or negative (Range would be empty).
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 'S'] }],
      outputs: [{ name: 'r' }, { name: 'q' }],
      initializers: { i1: i64([1]), four: i64([4]), two: i64([2]), zero: i64([0], []), one: i64([1], []) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'i1'], outputs: ['seq'] },
        { op: 'Sub', inputs: ['seq', 'four'], outputs: ['d'] },
        { op: 'Concat', inputs: ['two', 'd'], outputs: ['t'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 't'], outputs: ['r'] },
        { op: 'Squeeze', inputs: ['d'], outputs: ['d0'] },
        { op: 'Range', inputs: ['zero', 'd0', 'one'], outputs: ['q'] },
      ],
    });
    const res = inferShapes(g);
    const [dsym] = res.dimValues.get('d')!;
    expect(typeof dsym).toBe('string');
    const [, rdim] = g.types.get('r')!.shape!;
    expect(g.types.get('r')!.shape![0]).toBe(2);
    expect(typeof rdim).toBe('string');
    expect(rdim).not.toBe(dsym);
    const [qdim] = g.types.get('q')!.shape!;
    expect(typeof qdim).toBe('string');
    expect(qdim).not.toBe(dsym);
  });
});

describe('what inference does not know', () => {
  it('leaves unknown ops unknown, and what follows them less known', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'w' }],
      opsets: { 'com.example': 1 },
      nodes: [
        { op: 'MysteryOp', inputs: ['x'], outputs: ['u'] },
        { op: 'Relu', inputs: ['u'], outputs: ['y'] },
        { op: 'Custom', domain: 'com.example', inputs: ['x'], outputs: ['v'] },
        { op: 'Shape', inputs: ['v'], outputs: ['w'] },
      ],
    });
    const res = inferShapes(g);
    expect(res.unknownOps).toEqual(new Set(['MysteryOp', 'com.example:Custom']));
    expect(g.types.get('u')).toBeUndefined();
    expect(g.types.get('y')).toBeUndefined();
    expect(g.types.get('v')).toBeUndefined();
    // Shape of an unknown-rank tensor: an int64 vector of unknown length.
    expect(g.types.get('w')?.dtype).toBe('int64');
    expect(typeof g.types.get('w')?.shape?.[0]).toBe('string');
  });

  it("keeps a model's declared type for an unknown op's output", () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2, 'K'] }],
      nodes: [{ op: 'MysteryOp', inputs: ['x'], outputs: ['y'] }],
    });
    inferShapes(g);
    expect(g.types.get('y')).toEqual({ dtype: 'float32', shape: [2, 'K'] });
    inferShapes(g, { reset: true });
    expect(g.types.get('y')).toBeUndefined();
  });

  it('fills symbols from declared types and reports declared types that contradict inference', () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 'H', 'H'] }],
      outputs: [
        { name: 'c', dtype: 'float32', shape: [1, 4, 'OH', 15] },
        { name: 'r', dtype: 'float32', shape: [1, 5, 'OH', 15] },
      ],
      initializers: { w: f32([4, 3, 3, 3]) },
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { strides: [2, 2] } },
        { op: 'Relu', inputs: ['c'], outputs: ['r'], name: 'relu' },
      ],
    });
    const res = inferShapes(g);
    // The model's names and numbers fill what inference could only call unk__N.
    expect(g.types.get('c')?.shape).toEqual([1, 4, 'OH', 15]);
    expect(g.types.get('r')?.shape).toEqual([1, 4, 'OH', 15]);
    expect(res.issues).toEqual([{ node: 'relu', opType: 'Relu', message: "output 'r': dimension 1 declared 5, inferred 4" }]);
  });

  it('reports an inconsistent node instead of guessing, and throws with strict', () => {
    const spec = {
      inputs: [
        { name: 'a', shape: [3] },
        { name: 'b', shape: [4] },
      ],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Add', inputs: ['a', 'b'], outputs: ['s'], name: 'bad_add' },
        { op: 'Relu', inputs: ['s'], outputs: ['y'] },
      ],
    };
    const g = buildGraph(spec);
    const res = inferShapes(g);
    expect(res.issues).toHaveLength(1);
    expect(res.issues[0]).toMatchObject({ node: 'bad_add', opType: 'Add' });
    expect(res.issues[0]!.message).toMatch(/broadcast/);
    expect(g.types.get('s')?.shape).toBeUndefined();
    expect(() => inferShapes(buildGraph(spec), { strict: true })).toThrow(/node 'bad_add' \(Add\)/);
  });

  it('Split without sizes: equal parts, or num_outputs parts with a smaller last one; never an empty or negative part', () => {
    const split = (opset: number, d: number, n: number, attrs: Record<string, number> = {}) => {
      const g = buildGraph({
        opset,
        inputs: [{ name: 'x', shape: [d] }],
        outputs: Array.from({ length: n }, (_, i) => ({ name: `y${i}` })),
        nodes: [{ op: 'Split', inputs: ['x'], outputs: Array.from({ length: n }, (_, i) => `y${i}`), attrs }],
      });
      inferShapes(g, { strict: true });
      return Array.from({ length: n }, (_, i) => g.types.get(`y${i}`)!.shape![0]);
    };
    expect(split(13, 6, 3)).toEqual([2, 2, 2]);
    expect(split(18, 7, 4, { num_outputs: 4 })).toEqual([2, 2, 2, 1]);
    expect(() => split(13, 7, 2)).toThrow(/dimension 7 does not split evenly into 2 outputs/);
    // onnxruntime refuses these at run time ("Split size 2 exceeds the remaining size"): parts
    // of ceil(5 / 4) = 2 leave -1, parts of ceil(6 / 4) = 2 leave 0.
    expect(() => split(18, 5, 4, { num_outputs: 4 })).toThrow(/parts of 2, which leaves -1 for the last output/);
    expect(() => split(18, 6, 4, { num_outputs: 4 })).toThrow(/parts of 2, which leaves 0 for the last output/);
  });

  it('rejects bad input shape overrides with an INPUT error naming the input', () => {
    const g = () =>
      buildGraph({
        inputs: [
          { name: 'x', shape: ['N', 3] },
          { name: 'm', shape: ['N', 5] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      });
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as HybridError;
      }
      throw new Error('no error thrown');
    };
    const unknown = err(() => inferShapes(g(), { inputShapes: { nope: [1, 3] } }));
    expect(unknown).toBeInstanceOf(HybridError);
    expect(unknown.code).toBe('INPUT');
    expect(unknown.message).toMatch(/'nope'.*inputs: x, m/);
    expect(err(() => inferShapes(g(), { inputShapes: { x: [1, 3, 1] } })).message).toMatch(/input 'x'.*rank 3/);
    expect(err(() => inferShapes(g(), { inputShapes: { x: [1, 4] } })).message).toMatch(/input 'x': dimension 1 is 3/);
    expect(err(() => inferShapes(g(), { inputShapes: { x: [1, 3], m: [2, 5] } })).message).toMatch(/'N' is given as both 1 and 2/);
    const ok = g();
    inferShapes(ok, { inputShapes: { x: [6, 3] } });
    expect(ok.types.get('m')?.shape).toEqual([6, 5]);
  });
});
