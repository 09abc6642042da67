// Pass unroll-loops: structure after the pass, and onnxruntime's outputs before and after (random
// inputs, seed fixed; exact: each iteration computes what the loop's did), and Loops it must leave
// with the reason in a note. compile() of an unrolled loop: test/compiler/control-flow.test.ts.
import { describe, expect, it } from 'vitest';
import { type NodeSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { EXACT, compareOnOrt, opTypes, randomTensor, runPasses, snapshot } from './helpers.js';

const x = randomTensor('float32', [2, 3], 7);
const i64 = (v: number): TensorData => ({ dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(v)) });
const yes: TensorData = { dtype: 'bool', dims: [], data: Uint8Array.of(1) };
const PASSES = ['fold-constants', 'inline-if', 'unroll-loops'];

/** What the body gives as its condition: its input, a constant true, an outer true or false, a graph input, or a computed one. */
type CondOut = 'pass' | 'constant' | 'outer' | 'outer-false' | 'outer-input' | 'computed';

/**
 * acc_{i+1} = acc_i * 0.5 + x * i (the iteration number, cast), scanning acc_i + 1 each trip;
 * `condOut` chooses what the body gives as its condition.
 */
function accumulate(trips: string, cond: string, condOut: CondOut): NodeSpec {
  const condNodes: NodeSpec[] =
    condOut === 'pass'
      ? [{ op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] }]
      : condOut === 'outer' || condOut === 'outer-false' || condOut === 'outer-input'
        ? // TorchScript's `for` loop: the body hands on the outer constant it was started with.
          [{ op: 'Identity', inputs: [{ outer: 'c_outer', 'outer-false': 'no', 'outer-input': 'flag' }[condOut]], outputs: ['cond_out'] }]
        : condOut === 'constant'
          ? [{ op: 'Constant', inputs: [], outputs: ['cond_out'], attrs: { value: yes } }]
          : [
              { op: 'ReduceSum', inputs: ['acc_out'], outputs: ['total'], attrs: { keepdims: 0 } },
              { op: 'Less', inputs: ['total', 'limit'], outputs: ['cond_out'] },
            ];
  return {
    op: 'Loop',
    inputs: [trips, cond, 'acc0'],
    outputs: ['acc', 'trace'],
    attrs: {
      body: {
        graph: {
          inputs: [
            { name: 'i', dtype: 'int64', shape: [] },
            { name: 'cond_in', dtype: 'bool', shape: [] },
            { name: 'acc_in', dtype: 'float32', shape: [2, 3] },
          ],
          outputs: [
            { name: 'cond_out', dtype: 'bool', shape: [] },
            { name: 'acc_out', dtype: 'float32', shape: [2, 3] },
            { name: 'row', dtype: 'float32', shape: [2, 3] },
          ],
          initializers: {
            half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) },
            oneF: { dtype: 'float32', dims: [], data: Float32Array.of(1) },
          },
          nodes: [
            { op: 'Cast', inputs: ['i'], outputs: ['fi'], attrs: { to: 1 } },
            { op: 'Mul', inputs: ['x', 'fi'], outputs: ['xi'] },
            { op: 'Mul', inputs: ['acc_in', 'half'], outputs: ['decayed'] },
            { op: 'Add', inputs: ['decayed', 'xi'], outputs: ['acc_out'] },
            { op: 'Add', inputs: ['acc_in', 'oneF'], outputs: ['row'] },
            ...condNodes,
          ],
        },
      },
    },
  };
}

function model(trips: number | 'input', cond: 'const' | 'none' | 'input', condOut: CondOut) {
  return buildGraph({
    inputs: [
      { name: 'x', shape: [2, 3] },
      ...(trips === 'input' ? [{ name: 'm', dtype: 'int64' as const, shape: [] }] : []),
      ...(cond === 'input' ? [{ name: 'c', dtype: 'bool' as const, shape: [] }] : []),
      ...(condOut === 'outer-input' ? [{ name: 'flag', dtype: 'bool' as const, shape: [] }] : []),
    ],
    outputs: [{ name: 'acc' }, { name: 'trace' }],
    initializers: {
      ...(trips === 'input' ? {} : { m: i64(trips) }),
      ...(cond === 'const' ? { c: yes } : {}),
      acc0: { dtype: 'float32', dims: [2, 3], data: Float32Array.from([1, -1, 2, 0.5, 3, -2]) },
      limit: { dtype: 'float32', dims: [], data: Float32Array.of(1e9) },
      c_outer: yes,
      no: { dtype: 'bool', dims: [], data: Uint8Array.of(0) },
    },
    nodes: [accumulate('m', cond === 'none' ? '' : 'c', condOut)],
  });
}

