// Pass inline-if's guard form (src/lowering/empty-guard.ts) with general branches that give the
// empty branch's int64[0] at boxes empty, by inference's shapes, yet fail there on onnxruntime
// (where the If takes its empty branch): a GatherElements index past the empty dim, a reflect
// or edge Pad of it, an integer division by its numel. Inference reports the first two as
// issues (as Gather's index), the check refuses the third, so the If stays; the lowered model
// equals the original on onnxruntime (exact) with 0 and 7 boxes, and each branch alone fails on
// onnxruntime with no boxes (so inlining it would fail where the If does not).
import { describe, expect, it } from 'vitest';
import type { NodeSpec, SubgraphSpec } from '../../src/ir/model-builder.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { batchedNmsFeeds, batchedNmsModel, guardNodes } from '../helpers/batched-nms.js';
import { EXACT, compareOnOrt, opTypes, runOrt, runPasses, snapshot } from './helpers.js';

const i64 = (v: number[], dims = [v.length]) => ({ dtype: 'int64' as const, dims, data: BigInt64Array.from(v.map(BigInt)) });
const body = (nodes: NodeSpec[], out: string): SubgraphSpec => ({ outputs: [{ name: out, dtype: 'int64' }], nodes });
const padded = (mode: string) =>
  body(
    [
      { op: 'Constant', inputs: [], outputs: ['p'], attrs: { value: i64([1, 1]) } },
      { op: 'Pad', inputs: ['labels', 'p'], outputs: ['q'], attrs: { mode } },
      { op: 'Constant', inputs: [], outputs: ['z'], attrs: { value: i64([0]) } },
      { op: 'Slice', inputs: ['q', 'z', 'z'], outputs: ['k'] },
    ],
    'k',
  );

const cases = [
  {
    what: 'labels * labels[5] (GatherElements)',
    general: body(
      [
        { op: 'Constant', inputs: [], outputs: ['i'], attrs: { value: i64([5]) } },
        { op: 'GatherElements', inputs: ['labels', 'i'], outputs: ['g'], attrs: { axis: 0 } },
        { op: 'Mul', inputs: ['labels', 'g'], outputs: ['k'] },
      ],
      'k',
    ),
    reason: 'GatherElements: index 5 is out of range for dimension 0',
    fails: /GatherElements/,
  },
  {
    what: 'a reflect Pad, sliced to nothing',
    general: padded('reflect'),
    reason: "Pad: mode 'reflect' pads dimension 0 of size 0",
    fails: /reflect/,
  },
  { what: 'an edge Pad, sliced to nothing', general: padded('edge'), reason: "Pad: mode 'edge' pads dimension 0 of size 0", fails: /edge/ },
  {
    what: 'labels * (5 / numel(labels))',
    general: body(
      [
        { op: 'Size', inputs: ['labels'], outputs: ['n'] },
        { op: 'Constant', inputs: [], outputs: ['five'], attrs: { value: i64([5], []) } },
        { op: 'Div', inputs: ['five', 'n'], outputs: ['q'] },
        { op: 'Mul', inputs: ['labels', 'q'], outputs: ['k'] },
      ],
      'k',
    ),
    reason: 'divides integers by a zero there',
    fails: /division by zero/,
  },
];

describe('inline-if: a guard whose other branch fails at the empty view', () => {
  it.each(cases)('leaves the If where it holds $what, equal to the original at 0 and 7 boxes', async ({ general, reason }) => {
    const g = buildGraph(batchedNmsModel(guardNodes(general)));
    const original = snapshot(g);
    const [, r] = await runPasses(g, ['fold-constants', 'inline-if']);
    expect(r!.notes.join('\n')).toContain(reason);
    expect(opTypes(g)).toContain('If');
    for (const count of [0, 7]) expect(await compareOnOrt(original, g, batchedNmsFeeds(count, 1), EXACT), `count ${count}`).toEqual([]);
  });

  it.each(cases)('onnxruntime: $what alone fails with no boxes', async ({ general, fails }) => {
    const alone = buildGraph({
      opset: 17,
      inputs: [{ name: 'labels', dtype: 'int64', shape: [0] }],
      outputs: [{ name: 'k', dtype: 'int64' }],
      nodes: general.nodes,
    });
    await expect(runOrt(snapshot(alone), { labels: i64([]) }, { quiet: true })).rejects.toThrow(fails);
  });
});
