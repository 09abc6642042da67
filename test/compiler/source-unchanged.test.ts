// compile() reads the ModelProto it is given and never writes it: a caller (hybrid-run's
// --compare, which compiles the same proto again for its Q/DQ layer check; a server loading a
// model twice) must get the same model back. The lowering passes that rewrite attributes in
// place (a Pad folded into an AveragePool's or a Conv's pads, auto_pad VALID -> NOTSET) wrote
// into the proto's own attribute lists before, so the second compile padded twice. Checked by
// the proto's bytes before and after, and by a second compile of it against onnxruntime.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { randomFloat } from '../engine/helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { runPasses } from '../lowering/helpers.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';

const i64 = (...v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });

/** x -> Pad -> AveragePool (folds into the pool's pads) and x -> Pad -> Conv VALID (folds into the conv's). */
function model() {
  return buildModel({
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 2, 7, 8] }],
    outputs: [{ name: 'pooled' }, { name: 'conv' }],
    initializers: {
      pads: i64(0, 0, 1, 1, 0, 0, 1, 1),
      w: randomFloat([3, 2, 3, 3], 7),
    },
    nodes: [
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p1'] },
      { op: 'AveragePool', inputs: ['p1'], outputs: ['pooled'], attrs: { kernel_shape: [3, 3] } },
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p2'] },
      { op: 'Conv', inputs: ['p2', 'w'], outputs: ['conv'], attrs: { kernel_shape: [3, 3], auto_pad: 'VALID' } },
    ],
  });
}

describe('compile() leaves its source model as it was', () => {
  it('the Pad folds rewrite the graph, not the proto it was read from', async () => {
    const proto = model();
    const before = encodeModel(proto);
    const passes = await runPasses(Graph.fromModel(proto), ['fold-pad-into-pool', 'fold-pad-into-conv']);
    // Both folds happened (else the bytes below prove nothing).
    expect(passes.map((p) => Object.values(p.counts).reduce((a, b) => a + b, 0))).toEqual([1, 1]);
    expect(Buffer.from(encodeModel(proto)).equals(Buffer.from(before))).toBe(true);
  });

  itIf(HAS_NATIVE, "a proto compiled twice gives onnxruntime's outputs both times and encodes to the same bytes", NATIVE_MISSING, async () => {
    const proto = model();
    const before = encodeModel(proto);
    const feeds = { x: sine([1, 2, 7, 8]) };
    const want = await ortRun(before, feeds);
    for (let round = 0; round < 2; round++) {
      const m = await compile(proto, { backend: 'cpu' });
      try {
        const got = await m.run(feeds);
        for (const name of ['pooled', 'conv']) expect(relativeError(got[name]!, want[name]!), `round ${round}: ${name}`).toBeLessThan(1e-5);
      } finally {
        await m.dispose();
      }
      expect(Buffer.from(encodeModel(proto)).equals(Buffer.from(before)), `round ${round}: the proto's bytes`).toBe(true);
    }
  });
});
