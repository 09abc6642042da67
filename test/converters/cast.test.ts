/**
 * Cast (converters/cast.ts): between engine types, and the refusal of float64.
 */
import { describe, expect, it } from 'vitest';
import { emitted, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('Cast', () => {
  it('Cast between engine types; float64 is refused', () => {
    expect(emitted({ op: 'Cast', opset: 13, attrs: { to: 7 }, inputs: [f32([2])], outputs: [['int64', [2]]] })[0]!.params).toEqual({ to: 'int64' });
    expect(verdict({ op: 'Cast', opset: 13, attrs: { to: 11 }, inputs: [f32([2])], outputs: [['float64', [2]]] })).toEqual({
      ok: false,
      reason: "Cast: output 'out0' has dtype float64, which engines do not hold",
    });
  });
});
