/**
 * The converters' shape arithmetic (src/engine/shape-math.ts), which takes its broadcasting from
 * shape inference's rule: numpy's, with shapes aligned at their last dim, missing leading dims
 * and dims of 1 stretched, anything else equal (the expected shapes are numpy's answers).
 */
import { describe, expect, it } from 'vitest';
import { broadcastShapes, numel, sameShape } from '../../src/engine/shape-math.js';

describe('shape-math', () => {
  it('broadcasts as numpy does, and says undefined where numpy raises', () => {
    expect(broadcastShapes([2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes([], [3])).toEqual([3]);
    expect(broadcastShapes([])).toEqual([]);
    expect(broadcastShapes([5, 1], [1, 1], [1, 6])).toEqual([5, 6]);
    expect(broadcastShapes([0, 1], [1, 5])).toEqual([0, 5]);
    expect(broadcastShapes([2], [3])).toBeUndefined();
    expect(broadcastShapes([0], [2])).toBeUndefined();
    expect(broadcastShapes([4, 2], [3, 1, 2], [2])).toEqual([3, 4, 2]);
  });

  it('counts elements and compares shapes', () => {
    expect([numel([]), numel([2, 3, 4]), numel([3, 0])]).toEqual([1, 24, 0]);
    expect([sameShape([2, 3], [2, 3]), sameShape([2, 3], [3, 2]), sameShape([1], [1, 1])]).toEqual([true, false, false]);
  });
});
