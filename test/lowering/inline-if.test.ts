// Pass inline-if: structure after the pass, and onnxruntime's outputs before and after for both
// values of the condition (random inputs, seed fixed; exact: the taken branch computes what it
// did, and Where only picks).
import { describe, expect, it } from 'vitest';
import { type NodeSpec, type SubgraphSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPasses, snapshot } from './helpers.js';

const x = randomTensor('float32', [2, 3], 7);
const flag = (v: boolean): TensorData => ({ dtype: 'bool', dims: [], data: Uint8Array.of(v ? 1 : 0) });
const PASSES = ['fold-constants', 'inline-if'];

function ifNode(cond: string, then: SubgraphSpec, other: SubgraphSpec, outputs = ['y']): NodeSpec {
  return { op: 'If', inputs: [cond], outputs, attrs: { then_branch: { graph: then }, else_branch: { graph: other } } };
}

const branch = (op: string, out: string, input = 'x'): SubgraphSpec => ({
  outputs: [{ name: out, dtype: 'float32', shape: [2, 3] }],
  nodes: [{ op, inputs: [input], outputs: [out] }],
});

describe('inline-if', () => {
  it('inlines the taken branch of a constant condition under the If output name', async () => {
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: { c: flag(false) },
      nodes: [ifNode('c', branch('Neg', 't'), branch('Abs', 'e'))],
    });
    const original = snapshot(g);
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toEqual(['Abs']);
    expect(g.nodes[0]!.outputs).toEqual(['y']);
    expect(r!.counts['inlined If (constant condition)']).toBe(1);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('folds a shape test into a constant condition, also for an If inside the taken branch', async () => {
    // rank(x) == 2 ? (dim 1 of x == 3 ? Neg : Abs) : Relu
    const inner = ifNode('inner_c', branch('Neg', 'n'), branch('Abs', 'a'), ['ti']);
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'y' }],
      initializers: {
        two: { dtype: 'int64', dims: [], data: BigInt64Array.of(2n) },
        three: { dtype: 'int64', dims: [], data: BigInt64Array.of(3n) },
        one: { dtype: 'int64', dims: [], data: BigInt64Array.of(1n) },
      },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Size', inputs: ['s'], outputs: ['rank'] },
        { op: 'Equal', inputs: ['rank', 'two'], outputs: ['c'] },
        ifNode(
          'c',
          {
            outputs: [{ name: 'ti', dtype: 'float32' }],
            nodes: [
              { op: 'Gather', inputs: ['s', 'one'], outputs: ['d1'], attrs: { axis: 0 } },
              { op: 'Equal', inputs: ['d1', 'three'], outputs: ['inner_c'] },
              inner,
            ],
          },
          branch('Relu', 'r'),
        ),
      ],
    });
    const original = snapshot(g);
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toEqual(['Neg']);
    expect(r!.counts['inlined If (constant condition)']).toBe(2);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('runs both branches and picks with Where where the condition is computed at run time', async () => {
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'c', dtype: 'bool', shape: [1] },
      ],
      outputs: [{ name: 'y' }, { name: 'z' }],
      initializers: { k: randomTensor('float32', [3], 3) },
      nodes: [
        ifNode(
          'c',
          {
            outputs: [
              { name: 'y1', dtype: 'float32' },
              { name: 'tmp', dtype: 'float32' },
            ],
            // both branches name a value 'tmp': the second is renamed
            nodes: [
              { op: 'Mul', inputs: ['x', 'k'], outputs: ['tmp'] },
              { op: 'Sigmoid', inputs: ['tmp'], outputs: ['y1'] },
            ],
          },
          {
            outputs: [
              { name: 'tmp', dtype: 'float32' },
              { name: 'z2', dtype: 'float32' },
            ],
            nodes: [
              { op: 'Tanh', inputs: ['x'], outputs: ['tmp'] },
              { op: 'Identity', inputs: ['x'], outputs: ['z2'] },
            ],
          },
          ['y', 'z'],
        ),
      ],
    });
    const original = snapshot(g);
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g).sort()).toEqual(['Identity', 'Mul', 'Reshape', 'Sigmoid', 'Tanh', 'Where', 'Where']);
    expect(r!.counts['inlined If (both branches, Where)']).toBe(1);
    for (const v of [true, false]) {
      const c: TensorData = { dtype: 'bool', dims: [1], data: Uint8Array.of(v ? 1 : 0) };
      expect(await compareOnOrt(original, g, { x, c }, EXACT), `cond ${v}`).toEqual([]);
    }
  });

  it.each([
    { what: 'reads a value nothing defines', then: branch('Neg', 't', 'ghost'), expect: "reads 'ghost'" },
    { what: 'gives no outputs', then: { outputs: [], nodes: [] }, expect: 'an If branch takes none' },
    {
      what: 'names an output nothing makes',
      then: { outputs: [{ name: 'nowhere', dtype: 'float32' as const }], nodes: [] },
      expect: "reads 'nowhere'",
    },
  ])('leaves a malformed If (a branch that $what) as it is, constant condition or not', async ({ then, expect: reason }) => {
    for (const constant of [true, false]) {
      const g = buildGraph({
        inputs: [{ name: 'x', shape: [2, 3] }, ...(constant ? [] : [{ name: 'c', dtype: 'bool' as const, shape: [] }])],
        outputs: [{ name: 'y' }],
        initializers: constant ? { c: flag(true) } : {},
        nodes: [ifNode('c', then, branch('Abs', 'e'))],
      });
      const [, r] = await runPasses(g, PASSES);
      expect(opTypes(g), `constant ${constant}`).toEqual(['If']);
      expect(r!.notes.join('\n')).toContain(reason);
    }
  });

  it('leaves a run-time If whose branches see shapes that vary (a dynamic model: the condition may guard a length)', async () => {
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [2, 'T'] },
        { name: 'c', dtype: 'bool', shape: [] },
      ],
      outputs: [{ name: 'y' }],
      initializers: { two: { dtype: 'int64', dims: [1], data: BigInt64Array.of(2n) } },
      nodes: [
        ifNode(
          'c',
          { outputs: [{ name: 't', dtype: 'float32' }], nodes: [{ op: 'Gather', inputs: ['x', 'two'], outputs: ['t'], attrs: { axis: 1 } }] },
          { outputs: [{ name: 'e', dtype: 'float32' }], nodes: [{ op: 'Slice', inputs: ['x', 'zero', 'one', 'one'], outputs: ['e'] }] },
        ),
      ],
    });
    g.setInitializer('zero', { dtype: 'int64', dims: [1], data: BigInt64Array.of(0n) });
    g.setInitializer('one', { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) });
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toEqual(['If']);
    expect(r!.notes.join('\n')).toContain('has an input whose shape varies');
  });

  it('leaves a run-time If whose branch holds an If it cannot inline (which would run without its guard)', async () => {
    const inner = ifNode(
      'c2',
      { outputs: [{ name: 'g', dtype: 'float32' }], nodes: [{ op: 'Gather', inputs: ['x', 'i'], outputs: ['g'], attrs: { axis: 0 } }] },
      branch('Neg', 'n'),
      ['ti'],
    );
    const g = buildGraph({
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'c', dtype: 'bool', shape: [] },
        { name: 'c2', dtype: 'bool', shape: [] },
        { name: 'i', dtype: 'int64', shape: [2] },
      ],
      outputs: [{ name: 'y' }],
      nodes: [ifNode('c', { outputs: [{ name: 'ti', dtype: 'float32', shape: [2, 3] }], nodes: [inner] }, branch('Abs', 'e'))],
    });
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toEqual(['If']);
    expect(r!.notes.join('\n')).toContain('which cannot be inlined and would run without its guard');
  });

  const runTime = (then: SubgraphSpec, other: SubgraphSpec, extra: Record<string, TensorData> = {}) =>
    buildGraph({
      inputs: [
        { name: 'x', shape: [2, 3] },
        { name: 'c', dtype: 'bool', shape: [] },
        { name: 'i', dtype: 'int64', shape: [2] },
      ],
      outputs: [{ name: 'y' }],
      initializers: extra,
      nodes: [ifNode('c', then, other)],
    });

  it.each([
    {
      why: 'an op that may fail or differ when run untaken',
      then: {
        outputs: [{ name: 't', dtype: 'float32' as const }],
        nodes: [
          { op: 'NonZero', inputs: ['x'], outputs: ['nz'] },
          { op: 'Cast', inputs: ['nz'], outputs: ['t'], attrs: { to: 1 } },
        ],
      },
      expect: 'NonZero',
    },
    {
      why: 'outputs of two shapes',
      then: {
        outputs: [{ name: 't', dtype: 'float32' as const }],
        nodes: [{ op: 'ReduceSum', inputs: ['x'], outputs: ['t'], attrs: { keepdims: 0 } }],
      },
      expect: 'a Where needs one type',
    },
    {
      why: 'an index taken from data',
      then: {
        outputs: [{ name: 't', dtype: 'float32' as const }],
        nodes: [{ op: 'Gather', inputs: ['x', 'i'], outputs: ['t'], attrs: { axis: 0 } }],
      },
      expect: "takes input 1 ('i') from data",
    },
  ])('leaves a run-time If to onnxruntime for $why, saying so', async ({ then, expect: reason }) => {
    const g = runTime(then, branch('Abs', 'e'));
    const before = opTypes(g);
    const [, r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toEqual(before);
    expect(r!.changed).toBe(0);
    expect(r!.notes.join('\n')).toContain(reason);
  });
});
