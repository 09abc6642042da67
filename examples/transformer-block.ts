/**
 * transformer_block.onnx: one pre-norm transformer encoder block as PyTorch's exporter writes
 * it at opset 17 (where ONNX has LayerNormalization but no Gelu yet):
 *
 *   x ─► LayerNorm ─► Q,K,V = MatMul+Add ─► Reshape [b,s,H,Dh] (shape from Shape─►Gather─►
 *   Unsqueeze─►Concat) ─► Transpose ─► MatMul(Q,Kᵀ) ─► Div √Dh ─► Softmax ─► MatMul V ─►
 *   Transpose ─► Reshape [b,s,D] ─► MatMul+Add ─► +x = h
 *   h ─► LayerNorm ─► MatMul+Add ─► Gelu as x·½·(1+erf(x/√2)) ─► MatMul+Add ─► +h = output
 *
 * Input `hidden_states` [batch, seq, 64] (symbolic batch and seq); output `output`, same shape.
 * Small constants are Constant nodes, as the exporter emits them.
 */
import type { ModelSpec, NodeSpec } from '../src/ir/model-builder.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { type Rng, int64s, scalar, uniform, xavier } from './weights.js';

export const D_MODEL = 64;
export const HEADS = 4;
const HEAD_DIM = D_MODEL / HEADS;
const D_FF = 4 * D_MODEL;

class Block {
  nodes: NodeSpec[] = [];
  inits: Record<string, TensorData> = {};
  constructor(readonly rng: Rng) {}

  add(name: string, op: string, inputs: string[], attrs?: NodeSpec['attrs'], output?: string): string {
    const out = output ?? `${name}_output_0`;
    this.nodes.push({ name, op, inputs, outputs: [out], attrs });
    return out;
  }

  constant(name: string, value: TensorData): string {
    return this.add(name, 'Constant', [], { value });
  }

  layerNorm(prefix: string, x: string): string {
    this.inits[`${prefix}.weight`] = uniform(this.rng, [D_MODEL], 0.9, 1.1);
    this.inits[`${prefix}.bias`] = uniform(this.rng, [D_MODEL], -0.05, 0.05);
    return this.add(`/${prefix}/LayerNormalization`, 'LayerNormalization', [x, `${prefix}.weight`, `${prefix}.bias`], {
      axis: -1,
      epsilon: { float: 1e-5 },
    });
  }

  /** nn.Linear on a 3-D input: MatMul with the transposed weight, then Add of the bias. */
  linear(prefix: string, x: string, fin: number, fout: number, output?: string): string {
    const w = `onnx::MatMul_${prefix}`;
    this.inits[w] = xavier(this.rng, [fin, fout], fin, fout);
    this.inits[`${prefix}.bias`] = uniform(this.rng, [fout], -0.02, 0.02);
    const mm = this.add(`/${prefix.replaceAll('.', '/')}/MatMul`, 'MatMul', [x, w]);
    return this.add(`/${prefix.replaceAll('.', '/')}/Add`, 'Add', [mm, `${prefix}.bias`], undefined, output);
  }
}

export function transformerBlockSpec(rng: Rng): ModelSpec {
  const b = new Block(rng);
  const x = 'hidden_states';
  const ln1 = b.layerNorm('norm1', x);

  // The exporter rebuilds the head-split shape from the runtime shape of the input.
  const shape = b.add('/attn/Shape', 'Shape', [ln1]);
  const batch = b.add('/attn/Gather', 'Gather', [shape, b.constant('/attn/Constant', int64s([0], []))], { axis: 0 });
  const seq = b.add('/attn/Gather_1', 'Gather', [shape, b.constant('/attn/Constant_1', int64s([1], []))], { axis: 0 });
  const axes0 = b.constant('/attn/Constant_2', int64s([0]));
  const batchU = b.add('/attn/Unsqueeze', 'Unsqueeze', [batch, axes0]);
  const seqU = b.add('/attn/Unsqueeze_1', 'Unsqueeze', [seq, axes0]);
  const splitShape = b.add(
    '/attn/Concat',
    'Concat',
    [batchU, seqU, b.constant('/attn/Constant_3', int64s([HEADS])), b.constant('/attn/Constant_4', int64s([HEAD_DIM]))],
    { axis: 0 },
  );

  const heads = (name: string, perm: number[]) => {
    const lin = b.linear(`attn.${name}_proj`, ln1, D_MODEL, D_MODEL);
    const r = b.add(`/attn/${name}/Reshape`, 'Reshape', [lin, splitShape], { allowzero: 0 });
    return b.add(`/attn/${name}/Transpose`, 'Transpose', [r], { perm });
  };
  const q = heads('q', [0, 2, 1, 3]); // [b,H,s,Dh]
  const k = heads('k', [0, 2, 3, 1]); // [b,H,Dh,s]
  const v = heads('v', [0, 2, 1, 3]); // [b,H,s,Dh]

  const scores = b.add('/attn/MatMul', 'MatMul', [q, k]);
  const scaled = b.add('/attn/Div', 'Div', [scores, b.constant('/attn/Constant_5', scalar(Math.sqrt(HEAD_DIM)))]);
  const probs = b.add('/attn/Softmax', 'Softmax', [scaled], { axis: -1 });
  const ctx = b.add('/attn/MatMul_1', 'MatMul', [probs, v]);
  const ctxT = b.add('/attn/Transpose', 'Transpose', [ctx], { perm: [0, 2, 1, 3] });
  const mergeShape = b.add('/attn/Concat_1', 'Concat', [batchU, seqU, b.constant('/attn/Constant_6', int64s([D_MODEL]))], { axis: 0 });
  const merged = b.add('/attn/Reshape', 'Reshape', [ctxT, mergeShape], { allowzero: 0 });
  const attnOut = b.linear('attn.out_proj', merged, D_MODEL, D_MODEL);
  const h = b.add('/Add', 'Add', [x, attnOut]);

  const ln2 = b.layerNorm('norm2', h);
  const ff1 = b.linear('ffn.fc1', ln2, D_MODEL, D_FF);
  // Exported GELU (approximate='none'): x * 0.5 * (1 + erf(x / sqrt(2))), in the exporter's order.
  const div = b.add('/ffn/act/Div', 'Div', [ff1, b.constant('/ffn/act/Constant', scalar(Math.SQRT2))]);
  const erf = b.add('/ffn/act/Erf', 'Erf', [div]);
  const plus1 = b.add('/ffn/act/Add', 'Add', [erf, b.constant('/ffn/act/Constant_1', scalar(1))]);
  const mul = b.add('/ffn/act/Mul', 'Mul', [ff1, plus1]);
  const gelu = b.add('/ffn/act/Mul_1', 'Mul', [mul, b.constant('/ffn/act/Constant_2', scalar(0.5))]);
  const ff2 = b.linear('ffn.fc2', gelu, D_FF, D_MODEL);
  b.add('/Add_1', 'Add', [h, ff2], undefined, 'output');

  return {
    name: 'transformer_block',
    opset: 17,
    inputs: [{ name: x, dtype: 'float32', shape: ['batch', 'seq', D_MODEL] }],
    outputs: [{ name: 'output', dtype: 'float32', shape: ['batch', 'seq', D_MODEL] }],
    nodes: b.nodes,
    initializers: b.inits,
  };
}
