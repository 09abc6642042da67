/**
 * Partition on small inline graphs: each case is drawn (O = supported, X = not; arrows are
 * data flow) next to the segments expected, written as E[engine nodes] F[fallback nodes].
 */
import { registryVerdict } from '../../converters/verdict.js';
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { partition } from '../../src/partition/index.js';
import { boundaries, chainAroundUnsupported, compact, dag, testRegistry } from './helpers.js';
import { partitionProblems } from './invariants.js';

const registry = testRegistry();

describe('partition: shapes of graphs', () => {
  it('chain: x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O) -> y', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['e'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'O', ['a']],
        ['c', 'X', ['b']],
        ['d', 'O', ['c']],
        ['e', 'O', ['d']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('E[a b] F[c] E[d e]');
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['b'] },
      { in: ['b'], out: ['c'] },
      { in: ['c'], out: ['e'] },
    ]);
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('diamond with an unsupported side', () => {
    //        x
    //        |
    //      a(O)
    //      /   \
    //   b(O)   c(X)
    //      \   /
    //      d(O)
    const g = dag({
      inputs: ['x'],
      outputs: ['d'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'O', ['a']],
        ['c', 'X', ['a']],
        ['d', 'O', ['b', 'c']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('E[a b] F[c] E[d]');
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['a', 'b'] },
      { in: ['a'], out: ['c'] },
      { in: ['b', 'c'], out: ['d'] },
    ]);
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('all-supported diamond is one engine', () => {
    //   x -> a(O) -> b(O) --> d(O)
    //          \---> c(O) --/
    const g = dag({
      inputs: ['x'],
      outputs: ['d'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'O', ['a']],
        ['c', 'O', ['a']],
        ['d', 'O', ['b', 'c']],
      ],
    });
    expect(compact(partition(g, { verdict: registryVerdict(registry) }))).toBe('E[a b c d]');
  });

  it('does not merge across an unsupported node when that would make a cycle', () => {
    //   x -> A(O) -> B(X) -> C(O) -> y
    //          \_____________/^
    // Naive merging of the supported A and C into one engine would need B's output inside
    // the engine while B needs the engine's output: a cycle. A and C stay apart.
    const g = dag({
      inputs: ['x'],
      outputs: ['C'],
      nodes: [
        ['A', 'O', ['x']],
        ['B', 'X', ['A']],
        ['C', 'O', ['A', 'B']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('E[A] F[B] E[C]');
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('a skip connection across a fallback segment', () => {
    //   x -> a(O) -> b(X) -> c(O) -> d(O) -> y
    //          \______________________/^      (a also feeds d)
    const g = dag({
      inputs: ['x'],
      outputs: ['d'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'X', ['a']],
        ['c', 'O', ['b']],
        ['d', 'O', ['c', 'a']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('E[a] F[b] E[c d]');
    // 'a' crosses two boundaries but is listed once as an output of segment 0.
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['a'] },
      { in: ['a'], out: ['b'] },
      { in: ['b', 'a'], out: ['d'] },
    ]);
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('independent branches: the fallback branch runs first, the engine branch stays whole', () => {
    //   x -> a(O) -> b(O) -> y1
    //   x -> c(X) -> d(X) -> y2
    const g = dag({
      inputs: ['x'],
      outputs: ['b', 'd'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'O', ['a']],
        ['c', 'X', ['x']],
        ['d', 'X', ['c']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('F[c d] E[a b]');
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['d'] },
      { in: ['x'], out: ['b'] },
    ]);
  });

  it('a graph input feeding several segments is an input of each', () => {
    //   x -> a(O) -> b(X) -> c(O) -> y
    //   x ----------/         /      (b and c read x too)
    //   x -------------------/
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'X', ['a', 'x']],
        ['c', 'O', ['b', 'x']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(compact(r)).toBe('E[a] F[b] E[c]');
    expect(r.segments.map((s) => s.inputs.some((t) => t.name === 'x'))).toEqual([true, true, true]);
  });

  it('outputs produced mid-graph are segment outputs, once', () => {
    //   x -> a(O) -> b(X) -> c(O)
    //        |        |       |
    //        y1       y2      y3      (a and b are graph outputs and also read further on)
    const g = dag({
      inputs: ['x'],
      outputs: ['a', 'b', 'c'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'X', ['a']],
        ['c', 'O', ['b']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['a'] },
      { in: ['a'], out: ['b'] },
      { in: ['b'], out: ['c'] },
    ]);
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('initializers are weights, not boundary tensors', () => {
    //   x -> a(O, w) -> b(X) -> c(O, w)     (w an initializer read by both engines)
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      nodes: [
        ['a', 'O', ['x', 'w']],
        ['b', 'X', ['a']],
        ['c', 'O', ['b', 'w']],
      ],
    });
    g.setInitializer('w', { dtype: 'float32', dims: [3], data: new Float32Array(3) });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['a'] },
      { in: ['a'], out: ['b'] },
      { in: ['b'], out: ['c'] },
    ]);
  });

  it('boundary tensors carry dtype, shape and bytes (undefined when not static)', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      shape: [2, 3],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'X', ['a']],
        ['c', 'O', ['b']],
      ],
    });
    g.types.set('a', { dtype: 'float16', shape: [2, 3] });
    g.types.set('b', { dtype: 'int64', shape: ['N', 3] });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 });
    expect(r.segments[0]!.inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: [2, 3], bytes: 24 });
    expect(r.segments[0]!.outputs[0]).toEqual({ name: 'a', dtype: 'float16', shape: [2, 3], bytes: 12 });
    expect(r.segments[1]!.outputs[0]).toEqual({ name: 'b', dtype: 'int64', shape: ['N', 3] });
  });

  it('an empty graph has no segments', () => {
    const g = dag({ inputs: ['x'], outputs: ['x'], nodes: [] });
    expect(partition(g, { verdict: registryVerdict(registry) }).segments).toEqual([]);
  });
});

