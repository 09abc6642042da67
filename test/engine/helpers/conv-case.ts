/**
 * One 2-d convolution case against onnxruntime through checkLayer (helpers/compare.ts): an
 * NCHW input, m output channels, a kernel, strides, pads, dilations and groups, a bias, and optionally a
 * residual added then a Relu (the builder forms the layer takes: `residual`, `activation`).
 * The weights are drawn in [-0.2, 0.2] so that sums over thousands of products stay near the
 * scale of the inputs. Shared by the suites that hold one product path each to onnxruntime.
 */
import { checkLayer } from './compare.js';
import { randomFloat } from './random.js';

export interface ConvCase {
  x: number[];
  m: number;
  kernel: number[];
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  groups?: number;
  relu?: boolean;
  residual?: boolean;
  seed: number;
}

export async function checkConvCase(c: ConvCase, threads: number): Promise<void> {
  const groups = c.groups ?? 1;
  const strides = c.strides ?? [1, 1];
  const pads = c.pads ?? [0, 0, 0, 0];
  const dilations = c.dilations ?? [1, 1];
  const attrs = { kernel_shape: c.kernel, strides, pads, dilations, group: groups };
  const params = {
    kernel: c.kernel,
    strides,
    padsBegin: pads.slice(0, 2),
    padsEnd: pads.slice(2),
    dilations,
    groups,
    ...(c.relu ? { activation: { op: 'relu' } } : {}),
    ...(c.residual ? { residual: true } : {}),
  };
  const span = (i: number) => (c.kernel[i]! - 1) * dilations[i]! + 1;
  const oh = Math.floor((c.x[2]! + pads[0]! + pads[2]! - span(0)) / strides[0]!) + 1;
  const ow = Math.floor((c.x[3]! + pads[1]! + pads[3]! - span(1)) / strides[1]!) + 1;
  const inputs = [randomFloat(c.x, c.seed), randomFloat([c.m, c.x[1]! / groups, ...c.kernel], c.seed + 1, -0.2, 0.2), randomFloat([c.m], c.seed + 2)];
  if (c.residual) inputs.push(randomFloat([c.x[0]!, c.m, oh, ow], c.seed + 3));
  const then = [...(c.residual ? [{ op: 'Add', extraInputs: ['x3'] }] : []), ...(c.relu ? [{ op: 'Relu' }] : [])];
  await checkLayer({
    op: 'Conv',
    attrs,
    inputs,
    constants: [1, 2],
    ...(c.residual ? { onnxInputs: ['x0', 'x1', 'x2'] } : {}),
    kind: 'convolution',
    then,
    params,
    threads,
  });
}
