/**
 * Shape computations move into the later engine that reads them (src/partition/sink.ts): the
 * Shape -> arithmetic chain whose value a later engine reads is computed there, from the shape
 * of a tensor an engine hands it without a copy; a chain whose first reader is a fallback, or
 * whose tensor would have to come from onnxruntime, stays where grouping put it. Every result
 * keeps the partition's invariants (invariants.ts).
 */
import { describe, expect, it } from 'vitest';
import { registryVerdict } from '../../converters/verdict.js';
import { partition } from '../../src/partition/index.js';
import { shapeComputations } from '../../src/partition/sink.js';
import { compact, dag, fakeConverter, testRegistry } from './helpers.js';
import { partitionProblems } from './invariants.js';

const registry = testRegistry([fakeConverter('Shape')]);
const options = { verdict: registryVerdict(registry), minBlockSize: 1 };

describe('shape computations sink into the engine that reads them', () => {
  it('a Shape -> Add chain read after a fallback moves into the reading engine', () => {
    // x -> a(O) -> f(X) -> b(Add f, t), with s = Shape(a), t = Add(s, s)
    const g = dag({
      inputs: ['x'],
      outputs: ['b'],
      nodes: [
        ['a', 'O', ['x']],
        ['s', 'Shape', ['a']],
        ['t', 'O', ['s', 's']],
        ['f', 'X', ['a']],
        ['b', 'O', ['f', 't']],
      ],
    });
    expect(shapeComputations(g)).toEqual([false, true, true, false, false]);
    const r = partition(g, options);
    expect(compact(r)).toBe('E[a] F[f] E[s t b]');
    // The reading engine takes a (an engine's tensor, no copy), not the value t.
    expect(r.segments[2]!.inputs.map((i) => i.name).sort()).toEqual(['a', 'f']);
    expect(partitionProblems(g, r, 1)).toEqual([]);
  });

  it('a chain whose first reader is a fallback node stays', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['b', 'c'],
      nodes: [
        ['a', 'O', ['x']],
        ['s', 'Shape', ['a']],
        ['t', 'O', ['s', 's']],
        ['f', 'X', ['a', 't']],
        ['b', 'O', ['f', 't']],
        ['c', 'O', ['a', 'a']],
      ],
    });
    expect(compact(partition(g, options))).toBe('E[a s t c] F[f] E[b]');
  });

  it("a Shape of a fallback's tensor stays unless the reading engine reads that tensor anyway", () => {
    // x -> f(X) -> a(O) -> h(X) -> b(Add h, t), with s = Shape(f), t = Add(s, s)
    const spec = (bReads: string[]) =>
      dag({
        inputs: ['x'],
        outputs: ['b'],
        nodes: [
          ['f', 'X', ['x']],
          ['a', 'O', ['f']],
          ['s', 'Shape', ['f']],
          ['t', 'O', ['s', 's']],
          ['h', 'X', ['a']],
          ['b', bReads.length === 2 ? 'O' : 'Sum', bReads],
        ],
      });
    // s stays; t, computed from s alone, moves (one small value crosses either way).
    const stays = spec(['h', 't']);
    expect(compact(partition(stays, options))).toBe('F[f] E[a s] F[h] E[t b]');
    const moves = spec(['h', 't', 'f']);
    const r = partition(moves, options);
    expect(compact(r)).toBe('F[f] E[a] F[h] E[s t b]');
    expect(partitionProblems(moves, r, 1)).toEqual([]);
  });
});
