/**
 * The empty guard's proof holds x's symbol at 0; a value derived from x (a Concat of the labels
 * and six more) carries a symbol of its own, whose size at x empty inference cannot tell: an
 * index into it (Gather at 6) fails with no boxes on onnxruntime while the If returns [0]. The
 * If must stay; the lowered model equals the original on onnxruntime at 0 and 7 boxes (exact).
 */
import { expect, it } from 'vitest';
import { type NodeSpec, type SubgraphSpec, buildGraph } from '../../src/ir/model-builder.js';
import { batchedNmsFeeds, batchedNmsModel, guardNodes } from '../helpers/batched-nms.js';
import { EXACT, compareOnOrt, opTypes, runPasses, snapshot } from './helpers.js';

const c = (v: number[], dims = [v.length]) => ({ dtype: 'int64' as const, dims, data: BigInt64Array.from(v.map(BigInt)) });
const body = (nodes: NodeSpec[], out: string): SubgraphSpec => ({ outputs: [{ name: out, dtype: 'int64' }], nodes });
it('leaves an If whose kept branch reads a value derived from the guarded tensor', async () => {
  const general = body(
    [
      { op: 'Constant', inputs: [], outputs: ['i'], attrs: { value: c([6]) } },
      { op: 'Gather', inputs: ['padded', 'i'], outputs: ['g'], attrs: { axis: 0 } },
      { op: 'Mul', inputs: ['labels', 'g'], outputs: ['k'] },
    ],
    'k',
  );
  const spec = batchedNmsModel(guardNodes(general));
  spec.initializers = { ...spec.initializers, six: c([1, 2, 3, 4, 5, 6]) };
  const at = spec.nodes!.findIndex((n) => n.op === 'Shape');
  spec.nodes!.splice(at, 0, { op: 'Concat', inputs: ['labels', 'six'], outputs: ['padded'], attrs: { axis: 0 } });
  const g = buildGraph(spec);
  const original = snapshot(g);
  const [, r] = await runPasses(g, ['fold-constants', 'inline-if']);
  expect(opTypes(g)).toContain('If');
  expect(r!.notes.join('\n')).toContain("'padded', which it reads");
  for (const count of [0, 7]) {
    let diff: unknown;
    try {
      diff = await compareOnOrt(original, g, batchedNmsFeeds(count, 1), EXACT);
    } catch (e) {
      diff = `threw: ${String(e).slice(0, 160)}`;
    }
    expect(diff, `count ${count}`).toEqual([]);
  }
});
