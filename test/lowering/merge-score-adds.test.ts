// Pass merge-score-adds: tensors added to attention's scores through views (Swin's window mask)
// become one add right after the product, computed in the finest view; onnxruntime's outputs
// before and after, within 1e-6 (one reassociated add: (s + bias) + mask -> s + (bias + mask)).
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/ir/model-builder.js';
import { swinFeeds, swinScoresSpec, type WindowSize } from '../helpers/swin-attention.js';
import { compareOnOrt, opTypes, runPass, snapshot } from './helpers.js';

const TOL = { rtol: 1e-6, atol: 1e-6 };

describe('merge-score-adds', () => {
  it.each([2, 1])("Swin's bias and window mask become one add on the per-window view (batch %i)", async (b) => {
    const size: WindowSize = { b, nW: 4, h: 3, s: 6, d: 8 };
    const g = buildGraph(swinScoresSpec(size));
    const original = snapshot(g);
    const r = await runPass(g, 'merge-score-adds');
    expect(r.counts['score adds merged']).toBe(1);
    // q, k, v viewed [B, nW, H, ...]; the bias [1, H, S, S] as [1, 1, H, S, S] plus the mask
    // [1, nW, 1, S, S] as it is, added once; the result viewed back to [B*nW, H, S, D].
    const made = (op: string) => g.nodes.filter((n) => n.opType === op).map((n) => g.types.get(n.outputs[0]!)?.shape);
    expect(made('MatMul')).toEqual([
      [b, 4, 3, 6, 6],
      [b, 4, 3, 6, 8],
    ]);
    expect(made('Add')).toEqual([
      [1, 4, 3, 6, 6],
      [b, 4, 3, 6, 6],
    ]);
    expect(g.producer(g.nodes.find((n) => n.opType === 'Softmax')!.inputs[0]!)?.opType).toBe('Add');
    expect(g.types.get('y')?.shape).toEqual([b * 4, 3, 6, 8]);
    expect(await compareOnOrt(original, g, swinFeeds(size, 1), TOL)).toEqual([]);
  });

  it('a softmax axis given as a positive number is rewritten to the last of the finer view', async () => {
    const size: WindowSize = { b: 2, nW: 4, h: 3, s: 6, d: 8 };
    const spec = swinScoresSpec(size);
    spec.nodes.find((n) => n.op === 'Softmax')!.attrs = { axis: 3 };
    const g = buildGraph(spec);
    const original = snapshot(g);
    expect((await runPass(g, 'merge-score-adds')).changed).toBe(1);
    expect(await compareOnOrt(original, g, swinFeeds(size, 4), TOL)).toEqual([]);
  });

  it.each([
    ['opset 12 with the default axis (1: the flattened rest, not the last axis)', 'opset12'],
    ['a softmax over S*S (the view back is not the product shape)', 'flat'],
    ['views and no add', 'noAdd'],
  ] as const)('leaves %s, and the model computes as before', async (_, variant) => {
    const size: WindowSize = { b: 2, nW: 4, h: 3, s: 6, d: 8 };
    const spec = swinScoresSpec(size);
    const sm = spec.nodes.find((n) => n.op === 'Softmax')!;
    if (variant === 'opset12') {
      spec.opset = 12;
      sm.attrs = {};
    } else if (variant === 'flat') {
      spec.initializers!.back = { dtype: 'int64', dims: [3], data: BigInt64Array.of(8n, 3n, 36n) };
      spec.outputs = [{ name: 'p' }];
      spec.nodes = spec.nodes.filter((n) => n.outputs[0] !== 'y');
    } else {
      // q k -> view per window -> view back -> softmax: no Add between.
      spec.nodes = spec.nodes.filter((n) => n.op !== 'Add');
      spec.nodes.find((n) => n.outputs[0] === 'sw')!.inputs[0] = 'sc';
      spec.nodes.find((n) => n.outputs[0] === 's2')!.inputs[0] = 'sw';
      spec.inputs = spec.inputs.filter((i) => i.name !== 'mask');
      delete spec.initializers!.bias;
    }
    const g = buildGraph(spec);
    const original = snapshot(g);
    expect((await runPass(g, 'merge-score-adds')).changed).toBe(0);
    const { mask, ...rest } = swinFeeds(size, 5);
    const feeds = variant === 'noAdd' ? rest : { ...rest, mask };
    expect(await compareOnOrt(original, g, feeds, TOL)).toEqual([]);
  });

  it('leaves scores viewed in a way that does not split the product (a regrouping of other factors)', async () => {
    // [8, 3, 6, 6] viewed as [3, 8, 6, 6]: no view of the product, and the mask fits neither.
    const spec = swinScoresSpec({ b: 2, nW: 4, h: 3, s: 6, d: 8, mask: [1, 8, 1, 6] });
    spec.initializers!.windows = { dtype: 'int64', dims: [4], data: BigInt64Array.of(3n, 8n, 6n, 6n) };
    const g = buildGraph(spec);
    const r = await runPass(g, 'merge-score-adds');
    expect(r.changed).toBe(0);
    expect(opTypes(g)).toEqual(['MatMul', 'Add', 'Reshape', 'Add', 'Reshape', 'Softmax', 'MatMul']);
  });
});
