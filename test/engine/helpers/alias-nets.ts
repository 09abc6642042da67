/**
 * Networks whose reshapes are byte views (native/src/builder/alias.h: the builder makes them aliases
 * of their inputs), each with its onnxruntime twin as the reference:
 *
 *   chain:   x [1,4,8,8] -> conv 3x3 -> c [1,8,8,8] -> reshape r1 [1,8,64] -> reshape r2 [8,64]
 *              -> relu -> y [8,64]
 *
 *   reread:  x [1,4,8,8] -> conv 3x3 -> c [1,8,8,8] -> flatten f [1,512] -> relu r [1,512]
 *              -> unflatten u [1,8,8,8] ─┐
 *            c -> sigmoid s [1,8,8,8] ───┴─ add -> y [1,8,8,8]
 *            outputs y, c, f (c and f: two outputs of one alias group). The sigmoid reads c
 *            after the flatten and the relu, so c's bytes must outlive its alias f.
 */
import ort from 'onnxruntime-node';
import type { NetworkDefinition } from '../../../src/engine/network.js';
import { buildModel, type NodeSpec } from '../../../src/ir/model-builder.js';
import { encodeModel } from '../../../src/onnx/model.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { NetDraft } from './net.js';
import { randomFloat, tensor } from './random.js';

export const X_SHAPE = [1, 4, 8, 8];
const W = randomFloat([8, 4, 3, 3], 11, -0.3, 0.3);
const B = randomFloat([8], 12);
const CONV = { kernel: [3, 3], strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], groups: 1 };
const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });

function conv(d: NetDraft): { x: number; c: number } {
  const x = d.input('x', 'float32', X_SHAPE);
  const w = d.constant('w', 'float32', W.dims, W.data);
  const b = d.constant('b', 'float32', B.dims, B.data);
  const [c] = d.layer('convolution', 'c', [x, w, b], CONV, [f32([1, 8, 8, 8])]);
  return { x, c: c! };
}

export function chainNet(): NetworkDefinition {
  const d = new NetDraft('chain');
  const { c } = conv(d);
  const [r1] = d.layer('shuffle', 'r1', [c], { reshape: [1, 8, 64] }, [f32([1, 8, 64])]);
  const [r2] = d.layer('shuffle', 'r2', [r1!], { reshape: [8, 64] }, [f32([8, 64])]);
  const [y] = d.layer('unary', 'y', [r2!], { op: 'relu' }, [f32([8, 64])]);
  d.output(y!);
  return d.finish();
}

export function rereadNet(): NetworkDefinition {
  const d = new NetDraft('reread');
  const { c } = conv(d);
  const [f] = d.layer('shuffle', 'f', [c], { reshape: [1, 512] }, [f32([1, 512])]);
  const [r] = d.layer('unary', 'r', [f!], { op: 'relu' }, [f32([1, 512])]);
  const [s] = d.layer('unary', 's', [c], { op: 'sigmoid' }, [f32([1, 8, 8, 8])]);
  const [u] = d.layer('shuffle', 'u', [r!], { reshape: [1, 8, 8, 8] }, [f32([1, 8, 8, 8])]);
  const [y] = d.layer('elementwise', 'y', [u!, s!], { op: 'add' }, [f32([1, 8, 8, 8])]);
  d.output(y!);
  d.output(c);
  d.output(f!);
  return d.finish();
}

const shapeOf = (name: string, dims: number[]) => ({ [name]: tensor('int64', [dims.length], dims) });

async function runModel(nodes: NodeSpec[], outputs: string[], initializers: Record<string, TensorData>, x: Float32Array): Promise<Float32Array[]> {
  const model = buildModel({
    inputs: [{ name: 'x', dtype: 'float32', shape: X_SHAPE }],
    outputs: outputs.map((name) => ({ name })),
    nodes,
    initializers: { w: W, b: B, ...initializers },
    opset: 18,
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const res = await session.run({ x: new ort.Tensor('float32', x, X_SHAPE) });
    return outputs.map((o) => res[o]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

const convNode: NodeSpec = { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } };

/** onnxruntime on chainNet's twin: [y]. */
export function chainReference(x: Float32Array): Promise<Float32Array[]> {
  return runModel(
    [
      convNode,
      { op: 'Reshape', inputs: ['c', 's1'], outputs: ['r1'] },
      { op: 'Reshape', inputs: ['r1', 's2'], outputs: ['r2'] },
      { op: 'Relu', inputs: ['r2'], outputs: ['y'] },
    ],
    ['y'],
    { ...shapeOf('s1', [1, 8, 64]), ...shapeOf('s2', [8, 64]) },
    x,
  );
}

/** onnxruntime on rereadNet's twin: [y, c, f]. */
export function rereadReference(x: Float32Array): Promise<Float32Array[]> {
  return runModel(
    [
      convNode,
      { op: 'Reshape', inputs: ['c', 'sf'], outputs: ['f'] },
      { op: 'Relu', inputs: ['f'], outputs: ['r'] },
      { op: 'Sigmoid', inputs: ['c'], outputs: ['s'] },
      { op: 'Reshape', inputs: ['r', 'su'], outputs: ['u'] },
      { op: 'Add', inputs: ['u', 's'], outputs: ['y'] },
    ],
    ['y', 'c', 'f'],
    { ...shapeOf('sf', [1, 512]), ...shapeOf('su', [1, 8, 8, 8]) },
    x,
  );
}

/** Tensor ids of a network by name. */
export function tensorIds(net: NetworkDefinition): Record<string, number> {
  return Object.fromEntries(net.tensors.map((t) => [t.name, t.id]));
}
