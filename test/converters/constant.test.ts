/**
 * Constant (converters/constant.ts): the value_* attribute forms and the refusal of sparse values.
 */
import { describe, expect, it } from 'vitest';
import { convertGraph, oneNode, validateNode } from './helpers/harness.js';

describe('Constant', () => {
  it('Constant: value_ints (opset 12) becomes an int64 constant; sparse values are refused', () => {
    const g = oneNode({ op: 'Constant', opset: 13, attrs: { value_ints: [3, 1, 2] }, inputs: [], outputs: [['int64', [3]]] });
    const net = convertGraph(g);
    expect(net.layers).toHaveLength(1);
    const c = net.layers[0]!;
    expect(c.kind === 'constant' && Array.from(c.weights as BigInt64Array)).toEqual([3n, 1n, 2n]);
    expect(validateNode(oneNode({ op: 'Constant', opset: 11, attrs: { value_ints: [3] }, inputs: [], outputs: [['int64', [1]]] })).ok).toBe(false);
  });
});
