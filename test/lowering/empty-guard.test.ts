// Pass inline-if, its guard form (src/lowering/empty-guard.ts): torchvision's batched_nms guard
// `If(numel(boxes) == 0, int64[0], <offset boxes, NonMaxSuppression>)` becomes its else-branch,
// and onnxruntime gives the same outputs before and after (exact) with 0, 1 and many boxes above
// the threshold, over several seeds; guards whose other branch may fail or differ at 0 stay Ifs.
import { describe, expect, it } from 'vitest';
import { type NodeSpec, type SubgraphSpec, buildGraph } from '../../src/ir/model-builder.js';
import { BATCHED_NMS_BODY, EMPTY_KEEP, batchedNmsFeeds, batchedNmsModel, guardNodes } from '../helpers/batched-nms.js';
import { EXACT, compareOnOrt, opTypes, runOrt, runPasses, snapshot } from './helpers.js';

const PASSES = ['fold-constants', 'inline-if'];
const COUNTS = [0, 1, 2, 9];

/** The guard with its branches swapped and the condition negated: `If(numel(boxes) != 0, general, empty)`. */
function negatedGuard(): NodeSpec[] {
  const [shape, prod, equal, cast, node] = guardNodes();
  return [
    shape!,
    prod!,
    equal!,
    { op: 'Not', inputs: ['is_empty'], outputs: ['not_empty'] },
    { ...cast!, inputs: ['not_empty'] },
    { ...node!, attrs: { then_branch: { graph: BATCHED_NMS_BODY }, else_branch: { graph: EMPTY_KEEP } } },
  ];
}

/** The NMS branch as older exports write `squeeze(1)`: If(shape(picked)[1] == 1, Squeeze, Identity), as in fasterrcnn's roi_heads. */
function squeezeByIf(): SubgraphSpec {
  const branch = (op: string, inputs: string[], out: string): { graph: SubgraphSpec } => ({
    graph: { outputs: [{ name: out, dtype: 'int64' }], nodes: [{ op, inputs, outputs: [out] }] },
  });
  return {
    outputs: [{ name: 'keep', dtype: 'int64' }],
    nodes: [
      ...BATCHED_NMS_BODY.nodes.slice(0, -1),
      { op: 'Shape', inputs: ['picked'], outputs: ['picked_shape'] },
      { op: 'Gather', inputs: ['picked_shape', 'axis1'], outputs: ['picked_cols'], attrs: { axis: 0 } },
      { op: 'Equal', inputs: ['picked_cols', 'axis1'], outputs: ['one_col'] },
      {
        op: 'If',
        inputs: ['one_col'],
        outputs: ['keep'],
        attrs: { then_branch: branch('Squeeze', ['picked', 'axis1'], 'squeezed'), else_branch: branch('Identity', ['picked'], 'as_is') },
      },
    ],
  };
}

describe('inline-if: a guard of an empty tensor', () => {
  it.each([
    { what: 'numel(boxes) == 0 ? empty : NMS', guard: guardNodes() },
    { what: 'not (numel(boxes) == 0) ? NMS : empty', guard: negatedGuard() },
    { what: 'NMS squeezed by an If on a static dim', guard: guardNodes(squeezeByIf()) },
  ])('inlines torchvision batched_nms guard ($what) as its NMS branch, equal to the If at 0, 1 and many boxes', async ({ guard }) => {
    const g = buildGraph(batchedNmsModel(guard));
    const original = snapshot(g);
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).not.toContain('If');
    expect(opTypes(g)).toContain('NonMaxSuppression');
    expect(r!.counts['inlined If (empty guard)']).toBe(1);
    expect(r!.notes.join('\n')).toContain("a guard of an empty 'boxes'");
    for (const count of COUNTS) {
      for (const seed of [1, 2, 3]) {
        const feeds = batchedNmsFeeds(count, seed);
        // The feeds reach both branches of the original: nothing kept at 0, something from 1 on.
        const kept = (await runOrt(original, feeds)).out_scores!.dims[0]!;
        expect(kept === 0, `count ${count} seed ${seed}: ${kept} kept`).toBe(count === 0);
        expect(await compareOnOrt(original, g, feeds, EXACT), `count ${count} seed ${seed}`).toEqual([]);
      }
    }
  });

  const body = (nodes: NodeSpec[], out: string): SubgraphSpec => ({ outputs: [{ name: out, dtype: 'int64' }], nodes });
  const index = (v: number) => ({ dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(BigInt(v)) });
  it.each([
    {
      what: 'gives a value where the guard gives none (a max over no scores)',
      general: body(
        [
          { op: 'ReduceMax', inputs: ['scores'], outputs: ['top'], attrs: { keepdims: 1 } },
          { op: 'Cast', inputs: ['top'], outputs: ['top_i'], attrs: { to: 7 } },
        ],
        'top_i',
      ),
      reason: 'is int64[0] in one branch and int64[1] in the other, not one empty type',
    },
    {
      what: 'indexes the empty tensor (the first label)',
      general: body(
        [
          { op: 'Constant', inputs: [], outputs: ['i0'], attrs: { value: index(0) } },
          { op: 'Gather', inputs: ['labels', 'i0'], outputs: ['first'], attrs: { axis: 0 } },
        ],
        'first',
      ),
      reason: 'would fail: Gather: index 0 is out of range for dimension 0',
    },
    {
      what: 'holds an op that may fail on data (TopK)',
      general: body(
        [
          { op: 'Constant', inputs: [], outputs: ['k'], attrs: { value: index(1) } },
          { op: 'TopK', inputs: ['scores', 'k'], outputs: ['best', 'best_i'] },
        ],
        'best_i',
      ),
      reason: 'holds TopK, which may fail on data',
    },
  ])('leaves the If where its other branch $what', async ({ general, reason }) => {
    const g = buildGraph(batchedNmsModel(guardNodes(general)));
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toContain('If');
    expect(r!.notes.join('\n')).toContain(reason);
  });
});
