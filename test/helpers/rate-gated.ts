/**
 * A model shaped as Silero VAD v5 is: its body sits in an If whose condition comes from an
 * int64 scalar input `sr` (`sr == 16000`). The 16 kHz branch is engine work (MatMul, Sigmoid,
 * Add); the other counts NonZero, which lowering will not run untaken, so without a fixed `sr`
 * the If stays on onnxruntime. Used by the compile-time input value tests (compiler and CLI).
 */
import type { ModelSpec } from '../../src/ir/model-builder.js';

export const RATE_GATED: ModelSpec = {
  inputs: [
    { name: 'x', dtype: 'float32', shape: [1, 8] },
    { name: 'sr', dtype: 'int64', shape: [] },
  ],
  outputs: [{ name: 'y', dtype: 'float32' }],
  initializers: {
    w: { dtype: 'float32', dims: [8, 4], data: Float32Array.from({ length: 32 }, (_, i) => ((i * 7) % 5) / 4 - 0.5) },
    b: { dtype: 'float32', dims: [4], data: Float32Array.of(0.1, -0.2, 0.3, -0.4) },
    rate: { dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) },
  },
  nodes: [
    { op: 'Equal', inputs: ['sr', 'rate'], outputs: ['is16k'] },
    {
      op: 'If',
      inputs: ['is16k'],
      outputs: ['y'],
      attrs: {
        then_branch: {
          graph: {
            outputs: [{ name: 't', dtype: 'float32' }],
            nodes: [
              { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
              { op: 'Add', inputs: ['m', 'b'], outputs: ['a'] },
              { op: 'Sigmoid', inputs: ['a'], outputs: ['t'] },
            ],
          },
        },
        else_branch: {
          graph: {
            outputs: [{ name: 'e', dtype: 'float32' }],
            nodes: [
              { op: 'NonZero', inputs: ['x'], outputs: ['nz'] },
              { op: 'ReduceSum', inputs: ['nz'], outputs: ['n'], attrs: { keepdims: 1 } },
              { op: 'Cast', inputs: ['n'], outputs: ['e'], attrs: { to: 1 } },
            ],
          },
        },
      },
    },
  ],
};

type Weight = { dtype: 'float32'; dims: number[]; data: Float32Array };

/**
 * RATE_GATED with a layer int8 takes ahead of the If (the int8 input-value tests: quantize(),
 * compile() and their CLI forms): audio [batch, 8] ─► MatMul W0 ─► Relu ─► x ─► If.
 */
export function rateGatedWithHead(W0: Weight, batch: number): ModelSpec {
  return {
    ...RATE_GATED,
    inputs: [
      { name: 'audio', dtype: 'float32', shape: [batch, 8] },
      { name: 'sr', dtype: 'int64', shape: [] },
    ],
    initializers: { ...RATE_GATED.initializers, W0 },
    nodes: [...HEAD, ...RATE_GATED.nodes],
  };
}

/** rateGatedWithHead with the 16 kHz branch written in the If's place (the tests' reference). */
export function rateGatedTaken(W0: Weight, batch: number): ModelSpec {
  return {
    inputs: [{ name: 'audio', dtype: 'float32', shape: [batch, 8] }],
    outputs: [{ name: 'y', dtype: 'float32' }],
    initializers: { W0, w: RATE_GATED.initializers!.w!, b: RATE_GATED.initializers!.b! },
    nodes: [
      ...HEAD,
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { op: 'Add', inputs: ['m', 'b'], outputs: ['s'] },
      { op: 'Sigmoid', inputs: ['s'], outputs: ['y'] },
    ],
  };
}

const HEAD = [
  { op: 'MatMul', inputs: ['audio', 'W0'], outputs: ['m0'] },
  { op: 'Relu', inputs: ['m0'], outputs: ['x'] },
];
