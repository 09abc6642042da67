/**
 * The reference interpreter's windowed and normalizing layers (convolution, deconvolution,
 * pooling, normalization, resize, quantize/dequantize), in plain loops over float64, written
 * from network.ts's docs and the ONNX operator specs.
 */
import type { NetLayer } from '../../../src/engine/network.js';
import { type HostTensor, forEachIndex, numel, stridesOf } from './eval-network.js';

type Params<K extends NetLayer['kind']> = Extract<NetLayer, { kind: K }>['params'];

export function evalWindowed(layer: NetLayer, ins: HostTensor[], y: HostTensor): HostTensor {
  switch (layer.kind) {
    case 'convolution':
      return convolution(ins, layer.params, y);
    case 'deconvolution':
      return deconvolution(ins, layer.params, y);
    case 'pooling':
      return pooling(ins[0]!, layer.params, y);
    case 'normalization':
      return normalization(ins, layer.params, y);
    case 'resize':
      return resize(ins[0]!, layer.params, y);
    case 'quantize':
    case 'dequantize':
      return quantize(layer.kind, ins, layer.params, y);
    default:
      throw new Error(`the reference interpreter has no '${layer.kind}'`);
  }
}

/** Spatial params padded to 3 dims (size-1 dims in front), so kernels loop over D, H, W. */
function to3d(xs: number[], fill: number): [number, number, number] {
  const out = [fill, fill, fill, ...xs].slice(-3);
  return out as [number, number, number];
}

function convolution(ins: HostTensor[], p: Params<'convolution'>, y: HostTensor): HostTensor {
  const [x, w, b] = ins as [HostTensor, HostTensor, HostTensor?];
  const [nb, c] = x.shape as [number, number];
  const m = w.shape[0]!;
  const cg = c / p.groups;
  const mg = m / p.groups;
  const [id, ih, iw] = to3d(x.shape.slice(2), 1);
  const [od, oh, ow] = to3d(y.shape.slice(2), 1);
  const [kd, kh, kw] = to3d(p.kernel, 1);
  const [sd, sh, sw] = to3d(p.strides, 1);
  const [pd, ph, pw] = to3d(p.padsBegin, 0);
  const [dd, dh, dw] = to3d(p.dilations, 1);
  const xin = id * ih * iw;
  const kin = kd * kh * kw;
  let o = 0;
  for (let n = 0; n < nb; n++) {
    for (let om = 0; om < m; om++) {
      const g = Math.floor(om / mg);
      for (let z = 0; z < od; z++) {
        for (let r = 0; r < oh; r++) {
          for (let q = 0; q < ow; q++) {
            let s = b ? b.data[om]! : 0;
            for (let ci = 0; ci < cg; ci++) {
              const xBase = (n * c + g * cg + ci) * xin;
              const wBase = (om * cg + ci) * kin;
              for (let a = 0; a < kd; a++) {
                const zz = z * sd - pd + a * dd;
                if (zz < 0 || zz >= id) continue;
                for (let bb = 0; bb < kh; bb++) {
                  const rr = r * sh - ph + bb * dh;
                  if (rr < 0 || rr >= ih) continue;
                  for (let cc = 0; cc < kw; cc++) {
                    const qq = q * sw - pw + cc * dw;
                    if (qq < 0 || qq >= iw) continue;
                    s += x.data[xBase + (zz * ih + rr) * iw + qq]! * w.data[wBase + (a * kh + bb) * kw + cc]!;
                  }
                }
              }
            }
            y.data[o++] = s;
          }
        }
      }
    }
  }
  return y;
}

function deconvolution(ins: HostTensor[], p: Params<'deconvolution'>, y: HostTensor): HostTensor {
  const [x, w, b] = ins as [HostTensor, HostTensor, HostTensor?];
  const c = x.shape[1]!;
  const cg = c / p.groups;
  const mg = w.shape[1]!;
  const ys = stridesOf(y.shape);
  const ws = stridesOf(w.shape);
  const n = x.shape.length - 2;
  forEachIndex(x.shape, (idx, i) => {
    const [bn, ci] = idx as [number, number];
    const g = Math.floor(ci / cg);
    for (let mi = 0; mi < mg; mi++) {
      forEachIndex(p.kernel, (k) => {
        let yo = bn * ys[0]! + (g * mg + mi) * ys[1]!;
        for (let d = 0; d < n; d++) {
          const pos = idx[d + 2]! * p.strides[d]! - p.padsBegin[d]! + k[d]! * p.dilations[d]!;
          if (pos < 0 || pos >= y.shape[d + 2]!) return;
          yo += pos * ys[d + 2]!;
        }
        let wo = ci * ws[0]! + mi * ws[1]!;
        for (let d = 0; d < n; d++) wo += k[d]! * ws[d + 2]!;
        y.data[yo]! += x.data[i]! * w.data[wo]!;
      });
    }
  });
  if (b) forEachIndex(y.shape, (idx, i) => (y.data[i]! += b.data[idx[1]!]!));
  return y;
}

