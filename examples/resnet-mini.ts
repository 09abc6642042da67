/**
 * resnet_mini.onnx: a small ResNet-style CNN laid out the way torchvision's ResNet exports at
 * opset 17: a conv-BN-ReLU stem with max pooling, three basic residual blocks (the last two
 * strided, with a 1x1 conv + BN projection on the skip path), global average pooling,
 * Flatten and a Gemm classifier. Input `input` [N,3,64,64] with a symbolic batch; output
 * `logits` [N,10]. Convolutions have no bias (BN follows them), as in torchvision.
 */
import type { ModelSpec, NodeSpec } from '../src/ir/model-builder.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { type Rng, kaiming, uniform } from './weights.js';

export const RESNET_CLASSES = 10;

class Net {
  nodes: NodeSpec[] = [];
  inits: Record<string, TensorData> = {};
  constructor(readonly rng: Rng) {}

  add(name: string, op: string, inputs: string[], attrs?: NodeSpec['attrs']): string {
    const out = `${name}_output_0`;
    this.nodes.push({ name, op, inputs, outputs: [out], attrs });
    return out;
  }

  conv(prefix: string, x: string, cin: number, cout: number, k: number, stride: number): string {
    const w = `${prefix}.weight`;
    this.inits[w] = kaiming(this.rng, [cout, cin, k, k], cin * k * k);
    const pad = (k - 1) >> 1;
    return this.add(`/${prefix.replaceAll('.', '/')}/Conv`, 'Conv', [x, w], {
      dilations: [1, 1],
      group: 1,
      kernel_shape: [k, k],
      pads: [pad, pad, pad, pad],
      strides: [stride, stride],
    });
  }

  bn(prefix: string, x: string, c: number): string {
    // Trained-looking statistics: scale near 1, small shifts, variances near 1.
    const p = (s: string) => `${prefix}.${s}`;
    this.inits[p('weight')] = uniform(this.rng, [c], 0.8, 1.2);
    this.inits[p('bias')] = uniform(this.rng, [c], -0.1, 0.1);
    this.inits[p('running_mean')] = uniform(this.rng, [c], -0.1, 0.1);
    this.inits[p('running_var')] = uniform(this.rng, [c], 0.8, 1.2);
    return this.add(
      `/${prefix.replaceAll('.', '/')}/BatchNormalization`,
      'BatchNormalization',
      [x, p('weight'), p('bias'), p('running_mean'), p('running_var')],
      { epsilon: { float: 1e-5 }, momentum: { float: 0.9 } },
    );
  }

  relu(name: string, x: string): string {
    return this.add(name, 'Relu', [x]);
  }

  /** torchvision's BasicBlock: conv-bn-relu-conv-bn, plus the (projected) input, then ReLU. */
  basicBlock(prefix: string, x: string, cin: number, cout: number, stride: number): string {
    let h = this.conv(`${prefix}.conv1`, x, cin, cout, 3, stride);
    h = this.relu(`/${prefix.replaceAll('.', '/')}/relu/Relu`, this.bn(`${prefix}.bn1`, h, cout));
    h = this.bn(`${prefix}.bn2`, this.conv(`${prefix}.conv2`, h, cout, cout, 3, 1), cout);
    let skip = x;
    if (stride !== 1 || cin !== cout) {
      skip = this.bn(`${prefix}.downsample.1`, this.conv(`${prefix}.downsample.0`, x, cin, cout, 1, stride), cout);
    }
    const sum = this.add(`/${prefix.replaceAll('.', '/')}/Add`, 'Add', [h, skip]);
    return this.relu(`/${prefix.replaceAll('.', '/')}/relu_1/Relu`, sum);
  }
}

export function resnetMiniSpec(rng: Rng): ModelSpec {
  const net = new Net(rng);
  let x = net.conv('conv1', 'input', 3, 16, 3, 2);
  x = net.relu('/relu/Relu', net.bn('bn1', x, 16));
  x = net.add('/maxpool/MaxPool', 'MaxPool', [x], {
    ceil_mode: 0,
    dilations: [1, 1],
    kernel_shape: [3, 3],
    pads: [1, 1, 1, 1],
    strides: [2, 2],
  });
  x = net.basicBlock('layer1.0', x, 16, 16, 1);
  x = net.basicBlock('layer2.0', x, 16, 32, 2);
  x = net.basicBlock('layer3.0', x, 32, 64, 2);
  x = net.add('/avgpool/GlobalAveragePool', 'GlobalAveragePool', [x]);
  x = net.add('/Flatten', 'Flatten', [x], { axis: 1 });
  net.inits['fc.weight'] = kaiming(rng, [RESNET_CLASSES, 64], 64);
  net.inits['fc.bias'] = uniform(rng, [RESNET_CLASSES], -0.125, 0.125);
  net.nodes.push({
    name: '/fc/Gemm',
    op: 'Gemm',
    inputs: [x, 'fc.weight', 'fc.bias'],
    outputs: ['logits'],
    attrs: { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 },
  });
  return {
    name: 'resnet_mini',
    opset: 17,
    inputs: [{ name: 'input', dtype: 'float32', shape: ['N', 3, 64, 64] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: ['N', RESNET_CLASSES] }],
    nodes: net.nodes,
    initializers: net.inits,
  };
}
