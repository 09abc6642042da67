/**
 * Inputs that share a symbolic dimension (`batch` in two inputs) are given it once: compile()
 * completes the other inputs' shapes from the one given (and says so), refuses two given shapes
 * that disagree on it with an OPTION error naming both, and its hint for a shape still symbolic
 * keeps the size given (a dim nobody sizes is 1, with a notice, as trtexec does). The
 * compiled model is checked against onnxruntime at the completed shapes.
 */
import { expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { rejection } from '../helpers/errors.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';

/** y = Concat(Relu(a), Sigmoid(b), axis 1): a [batch, 4], b [batch, k] -> y [batch, 4 + k]. */
const model = encodeModel(
  buildModel({
    inputs: [
      { name: 'a', shape: ['batch', 4] },
      { name: 'b', shape: ['batch', 'k'] },
    ],
    outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Relu', inputs: ['a'], outputs: ['ra'] },
      { op: 'Sigmoid', inputs: ['b'], outputs: ['sb'] },
      { op: 'Concat', inputs: ['ra', 'sb'], outputs: ['y'], attrs: { axis: 1 } },
    ],
  }),
);

describeIf(HAS_NATIVE, 'shared symbolic dimensions', NATIVE_MISSING, () => {
  it('a dim still symbolic is 1, with a notice whose hint keeps the size given', async () => {
    const logs: string[] = [];
    const m = await compile(model, { backend: 'cpu', label: 'm.onnx', inputs: { a: [3, 4] }, onLog: (msg) => logs.push(msg) });
    try {
      expect(m.inputs.map((i) => i.shape)).toEqual([
        [3, 4],
        [3, 1],
      ]);
      expect(logs).toContain(
        "input 'b' [batch,k]: 'k' has no size or range, so [3,1] is compiled; give shapes with inputs: { 'b': [...] } or a range { min, opt, max } " +
          '(hybrid-run: --shapes b:3x1, or --min-shapes/--opt-shapes/--max-shapes)',
      );
    } finally {
      await m.dispose();
    }
  });

  it("one input's size completes the other's, with a note, and the model matches onnxruntime there", async () => {
    const logs: string[] = [];
    const m = await compile(model, { backend: 'cpu', inputs: { b: [5, 2] }, onLog: (msg) => logs.push(msg) });
    try {
      expect(m.inputs.map((i) => [i.name, i.shape])).toEqual([
        ['a', [5, 4]],
        ['b', [5, 2]],
      ]);
      expect(logs).toContain("input 'a' [batch,4]: compiled as [5,4], its shared dimensions fixed by the other inputs' shapes");
      const feeds = { a: sine([5, 4]), b: sine([5, 2], 1) };
      const got = (await m.run(feeds)).y!;
      const want = (await ortRun(model, feeds)).y!;
      // Relu, Sigmoid and a copy: float32 rounding only.
      expect(relativeError(got, want)).toBeLessThan(1e-6);
    } finally {
      await m.dispose();
    }
  });

  it('two given shapes that disagree on a shared dimension are an OPTION error naming both', async () => {
    const e = await rejection(compile(model, { backend: 'cpu', label: 'm.onnx', inputs: { a: [3, 4], b: [2, 1] } }));
    expect(e.code).toBe('OPTION');
    expect(e.message).toBe(
      "m.onnx: inputs: 'b': 'batch' is 2 here but 3 in inputs: 'a'; inputs that share the dimension 'batch' must agree on its size",
    );
  });

  it('analyze() completes shapes the same way, and its hint is a command line that works', async () => {
    const { report } = await analyze(model, { inputs: { b: [2, 3] } });
    expect(report.warnings.join('\n')).not.toContain('no static shape');
    const partial = await analyze(model, { inputs: { a: [2, 4] } });
    expect(partial.report.warnings[0]).toContain("'k' has no size or range, so [2,1] is compiled");
    expect(partial.report.warnings[0]).toContain('--shapes b:2x1');
  });
});