describe('unroll-loops', () => {
  it.each([
    [1, 'const', 'pass'],
    [4, 'none', 'pass'],
    [6, 'const', 'constant'],
    [3, 'const', 'outer'],
  ] as const)('unrolls %i trips (condition %s, body condition %s): no Loop left, the same outputs', async (trips, cond, condOut) => {
    const g = model(trips, cond, condOut);
    const original = snapshot(g);
    const [, , r] = await runPasses(g, PASSES);
    expect(opTypes(g)).not.toContain('Loop');
    expect(r!.counts['unrolled Loop']).toBe(1);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it.each([
    ['input', 'const', 'pass', 'its trip count is computed at run time'],
    [3, 'input', 'pass', 'its condition is not a constant true'],
    [3, 'const', 'computed', 'its body computes its condition (it may exit early)'],
    [3, 'const', 'outer-false', 'its body gives a constant false as its condition (it stops after one trip)'],
    [3, 'const', 'outer-input', "its body's condition is an outer value known only at run time (it may exit early)"],
    [5000, 'const', 'pass', 'its trip count 5000 is outside 1..1024'],
  ] as const)('leaves a Loop of trip count %s, condition %s, body condition %s, saying why', async (trips, cond, condOut, why) => {
    const g = model(trips, cond, condOut);
    const [, , r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toContain('Loop');
    expect(r!.notes.join('\n')).toContain(why);
  });
});

/**
 * Scan over x [T, 3] (axis 0) and w [3, T] (axis 1, reversed), one state s [3]:
 * s' = s * 0.5 + x_t * w_t, scanning s' (axis 0) and x_t - s (axis 1, reversed).
 */
function scan(xShape: Array<number | string>, opset = 17) {
  return buildGraph({
    opset,
    inputs: [
      { name: 'x', shape: xShape },
      { name: 'w', shape: [3, xShape[0]!] },
    ],
    outputs: [{ name: 's_final' }, { name: 'states' }, { name: 'diffs' }],
    initializers: { s0: { dtype: 'float32', dims: [3], data: Float32Array.of(1, -2, 0.5) } },
    nodes: [
      {
        op: 'Scan',
        inputs: ['s0', 'x', 'w'],
        outputs: ['s_final', 'states', 'diffs'],
        attrs: {
          num_scan_inputs: 2,
          scan_input_axes: [0, 1],
          scan_input_directions: [0, 1],
          scan_output_axes: [0, 1],
          scan_output_directions: [0, 1],
          body: {
            graph: {
              inputs: [
                { name: 's', dtype: 'float32', shape: [3] },
                { name: 'xt', dtype: 'float32', shape: [3] },
                { name: 'wt', dtype: 'float32', shape: [3] },
              ],
              outputs: [
                { name: 's_next', dtype: 'float32', shape: [3] },
                { name: 's_row', dtype: 'float32', shape: [3] },
                { name: 'd', dtype: 'float32', shape: [3] },
              ],
              initializers: { half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) } },
              nodes: [
                { op: 'Mul', inputs: ['s', 'half'], outputs: ['decayed'] },
                { op: 'Mul', inputs: ['xt', 'wt'], outputs: ['xw'] },
                { op: 'Add', inputs: ['decayed', 'xw'], outputs: ['s_next'] },
                { op: 'Identity', inputs: ['s_next'], outputs: ['s_row'] },
                { op: 'Sub', inputs: ['xt', 's'], outputs: ['d'] },
              ],
            },
          },
        },
      },
    ],
  });
}

describe('unroll-loops (Scan)', () => {
  it('unrolls a Scan of 5 steps (axes 0 and 1, a reversed input and output): no Scan left, the same outputs', async () => {
    const g = scan([5, 3]);
    const original = snapshot(g);
    const [, , r] = await runPasses(g, PASSES);
    expect(opTypes(g)).not.toContain('Scan');
    expect(r!.counts['unrolled Scan']).toBe(1);
    const feeds = { x: randomTensor('float32', [5, 3], 3), w: randomTensor('float32', [3, 5], 4) };
    expect(await compareOnOrt(original, g, feeds, EXACT)).toEqual([]);
  });

  it('leaves a Scan whose length varies, saying why', async () => {
    const g = scan(['T', 3]);
    const [, , r] = await runPasses(g, PASSES);
    expect(opTypes(g)).toContain('Scan');
    expect(r!.notes.join('\n')).toContain('scan input 0 has a length that varies');
  });
});

describe('unroll-loops (Loop bodies)', () => {
  it('a rank-1 iteration number, a carried value passed through, an outer value scanned: as onnxruntime feeds and stacks them', async () => {
    // i is [1] (as the body declares): Gather(table, i) keeps the axis; 'k' is carried unchanged; 'x' is scanned through an
    // Identity (onnxruntime refuses an outer value returned directly).
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'kept' }, { name: 'rows' }, { name: 'xs' }],
      initializers: { m: i64(3), keep0: { dtype: 'float32', dims: [2], data: Float32Array.of(4, 5) }, table: randomTensor('float32', [3, 2], 9) },
      nodes: [
        {
          op: 'Loop',
          inputs: ['m', '', 'keep0'],
          outputs: ['kept', 'rows', 'xs'],
          attrs: {
            body: {
              graph: {
                inputs: [
                  { name: 'i', dtype: 'int64', shape: [1] },
                  { name: 'c', dtype: 'bool', shape: [] },
                  { name: 'k', dtype: 'float32', shape: [2] },
                ],
                outputs: [
                  { name: 'c', dtype: 'bool', shape: [] },
                  { name: 'k', dtype: 'float32', shape: [2] },
                  { name: 'row', dtype: 'float32', shape: [1, 2] },
                  { name: 'xc', dtype: 'float32', shape: [2, 3] },
                ],
                nodes: [
                  { op: 'Gather', inputs: ['table', 'i'], outputs: ['row'], attrs: { axis: 0 } },
                  { op: 'Identity', inputs: ['x'], outputs: ['xc'] },
                ],
              },
            },
          },
        },
      ],
    });
    const original = snapshot(g);
    await runPasses(g, PASSES);
    expect(opTypes(g)).not.toContain('Loop');
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });

  it('a Loop nested in the body, and an If the iteration number decides, unroll and inline in later rounds', async () => {
    // Outer 3 trips: acc += (i == 0 ? x : -x) + inner(2 trips of acc * 0.5)
    const inner: NodeSpec = {
      op: 'Loop',
      inputs: ['two', '', 'a'],
      outputs: ['halved'],
      attrs: {
        body: {
          graph: {
            inputs: [
              { name: 'j', dtype: 'int64', shape: [] },
              { name: 'cj', dtype: 'bool', shape: [] },
              { name: 'h', dtype: 'float32', shape: [2, 3] },
            ],
            outputs: [
              { name: 'cj_out', dtype: 'bool', shape: [] },
              { name: 'h_out', dtype: 'float32', shape: [2, 3] },
            ],
            nodes: [
              { op: 'Identity', inputs: ['cj'], outputs: ['cj_out'] },
              { op: 'Mul', inputs: ['h', 'half'], outputs: ['h_out'] },
            ],
          },
        },
      },
    };
    const g = buildGraph({
      inputs: [{ name: 'x', shape: [2, 3] }],
      outputs: [{ name: 'acc' }],
      initializers: {
        m: i64(3),
        two: i64(2),
        zero: i64(0),
        half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) },
        acc0: { dtype: 'float32', dims: [2, 3], data: new Float32Array(6) },
      },
      nodes: [
        {
          op: 'Loop',
          inputs: ['m', '', 'acc0'],
          outputs: ['acc'],
          attrs: {
            body: {
              graph: {
                inputs: [
                  { name: 'i', dtype: 'int64', shape: [] },
                  { name: 'c', dtype: 'bool', shape: [] },
                  { name: 'a', dtype: 'float32', shape: [2, 3] },
                ],
                outputs: [
                  { name: 'c_out', dtype: 'bool', shape: [] },
                  { name: 'a_out', dtype: 'float32', shape: [2, 3] },
                ],
                nodes: [
                  { op: 'Identity', inputs: ['c'], outputs: ['c_out'] },
                  { op: 'Equal', inputs: ['i', 'zero'], outputs: ['first'] },
                  {
                    op: 'If',
                    inputs: ['first'],
                    outputs: ['term'],
                    attrs: {
                      then_branch: {
                        graph: { outputs: [{ name: 'tx', dtype: 'float32' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['tx'] }] },
                      },
                      else_branch: { graph: { outputs: [{ name: 'nx', dtype: 'float32' }], nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['nx'] }] } },
                    },
                  },
                  inner,
                  { op: 'Add', inputs: ['halved', 'term'], outputs: ['a_out'] },
                ],
              },
            },
          },
        },
      ],
    });
    const original = snapshot(g);
    const [, , r] = await runPasses(g, PASSES);
    expect(opTypes(g).filter((op) => ['Loop', 'If'].includes(op))).toEqual([]);
    expect(r!.counts['unrolled Loop']).toBe(1 + 3);
    expect(await compareOnOrt(original, g, { x }, EXACT)).toEqual([]);
  });
});
