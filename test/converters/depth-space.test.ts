/**
 * DepthToSpace and SpaceToDepth (converters/depth-space.ts): each mode against onnxruntime,
 * exactly (the layers only move elements), and the blocksizes that do not divide the input.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

describe('DepthToSpace and SpaceToDepth', () => {
  for (const [label, op, opset, attrs, shape] of [
    ['DepthToSpace DCR', 'DepthToSpace', 13, { blocksize: 2, mode: 'DCR' }, [2, 8, 3, 2]],
    ['DepthToSpace CRD', 'DepthToSpace', 13, { blocksize: 2, mode: 'CRD' }, [2, 8, 3, 2]],
    ['DepthToSpace blocksize 3', 'DepthToSpace', 11, { blocksize: 3 }, [1, 18, 2, 3]],
    ['SpaceToDepth', 'SpaceToDepth', 13, { blocksize: 2 }, [2, 3, 4, 6]],
  ] as const) {
    it(`${label} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset,
          inputs: [{ name: 'x', shape: [...shape] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { ...attrs } }],
        },
        feeds: { x: random('float32', [...shape], 21) },
        rtol: 0,
        atol: 0,
      });
    });
  }

  it('refuses a blocksize that does not divide C (DepthToSpace) or H and W (SpaceToDepth)', () => {
    // C = 6 is not a multiple of 2² = 4; W = 5 is not a multiple of 2
    expect(
      verdict({ op: 'DepthToSpace', opset: 13, attrs: { blocksize: 2 }, inputs: [f32([1, 6, 2, 2])], outputs: [f32([1, 1, 4, 4])] }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('blocksize 2'),
    });
    expect(
      verdict({ op: 'SpaceToDepth', opset: 13, attrs: { blocksize: 2 }, inputs: [f32([1, 1, 4, 5])], outputs: [f32([1, 4, 2, 2])] }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('blocksize 2'),
    });
  });
});
