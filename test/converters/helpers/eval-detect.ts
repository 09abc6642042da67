/**
 * The reference interpreter's detection layers (topk, roialign, nonzero, nms; gridsample in
 * eval-grid-sample.ts), in plain loops over float64,
 * written from network.ts's docs (detect-layers.ts) and the ONNX operator specs: TopK as a
 * stable sort of each line, RoiAlign sample by sample, with onnxruntime's 'max' (the largest
 * weighted corner). NonZero's and NonMaxSuppression's outputs are sized by the data, as the
 * engine reports them after a run, not at their declared bounds; NMS as the ONNX spec words it
 * (each candidate, by descending score, kept unless its IoU with a kept box exceeds the threshold).
 */
import type { NetLayer } from '../../../src/engine/network.js';
import { type HostTensor, numel } from './eval-network.js';
import { gridSample } from './eval-grid-sample.js';

type Params<K extends NetLayer['kind']> = Extract<NetLayer, { kind: K }>['params'];

export function evalDetect(layer: NetLayer, ins: HostTensor[], outs: HostTensor[]): HostTensor[] {
  if (layer.kind === 'topk') return topk(ins[0]!, layer.params, outs);
  if (layer.kind === 'roialign') return [roialign(ins, layer.params, outs[0]!)];
  if (layer.kind === 'nonzero') return [nonzero(ins[0]!)];
  if (layer.kind === 'nms') return [nms(ins[0]!, ins[1]!, layer.params)];
  if (layer.kind === 'gridsample') return [gridSample(ins[0]!, ins[1]!, layer.params, outs[0]!)];
  throw new Error(`the reference interpreter has no '${layer.kind}'`);
}

function topk(x: HostTensor, p: Params<'topk'>, [values, indices]: HostTensor[]): HostTensor[] {
  const [len, inner] = [x.shape[p.axis]!, numel(x.shape.slice(p.axis + 1))];
  const lines = len ? numel(x.shape) / len : 0;
  // The computed form's k is its input's value, which sized the outputs.
  const k = p.k ?? values!.shape[p.axis]!;
  // NaN above every number: the key of a value, larger first.
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v === Infinity ? Number.MAX_VALUE * 2 : v);
  const rank = (v: number) => (Number.isNaN(v) ? 2 : v === Infinity ? 1 : v === -Infinity ? -1 : 0);
  const above = (a: number, b: number) => rank(a) > rank(b) || (rank(a) === rank(b) && rank(a) === 0 && key(a) > key(b));
  for (let line = 0; line < lines; line++) {
    const base = Math.floor(line / inner) * len * inner + (line % inner);
    const outBase = Math.floor(line / inner) * k * inner + (line % inner);
    const at = (i: number) => x.data[base + i * inner]!;
    const order = Array.from({ length: len }, (_, i) => i);
    // Array.prototype.sort is stable: equal values keep the lower index first.
    order.sort((a, b) =>
      p.largest ? (above(at(a), at(b)) ? -1 : above(at(b), at(a)) ? 1 : 0) : above(at(b), at(a)) ? -1 : above(at(a), at(b)) ? 1 : 0,
    );
    for (let j = 0; j < k; j++) {
      values!.data[outBase + j * inner] = at(order[j]!);
      indices!.data[outBase + j * inner] = order[j]!;
    }
  }
  return [values!, indices!];
}

