/**
 * PyTorch 2.x's ONNX export of nn.MultiheadAttention's self-attention (torchvision's ViT), from
 * the packed in-projection on: the graph the lowering's sink-transposes pass and the builder's
 * attention fusion must together bring to one attention layer.
 *
 *   x[S,B,3E] -> Reshape[S,B,3,E] -> Unsqueeze(0) -> Transpose(3,1,2,0,4) -> Squeeze(3) -> [3,S,B,E]
 *     -> Gather(0 | 1 | -1) -> [S,B,E] -> Reshape[S,B*H,D] -> Transpose(1,0,2) -> [B*H,S,D]
 *        q, v: -> Reshape[B,H,S,D];  k: -> Transpose(0,2,1) -> Reshape[B,H,D,S]
 *   (q * c) @ (k * c) -> Softmax -> @ v -> y[B,H,S,D], with c = D^-1/4 where `scaled`
 */
import type { ModelSpec } from '../../src/ir/model-builder.js';
import { randomFloat } from '../engine/helpers/random.js';

export interface MhaSize {
  s: number;
  b: number;
  h: number;
  d: number;
  /** q and k each multiplied by D^-1/4, as SDPA's export writes the scale. */
  scaled?: boolean;
  /**
   * The output projection and the residual after it, as the export writes them: the result
   * [B,H,S,D] -> Transpose(2,0,1,3) -> Reshape [S*B, E] -> Gemm(+bias) -> Reshape [S,B,E]
   * -> Transpose(1,0,2) -> + r [B,S,E] (an input) -> y.
   */
  outProjection?: boolean;
}

const i64 = (v: number[], dims = [v.length]) => ({ dtype: 'int64' as const, dims, data: BigInt64Array.from(v, BigInt) });

export function torchMhaSpec({ s: S, b: B, h: H, d: D, scaled = false, outProjection = false }: MhaSize): ModelSpec {
  const E = H * D;
  const nodes: ModelSpec['nodes'] = [
    { op: 'Reshape', inputs: ['x', 'packed'], outputs: ['p4'] },
    { op: 'Unsqueeze', inputs: ['p4', 'zero'], outputs: ['p5'] },
    { op: 'Transpose', inputs: ['p5'], outputs: ['pt'], attrs: { perm: [3, 1, 2, 0, 4] } },
    { op: 'Squeeze', inputs: ['pt', 'three'], outputs: ['qkv'] },
  ];
  for (const [name, index] of [
    ['q', 'i0'],
    ['k', 'i1'],
    ['v', 'i2'],
  ] as const) {
    nodes.push(
      { op: 'Gather', inputs: ['qkv', index], outputs: [`${name}s`], attrs: { axis: 0 } },
      { op: 'Reshape', inputs: [`${name}s`, 'heads'], outputs: [`${name}v`] },
      { op: 'Transpose', inputs: [`${name}v`], outputs: [`${name}t`], attrs: { perm: [1, 0, 2] } },
    );
    const head = scaled && name !== 'v' ? `${name}u` : name;
    if (name === 'k') {
      nodes.push(
        { op: 'Transpose', inputs: ['kt'], outputs: ['ktt'], attrs: { perm: [0, 2, 1] } },
        { op: 'Reshape', inputs: ['ktt', 'kshape'], outputs: [head] },
      );
    } else {
      nodes.push({ op: 'Reshape', inputs: [`${name}t`, 'qshape'], outputs: [head] });
    }
    if (head !== name) nodes.push({ op: 'Mul', inputs: [head, 'c'], outputs: [name] });
  }
  nodes.push(
    { op: 'MatMul', inputs: ['q', 'k'], outputs: ['sc'] },
    { op: 'Softmax', inputs: ['sc'], outputs: ['a'], attrs: { axis: -1 } },
    { op: 'MatMul', inputs: ['a', 'v'], outputs: [outProjection ? 'o' : 'y'] },
  );
  if (outProjection) {
    nodes.push(
      { op: 'Transpose', inputs: ['o'], outputs: ['op'], attrs: { perm: [2, 0, 1, 3] } },
      { op: 'Reshape', inputs: ['op', 'rows'], outputs: ['or'] },
      { op: 'Gemm', inputs: ['or', 'wo', 'bo'], outputs: ['og'], attrs: { transB: 1 } },
      { op: 'Reshape', inputs: ['og', 'sbe'], outputs: ['os'] },
      { op: 'Transpose', inputs: ['os'], outputs: ['ot'], attrs: { perm: [1, 0, 2] } },
      { op: 'Add', inputs: ['ot', 'r'], outputs: ['y'] },
    );
  }
  return {
    inputs: [{ name: 'x', shape: [S, B, 3 * E] }, ...(outProjection ? [{ name: 'r', shape: [B, S, E] }] : [])],
    outputs: [{ name: 'y' }],
    initializers: {
      packed: i64([S, B, 3, E]),
      zero: i64([0]),
      three: i64([3]),
      i0: i64([0], []),
      i1: i64([1], []),
      i2: i64([-1], []), // a negative index: the last of the three
      heads: i64([S, B * H, D]),
      qshape: i64([B, H, S, D]),
      kshape: i64([B, H, D, S]),
      c: { dtype: 'float32', dims: [], data: Float32Array.of(D ** -0.25) },
      rows: i64([S * B, E]),
      sbe: i64([S, B, E]),
      wo: randomFloat([E, E], 21, -0.3, 0.3),
      bo: randomFloat([E], 22, -0.1, 0.1),
    },
    nodes,
  };
}
