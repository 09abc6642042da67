/**
 * The reference interpreter's gridsample layer, in float64, written from its doc in
 * src/engine/detect-layers.ts and the ONNX GridSample spec rather than from the kernels: the
 * reflection as an index taken modulo the mirrored period (the kernels mirror step by step, as
 * onnxruntime), the cubic weights as Keys' kernel of each tap's distance (the kernels use
 * onnxruntime's four polynomials), nearest's half-to-even rounding by hand.
 */
import type { NetLayer } from '../../../src/engine/network.js';
import type { HostTensor } from './eval-network.js';

type Params = Extract<NetLayer, { kind: 'gridsample' }>['params'];

/** Keys' cubic convolution kernel (a = -0.75) at distance t. */
function keys(t: number): number {
  const a = -0.75;
  const u = Math.abs(t);
  if (u <= 1) return (a + 2) * u ** 3 - (a + 3) * u ** 2 + 1;
  if (u < 2) return a * u ** 3 - 5 * a * u ** 2 + 8 * a * u - 4 * a;
  return 0;
}

/** Round half to even. */
function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d !== 0.5) return d > 0.5 ? f + 1 : f;
  return f % 2 === 0 ? f : f + 1;
}

export function gridSample(x: HostTensor, grid: HostTensor, p: Params, y: HostTensor): HostTensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [, oh, ow] = grid.shape as [number, number, number, number];
  const unnormalize = (v: number, len: number) => (p.alignCorners ? ((v + 1) / 2) * (len - 1) : ((v + 1) * len - 1) / 2);
  // Mirror images of the map repeat every `period` pixels: about -0.5 and len - 0.5 (each edge
  // pixel repeated), or with alignCorners about the corner pixels' centers (not repeated).
  const mirror = (i: number, len: number) => {
    if (p.alignCorners) {
      if (len === 1) return 0;
      const period = 2 * (len - 1);
      const m = ((i % period) + period) % period;
      return m < len ? m : period - m;
    }
    const period = 2 * len;
    const m = ((i % period) + period) % period;
    return m < len ? m : period - 1 - m;
  };
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const pixel = (r: number, col: number): number => {
        if (p.padding === 'zeros' && (r < 0 || r >= h || col < 0 || col >= w)) return 0;
        if (p.padding === 'border') [r, col] = [Math.min(Math.max(r, 0), h - 1), Math.min(Math.max(col, 0), w - 1)];
        if (p.padding === 'reflection') [r, col] = [mirror(r, h), mirror(col, w)];
        return x.data[((b * c + ch) * h + r) * w + col]!;
      };
      for (let i = 0; i < oh * ow; i++) {
        const at = (b * oh * ow + i) * 2;
        const px = unnormalize(grid.data[at]!, w);
        const py = unnormalize(grid.data[at + 1]!, h);
        let v = 0;
        if (p.mode === 'nearest') v = pixel(roundEven(py), roundEven(px));
        else {
          // Taps around the point: 2 (linear) or 4 (cubic) a side, weighted by distance.
          const [first, taps] = p.mode === 'linear' ? [0, 2] : [-1, 4];
          const weight = (d: number) => (p.mode === 'linear' ? 1 - Math.abs(d) : keys(d));
          const [x0, y0] = [Math.floor(px) + first, Math.floor(py) + first];
          for (let j = 0; j < taps; j++) {
            for (let k = 0; k < taps; k++) v += weight(py - (y0 + j)) * weight(px - (x0 + k)) * pixel(y0 + j, x0 + k);
          }
        }
        y.data[(b * c + ch) * oh * ow + i] = v;
      }
    }
  }
  return y;
}
