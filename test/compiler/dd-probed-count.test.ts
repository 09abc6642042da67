/**
 * A data-dependent node (NonZero) whose count the probe fixed, because every sample kept the same
 * number (Mask R-CNN's NonZero over its 1000 proposals' class scores, all above a threshold of 0),
 * but whose input follows a NonZero before it: in the views that size the first count
 * (data-dependent.ts), the second reads fewer elements, so its probed count cannot hold there.
 * It kept that count and was sent to onnxruntime ("inference says output ... is int64[1,90000],
 * the layers make int64[1,37980]"); each view must size it from what it reads, as the layer does.
 */
import { expect } from 'vitest';
import { defaultRegistry } from '../../converters/index.js';
import { dataDependentViews } from '../../src/compiler/data-dependent.js';
import { inferShapes } from '../../src/ir/infer/index.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const f32 = (v: number) => ({ dtype: 'float32' as const, dims: [], data: Float32Array.of(v) });

// x [200] -> a = NonZero(x > -0.9) [1, K] -> v = x[a] [K] -> b = NonZero(v > -0.95) [1, K'] (K' = K on any data).
const graph = () =>
  buildGraph({
    opset: 17,
    inputs: [{ name: 'x', shape: [200] }],
    outputs: [{ name: 'y', dtype: 'int64' }],
    initializers: { lo: f32(-0.9), lo2: f32(-0.95), flat: { dtype: 'int64', dims: [1], data: BigInt64Array.of(-1n) } },
    nodes: [
      { op: 'Greater', inputs: ['x', 'lo'], outputs: ['m'] },
      { op: 'NonZero', inputs: ['m'], outputs: ['a'] },
      { op: 'Reshape', inputs: ['a', 'flat'], outputs: ['idx'] },
      { op: 'Gather', inputs: ['x', 'idx'], outputs: ['v'] },
      { op: 'Greater', inputs: ['v', 'lo2'], outputs: ['m2'] },
      { op: 'NonZero', inputs: ['m2'], outputs: ['b'] },
      { op: 'Add', inputs: ['b', 'b'], outputs: ['y'] },
    ],
  });

itIf(HAS_NATIVE, 'a probed count after a sized one follows what it reads at every view', NATIVE_MISSING, () => {
  const g = graph();
  inferShapes(g, { inputShapes: { x: [200] } });
  // What the probe leaves where every sample kept 190 elements at both NonZeros: 'a' differed
  // between samples in truth, 'b' happened to agree.
  g.types.set('v', { dtype: 'float32', shape: [190] });
  g.types.set('b', { dtype: 'int64', shape: [1, 190] });
  g.types.set('a', { dtype: 'int64', shape: [1, 'k'] });
  const views = dataDependentViews(g, { x: [200] }, defaultRegistry())!;
  expect(views.map((v) => v.end)).toContain('opt');
  for (const view of views) {
    const read = view.graph.types.get('v')!.shape as number[];
    const count = view.graph.types.get('b')!.shape!;
    // NonZero of a [n] tensor gives [1, c] with c <= n: a number, at most what it reads.
    expect(typeof count[1], `${view.end}: b ${JSON.stringify(count)}`).toBe('number');
    expect(count[1] as number, `${view.end}: b ${JSON.stringify(count)} reads v ${JSON.stringify(read)}`).toBeLessThanOrEqual(read[0]!);
  }
});
