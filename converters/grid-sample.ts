/**
 * GridSample -> a `gridsample` layer (native/layers/grid_sample.h: onnxruntime's sampling). Forms:
 * 16 (modes bilinear, nearest, bicubic) and 20 (the same modes renamed linear, nearest, cubic,
 * and volumetric 5-D inputs, which engines do not take; 22 only adds bfloat16). Engines take
 * 4-D float32 x [N, C, H, W] with grid [N, Ho, Wo, 2]; every padding mode, align_corners 0 and 1.
 */
import type { EngineDType } from '../src/engine/network.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const DTYPES: readonly EngineDType[] = ['float32'];

function gridSample(sinceVersion: number): Converter {
  // The mode names of this form, in the layer's order: linear, nearest, cubic.
  const names = sinceVersion >= 20 ? (['linear', 'nearest', 'cubic'] as const) : (['bilinear', 'nearest', 'bicubic'] as const);
  return defineConverter<ParamsOf<'gridsample'>>({
    opType: 'GridSample',
    sinceVersion,
    notes: `Dtype float32; 4-D x [N, C, H, W] and grid [N, Ho, Wo, 2]${sinceVersion >= 20 ? ' (5-D volumetric grids fall back)' : ''}; modes ${names.join(', ')}; padding zeros, border, reflection; align_corners 0 and 1.`,
    plan(v) {
      const dtype = v.dtype(0, DTYPES);
      const rank = v.in(0).shape.length;
      v.check(rank === 4, () => `${v.inLabel(0)} has rank ${rank}; engines take 4-D GridSample (x [N, C, H, W]) only, not volumetric (5-D) grids`);
      v.check(v.in(1).dtype === dtype, () => `${v.inLabel(1)} is ${v.in(1).dtype}; the grid takes x's dtype ${dtype}`);
      const mode = v.choice<string>('mode', names[0], names);
      return {
        mode: mode === names[0] ? 'linear' : mode === names[2] ? 'cubic' : 'nearest',
        padding: v.choice('padding_mode', 'zeros', ['zeros', 'border', 'reflection']),
        // onnxruntime reads any nonzero value as true.
        alignCorners: v.int('align_corners', 0) !== 0,
      };
    },
    emit(e, p) {
      e.output(0, e.add('gridsample', [e.input(0), e.input(1)], p));
    },
  });
}

export const gridSampleConverters: Converter[] = [gridSample(16), gridSample(20)];
