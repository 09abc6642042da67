/**
 * The typed param readers of cumsum, argminmax, topk, roialign, slice and shuffle
 * (native/layers/cumsum.h, arg_min_max.h, topk.h, roi_align.h, slice.h, shuffle.h): each is
 * the one place its kind's params are parsed
 * and checked, for the shape rule and both kernels, so a bad param is refused there with an
 * error that names the layer and the param. The builder asks the addon's rule for a layer's
 * outputs (src/engine/layer-outputs.ts), which runs the reader; the shapes of good layers are
 * worked out by hand from the formulas in src/engine/network.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TensorRef } from '../../src/engine/builder.js';
import { inferLayerOutputs } from '../../src/engine/layer-outputs.js';
import type { EngineDType } from '../../src/engine/network.js';

let next = 0;
const t = (shape: number[], dtype: EngineDType = 'float32'): TensorRef => ({ id: next++, dtype, shape });
const shapeOf = (...args: Parameters<typeof inferLayerOutputs>) => inferLayerOutputs(...args).map((o) => o.shape);

describe('typed param readers: a bad param names the layer and the param', () => {
  it('cumsum: the axis within the rank', () => {
    const cs = { axis: 1, exclusive: false, reverse: true };
    expect(shapeOf('cumsum', [t([2, 3])], cs, undefined, 'cs')).toEqual([[2, 3]]);
    expect(() => inferLayerOutputs('cumsum', [t([2, 3])], { ...cs, axis: 2 }, undefined, 'cs_1')).toThrow(
      /layer 'cs_1' \(cumsum\): param 'axis' is 2, out of range for rank 2/,
    );
    expect(() => inferLayerOutputs('cumsum', [t([2, 3])], { ...cs, axis: -1 }, undefined, 'cs_2')).toThrow(
      /layer 'cs_2' \(cumsum\): param 'axis' is -1, out of range for rank 2/,
    );
  });

  it('argminmax: the axis within the rank; keepDims keeps it as 1', () => {
    const am = { op: 'min', axis: 0, keepDims: true, lastIndex: false };
    expect(shapeOf('argminmax', [t([4, 5])], am, undefined, 'am')).toEqual([[1, 5]]);
    expect(shapeOf('argminmax', [t([4, 5])], { ...am, axis: 1, keepDims: false }, undefined, 'am')).toEqual([[4]]);
    expect(() => inferLayerOutputs('argminmax', [t([4, 5])], { ...am, axis: 2 }, undefined, 'am_1')).toThrow(
      /layer 'am_1' \(argminmax\): param 'axis' is 2, out of range for rank 2/,
    );
  });

  it('topk: the axis within the rank, k within the axis, k a param or an input but not both', () => {
    const tk = { axis: 1, k: 2, largest: true };
    expect(shapeOf('topk', [t([3, 4])], tk, undefined, 'tk')).toEqual([
      [3, 2],
      [3, 2],
    ]);
    expect(() => inferLayerOutputs('topk', [t([3, 4])], { ...tk, axis: 2 }, undefined, 'tk_1')).toThrow(
      /layer 'tk_1' \(topk\): param 'axis' is 2, out of range for rank 2/,
    );
    expect(() => inferLayerOutputs('topk', [t([3, 4])], { ...tk, k: 5 }, undefined, 'tk_2')).toThrow(
      /layer 'tk_2' \(topk\): param 'k' is 5, outside \[0, 4\], the length of axis 1/,
    );
    expect(() => inferLayerOutputs('topk', [t([3, 4])], { ...tk, k: -1 }, undefined, 'tk_3')).toThrow(
      /layer 'tk_3' \(topk\): param 'k' is -1, outside \[0, 4\]/,
    );
    expect(() => inferLayerOutputs('topk', [t([3, 4])], { axis: 1, largest: true }, undefined, 'tk_4')).toThrow(
      /layer 'tk_4' \(topk\): param 'k' is missing/,
    );
    const given = [{ shape: [3, 2] }, { shape: [3, 2] }];
    expect(() => inferLayerOutputs('topk', [t([3, 4]), t([1], 'int64')], tk, given, 'tk_5')).toThrow(
      /layer 'tk_5' \(topk\): param 'k' and a k input both given/,
    );
  });

  it('slice: each form its own params (plain: starts and steps a dim each; a computed window: axes, no step of 0; a broadcast: steps of 1)', () => {
    const plain = { starts: [1, 0], steps: [2, 1] };
    expect(shapeOf('slice', [t([5, 4])], plain, [{ shape: [2, 4] }], 'sl')).toEqual([[2, 4]]);
    expect(() => inferLayerOutputs('slice', [t([5, 4])], { ...plain, starts: [1] }, [{ shape: [2, 4] }], 'sl_1')).toThrow(
      /layer 'sl_1' \(slice\): param 'starts' has 1 entries; expected 2/,
    );
    expect(() => inferLayerOutputs('slice', [t([5, 4])], { ...plain, axes: [0] }, [{ shape: [2, 4] }], 'sl_2')).toThrow(
      /layer 'sl_2' \(slice\): param 'axes' is given; a plain slice takes none/,
    );
    const window = () => [t([5, 4]), t([1], 'int64'), t([1], 'int64')];
    const computed = { axes: [1], steps: [1, 1] };
    expect(shapeOf('slice', window(), computed, [{ shape: [5, 2] }], 'sl')).toEqual([[5, 2]]);
    expect(() => inferLayerOutputs('slice', window(), { ...computed, steps: [1, 0] }, [{ shape: [5, 2] }], 'sl_3')).toThrow(
      /layer 'sl_3' \(slice\): param 'steps' holds 0; a computed window takes no step of 0/,
    );
    expect(() => inferLayerOutputs('slice', window(), { ...computed, axes: [2] }, [{ shape: [5, 2] }], 'sl_4')).toThrow(
      /layer 'sl_4' \(slice\): param 'axes' holds 2; expected distinct dims of rank 2/,
    );
    expect(() => inferLayerOutputs('slice', window(), { ...computed, starts: [0, 0] }, [{ shape: [5, 2] }], 'sl_5')).toThrow(
      /layer 'sl_5' \(slice\): param 'starts' is given; a computed window reads them/,
    );
    const target = () => [t([1, 4]), t([2], 'int64')];
    expect(shapeOf('slice', target(), { steps: [1, 1] }, [{ shape: [3, 4] }], 'sl')).toEqual([[3, 4]]);
    expect(() => inferLayerOutputs('slice', target(), { steps: [0, 1] }, [{ shape: [3, 4] }], 'sl_6')).toThrow(
      /layer 'sl_6' \(slice\): param 'steps' holds 0; a broadcast to a computed target takes steps of 1/,
    );
  });

  it('shuffle: the permutations of the dims they permute; a reshape to a computed target takes none of the three', () => {
    const sh = { firstPerm: [1, 0, 2], reshape: [3, 8], secondPerm: [1, 0] };
    expect(shapeOf('shuffle', [t([2, 3, 4])], sh, undefined, 'sh')).toEqual([[8, 3]]);
    expect(() => inferLayerOutputs('shuffle', [t([2, 3, 4])], { ...sh, firstPerm: [1, 1, 2] }, undefined, 'sh_1')).toThrow(
      /layer 'sh_1' \(shuffle\): param 'firstPerm' is not a permutation of 0..2/,
    );
    expect(() => inferLayerOutputs('shuffle', [t([2, 3, 4])], { ...sh, secondPerm: [2, 1, 0] }, undefined, 'sh_2')).toThrow(
      /layer 'sh_2' \(shuffle\): param 'secondPerm' has 3 entries; expected 2/,
    );
    const target = () => [t([2, 3, 4]), t([2], 'int64')];
    expect(() => inferLayerOutputs('shuffle', target(), { reshape: [6, 4] }, [{ shape: [6, 4] }], 'sh_3')).toThrow(
      /layer 'sh_3' \(shuffle\): param 'reshape' is given; a reshape to a computed target takes none/,
    );
  });

  it('roialign: an output of at least 1x1, samplingRatio in [0, 1024], a finite spatialScale', () => {
    const ra = { mode: 'avg', outputHeight: 2, outputWidth: 3, samplingRatio: 0, spatialScale: 0.5, halfPixel: true };
    const inputs = () => [t([1, 8, 6, 6]), t([5, 4]), t([5], 'int64')];
    expect(shapeOf('roialign', inputs(), ra, undefined, 'ra')).toEqual([[5, 8, 2, 3]]);
    expect(() => inferLayerOutputs('roialign', inputs(), { ...ra, outputHeight: 0 }, undefined, 'ra_1')).toThrow(
      /layer 'ra_1' \(roialign\): param 'outputHeight' is 0; expected 1 or more/,
    );
    expect(() => inferLayerOutputs('roialign', inputs(), { ...ra, outputWidth: -2 }, undefined, 'ra_2')).toThrow(
      /layer 'ra_2' \(roialign\): param 'outputWidth' is -2; expected 1 or more/,
    );
    expect(() => inferLayerOutputs('roialign', inputs(), { ...ra, samplingRatio: 1025 }, undefined, 'ra_3')).toThrow(
      /layer 'ra_3' \(roialign\): param 'samplingRatio' is 1025; expected 0 to 1024/,
    );
    expect(() => inferLayerOutputs('roialign', inputs(), { ...ra, samplingRatio: -1 }, undefined, 'ra_4')).toThrow(
      /layer 'ra_4' \(roialign\): param 'samplingRatio' is -1; expected 0 to 1024/,
    );
    expect(() => inferLayerOutputs('roialign', inputs(), { ...ra, spatialScale: Infinity }, undefined, 'ra_5')).toThrow(
      /layer 'ra_5' \(roialign\): param 'spatialScale' is not finite/,
    );
  });
});
