/**
 * A network of data-movement and small compute layers (the other half of the catalogue
 * from small-cnn.ts), for fuzzing:
 *
 *   x [2,3,4,5] -> pad -> slice -> shuffle -> split -> (concat) -> resize -> cast(f16)
 *     -> cast(f32) -> quantize -> dequantize -> normalization -> select(cond) -> y
 *   idx [2,3,4,5] int32 -> gather elements (x) -> z
 */
import { NetDraft } from './net.js';
import type { NetworkDefinition } from '../../../src/engine/network.js';

export function dataNet(): NetworkDefinition {
  const d = new NetDraft('data_net');
  const f = (shape: number[], dtype: 'float32' | 'float16' | 'uint8' | 'bool' = 'float32') => ({ dtype, shape });
  const x = d.input('x', 'float32', [2, 3, 4, 5]);
  const idx = d.input('idx', 'int32', [2, 3, 4, 5]);
  const cond = d.input('cond', 'bool', [5]);
  const [p] = d.layer('pad', 'pad', [x], { mode: 'reflect', padsBegin: [0, 0, 1, 2], padsEnd: [0, 0, 1, -1], value: 0 }, [f([2, 3, 6, 6])]);
  const [s] = d.layer('slice', 'slice', [p!], { starts: [1, 0, 5, 0], steps: [-1, 1, -1, 2] }, [f([2, 3, 6, 3])]);
  const [t] = d.layer('shuffle', 'shuffle', [s!], { firstPerm: [0, 2, 1, 3], reshape: [2, 6, 9], secondPerm: [1, 0, 2] }, [f([6, 2, 9])]);
  const [a, b] = d.layer('split', 'split', [t!], { axis: 2, sizes: [4, 5] }, [f([6, 2, 4]), f([6, 2, 5])]);
  const [c] = d.layer('concat', 'concat', [b!, a!], { axis: 2 }, [f([6, 2, 9])]);
  const resize = {
    mode: 'linear',
    coordinateTransformation: 'half_pixel',
    nearestMode: 'floor',
    scales: [1, 1.5, 0.5],
    cubicCoeffA: -0.75,
    excludeOutside: false,
    extrapolationValue: 0,
  };
  const [r] = d.layer('resize', 'resize', [c!], resize, [f([6, 3, 4])]);
  const [h] = d.layer('cast', 'to_half', [r!], { to: 'float16' }, [f([6, 3, 4], 'float16')]);
  const [g] = d.layer('cast', 'to_float', [h!], { to: 'float32' }, [f([6, 3, 4])]);
  const scale = d.constant('scale', 'float32', [], new Float32Array([0.02]));
  const zp = d.constant('zp', 'uint8', [], new Uint8Array([128]));
  const [q] = d.layer('quantize', 'quant', [g!, scale, zp], { axis: 0 }, [f([6, 3, 4], 'uint8')]);
  const [dq] = d.layer('dequantize', 'dequant', [q!, scale, zp], { axis: 0 }, [f([6, 3, 4])]);
  const gamma = d.constant('gamma', 'float32', [4], new Float32Array([1, 0.5, 2, 1]));
  const [n] = d.layer('normalization', 'norm', [dq!, gamma], { mode: 'layer', axis: 2, epsilon: 1e-5, groups: 1 }, [f([6, 3, 4])]);
  const other = d.constant('zero', 'float32', [1], new Float32Array([0]));
  const [sel] = d.layer('select', 'select', [cond, x, other], {}, [f([2, 3, 4, 5])]);
  const [z] = d.layer('gather', 'gather', [sel!, idx], { axis: 3, mode: 'elements' }, [f([2, 3, 4, 5])]);
  d.output(n!);
  d.output(z!);
  return d.finish();
}