function pooling(x: HostTensor, p: Params<'pooling'>, y: HostTensor): HostTensor {
  const xs = stridesOf(x.shape);
  const n = x.shape.length - 2;
  forEachIndex(y.shape, (idx, i) => {
    let best = -Infinity;
    let sum = 0;
    let count = 0;
    let padded = 0;
    forEachIndex(p.kernel, (k) => {
      let xo = idx[0]! * xs[0]! + idx[1]! * xs[1]!;
      let inside = true;
      let inPadded = true;
      for (let d = 0; d < n; d++) {
        const pos = idx[d + 2]! * p.strides[d]! - p.padsBegin[d]! + k[d]! * p.dilations[d]!;
        if (pos < 0 || pos >= x.shape[d + 2]!) inside = false;
        if (pos < -p.padsBegin[d]! || pos >= x.shape[d + 2]! + p.padsEnd[d]!) inPadded = false;
        xo += pos * xs[d + 2]!;
      }
      if (inPadded) padded++;
      if (!inside) return;
      count++;
      sum += x.data[xo]!;
      best = Math.max(best, x.data[xo]!);
    });
    y.data[i] = p.mode === 'max' ? best : sum / (p.countIncludePad ? padded : count);
  });
  return y;
}

function normalization(ins: HostTensor[], p: Params<'normalization'>, y: HostTensor): HostTensor {
  const [x, scale, bias] = ins as [HostTensor, HostTensor, HostTensor?];
  // Groups of elements normalized together, and the scale/bias index of each element.
  const groupOf = new Int32Array(x.data.length);
  const paramOf = new Int32Array(x.data.length);
  let groups: number;
  if (p.mode === 'layer') {
    const inner = numel(x.shape.slice(p.axis));
    groups = x.data.length / Math.max(inner, 1);
    for (let i = 0; i < x.data.length; i++) {
      groupOf[i] = Math.floor(i / inner);
      paramOf[i] = i % inner;
    }
  } else {
    const c = x.shape[1]!;
    const spatial = numel(x.shape.slice(2));
    const g = p.mode === 'group' ? p.groups : c;
    groups = x.shape[0]! * g;
    for (let i = 0; i < x.data.length; i++) {
      const ch = Math.floor(i / spatial) % c;
      const bn = Math.floor(i / (spatial * c));
      groupOf[i] = bn * g + Math.floor(ch / (c / g));
      paramOf[i] = ch;
    }
  }
  const sum = new Float64Array(groups);
  const cnt = new Float64Array(groups);
  x.data.forEach((v, i) => {
    sum[groupOf[i]!]! += v;
    cnt[groupOf[i]!]!++;
  });
  const mean = sum.map((s, g) => s / cnt[g]!);
  const sq = new Float64Array(groups);
  x.data.forEach((v, i) => (sq[groupOf[i]!]! += (v - mean[groupOf[i]!]!) ** 2));
  x.data.forEach((v, i) => {
    const g = groupOf[i]!;
    const norm = (v - mean[g]!) / Math.sqrt(sq[g]! / cnt[g]! + p.epsilon);
    y.data[i] = norm * scale.data[paramOf[i]!]! + (bias ? bias.data[paramOf[i]!]! : 0);
  });
  return y;
}

