/**
 * What Conv and ConvTranspose read alike: X and W of one float type with 1 to 3 spatial dims,
 * the kernel from W (a kernel_shape attribute must agree with it), the group count, and the
 * optional bias B; and the one layer either emits from [X, W, B?].
 */
import type { ParamsOf } from '../src/engine/builder.js';
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { sameShape } from '../src/engine/shape-math.js';
import type { EngineDType } from '../src/engine/network.js';
import type { Emitter } from './define.js';
import type { IO, NodeView } from './node-view.js';

export interface ConvOperands {
  x: IO;
  w: IO;
  dtype: EngineDType;
  /** Spatial dims (1 to 3). */
  n: number;
  kernel: number[];
  groups: number;
}

export function convOperands(v: NodeView): ConvOperands {
  const x = v.in(0);
  const w = v.in(1);
  const dtype = v.dtype(0, FLOAT_DTYPES);
  v.check(w.dtype === dtype, () => `W has dtype ${w.dtype}, X ${dtype}`);
  const n = x.shape.length - 2;
  v.check(n >= 1 && n <= 3, () => `X has rank ${x.shape.length}; engines convolve 1 to 3 spatial dims (rank 3 to 5)`);
  v.check(w.shape.length === n + 2, () => `W [${w.shape}] does not match X [${x.shape}]`);
  const kernel = w.shape.slice(2);
  const ks = v.ints('kernel_shape');
  v.check(!ks || sameShape(ks, kernel), () => `kernel_shape [${ks}] differs from W's [${kernel}]`);
  return { x, w, dtype, n, kernel, groups: v.int('group', 1) };
}

/** The optional bias B must be `dtype`[channels]. */
export function checkBias(v: NodeView, dtype: EngineDType, channels: number): void {
  if (!v.has(2)) return;
  const b = v.in(2);
  v.check(b.dtype === dtype && sameShape(b.shape, [channels]), () => `B ${b.dtype}[${b.shape}] must be ${dtype}[${channels}]`);
}

/** Emits `kind` over [X, W, B?] as the node's output. */
export function emitConvLike<K extends 'convolution' | 'deconvolution'>(e: Emitter, kind: K, params: ParamsOf<K>): void {
  const inputs = [e.input(0), e.input(1)];
  if (e.node.inputs[2]) inputs.push(e.input(2));
  e.output(0, e.add(kind, inputs, params));
}
