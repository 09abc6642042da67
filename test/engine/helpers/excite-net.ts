/**
 * A squeeze-excitation block as efficientnet's ONNX export has it, for the excite fusion
 * tests on cpu (test/engine/fusion.test.ts) and cuda (test/gpu/speed.test.ts):
 *
 *   x [N, Cin, S, S] -> conv0 3x3 (+b) -> sigmoid, mul           t = silu(conv0(x)) [N, C, S, S] (an output)
 *   t -> reduce mean (axes 2, 3, keepDims)                        m [N, C, 1, 1]
 *     -> fc1: conv 1x1 C->Cr (+b) -> sigmoid, mul                 h = silu(w1 m + b1)
 *     -> fc2: conv 1x1 Cr->C (+b) -> sigmoid                      g = sigmoid(w2 h + b2)
 *   s = t * g (an output) -> conv2 1x1 C->4 (+b)                  y (an output)
 *
 * Outputs: y, then s (or g with `gateIsOutput`, which leaves the multiply unfused), then t.
 * With `meanIsOutput` the mean is a network output too, and the pattern must not apply.
 * `exciteReference` computes g from t independently of the engine (float64), `scaleReference`
 * s from t and g.
 */
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { NetDraft } from './net.js';
import { randomFloat } from './random.js';

export interface ExciteShape {
  batch: number;
  inChannels: number;
  channels: number;
  hidden: number;
  spatial: number;
  meanIsOutput?: boolean;
  gateIsOutput?: boolean;
}

export interface ExciteWeights {
  w1: Float32Array; // [Cr, C]
  b1: Float32Array;
  w2: Float32Array; // [C, Cr]
  b2: Float32Array;
}

export function exciteWeights(s: ExciteShape): ExciteWeights {
  return {
    w1: randomFloat([s.hidden, s.channels], 11, -0.5, 0.5).data as Float32Array,
    b1: randomFloat([s.hidden], 12, -0.2, 0.2).data as Float32Array,
    w2: randomFloat([s.channels, s.hidden], 13, -0.8, 0.8).data as Float32Array,
    b2: randomFloat([s.channels], 14, -0.2, 0.2).data as Float32Array,
  };
}

export function exciteNet(s: ExciteShape): NetworkDefinition {
  const { batch: n, inChannels: ci, channels: c, hidden: cr, spatial: sp } = s;
  const d = new NetDraft('excite');
  const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
  const win = (k: number) => ({
    kernel: [k, k],
    strides: [1, 1],
    dilations: [1, 1],
    groups: 1,
    padsBegin: [(k - 1) / 2, (k - 1) / 2],
    padsEnd: [(k - 1) / 2, (k - 1) / 2],
  });
  const w = exciteWeights(s);
  const x = d.input('x', 'float32', [n, ci, sp, sp]);
  const w0 = d.constant('conv0_w', 'float32', [c, ci, 3, 3], randomFloat([c, ci, 3, 3], 1, -0.3, 0.3).data);
  const b0 = d.constant('conv0_b', 'float32', [c], randomFloat([c], 2).data);
  const [c0] = d.layer('convolution', 'conv0', [x, w0, b0], win(3), [f32([n, c, sp, sp])]);
  const [s0] = d.layer('unary', 'act0_sig', [c0!], { op: 'sigmoid' }, [f32([n, c, sp, sp])]);
  const [t] = d.layer('elementwise', 'act0_mul', [c0!, s0!], { op: 'mul' }, [f32([n, c, sp, sp])]);
  const [m] = d.layer('reduce', 'se_mean', [t!], { op: 'mean', axes: [2, 3], keepDims: true }, [f32([n, c, 1, 1])]);
  const w1 = d.constant('fc1_w', 'float32', [cr, c, 1, 1], w.w1);
  const b1 = d.constant('fc1_b', 'float32', [cr], w.b1);
  const [f1] = d.layer('convolution', 'fc1', [m!, w1, b1], win(1), [f32([n, cr, 1, 1])]);
  const [s1] = d.layer('unary', 'fc1_sig', [f1!], { op: 'sigmoid' }, [f32([n, cr, 1, 1])]);
  const [h] = d.layer('elementwise', 'fc1_mul', [f1!, s1!], { op: 'mul' }, [f32([n, cr, 1, 1])]);
  const w2 = d.constant('fc2_w', 'float32', [c, cr, 1, 1], w.w2);
  const b2 = d.constant('fc2_b', 'float32', [c], w.b2);
  const [f2] = d.layer('convolution', 'fc2', [h!, w2, b2], win(1), [f32([n, c, 1, 1])]);
  const [g] = d.layer('unary', 'gate', [f2!], { op: 'sigmoid' }, [f32([n, c, 1, 1])]);
  const [scaled] = d.layer('elementwise', 'scale', [t!, g!], { op: 'mul' }, [f32([n, c, sp, sp])]);
  const w3 = d.constant('conv2_w', 'float32', [4, c, 1, 1], randomFloat([4, c, 1, 1], 3, -0.3, 0.3).data);
  const b3 = d.constant('conv2_b', 'float32', [4], randomFloat([4], 4).data);
  const [y] = d.layer('convolution', 'conv2', [scaled!, w3, b3], win(1), [f32([n, 4, sp, sp])]);
  d.output(y!);
  d.output(s.gateIsOutput ? g! : scaled!);
  d.output(t!);
  if (s.meanIsOutput) d.output(m!);
  return d.finish();
}

/** The gate g [N, C] of the block for t [N, C, S, S] (NCHW), in float64. */
export function exciteReference(s: ExciteShape, t: Float32Array): Float64Array {
  const { batch: n, channels: c, hidden: cr, spatial: sp } = s;
  const w = exciteWeights(s);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const g = new Float64Array(n * c);
  for (let b = 0; b < n; b++) {
    const m = new Float64Array(c);
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let i = 0; i < sp * sp; i++) sum += t[(b * c + ch) * sp * sp + i]!;
      m[ch] = sum / (sp * sp);
    }
    const h = new Float64Array(cr);
    for (let r = 0; r < cr; r++) {
      let acc = w.b1[r]!;
      for (let ch = 0; ch < c; ch++) acc += w.w1[r * c + ch]! * m[ch]!;
      h[r] = acc * sigmoid(acc);
    }
    for (let ch = 0; ch < c; ch++) {
      let acc = w.b2[ch]!;
      for (let r = 0; r < cr; r++) acc += w.w2[ch * cr + r]! * h[r]!;
      g[b * c + ch] = sigmoid(acc);
    }
  }
  return g;
}

/** s = t * g, t [N, C, S, S] (NCHW), g [N, C]. */
export function scaleReference(s: ExciteShape, t: Float32Array, g: Float64Array): Float32Array {
  const plane = s.spatial * s.spatial;
  return Float32Array.from(t, (v, i) => v * g[Math.floor(i / plane)]!);
}
