/**
 * checkLayers (src/quantize/layer-check.ts): a run's quantized activations, given as the run
 * would expose them, checked one layer at a time against onnxruntime's QuantizeLinear. The
 * runs here are written by hand, so onnxruntime is the only engine involved; the model is
 * helpers.ts's qdqChain, whose x[0] is an exact tie (2.5 steps, which onnxruntime rounds to
 * even: 2) and x[1] none (2 steps). A run that rounds the tie up is right; one that is a step
 * off elsewhere is not; and each layer's reference is computed from the run's own input to it.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkLayers, exposeActivations } from '../../src/quantize/layer-check.js';
import { qdqChain } from './helpers.js';

const f32 = (dims: number[], ...v: number[]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(v) });
const { model, feeds } = qdqChain();
/** A run's exposed activations a and b (its outputs y too, which checkLayers does not read). */
const run = (a: number[], b: number[]) =>
  new Map([
    ['a', f32([1, 4], ...a)],
    ['b', f32([1, 4], ...b)],
  ]);

describe('checkLayers', () => {
  it('exposes each activation a QuantizeLinear -> DequantizeLinear pair makes, and no weight', () => {
    const { model: exposed, names } = exposeActivations(model);
    expect(names).toEqual(['a', 'b']);
    expect(exposed.graph!.output!.map((o) => o.name)).toEqual(['y', 'a', 'b']);
  });

  it('a run as the file computes it: every rounding agrees, and the outputs follow from it', async () => {
    // onnxruntime: a = [1 (2.5 -> 2), 1, -1 (-1.5 -> -2), 2]; m = 3a = [3, 3, -3, 6] -> b as m.
    const c = await checkLayers(model, feeds, run([1, 1, -1, 2], [3, 3, -3, 6]));
    expect({ elements: c.elements, differing: c.differing, wrong: c.wrongCount }).toEqual({ elements: 8, differing: 0, wrong: 0 });
    expect(Array.from(c.outputs.get('y')!.data as Float32Array)).toEqual([4, 4, -2, 7]);
  });

  it('a tie rounded the other way counts as a tie; the next layer is computed from the run', async () => {
    // The run rounds 2.5 up (a[0] = 1.5), so its m[0] = 4.5, 18 steps of 0.25, and y[0] = 5.5.
    const c = await checkLayers(model, feeds, run([1.5, 1, -1, 2], [4.5, 3, -3, 6]));
    expect({ differing: c.differing, wrong: c.wrongCount, farthestTie: c.farthestTie }).toEqual({ differing: 1, wrong: 0, farthestTie: 0 });
    expect(Array.from(c.outputs.get('y')!.data as Float32Array)).toEqual([5.5, 4, -2, 7]);
  });

  it('a step off away from any tie is wrong, and named', async () => {
    const c = await checkLayers(model, feeds, run([1, 1.5, -1, 2], [3, 4.5, -3, 6]));
    expect(c.wrongCount).toBe(1);
    expect(c.wrong).toEqual([{ tensor: 'x', index: 1, steps: 2, reference: 2, run: 3 }]);
    // b is checked against 3 x the run's a: 4.5 is right there, and y follows it.
    expect(Array.from(c.outputs.get('y')!.data as Float32Array)).toEqual([4, 5.5, -2, 7]);
    // A wrong b alone: 3.25 is 13 steps where m = 3 is 12, half a step from any edge.
    const b = await checkLayers(model, feeds, run([1, 1, -1, 2], [3.25, 3, -3, 6]));
    expect(b.wrong).toEqual([{ tensor: 'm', index: 0, steps: 12, reference: 12, run: 13 }]);
  });

  it('at a tie only the neighbouring value is a tie: a run farther off there is wrong', async () => {
    // x[0] is 2.5 steps: a tie decides between 2 and 3, never 6 (a[0] = 3 is 6 steps).
    const c = await checkLayers(model, feeds, run([3, 1, -1, 2], [9, 3, -3, 6]));
    expect(c.wrong).toEqual([{ tensor: 'x', index: 0, steps: 2.5, reference: 2, run: 6 }]);
  });

  // PyTorch's exporter writes the pairs otherwise: scales and zero points as Constant nodes,
  // a Cast to the same 8-bit type between QuantizeLinear and DequantizeLinear, and the
  // DequantizeLinear's own Constants of the same values. The same chain so written is checked
  // as the initializer one is; a pair whose DequantizeLinear has another scale is not taken.
  const int8 = (v: number): TensorData => ({ dtype: 'int8', dims: [], data: Int8Array.of(v) });
  const torchStyle = (bScaleOfDq = 0.25, castTo = 3) =>
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: [1, 4] }],
      outputs: [{ name: 'y' }],
      initializers: { three: f32([], 3), one: f32([], 1) },
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['qsa'], attrs: { value: f32([], 0.5) } },
        { op: 'Constant', inputs: [], outputs: ['qz'], attrs: { value: int8(0) } },
        { op: 'QuantizeLinear', inputs: ['x', 'qsa', 'qz'], outputs: ['xq'] },
        { op: 'Cast', inputs: ['xq'], outputs: ['xc'], attrs: { to: castTo } },
        { op: 'Constant', inputs: [], outputs: ['dsa'], attrs: { value: f32([], 0.5) } },
        { op: 'Constant', inputs: [], outputs: ['dz'], attrs: { value: int8(0) } },
        { op: 'DequantizeLinear', inputs: ['xc', 'dsa', 'dz'], outputs: ['a'] },
        { op: 'Mul', inputs: ['a', 'three'], outputs: ['m'] },
        { op: 'Constant', inputs: [], outputs: ['qsb'], attrs: { value: f32([], 0.25) } },
        { op: 'QuantizeLinear', inputs: ['m', 'qsb', 'qz'], outputs: ['mq'] },
        { op: 'Cast', inputs: ['mq'], outputs: ['mc'], attrs: { to: 3 } },
        { op: 'Constant', inputs: [], outputs: ['dsb'], attrs: { value: f32([], bScaleOfDq) } },
        { op: 'DequantizeLinear', inputs: ['mc', 'dsb', 'dz'], outputs: ['b'] },
        { op: 'Add', inputs: ['b', 'one'], outputs: ['y'] },
      ],
    });

  it("reads PyTorch's form (Constant nodes, a Cast between the pair) as it reads the initializer form", async () => {
    const torch = torchStyle();
    expect(exposeActivations(torch).names).toEqual(['a', 'b']);
    const right = await checkLayers(torch, feeds, run([1, 1, -1, 2], [3, 3, -3, 6]));
    expect({ elements: right.elements, differing: right.differing, wrong: right.wrongCount }).toEqual({ elements: 8, differing: 0, wrong: 0 });
    const off = await checkLayers(torch, feeds, run([1, 1.5, -1, 2], [3, 4.5, -3, 6]));
    expect(off.wrong).toEqual([{ tensor: 'x', index: 1, steps: 2, reference: 2, run: 3 }]);
    // b's DequantizeLinear with a scale other than its QuantizeLinear's: not a pair this check reads.
    expect(exposeActivations(torchStyle(0.5)).names).toEqual(['a']);
    // A Cast to uint8 after an int8 QuantizeLinear changes the values: not a pair either.
    expect(exposeActivations(torchStyle(0.25, 2)).names).toEqual(['b']);
  });
});
