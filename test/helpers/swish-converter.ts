/**
 * The converter of com.example::Swish, x * sigmoid(x): a custom op onnxruntime has no kernel
 * for, which only this converter runs (docs/converters.md's example without its beta), shared by
 * test/report/custom-op.test.ts and test/quantize/calibrate-runner.test.ts.
 */
import type { Converter } from '../../converters/types.js';

export const swishConverter: Converter = {
  opType: 'Swish',
  domain: 'com.example',
  sinceVersion: 1,
  validate: (node, ctx) => (ctx.type(node.inputs[0]!)?.dtype === 'float32' ? { ok: true } : { ok: false, reason: 'Swish: float32 input only' }),
  convert: (node, ctx, net) => {
    const x = ctx.input(node, 0);
    const [s] = net.add('unary', [x], { op: 'sigmoid' }, `${node.name}/sigmoid`);
    const [y] = net.add('elementwise', [x, s!], { op: 'mul' }, node.name);
    ctx.setOutput(node, 0, y!);
  },
};
