/**
 * Split (converters/split.ts): attribute sizes, equal parts, opset 18 num_outputs, and sizes that do
 * not add up.
 */
import { describe, expect, it } from 'vitest';
import { emitted, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Split', () => {
  it('Split: attribute sizes, equal parts, and opset 18 uneven num_outputs', () => {
    const sizes = (spec: Parameters<typeof emitted>[0]) => emitted(spec)[0]!.params;
    expect(sizes({ op: 'Split', opset: 11, attrs: { axis: -1, split: [1, 5] }, inputs: [f32([2, 6])], outputs: [f32([2, 1]), f32([2, 5])] })).toEqual(
      { axis: 1, sizes: [1, 5] },
    );
    expect(sizes({ op: 'Split', opset: 13, inputs: [f32([6])], outputs: [f32([2]), f32([2]), f32([2])] })).toEqual({ axis: 0, sizes: [2, 2, 2] });
    // 7 into 4: chunks of ceil(7/4) = 2, the last one smaller
    expect(
      sizes({ op: 'Split', opset: 18, attrs: { num_outputs: 4 }, inputs: [f32([7])], outputs: [f32([2]), f32([2]), f32([2]), f32([1])] }),
    ).toEqual({ axis: 0, sizes: [2, 2, 2, 1] });
    // Without sizes the parts are inference's output shapes (test/ir/infer.test.ts holds the
    // rule, and refuses a dim that does not split); sizes that do not add up are refused here.
    expect(verdict({ op: 'Split', opset: 11, attrs: { split: [3, 3] }, inputs: [f32([7])], outputs: [f32([3]), f32([3])] })).toEqual({
      ok: false,
      reason: 'Split: sizes [3,3] do not add up to dim 0 (7)',
    });
  });
});
