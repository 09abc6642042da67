/**
 * Transpose (converters/transpose.ts): the default permutation.
 */
import { describe, expect, it } from 'vitest';
import { emitted } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Transpose', () => {
  it('Transpose defaults to reversing the dims', () => {
    expect(emitted({ op: 'Transpose', opset: 13, inputs: [f32([2, 3, 4])], outputs: [f32([4, 3, 2])] })[0]!.params).toEqual({ firstPerm: [2, 1, 0] });
  });
});
