/**
 * buildSegmentNetwork: an engine segment of a graph becomes a NetworkDefinition. The graph:
 *
 *     x ──Conv(w)──► c ──Relu──► r ──Add(·, k)──► y
 *                    │
 *                    └──Mul(·, k)──► z          k: an initializer read twice
 *     Constant ──► s ──┐
 *     r ───────────────┴─Reshape──► f           s: a Constant node's output
 *
 * Segment {Conv, Relu, Add, Mul, Reshape} with input x and outputs y, z, f.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CONVERTERS, ConverterRegistry } from '../../converters/index.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import type { Graph } from '../../src/ir/graph.js';
import { random, registry, tensor } from './helpers/harness.js';

function graph(): Graph {
  const g = buildGraph({
    opset: 13,
    inputs: [{ name: 'x', shape: [1, 2, 4, 4] }],
    outputs: [
      { name: 'y', dtype: 'float32', shape: [1, 3, 4, 4] },
      { name: 'z', dtype: 'float32', shape: [1, 3, 4, 4] },
      { name: 'f', dtype: 'float32', shape: [1, 48] },
    ],
    initializers: { w: random('float32', [3, 2, 3, 3], 1), k: random('float32', [3, 1, 1], 2) },
    nodes: [
      { op: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Add', name: 'add', inputs: ['r', 'k'], outputs: ['y'] },
      { op: 'Mul', name: 'mul', inputs: ['c', 'k'], outputs: ['z'] },
      { op: 'Constant', name: 'shape', inputs: [], outputs: ['s'], attrs: { value: tensor('int64', [2], [1, 48]) } },
      { op: 'Reshape', name: 'flat', inputs: ['r', 's'], outputs: ['f'] },
    ],
  });
  for (const v of ['c', 'r']) g.types.set(v, { dtype: 'float32', shape: [1, 3, 4, 4] });
  g.types.set('s', { dtype: 'int64', shape: [2] });
  return g;
}

const SEGMENT = ['conv', 'relu', 'add', 'mul', 'flat'];
const opts = { inputs: ['x'], outputs: ['y', 'z', 'f'], registry };

describe('buildSegmentNetwork', () => {
  it('declares inputs, converts nodes in order, marks outputs', () => {
    const net = buildSegmentNetwork(graph(), SEGMENT, opts);
    const name = (id: number) => net.tensors[id]!.name;
    expect(net.inputs.map(name)).toEqual(['x']);
    expect(net.tensors[net.inputs[0]!]).toMatchObject({ dtype: 'float32', shape: [1, 2, 4, 4] });
    expect(net.outputs.map(name)).toEqual(['y', 'z', 'f']);
    expect(net.layers.map((l) => `${l.kind}:${l.name}`)).toEqual([
      'constant:w',
      'convolution:conv',
      'unary:relu',
      'constant:k',
      'elementwise:add',
      'elementwise:mul',
      'shuffle:flat',
    ]);
  });

  it('makes one constant layer per constant value, viewing the initializer data', () => {
    const g = graph();
    const net = buildSegmentNetwork(g, SEGMENT, opts);
    const k = net.layers.filter((l) => l.name === 'k');
    expect(k).toHaveLength(1);
    const w = net.layers.find((l) => l.name === 'w')!;
    expect(w.kind === 'constant' && w.weights.buffer).toBe(g.constant('w')!.data.buffer);
    // the Constant node is outside the segment, yet Reshape reads its value as a constant
    expect(net.layers.some((l) => l.name === 'shape' || l.name === 's')).toBe(false);
  });

  it('names intermediate tensors after their ONNX values', () => {
    const net = buildSegmentNetwork(graph(), SEGMENT, opts);
    expect(net.tensors.map((t) => t.name)).toEqual(['x', 'w', 'c', 'r', 'k', 'y', 'z', 'f']);
  });

  it('refuses a node whose layers would disagree with inference (validate dry-runs them)', () => {
    const g = graph();
    g.types.set('r', { dtype: 'float32', shape: [1, 3, 2, 8] });
    expect(() => buildSegmentNetwork(g, SEGMENT, opts)).toThrow(
      "node 'relu' cannot run in an engine: Relu: inference says output 'r' is float32[1,3,2,8], the layers make float32[1,3,4,4]",
    );
  });

  it('checks what a converter binds against inference, naming the node', () => {
    // A hand-written converter whose validate does not look: setOutput still catches it.
    const sloppy = new ConverterRegistry([
      ...ALL_CONVERTERS.filter((c) => c.opType !== 'Relu'),
      {
        opType: 'Relu',
        domain: '',
        sinceVersion: 1,
        validate: () => ({ ok: true }),
        convert: (node, ctx, net) => ctx.setOutput(node, 0, net.add('unary', [ctx.input(node, 0)], { op: 'relu' }, node.name)[0]!),
      },
    ]);
    const g = graph();
    g.types.set('r', { dtype: 'float16', shape: [1, 3, 4, 4] });
    expect(() => buildSegmentNetwork(g, SEGMENT, { ...opts, registry: sloppy })).toThrow(
      "node 'relu' (Relu): the converter made output 'r' float32[1,3,4,4], inference says float16[1,3,4,4]",
    );
  });

  it('refuses inputs without a static shape', () => {
    const g = graph();
    g.types.set('x', { dtype: 'float32', shape: ['N', 2, 4, 4] });
    expect(() => buildSegmentNetwork(g, SEGMENT, opts)).toThrow(
      /segment input 'x' has type float32\[N,2,4,4\]; engine inputs need an engine dtype and a static shape/,
    );
  });

  it('refuses a node that validate rejects, with the reason', () => {
    const g = graph();
    g.node('conv')!.attributes[0]!.ints = [];
    expect(() => buildSegmentNetwork(g, SEGMENT, opts)).toThrow(/node 'conv' cannot run in an engine: Conv: pads has 0 values, expected 4/);
  });

  it('refuses a value the segment cannot see', () => {
    expect(() => buildSegmentNetwork(graph(), ['relu'], { ...opts, inputs: [], outputs: ['r'] })).toThrow(
      "node 'relu' (Relu) reads 'c', which is not a segment input, a constant, or produced earlier in the segment",
    );
  });

  it('copies an output that is also an input or already returned', () => {
    const g = graph();
    const net = buildSegmentNetwork(g, ['relu'], { inputs: ['c'], outputs: ['r', 'c', 'r'], registry });
    const ids = net.outputs;
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => !net.inputs.includes(id))).toBe(true);
    expect(net.layers.map((l) => l.name)).toEqual(['relu', 'c/copy', 'r/copy']);
  });
});
