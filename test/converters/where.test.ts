/**
 * Where (converters/where.ts): one select layer with three-way broadcasting, against onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, random, tensor } from './helpers/harness.js';

describe('Where', () => {
  it('is a select layer with three-way broadcasting', async () => {
    const net = await checkAgainstOrt({
      spec: {
        opset: 16,
        inputs: [
          { name: 'c', dtype: 'bool', shape: [2, 1] },
          { name: 'a', shape: [3] },
          { name: 'b', shape: [2, 3] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Where', inputs: ['c', 'a', 'b'], outputs: ['y'] }],
      },
      feeds: { c: tensor('bool', [2, 1], [1, 0]), a: random('float32', [3], 1), b: random('float32', [2, 3], 2) },
    });
    expect(net.layers.map((l) => l.kind)).toEqual(['select']);
  });
});