describe('partition: minBlockSize', () => {
  //   x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O) -> f(O) -> y
  const chain = chainAroundUnsupported;

  it('default 3: the two-node engine goes back to the fallback and merges with its neighbour', () => {
    const r = partition(chain(), { verdict: registryVerdict(registry) });
    expect(r.options.minBlockSize).toBe(3);
    expect(compact(r)).toBe('F[a b c] E[d e f]');
    const a = r.nodes.find((n) => n.name === 'a')!;
    expect(a).toMatchObject({ supported: true, demoted: true, segment: 0 });
    expect(a.reason).toBe('its engine block had 2 compute nodes, fewer than minBlockSize 3');
  });

  it('2 keeps both engines; 4 leaves everything to the fallback; 0 keeps every engine group', () => {
    expect(compact(partition(chain(), { verdict: registryVerdict(registry), minBlockSize: 2 }))).toBe('E[a b] F[c] E[d e f]');
    expect(compact(partition(chain(), { verdict: registryVerdict(registry), minBlockSize: 4 }))).toBe('F[a b c d e f]');
    expect(compact(partition(chain(), { verdict: registryVerdict(registry), minBlockSize: 0 }))).toBe('E[a b] F[c] E[d e f]');
  });

  it('view ops do not count towards the block size', () => {
    //   x -> r1(Reshape) -> a(O) -> r2(Reshape) -> c(X)
    // Two view ops around one compute node: one compute node, below 2.
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      nodes: [
        ['r1', 'Reshape', ['x']],
        ['a', 'O', ['r1']],
        ['r2', 'Reshape', ['a']],
        ['c', 'X', ['r2']],
      ],
    });
    expect(compact(partition(g, { verdict: registryVerdict(registry), minBlockSize: 2 }))).toBe('F[r1 a r2 c]');
    expect(compact(partition(g, { verdict: registryVerdict(registry), minBlockSize: 1 }))).toBe('E[r1 a r2] F[c]');
  });

  it('demoting a small group lets the fallback groups around it merge, without a cycle', () => {
    //   x -> a(X) -> b(O) -> c(X) -> d(O) -> e(O) -> f(O)
    //          \____________________/^
    const g = dag({
      inputs: ['x'],
      outputs: ['f'],
      nodes: [
        ['a', 'X', ['x']],
        ['b', 'O', ['a']],
        ['c', 'X', ['b']],
        ['d', 'O', ['c', 'a']],
        ['e', 'O', ['d']],
        ['f', 'O', ['e']],
      ],
    });
    const r = partition(g, { verdict: registryVerdict(registry), minBlockSize: 3 });
    expect(compact(r)).toBe('F[a b c] E[d e f]');
    expect(partitionProblems(g, r, 3)).toEqual([]);
  });
});

