/**
 * qdqLayerVerdict (src/cli/qdq-layers.ts), --compare's layer check of a Q/DQ model, with runs
 * written by hand (onnxruntime the only engine) on test/quantize/helpers.ts's qdqChain: it
 * passes a run that differs by a tie, fails one a step off elsewhere (naming the element), and
 * checks nothing where the run with its activations exposed computes other outputs than the
 * run checked.
 */
import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../src/onnx/proto.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareTensors } from '../../src/cli/compare.js';
import { qdqLayerVerdict } from '../../src/cli/qdq-layers.js';
import { qdqChain } from '../quantize/helpers.js';

const f32 = (...v: number[]): TensorData => ({ dtype: 'float32', dims: [1, 4], data: Float32Array.from(v) });
const { model, feeds } = qdqChain();
const compare = (want: ReadonlyMap<string, TensorData>, got: ReadonlyMap<string, TensorData>) =>
  [...want].map(([name, w]) => compareTensors(name, got.get(name)!, w, 1e-4, 1e-3));
/** A run: its activations a and b, and y = b + 1, what the exposed model returns. */
const runOf = (a: number[], b: number[]) =>
  new Map([
    ['a', f32(...a)],
    ['b', f32(...b)],
    ['y', f32(...b.map((v) => v + 1))],
  ]);
const verdict = (checked: number[], exposed: Map<string, TensorData>) => {
  let ran: ModelProto | undefined;
  const run = async (m: ModelProto) => ((ran = m), exposed);
  return qdqLayerVerdict(model, feeds, new Map([['y', f32(...checked)]]), run, compare).then((v) => ({ ...v, ran }));
};

describe('qdqLayerVerdict', () => {
  it('passes a run whose outputs differ from onnxruntime by a rounding tie', async () => {
    // The run rounds x[0]'s 2.5 steps up: a[0] = 1.5, b[0] = 4.5, y[0] = 5.5 (onnxruntime: 4).
    const v = await verdict([5.5, 4, -2, 7], runOf([1.5, 1, -1, 2], [4.5, 3, -3, 6]));
    expect(v.ran!.graph!.output!.map((o) => o.name)).toEqual(['y', 'a', 'b']);
    expect(v.pass).toBe(true);
    expect(v.lines[0]).toMatch(/: 1 of 8 roundings differ, all ties \(at most 0 of a step from a rounding edge; 0\.001 allowed\)$/);
    expect(v.lines[1]).toMatch(/^ {2}y {2}PASS {2}max abs 0 /);
  });

  it('fails a run a step off away from any tie, naming the element', async () => {
    const v = await verdict([4, 5.5, -2, 7], runOf([1, 1.5, -1, 2], [3, 4.5, -3, 6]));
    expect(v.pass).toBe(false);
    expect(v.lines[0]).toMatch(/: 1 of 8 roundings differ, 1 of them not ties/);
    expect(v.lines[1]).toBe('  FAIL  x[1]: 2 steps, onnxruntime 2, here 3');
  });

  it('checks nothing where the exposed run computes other outputs than the run checked', async () => {
    const v = await verdict([4, 4, -2, 7], runOf([1.5, 1, -1, 2], [4.5, 3, -3, 6]));
    expect(v.pass).toBe(false);
    expect(v.lines[0]).toMatch(/not checked: the run with its activations as outputs computes other outputs$/);
    expect(v.lines[1]).toMatch(/^ {2}y {2}FAIL /);
  });
});
