/**
 * Resize -> one `resize` layer with every attribute resolved and one scale per dim.
 *
 * Forms: 10 (scales input; nearest/linear; asymmetric coordinates), 11 (roi/scales/sizes
 * inputs, coordinate_transformation_mode, cubic, nearest_mode), 13 (roi and scales may be
 * omitted), 18 (antialias, axes, keep_aspect_ratio_policy), 19 (half_pixel_symmetric).
 * scales/sizes must be constants. Not covered by the layer, hence rejected:
 * tf_crop_and_resize, and antialias=1 where a linear/cubic resize downscales.
 *
 * NOTE: Resize-10 has no nearest_mode; onnxruntime rounds down when upsampling and up when
 * downsampling, which is 'floor' / 'ceil' under asymmetric coordinates: matched here, since
 * hybrid results must equal onnxruntime's.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import type { ParamsOf } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

type Params = ParamsOf<'resize'>;
type Coord = Params['coordinateTransformation'];
type Plan = { params: Params; shape: number[] };

const HINT = 'make it a constant (an initializer) or export with static shapes';

/**
 * Per-dim scales, from the scales or sizes input, and whether the model gave them as scales
 * (the output then follows the input's size: `followScales`). The output shape is shape inference's
 * (src/ir/infer, the one authority for ONNX output shapes): computed here again it rounded
 * differently (25 x 1.16 gave 28, onnxruntime 29) and sent the node to onnxruntime.
 */
function scalesOf(v: NodeView, shape: number[], version: number): { scales: number[]; given: boolean } {
  const rank = shape.length;
  const axes = version >= 18 && v.hasAttr('axes') ? v.ints('axes')!.map((a) => v.axis(a, rank, 'axes')) : shape.map((_, i) => i);
  v.check(new Set(axes).size === axes.length, () => `axes [${v.ints('axes')}] repeat an axis`);
  const scalesIndex = version >= 11 ? 2 : 1;
  const given = v.has(scalesIndex) ? v.constNumbers(scalesIndex, 'scales', HINT) : [];
  // Exporters pass an empty tensor for the one of scales/sizes they do not use.
  const hasSizes = version >= 11 && v.has(3) && v.in(3).shape.reduce((a, b) => a * b, 1) > 0;
  const scales = shape.map(() => 1);
  if (given.length > 0) {
    v.check(!hasSizes, () => 'both scales and sizes are given');
    v.check(given.length === axes.length, () => `scales has ${given.length} values for ${axes.length} axes`);
    v.check(
      given.every((s) => s > 0 && Number.isFinite(s)),
      () => `scales [${given}] must be positive`,
    );
    axes.forEach((a, i) => (scales[a] = given[i]!));
    return { scales, given: true };
  }
  v.check(hasSizes, () => 'neither scales nor sizes is given');
  const sizes = v.constInts(3, 'sizes', HINT);
  v.check(sizes.length === axes.length, () => `sizes has ${sizes.length} values for ${axes.length} axes`);
  v.check(axes.every((a) => shape[a]! > 0) && sizes.every((s) => s > 0), () => `cannot resize [${shape}] to sizes [${sizes}]`);
  const policy = version >= 18 ? v.choice('keep_aspect_ratio_policy', 'stretch', ['stretch', 'not_larger', 'not_smaller']) : 'stretch';
  if (policy === 'stretch') {
    axes.forEach((a, i) => (scales[a] = sizes[i]! / shape[a]!));
  } else {
    const ratios = axes.map((a, i) => sizes[i]! / shape[a]!);
    const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    for (const a of axes) scales[a] = s;
  }
  return { scales, given: false };
}

function resize(sinceVersion: number): Converter {
  const coords: Coord[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn'];
  if (sinceVersion >= 19) coords.push('half_pixel_symmetric');
  const modes: Array<Params['mode']> = sinceVersion >= 11 ? ['nearest', 'linear', 'cubic'] : ['nearest', 'linear'];
  return defineConverter<Plan>({
    opType: 'Resize',
    sinceVersion,
    notes:
      `Modes ${modes.join(', ')}; ` +
      (sinceVersion >= 11 ? `coordinate modes ${coords.join(', ')} (not tf_crop_and_resize); ` : '') +
      (sinceVersion >= 18 ? 'antialias only where nothing is downscaled by linear/cubic; ' : '') +
      'scales/sizes must be constants.',
    plan(v) {
      v.dtype(0, FLOAT_DTYPES);
      const shape = v.in(0).shape;
      const mode = v.choice('mode', 'nearest', modes);
      const { scales, given } = scalesOf(v, shape, sinceVersion);
      const out = v.out(0).shape;
      let coordinateTransformation: Coord = 'asymmetric';
      let nearestMode: Params['nearestMode'] = scales.every((s) => s >= 1) ? 'floor' : 'ceil';
      if (sinceVersion >= 11) {
        const c = v.string('coordinate_transformation_mode', 'half_pixel');
        v.check(
          c !== 'tf_crop_and_resize',
          () => "coordinate_transformation_mode 'tf_crop_and_resize' is not supported; use 'half_pixel' or 'align_corners'",
        );
        coordinateTransformation = v.choice<Coord>('coordinate_transformation_mode', 'half_pixel', coords);
        nearestMode = v.choice<Params['nearestMode']>('nearest_mode', 'round_prefer_floor', [
          'round_prefer_floor',
          'round_prefer_ceil',
          'floor',
          'ceil',
        ]);
      } else if (mode === 'nearest' && scales.some((s) => s > 1) && scales.some((s) => s < 1)) {
        v.fail('Resize-10 nearest that upsamples some dims and downsamples others is not supported');
      }
      if (sinceVersion >= 18 && v.int('antialias', 0) !== 0) {
        v.check(
          mode === 'nearest' || scales.every((s) => s >= 1),
          () => `mode '${mode}' with antialias=1 downscales through an antialiasing filter, which is not supported; use antialias=0`,
        );
      }
      const params: Params = {
        mode,
        coordinateTransformation,
        nearestMode,
        scales,
        cubicCoeffA: v.float('cubic_coeff_a', -0.75),
        excludeOutside: v.int('exclude_outside', 0) !== 0,
        extrapolationValue: v.float('extrapolation_value', 0),
        // Given scales size the output from the input at every shape; given sizes fix it.
        ...(given ? { followScales: true } : {}),
      };
      return { params, shape: out };
    },
    emit(e, p) {
      e.output(0, e.add('resize', [e.input(0)], p.params, undefined, [{ shape: p.shape }]));
    },
  });
}

export const resizeConverters: Converter[] = [resize(10), resize(11), resize(13), resize(18), resize(19)];
