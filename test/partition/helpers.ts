/**
 * Test helpers for partition tests: tiny DAGs drawn as "O supported, X not", a predicate-style
 * converter registry, and a compact view of segments to compare against expected answers.
 */
import type { Converter, ValidateContext, Validation } from '../../converters/types.js';
import { ConverterRegistry } from '../../converters/registry.js';
import type { Graph, Node } from '../../src/ir/graph.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { PartitionResult } from '../../src/partition/types.js';

/** Supported ops in the test registry; 'NonZero' (X) has no converter. */
export const O_OPS = ['Relu', 'Add', 'Sum', 'Reshape'];

/** A converter for `opType` whose validate answers with `verdict`. */
export function fakeConverter(
  opType: string,
  verdict: (node: Node, ctx: ValidateContext) => Validation = () => ({ ok: true }),
  domain = '',
  sinceVersion = 1,
): Converter {
  return {
    opType,
    domain,
    sinceVersion,
    validate: verdict,
    convert: () => {
      throw new Error('not used by partition tests');
    },
  };
}

export function testRegistry(extra: Converter[] = []): ConverterRegistry {
  return new ConverterRegistry([...O_OPS.map((op) => fakeConverter(op)), ...extra]);
}

/**
 * A DAG from `[name, 'O' | 'X' | opType, inputs]` rows: each node has one output named like
 * the node; O becomes Relu (one input), Add (two) or Sum (more); X becomes NonZero.
 */
export function dag(spec: { inputs: string[]; outputs: string[]; nodes: Array<[string, string, string[]]>; shape?: number[] }): Graph {
  return buildGraph({
    inputs: spec.inputs.map((name) => ({ name, dtype: 'float32', shape: spec.shape ?? [2, 3] })),
    outputs: spec.outputs.map((name) => ({ name })),
    nodes: spec.nodes.map(([name, kind, inputs]) => ({
      name,
      op: kind === 'O' ? (inputs.length === 1 ? 'Relu' : inputs.length === 2 ? 'Add' : 'Sum') : kind === 'X' ? 'NonZero' : kind,
      inputs,
      outputs: [name],
    })),
  });
}

/**
 * x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O) -> f(O): two supported nodes before the
 * unsupported one, three after (at minBlockSize 3 the first block is demoted to fallback).
 */
export function chainAroundUnsupported(): Graph {
  return dag({
    inputs: ['x'],
    outputs: ['f'],
    nodes: [
      ['a', 'O', ['x']],
      ['b', 'O', ['a']],
      ['c', 'X', ['b']],
      ['d', 'O', ['c']],
      ['e', 'O', ['d']],
      ['f', 'O', ['e']],
    ],
  });
}

/** Segments as `E[a b] F[c]` for compact expected answers. */
export function compact(result: PartitionResult): string {
  return result.segments.map((s) => `${s.kind === 'engine' ? 'E' : 'F'}[${s.nodes.join(' ')}]`).join(' ');
}

/** Boundary names of every segment: `{ in: [...], out: [...] }` per segment. */
export function boundaries(result: PartitionResult): Array<{ in: string[]; out: string[] }> {
  return result.segments.map((s) => ({ in: s.inputs.map((t) => t.name), out: s.outputs.map((t) => t.name) }));
}