function roialign(ins: HostTensor[], p: Params<'roialign'>, y: HostTensor): HostTensor {
  const [x, rois, batch] = ins as [HostTensor, HostTensor, HostTensor];
  const [, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [p.outputHeight, p.outputWidth];
  const off = p.halfPixel ? 0.5 : 0;
  for (let r = 0; r < rois.shape[0]!; r++) {
    const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => rois.data[r * 4 + i]! * p.spatialScale - off) as [number, number, number, number];
    const rw = p.halfPixel ? x2 - x1 : Math.max(x2 - x1, 1);
    const rh = p.halfPixel ? y2 - y1 : Math.max(y2 - y1, 1);
    const gh = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(rh / oh);
    const gw = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(rw / ow);
    const b = batch.data[r]!;
    for (let ch = 0; ch < c; ch++) {
      const pixel = (yy: number, xx: number) => x.data[((b * c + ch) * h + yy) * w + xx]!;
      for (let ph = 0; ph < oh; ph++) {
        for (let pw = 0; pw < ow; pw++) {
          let acc = 0;
          let best = -Infinity;
          for (let iy = 0; iy < gh; iy++) {
            for (let ix = 0; ix < gw; ix++) {
              let sy = y1 + ph * (rh / oh) + ((iy + 0.5) * (rh / oh)) / gh;
              let sx = x1 + pw * (rw / ow) + ((ix + 0.5) * (rw / ow)) / gw;
              // Corners and their weights; a sample beyond one pixel outside reads nothing.
              let corners: Array<[number, number]> = [
                [0, 0],
                [0, 0],
                [0, 0],
                [0, 0],
              ];
              if (!(sy < -1 || sy > h || sx < -1 || sx > w)) {
                sy = Math.min(Math.max(sy, 0), h - 1);
                sx = Math.min(Math.max(sx, 0), w - 1);
                const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
                const [yh, xh] = [Math.min(y0 + 1, h - 1), Math.min(x0 + 1, w - 1)];
                const [ly, lx] = [sy - y0, sx - x0];
                corners = [
                  [(1 - ly) * (1 - lx), pixel(y0, x0)],
                  [(1 - ly) * lx, pixel(y0, xh)],
                  [ly * (1 - lx), pixel(yh, x0)],
                  [ly * lx, pixel(yh, xh)],
                ];
              }
              acc += corners.reduce((s, [wt, v]) => s + wt * v, 0);
              best = Math.max(best, ...corners.map(([wt, v]) => wt * v));
            }
          }
          const value = p.mode === 'max' ? (gh * gw > 0 ? best : 0) : acc / Math.max(gh * gw, 1);
          y.data[((r * c + ch) * oh + ph) * ow + pw] = value;
        }
      }
    }
  }
  return y;
}

/** The coordinates of every nonzero element (NaN included, -0 not), in row-major order, as rows of [rank, count]. */
function nonzero(x: HostTensor): HostTensor {
  const hits: number[] = [];
  x.data.forEach((v, i) => v !== 0 && hits.push(i));
  const rank = x.shape.length;
  const data = new Float64Array(rank * hits.length);
  hits.forEach((flat, j) => {
    for (let d = rank - 1; d >= 0; d--) {
      data[d * hits.length + j] = flat % x.shape[d]!;
      flat = Math.floor(flat / x.shape[d]!);
    }
  });
  return { dtype: 'int64', shape: [rank, hits.length], data };
}

function nms(boxes: HostTensor, scores: HostTensor, p: Params<'nms'>): HostTensor {
  const [batches, n] = [boxes.shape[0]!, boxes.shape[1]!];
  const classes = scores.shape[1]!;
  const corners = (b: number, i: number) => {
    const v = Array.from(boxes.data.subarray((b * n + i) * 4, (b * n + i) * 4 + 4));
    if (p.centerPointBox) return [v[0]! - v[2]! / 2, v[1]! - v[3]! / 2, v[0]! + v[2]! / 2, v[1]! + v[3]! / 2];
    return [Math.min(v[1]!, v[3]!), Math.min(v[0]!, v[2]!), Math.max(v[1]!, v[3]!), Math.max(v[0]!, v[2]!)];
  };
  const iou = (a: number[], b: number[]) => {
    const inter = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!)) * Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
    const areaA = (a[2]! - a[0]!) * (a[3]! - a[1]!);
    const areaB = (b[2]! - b[0]!) * (b[3]! - b[1]!);
    return inter <= 0 || areaA <= 0 || areaB <= 0 ? 0 : inter / (areaA + areaB - inter);
  };
  const rows: number[] = [];
  for (let b = 0; b < batches; b++) {
    for (let c = 0; c < classes; c++) {
      const s = (i: number) => scores.data[(b * classes + c) * n + i]!;
      const order = Array.from({ length: n }, (_, i) => i)
        .filter((i) => p.scoreThreshold === undefined || s(i) > p.scoreThreshold)
        .sort((i, j) => s(j) - s(i) || i - j);
      const kept: number[] = [];
      for (const i of order) {
        if (kept.length >= p.maxOutputBoxesPerClass) break;
        if (kept.every((k) => !(iou(corners(b, k), corners(b, i)) > p.iouThreshold))) kept.push(i);
      }
      for (const i of kept) rows.push(b, c, i);
    }
  }
  return { dtype: 'int64', shape: [rows.length / 3, 3], data: Float64Array.from(rows) };
}
