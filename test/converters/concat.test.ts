/**
 * Concat (converters/concat.ts): the resolved axis.
 */
import { describe, expect, it } from 'vitest';
import { emitted } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Concat', () => {
  it('Concat normalizes the axis', () => {
    expect(emitted({ op: 'Concat', opset: 13, attrs: { axis: -1 }, inputs: [f32([2, 2]), f32([2, 3])], outputs: [f32([2, 5])] })[0]!.params).toEqual({
      axis: 1,
    });
  });
});