describe('partition: forced fallbacks and requireFullCompilation', () => {
  //   x -> a(O) -> b(O) -> c(O) -> d(O) -> e(O) -> f(O)    (all Relu)
  const relus = () =>
    dag({
      inputs: ['x'],
      outputs: ['f'],
      nodes: ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i, all): [string, string, string[]] => [n, 'O', [i ? all[i - 1]! : 'x']]),
    });

  it('fallbackNodes splits an engine and says why', () => {
    const r = partition(relus(), { verdict: registryVerdict(registry), minBlockSize: 1, fallbackNodes: ['c'] });
    expect(compact(r)).toBe('E[a b] F[c] E[d e f]');
    expect(r.nodes.find((n) => n.name === 'c')).toMatchObject({
      supported: false,
      forced: 'fallbackNodes',
      convertible: true,
      reason: "forced to fallback by fallbackNodes ('c')",
    });
  });

  it('fallbackOps forces every node of the op type', () => {
    const r = partition(relus(), { verdict: registryVerdict(registry), minBlockSize: 1, fallbackOps: ['Relu'] });
    expect(compact(r)).toBe('F[a b c d e f]');
    expect(r.nodes.every((n) => n.forced === 'fallbackOps' && n.reason === "forced to fallback by fallbackOps ('Relu')")).toBe(true);
  });

  it('fallbackOps with a domain prefix matches only that domain', () => {
    const g = relus();
    expect(compact(partition(g, { verdict: registryVerdict(registry), minBlockSize: 1, fallbackOps: ['com.example::Relu'] }))).toBe('E[a b c d e f]');
    expect(compact(partition(g, { verdict: registryVerdict(registry), minBlockSize: 1, fallbackOps: ['ai.onnx::Relu'] }))).toBe('F[a b c d e f]');
  });

  it('an unknown fallbackNodes name or fallbackOps op is a warning, not silence', () => {
    const r = partition(relus(), { verdict: registryVerdict(registry), fallbackNodes: ['nope'], fallbackOps: ['Relu', 'Conv'] });
    expect(r.warnings).toEqual(["fallbackNodes: no node named 'nope' in the graph", "fallbackOps: no 'Conv' node in the graph"]);
  });

  it('requireFullCompilation lists every unsupported node and its reason', () => {
    //   x -> a(O) -> b(X) -> c(O) -> d(X)      with c forced
    const g = dag({
      inputs: ['x'],
      outputs: ['d'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'X', ['a']],
        ['c', 'O', ['b']],
        ['d', 'X', ['c']],
      ],
    });
    let err: unknown;
    try {
      partition(g, { verdict: registryVerdict(registry), requireFullCompilation: true, fallbackNodes: ['c'], label: 'm.onnx' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).code).toBe('UNSUPPORTED_OP');
    expect((err as HybridError).message).toBe(
      "m.onnx: requireFullCompilation: 3 nodes cannot run on an engine: 'b' (NonZero): no converter for 'NonZero' (opset 17); " +
        "'c' (Relu): forced to fallback by fallbackNodes ('c'); 'd' (NonZero): no converter for 'NonZero' (opset 17)",
    );
  });

  it('requireFullCompilation passes a fully supported graph and ignores minBlockSize', () => {
    const g = dag({ inputs: ['x'], outputs: ['a'], nodes: [['a', 'O', ['x']]] });
    expect(compact(partition(g, { verdict: registryVerdict(registry), requireFullCompilation: true, minBlockSize: 5 }))).toBe('E[a]');
  });
});

describe('partition: bad graphs', () => {
  it('nodes out of topological order are a MODEL_INVALID error naming the node', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['b'],
      nodes: [
        ['b', 'O', ['a']],
        ['a', 'O', ['x']],
      ],
    });
    expect(() => partition(g, { verdict: registryVerdict(registry) })).toThrow("node 'b' (Relu) reads 'a' before it is produced");
  });
});
