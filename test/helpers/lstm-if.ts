/**
 * The two branches of an If shaped as Silero VAD's LSTM rank test, for the compiler tests: then
 * Squeeze(x) -> LSTM (hidden 2, weights sin(i)) -> Y_h -> Reshape([-1]); else Neg(x) ->
 * Reshape([-1]). On the tests' x of [N, 4, 1], Squeeze gives rank 1 or 2, which the LSTM refuses:
 * the then-branch cannot run there (the tests keep its condition false), so nothing may inline
 * it or load it with shapes fixed. `typed`: the branches declare their output's element type
 * (float32), as most exporters do; Silero's declare none.
 */
import type { SubgraphSpec } from '../../src/ir/model-builder.js';

export function lstmIfBranches(typed: boolean): { then_branch: { graph: SubgraphSpec }; else_branch: { graph: SubgraphSpec } } {
  const branch = (nodes: SubgraphSpec['nodes'], initializers: SubgraphSpec['initializers']) => ({
    graph: { outputs: [typed ? { name: 'b_out', dtype: 'float32' as const } : { name: 'b_out' }], nodes, initializers },
  });
  const flat = { dtype: 'int64' as const, dims: [1], data: new BigInt64Array([-1n]) };
  const hidden = 2;
  const weights = (dims: number[]) => ({
    dtype: 'float32' as const,
    dims,
    data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)),
  });
  return {
    then_branch: branch(
      [
        { op: 'Squeeze', inputs: ['x'], outputs: ['t0'] },
        { op: 'LSTM', inputs: ['t0', 'W', 'R'], outputs: ['', 't1'], attrs: { hidden_size: hidden } },
        { op: 'Reshape', inputs: ['t1', 'flat_t'], outputs: ['b_out'] },
      ],
      { W: weights([1, 4 * hidden, 4]), R: weights([1, 4 * hidden, hidden]), flat_t: flat },
    ),
    else_branch: branch(
      [
        { op: 'Neg', inputs: ['x'], outputs: ['e0'] },
        { op: 'Reshape', inputs: ['e0', 'flat_e'], outputs: ['b_out'] },
      ],
      { flat_e: flat },
    ),
  };
}
