/**
 * RoiAlign -> a `roialign` layer (native/layers/roi_align.h: onnxruntime's sampling, its 'max'
 * mode included). Forms: 10 (boxes as given, at least 1x1: output_half_pixel), 16
 * (coordinate_transformation_mode, default half_pixel). The number of boxes must be static.
 */
import type { EngineDType } from '../src/engine/network.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const DTYPES: readonly EngineDType[] = ['float32', 'float16'];

function roiAlign(sinceVersion: number): Converter {
  return defineConverter<ParamsOf<'roialign'>>({
    opType: 'RoiAlign',
    sinceVersion,
    notes: `Dtypes ${DTYPES.join(', ')}; modes avg and max${sinceVersion >= 16 ? '; half_pixel and output_half_pixel' : ''}; a static number of boxes.`,
    plan(v) {
      const dtype = v.dtype(0, DTYPES);
      v.check(v.in(0).shape.length === 4, () => `${v.inLabel(0)} has rank ${v.in(0).shape.length}; RoiAlign takes [N, C, H, W]`);
      v.check(v.in(1).dtype === dtype, () => `${v.inLabel(1)} is ${v.in(1).dtype}; the boxes take the features' dtype ${dtype}`);
      v.dtype(2, ['int64']);
      const coords =
        sinceVersion >= 16 ? v.choice('coordinate_transformation_mode', 'half_pixel', ['half_pixel', 'output_half_pixel']) : 'output_half_pixel';
      // The layer's rule (native/layers/roi_align.cc) bounds the output size, the sampling
      // ratio (0 to 1024) and the scale; its message is the reason.
      return {
        mode: v.choice('mode', 'avg', ['avg', 'max']),
        outputHeight: v.int('output_height', 1),
        outputWidth: v.int('output_width', 1),
        samplingRatio: v.int('sampling_ratio', 0),
        spatialScale: v.float('spatial_scale', 1),
        halfPixel: coords === 'half_pixel',
      };
    },
    emit(e, p) {
      e.output(0, e.add('roialign', [e.input(0), e.input(1), e.input(2)], p));
    },
  });
}

export const roiAlignConverters: Converter[] = [roiAlign(10), roiAlign(16)];
