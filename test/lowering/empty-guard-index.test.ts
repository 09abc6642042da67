// Pass inline-if's guard form (src/lowering/empty-guard.ts) with a general branch that indexes
// the guarded tensor by a constant past its end (GatherElements): run with boxes empty it fails
// on onnxruntime, where the If takes its empty branch. Inference reports such an index (as
// Gather's), so the If stays, and the lowered model equals the original on onnxruntime (exact)
// with 0 and 7 boxes; the If's own run with 0 boxes gives int64[0], GatherElements alone fails.
import { describe, expect, it } from 'vitest';
import type { NodeSpec, SubgraphSpec } from '../../src/ir/model-builder.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { batchedNmsFeeds, batchedNmsModel, guardNodes } from '../helpers/batched-nms.js';
import { EXACT, compareOnOrt, opTypes, runOrt, runPasses, snapshot } from './helpers.js';

const i64 = (...v: number[]) => ({ dtype: 'int64' as const, dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const body = (nodes: NodeSpec[], out: string): SubgraphSpec => ({ outputs: [{ name: out, dtype: 'int64' }], nodes });

/** labels * labels[5] (GatherElements): int64[0] where labels is empty, but GatherElements fails there. */
const PAST_THE_END = body(
  [
    { op: 'Constant', inputs: [], outputs: ['i'], attrs: { value: i64(5) } },
    { op: 'GatherElements', inputs: ['labels', 'i'], outputs: ['g'], attrs: { axis: 0 } },
    { op: 'Mul', inputs: ['labels', 'g'], outputs: ['k'] },
  ],
  'k',
);

describe('inline-if: a guard whose other branch indexes past the empty dim', () => {
  it('leaves the If (GatherElements index 5 of an empty dim), equal to the original at 0 and 7 boxes', async () => {
    const g = buildGraph(batchedNmsModel(guardNodes(PAST_THE_END)));
    const original = snapshot(g);
    const [, r] = await runPasses(g, ['fold-constants', 'inline-if']);
    expect(r!.notes.join('\n')).toContain('GatherElements: index 5 is out of range for dimension 0');
    expect(opTypes(g)).toContain('If');
    for (const count of [0, 7]) expect(await compareOnOrt(original, g, batchedNmsFeeds(count, 1), EXACT), `count ${count}`).toEqual([]);
  });

  it('onnxruntime: the branch alone fails with no boxes (so inlining it would fail where the If does not)', async () => {
    const alone = buildGraph({
      opset: 17,
      inputs: [{ name: 'labels', dtype: 'int64', shape: [0] }],
      outputs: [{ name: 'k', dtype: 'int64' }],
      nodes: PAST_THE_END.nodes,
    });
    await expect(runOrt(snapshot(alone), { labels: i64() })).rejects.toThrow(/GatherElements/);
  });
});
