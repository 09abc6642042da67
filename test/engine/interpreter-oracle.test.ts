/**
 * The cpu engine held against the oracle of the network IR's semantics.
 *
 * The oracle is test/converters/helpers/eval-network.ts: a reference interpreter that runs a
 * network in float64 as network.ts's layer docs say, rounding each layer's output to its
 * dtype. The converter suites check what converters emit with it, against onnxruntime and the
 * ONNX conformance outputs (test/converters/conformance-nodes.test.ts), so its reading of a
 * layer is checked where the engines' is; this suite holds the cpu engine to that reading on
 * data the conformance suite does not ship: every single-node conformance case the converters
 * accept, its float inputs perturbed (seeded, up to 10% of each value and 0.01 absolute),
 * built on the cpu backend and compared with the interpreter on the same network and feeds.
 *
 * Tolerance: as the converter suite's (fp32 rtol 1e-4, atol 1e-5; fp16 outputs 1e-3 both;
 * the conformance exclusions' looser ones where listed): the engine sums in fp32 in another
 * order, the interpreter in float64. Integers and booleans exactly.
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { mulberry32, streamSeed } from '../../src/util/random.js';
import { TOLERANCES } from '../conformance/exclusions.js';
import { evalNetwork } from '../converters/helpers/eval-network.js';
import { convertGraph, expectClose } from '../converters/helpers/harness.js';
import { caseInputs, nodeCases, validateCase } from '../converters/helpers/node-cases.js';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

/** x moved by up to 10% of itself and 0.01, seeded per case and input; other dtypes as given. */
function perturb(t: TensorData, seed: number): TensorData {
  const next = mulberry32(seed);
  const move = (v: number) => v + (next() - 0.5) * (0.2 * Math.abs(v) + 0.02);
  if (t.dtype === 'float32') return { ...t, data: Float32Array.from(t.data as Float32Array, move) };
  if (t.dtype === 'float16') {
    const bits = Uint16Array.from(t.data as Uint16Array, (b) => float32ToFloat16Bits(move(float16BitsToFloat32(b))));
    return { ...t, data: bits };
  }
  return t;
}

const root = conformanceDir();

describeIf(!!root && HAS_NATIVE, 'the cpu engine against the reference interpreter', root ? NATIVE_MISSING : CONFORMANCE_MISSING, () => {
  const all = nodeCases(root);
  let held = 0;

  for (const c of all) {
    it(c.name, async () => {
      const data = caseInputs(c);
      if (!data) return; // element types hybridrt cannot hold: the converter suite's business
      const { graph, verdict } = validateCase(c, data);
      if (!verdict.ok) return; // rejected by validate, as the converter suite lists
      const net = convertGraph(graph);
      const feeds = Object.fromEntries(graph.inputs.map((name, i) => [name, perturb(data[i]!, streamSeed(7, `${c.name}/${name}`))]));
      const want = evalNetwork(net, feeds);
      const engine = await buildEngine(net, { backend: 'cpu' });
      let outs: Awaited<ReturnType<ReturnType<typeof engine.createContext>['runNamed']>>;
      const shapes: Record<string, number[]> = {};
      try {
        const ctx = engine.createContext();
        outs = await ctx.runNamed(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.data])));
        // The engine's own output shapes, so that expectClose compares them with the interpreter's.
        for (const [i, o] of engine.info().outputs.entries()) shapes[o.name] = ctx.outputShapes[i]!;
      } finally {
        engine.dispose();
      }
      const loose = TOLERANCES[`node/${c.name}`];
      for (const o of graph.outputs) {
        const w = want[o]!;
        const half = w.dtype === 'float16';
        const [rtol, atol] = loose ? [loose.rtol, loose.atol] : half ? [1e-3, 1e-3] : [1e-4, 1e-5];
        const got: TensorData = { dtype: w.dtype, dims: shapes[o]!, data: outs[o]! } as TensorData;
        expectClose(w, got, `output '${o}' (interpreter vs cpu engine)`, rtol, atol);
      }
      held++;
    });
  }

  it('holds most of the accepted cases', () => {
    // About 360 single-node cases reach an engine (the cuda suite counts the same set).
    expect(held).toBeGreaterThan(340);
  });
});