/** The source coordinate of output index `o` along one dim (ONNX Resize). */
function sourceCoord(p: Params<'resize'>, o: number, inSize: number, outSize: number, scale: number): number {
  switch (p.coordinateTransformation) {
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      const center = inSize / 2;
      return center * (1 - adjustment) + (o + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'asymmetric':
      return o / scale;
    case 'tf_half_pixel_for_nn':
      return (o + 0.5) / scale;
  }
}

function nearest(p: Params<'resize'>, x: number): number {
  switch (p.nearestMode) {
    case 'round_prefer_floor':
      return x - Math.floor(x) === 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
  }
}

function cubicWeights(a: number, t: number): number[] {
  const w = (d: number) => {
    const ad = Math.abs(d);
    if (ad <= 1) return (a + 2) * ad ** 3 - (a + 3) * ad ** 2 + 1;
    if (ad < 2) return a * ad ** 3 - 5 * a * ad ** 2 + 8 * a * ad - 4 * a;
    return 0;
  };
  return [w(t + 1), w(t), w(1 - t), w(2 - t)];
}

/** Taps (source index, weight) of one output index along one dim. */
function taps(p: Params<'resize'>, o: number, inSize: number, outSize: number, scale: number): Array<[number, number]> {
  const x = sourceCoord(p, o, inSize, outSize, scale);
  const clamp = (i: number) => Math.min(Math.max(i, 0), inSize - 1);
  if (p.mode === 'nearest') return [[clamp(nearest(p, x)), 1]];
  if (p.mode === 'linear') {
    const xc = Math.min(Math.max(x, 0), inSize - 1);
    const i0 = Math.floor(xc);
    const t = xc - i0;
    return [
      [i0, 1 - t],
      [clamp(i0 + 1), t],
    ];
  }
  const i0 = Math.floor(x);
  const ws = cubicWeights(p.cubicCoeffA, x - i0);
  const idx = [i0 - 1, i0, i0 + 1, i0 + 2];
  if (p.excludeOutside) {
    const kept = idx.map((i, k) => (i >= 0 && i < inSize ? ws[k]! : 0));
    const total = kept.reduce((s, v) => s + v, 0);
    return idx.map((i, k) => [clamp(i), kept[k]! / total]);
  }
  return idx.map((i, k) => [clamp(i), ws[k]!]);
}

function resize(x: HostTensor, p: Params<'resize'>, y: HostTensor): HostTensor {
  // Separable: resize one dim at a time.
  let cur = x;
  for (let d = 0; d < x.shape.length; d++) {
    if (cur.shape[d] === y.shape[d] && p.scales[d] === 1) continue;
    const shape = cur.shape.map((s, i) => (i === d ? y.shape[d]! : s));
    const next: HostTensor = { dtype: x.dtype, shape, data: new Float64Array(numel(shape)) };
    const st = stridesOf(cur.shape);
    const tapList = Array.from({ length: shape[d]! }, (_, o) => taps(p, o, cur.shape[d]!, shape[d]!, p.scales[d]!));
    forEachIndex(shape, (idx, i) => {
      let base = 0;
      idx.forEach((v, k) => (base += (k === d ? 0 : v) * st[k]!));
      let s = 0;
      for (const [src, w] of tapList[idx[d]!]!) s += w * cur.data[base + src * st[d]!]!;
      next.data[i] = s;
    });
    cur = next;
  }
  y.data = cur.data;
  return y;
}

function quantize(kind: 'quantize' | 'dequantize', ins: HostTensor[], p: { axis: number }, y: HostTensor): HostTensor {
  const [x, scale, zp] = ins as [HostTensor, HostTensor, HostTensor?];
  const perAxis = numel(scale.shape) > 1;
  const st = stridesOf(x.shape);
  const lo = y.dtype === 'int8' ? -128 : 0;
  const hi = y.dtype === 'int8' ? 127 : 255;
  x.data.forEach((v, i) => {
    const k = perAxis ? Math.floor(i / st[p.axis]!) % x.shape[p.axis]! : 0;
    const s = scale.data[k]!;
    const z = zp ? zp.data[k]! : 0;
    if (kind === 'dequantize') y.data[i] = (v - z) * s;
    else {
      // The quotient rounded to fp32 first, as onnxruntime and the kernels divide: in float64 a
      // quotient such as 0.05f / 0.02f lies just off the .5 that fp32 lands on.
      const r = Math.fround(v / s);
      const even = Math.abs(r - Math.trunc(r)) === 0.5 ? 2 * Math.round(r / 2) : Math.round(r);
      y.data[i] = Math.min(Math.max(even + z, lo), hi);
    }
  });
  return y;
}
