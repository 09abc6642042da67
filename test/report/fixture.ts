/**
 * The small graph the renderer tests draw from, with every value float32[1,16,8,8] (4 KiB):
 *
 *   x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O, forced) -> f(O) -> j(O) -> y1
 *         \       \_________________/^                          ^
 *          \       \-> y2 (graph output)                        |
 *   x -> g1(O) -> h(X) -> i(O) ----------------------------------/
 *        (a also feeds d)
 *
 * O = a converter accepts it, X = NonZero, no converter; e is forced by fallbackNodes;
 * minBlockSize 2. Expected segments: E0[a b g1] F1[c h] E2[d i] F3[e] E4[f j].
 */
import { registryVerdict } from '../../converters/verdict.js';
import { partition } from '../../src/partition/index.js';
import { buildReport, type ReportData } from '../../src/report/index.js';
import { dag, testRegistry } from '../partition/helpers.js';

export function fixtureGraph() {
  const g = dag({
    inputs: ['x'],
    outputs: ['j', 'b'],
    shape: [1, 16, 8, 8],
    nodes: [
      ['a', 'O', ['x']],
      ['b', 'O', ['a']],
      ['c', 'X', ['b']],
      ['d', 'O', ['c', 'a']],
      ['e', 'O', ['d']],
      ['f', 'O', ['e']],
      ['g1', 'O', ['x']],
      ['h', 'X', ['g1']],
      ['i', 'O', ['h']],
      ['j', 'O', ['i', 'f']],
    ],
  });
  for (const n of g.nodes) g.types.set(n.outputs[0]!, { dtype: 'float32', shape: [1, 16, 8, 8] });
  return g;
}

export function fixtureReport(): ReportData {
  const g = fixtureGraph();
  const r = partition(g, { verdict: registryVerdict(testRegistry()), minBlockSize: 2, fallbackNodes: ['e'] });
  return buildReport(g, r, { file: 'fixture.onnx' });
}
