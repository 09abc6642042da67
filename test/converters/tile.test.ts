/**
 * Tile as a reshape, a step-0 broadcast and a reshape, against onnxruntime on the same
 * inputs (exact: it only moves elements). Repeats that are not a constant, or 0, are refused.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, random, verdict } from './helpers/harness.js';

const i64 = (values: number[]) => ({ dtype: 'int64' as const, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });

describe('Tile', () => {
  it.each([
    { shape: [3], repeats: [4], dtype: 'float32' as const },
    { shape: [2, 3], repeats: [2, 1], dtype: 'float32' as const },
    { shape: [2, 1, 3], repeats: [1, 5, 2], dtype: 'int64' as const },
    { shape: [2, 3], repeats: [1, 1], dtype: 'float32' as const },
  ])('$shape by $repeats ($dtype) as onnxruntime tiles it', async ({ shape, repeats, dtype }) => {
    const net = await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'x', dtype, shape }],
        outputs: [{ name: 'y' }],
        initializers: { r: i64(repeats) },
        nodes: [{ op: 'Tile', inputs: ['x', 'r'], outputs: ['y'] }],
      },
      feeds: { x: random(dtype, shape, 7) },
      rtol: 0,
      atol: 0,
    });
    // Repeats of 1 everywhere move nothing: no reshape or broadcast (the network's output
    // being its input, the network copies it once).
    const kinds = net.layers.map((l) => l.kind);
    if (repeats.every((r) => r === 1)) expect(kinds.filter((k) => k === 'shuffle' || k === 'slice')).toEqual([]);
    else expect(kinds.filter((k) => k === 'shuffle').length).toBe(2);
  });

  it('refuses repeats computed at run time, and empty tiles', () => {
    expect(
      verdict({
        op: 'Tile',
        opset: 13,
        inputs: [
          ['float32', [2]],
          ['int64', [1]],
        ],
        outputs: [['float32', [4]]],
      }).ok,
    ).toBe(false);
    const zero = verdict({ op: 'Tile', opset: 13, inputs: [['float32', [2]], i64([0])], outputs: [['float32', [0]]] });
    expect(zero).toEqual({ ok: false, reason: 'Tile: repeats [0] must be at least 1 (an empty tile runs on onnxruntime)' });
  });
});
