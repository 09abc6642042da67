/**
 * A node whose output size depends on the data (Converter.dataDependent: NonZero) ends its
 * engine group (src/partition/group.ts): what reads it runs in a later segment, an engine one
 * where it is supported, and the partition's invariants hold (invariants.ts).
 */
import { describe, expect, it } from 'vitest';
import { registryEndsEngine, registryVerdict } from '../../converters/verdict.js';
import { partition } from '../../src/partition/index.js';
import { recommend } from '../../src/report/recommend.js';
import { boundaries, compact, dag, fakeConverter, testRegistry } from './helpers.js';
import { partitionProblems } from './invariants.js';

const registry = testRegistry([{ ...fakeConverter('NonZero'), dataDependent: true }]);
const options = { verdict: registryVerdict(registry), endsEngine: registryEndsEngine(registry), minBlockSize: 1 };

describe('data-dependent outputs end their engine', () => {
  it('chain: x -> a(O) -> n(NonZero) -> b(O) -> c(O): two engines, cut after n', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      nodes: [
        ['a', 'O', ['x']],
        ['n', 'NonZero', ['a']],
        ['b', 'O', ['n']],
        ['c', 'O', ['b']],
      ],
    });
    const r = partition(g, options);
    expect(compact(r)).toBe('E[a n] E[b c]');
    expect(boundaries(r)).toEqual([
      { in: ['x'], out: ['n'] },
      { in: ['n'], out: ['c'] },
    ]);
    expect(partitionProblems(g, r, 1, (n) => n === 'n')).toEqual([]);
  });

  it('a side branch that does not read n stays in its engine; a node reading both waits', () => {
    //        x
    //      /   \
    //   n(NZ)  a(O)
    //     |  \  |
    //   b(O)  c(O)  (c reads n and a)
    const g = dag({
      inputs: ['x'],
      outputs: ['b', 'c'],
      nodes: [
        ['n', 'NonZero', ['x']],
        ['a', 'O', ['x']],
        ['b', 'O', ['n']],
        ['c', 'O', ['n', 'a']],
      ],
    });
    const r = partition(g, options);
    expect(compact(r)).toBe('E[n a] E[b c]');
    expect(partitionProblems(g, r, 1, (n) => n === 'n')).toEqual([]);
  });

  it('without endsEngine (a registry whose NonZero is not data-dependent) one engine takes all', () => {
    const plain = testRegistry([fakeConverter('NonZero')]);
    const g = dag({
      inputs: ['x'],
      outputs: ['b'],
      nodes: [
        ['n', 'NonZero', ['x']],
        ['b', 'O', ['n']],
      ],
    });
    expect(compact(partition(g, { verdict: registryVerdict(plain), endsEngine: registryEndsEngine(plain), minBlockSize: 1 }))).toBe('E[n b]');
  });

  it("the report's what-if replays keep the cut: a converter for the op after n merges two segments, not three", () => {
    // x -> a(O) -> n(NonZero) -> u(Foo, no converter) -> b(O): E[a n] F[u] E[b] now; with Foo
    // supported, E[a n] E[u b], since n still ends its engine.
    const g = dag({
      inputs: ['x'],
      outputs: ['b'],
      nodes: [
        ['a', 'O', ['x']],
        ['n', 'NonZero', ['a']],
        ['u', 'Foo', ['n']],
        ['b', 'O', ['u']],
      ],
    });
    const r = partition(g, options);
    expect(compact(r)).toBe('E[a n] F[u] E[b]');
    const foo = recommend(g, r).find((x) => x.kind === 'converter' && x.opType === 'Foo');
    expect(foo?.effect?.segments).toEqual([3, 2]);
  });
});
