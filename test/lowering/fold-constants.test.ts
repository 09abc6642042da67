// Pass fold-constants: which nodes become initializers, the size rule, what is never folded,
// and onnxruntime's outputs before and after (random inputs, seed fixed; exact: folded values
// are computed by onnxruntime itself).
import { describe, expect, it } from 'vitest';
import { type ModelSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPass, snapshot } from './helpers.js';

const i64 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'int64', dims, data: BigInt64Array.from(values, BigInt) });
const f32 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });

describe('fold-constants', () => {
  it('turns Constant nodes into initializers, graph outputs included', async () => {
    //   Constant ─► c ─► Add(x, c) ─► y
    //   Constant ─► k (graph output)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }, { name: 'k' }],
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['c'], attrs: { value: f32([1, 2, 3]) } },
        { op: 'Add', inputs: ['x', 'c'], outputs: ['y'] },
        { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value_ints: [4, 5] } },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['Add']);
    expect([...g.constant('c')!.data]).toEqual([1, 2, 3]);
    expect(g.constant('k')!.data).toEqual(BigInt64Array.from([4n, 5n]));
    expect(r.counts['folded Constant']).toBe(2);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3]) }, EXACT)).toEqual([]);
  });

  it('folds a Shape -> Gather -> Unsqueeze -> Concat chain once the input shape is static', async () => {
    //   x[2,3,4] ─► Shape ─► s ─► Gather(0) ─► n ─► Unsqueeze ─► n1 ─┐
    //                                              minus1 ────────────┴► Concat ─► shape
    //   x ──────────────────────────────────────────────────────────────► Reshape(x, shape) ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { zero: i64([0], []), axes: i64([0]), minus1: i64([-1]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'] },
        { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['Reshape']);
    expect(g.constant('shape')!.data).toEqual(BigInt64Array.from([2n, -1n]));
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [2, 3, 4]) }, EXACT)).toEqual([]);
  });

  it('folds Shape of a symbolic input only with inputShapes, and Shape start/end (opset 15)', async () => {
    //   x[N,3] ─► Shape ─► s ─► Cast ─► a
    //   x[N,3] ─► Shape(start=1) ─► t ─► Cast ─► b
    const spec: ModelSpec = {
      opset: 15,
      inputs: [{ name: 'x', shape: ['N', 3] }],
      outputs: [{ name: 'a' }, { name: 'b' }],
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Shape', inputs: ['x'], outputs: ['t'], attrs: { start: 1 } },
        { op: 'Cast', inputs: ['s'], outputs: ['a'], attrs: { to: 1 } },
        { op: 'Cast', inputs: ['t'], outputs: ['b'], attrs: { to: 1 } },
      ],
    };
    const dynamic = buildGraph(spec);
    await runPass(dynamic, 'fold-constants');
    // Shape(start=1) of [N,3] is [3] whatever N is: it folds; the full Shape does not.
    expect(opTypes(dynamic)).toEqual(['Shape', 'Cast']);
    expect([...dynamic.constant('b')!.data]).toEqual([3]);

    const fixed = buildGraph(spec);
    const original = snapshot(fixed);
    await runPass(fixed, 'fold-constants', { inputShapes: { x: [2, 3] } });
    expect(opTypes(fixed)).toEqual([]);
    expect([...fixed.constant('a')!.data]).toEqual([2, 3]);
    expect(await compareOnOrt(original, fixed, { x: randomTensor('float32', [2, 3]) }, EXACT)).toEqual([]);
  });

  it('folds ConstantOfShape weights into initializers, as the light_* models carry them', async () => {
    //   wshape ─► ConstantOfShape(0.02) ─► W ─► Conv(x, W) ─► y
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 3, 8, 8] }],
      outputs: [{ name: 'y' }],
      initializers: { wshape: i64([4, 3, 3, 3]) },
      nodes: [
        { op: 'ConstantOfShape', inputs: ['wshape'], outputs: ['W'], attrs: { value: f32([0.02], [1]) } },
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['Conv']);
    const w = g.constant('W')!;
    expect(w.dims).toEqual([4, 3, 3, 3]);
    expect(w.data.every((v) => v === Math.fround(0.02))).toBe(true);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [1, 3, 8, 8]) }, EXACT)).toEqual([]);
  });

  it('fetches only the values it may store: a chain of 3000 Relus of a 1 MiB weight folds without holding them all', async () => {
    //   wshape ─► ConstantOfShape ─► Relu ─► ... (3000) ─► W ─► MatMul(x, W) ─► y
    // Every intermediate came back from onnxruntime before: 3 GiB here (the fuzzer's 20,000
    // Relus of a resnet50 weight exhausted memory). Now only W does.
    const n = 3000;
    const nodes: ModelSpec['nodes'] = [{ op: 'ConstantOfShape', inputs: ['wshape'], outputs: ['c0'], attrs: { value: f32([0.5], [1]) } }];
    for (let i = 0; i < n; i++) nodes.push({ op: 'Relu', inputs: [`c${i}`], outputs: [i === n - 1 ? 'W' : `c${i + 1}`] });
    nodes.push({ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] });
    const g = buildGraph({ inputs: [{ name: 'x', shape: [1, 512] }], outputs: [{ name: 'y' }], initializers: { wshape: i64([512, 512]) }, nodes });
    const before = process.memoryUsage().rss;
    await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['MatMul']);
    expect(g.constant('W')!.dims).toEqual([512, 512]);
    // Generous: a few copies of W, far from the 3 GiB of every intermediate.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 2 ** 20);
  });

  it('keeps an Expand that would store an activation-sized tensor, folds the same one as a weight', async () => {
    //   half ─► Expand(big) ─► e ─► Add(x, e) ─► y        (802 KB from 36 bytes: stays)
    //   half ─► Expand(wshape) ─► W ─► Conv(x, W) ─► z     (a weight: folded whatever its size)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 64, 56, 56] }],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { half: f32([0.5], []), big: i64([1, 64, 56, 56]), wshape: i64([64, 64, 7, 7]) },
      nodes: [
        { op: 'Expand', inputs: ['half', 'big'], outputs: ['e'] },
        { op: 'Add', inputs: ['x', 'e'], outputs: ['y'] },
        { op: 'Expand', inputs: ['half', 'wshape'], outputs: ['W'] },
        { op: 'Conv', inputs: ['x', 'W'], outputs: ['z'] },
      ],
    });
    const original = snapshot(g);
    const r = await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['Expand', 'Add', 'Conv']);
    expect(g.isInitializer('W')).toBe(true);
    expect(g.isInitializer('e')).toBe(false);
    expect(r.notes.join('\n')).toMatch(/left 'Expand_0' \(Expand\): its output 'e' .* outgrow/);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [1, 64, 56, 56]) }, EXACT)).toEqual([]);
  });

  it('honours folding limits given as options', async () => {
    //   half ─► Expand([4, 4]) ─► e ─► Add(x, e) ─► y      (64 bytes: small, unless smallBytes < 64)
    const spec: ModelSpec = {
      inputs: [{ name: 'x', shape: [4, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { half: f32([0.5], []), shape: i64([4, 4]) },
      nodes: [
        { op: 'Expand', inputs: ['half', 'shape'], outputs: ['e'] },
        { op: 'Add', inputs: ['x', 'e'], outputs: ['y'] },
      ],
    };
    const byDefault = buildGraph(spec);
    await runPass(byDefault, 'fold-constants');
    expect(opTypes(byDefault)).toEqual(['Add']);
    const strict = buildGraph(spec);
    await runPass(strict, 'fold-constants', { folding: { smallBytes: 16, growthFactor: 1 } });
    expect(opTypes(strict)).toEqual(['Expand', 'Add']);
  });

  it('never folds random ops, custom-domain ops, DequantizeLinear or nodes with a non-constant input', async () => {
    //   RandomNormal ─► r ─► Add(r, x) ─► y     c ─► custom:Op ─► u     c ─► Neg ─► n (folds)
    //   q (int8), s ─► DequantizeLinear ─► d    (keeps the int8 weight and its scale for engines)
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2] }],
      outputs: [{ name: 'y' }, { name: 'u' }, { name: 'n' }],
      opsets: { 'com.example': 1 },
      initializers: { c: f32([1, 2]), q: { dtype: 'int8', dims: [2], data: Int8Array.from([3, -4]) }, s: f32([0.5], []) },
      nodes: [
        { op: 'RandomNormal', inputs: [], outputs: ['r'], attrs: { shape: [2] } },
        { op: 'Add', inputs: ['r', 'x'], outputs: ['y'] },
        { op: 'Op', domain: 'com.example', inputs: ['c'], outputs: ['u'] },
        { op: 'Neg', inputs: ['c'], outputs: ['n'] },
        { op: 'DequantizeLinear', inputs: ['q', 's'], outputs: ['d'] },
      ],
    });
    g.outputs.push('d');
    await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['RandomNormal', 'Add', 'Op', 'DequantizeLinear']);
    expect([...g.constant('n')!.data]).toEqual([-1, -2]);
  });

  it('folds node by node when onnxruntime cannot run the whole batch, and says what it left', async () => {
    //   a, b (uint16) ─► BitShift ─► s        (onnxruntime has no uint16 BitShift)
    //   c ─► Neg ─► n                         (folds)
    const u16 = (v: number[]): TensorData => ({ dtype: 'uint16', dims: [v.length], data: Uint16Array.from(v) });
    const g = buildGraph({
      inputs: [],
      outputs: [{ name: 's' }, { name: 'n' }],
      initializers: { a: u16([1, 2]), b: u16([1, 1]), c: f32([1, 2]) },
      nodes: [
        { op: 'BitShift', inputs: ['a', 'b'], outputs: ['s'], attrs: { direction: 'LEFT' } },
        { op: 'Neg', inputs: ['c'], outputs: ['n'] },
      ],
    });
    const r = await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['BitShift']);
    expect([...g.constant('n')!.data]).toEqual([-1, -2]);
    expect(r.notes.join('\n')).toMatch(/left 'BitShift_0' \(BitShift\): onnxruntime cannot evaluate it/);
  });

  it('reaches its fixpoint in one run: shapes after a value only onnxruntime computes fold too', async () => {
    //   t[8,1] ─► ReduceMax(axes 1) ─► Cast(int64) ─► pads ─► Pad(x, pads) ─► p ─► Mul(p, hf) ─► y
    //   p ─► Shape ─► Gather(2) ─► Cast(float) ─► hf
    // Inference does not compute the float ReduceMax, so p's shape is known only once pads is
    // stored (torchvision's detection transform pads by a ReduceMax of constants Cast to int64).
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [1, 2, 3, 3] }],
      outputs: [{ name: 'y' }],
      initializers: { t: f32([0, 0, 1, 1, 0, 0, 2, 1], [8, 1]), two: i64([2], []) },
      nodes: [
        { op: 'ReduceMax', inputs: ['t'], outputs: ['m'], attrs: { axes: [1], keepdims: 0 } },
        { op: 'Cast', inputs: ['m'], outputs: ['pads'], attrs: { to: 7 } },
        { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'] },
        { op: 'Shape', inputs: ['p'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'two'], outputs: ['h'] },
        { op: 'Cast', inputs: ['h'], outputs: ['hf'], attrs: { to: 1 } },
        { op: 'Mul', inputs: ['p', 'hf'], outputs: ['y'] },
      ],
    });
    const original = snapshot(g);
    await runPass(g, 'fold-constants');
    expect(opTypes(g)).toEqual(['Pad', 'Mul']);
    // Pad's height: 3 + 1 before + 2 after.
    expect(g.constant('hf')!.data).toEqual(Float32Array.from([6]));
    const second = await runPass(g, 'fold-constants');
    expect(second.changed).toBe(0);
    expect(await compareOnOrt(original, g, { x: randomTensor('float32', [1, 2, 3, 3]) }, EXACT)).toEqual([]);
  });
});
