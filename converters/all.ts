/**
 * Every built-in converter, one line per ONNX op (alphabetical), each line naming the list of
 * that op's converters (one per opset form). This list is the registry's whole content: no
 * converter registers itself on import.
 */
import { binaryConverters } from './binary.js';
import { castConverters } from './cast.js';
import { clipConverters } from './clip.js';
import { concatConverters } from './concat.js';
import { constantConverters } from './constant.js';
import { convTransposeConverters } from './conv-transpose.js';
import { convConverters } from './conv.js';
import { depthSpaceConverters } from './depth-space.js';
import { constantOfShapeConverters } from './constant-of-shape.js';
import { argMinMaxConverters } from './arg-min-max.js';
import { attentionConverters } from './attention.js';
import { celuConverters } from './celu.js';
import { cumsumConverters } from './cumsum.js';
import { dynamicQuantizeConverters } from './dynamic-quantize.js';
import { einsumConverters } from './einsum.js';
import { embedLayerNormConverters } from './embed-layer-norm.js';
import { expandConverters } from './expand.js';
import { rangeConverters } from './range.js';
import { scatterConverters } from './scatter.js';
import { floatClassConverters } from './float-class.js';
import { gatherConverters } from './gather.js';
import { gatherNdConverters } from './gather-nd.js';
import { gridSampleConverters } from './grid-sample.js';
import { identityConverters } from './identity.js';
import { integerProductConverters } from './integer-products.js';
import { lrnConverters } from './lrn.js';
import { matmulConverters } from './matmul.js';
import { microsoftConverters } from './microsoft.js';
import { normalizationConverters } from './normalization.js';
import { oneHotConverters } from './one-hot.js';
import { padConverters } from './pad.js';
import { poolConverters } from './pool.js';
import { preluConverters } from './prelu.js';
import { quantizeConverters } from './quantize.js';
import { recurrentConverters } from './recurrent.js';
import { reduceConverters } from './reduce.js';
import { reshapeConverters } from './reshape.js';
import { resizeConverters } from './resize.js';
import { nmsConverters } from './nms.js';
import { nonZeroConverters } from './nonzero.js';
import { roiAlignConverters } from './roi-align.js';
import { shapeOfConverters } from './shape-of.js';
import { sliceConverters } from './slice.js';
import { softmaxConverters } from './softmax.js';
import { splitConverters } from './split.js';
import { tileConverters } from './tile.js';
import { topKConverters } from './topk.js';
import { transposeConverters } from './transpose.js';
import { triluConverters } from './trilu.js';
import type { Converter } from './types.js';
import { unaryConverters } from './unary.js';
import { whereConverters } from './where.js';

const from = (list: Converter[], ...ops: string[]): Converter[] => list.filter((c) => ops.includes(c.opType));

export const ALL_CONVERTERS: readonly Converter[] = [
  ...from(unaryConverters, 'Abs'),
  ...from(binaryConverters, 'Add'),
  ...from(binaryConverters, 'And'),
  ...from(argMinMaxConverters, 'ArgMax'),
  ...from(argMinMaxConverters, 'ArgMin'),
  ...from(poolConverters, 'AveragePool'),
  ...from(normalizationConverters, 'BatchNormalization'),
  ...castConverters, // Cast, CastLike
  ...from(unaryConverters, 'Ceil'),
  ...celuConverters, // Celu
  ...clipConverters, // Clip
  ...concatConverters, // Concat
  ...constantConverters, // Constant
  ...constantOfShapeConverters, // ConstantOfShape
  ...convConverters, // Conv
  ...from(integerProductConverters, 'ConvInteger'),
  ...convTransposeConverters, // ConvTranspose
  ...from(unaryConverters, 'Cos'),
  ...cumsumConverters, // CumSum
  ...from(depthSpaceConverters, 'DepthToSpace'),
  ...from(quantizeConverters, 'DequantizeLinear'),
  ...from(binaryConverters, 'Div'),
  ...from(identityConverters, 'Dropout'),
  ...dynamicQuantizeConverters, // DynamicQuantizeLinear
  ...einsumConverters, // Einsum
  ...from(unaryConverters, 'Elu'),
  ...from(binaryConverters, 'Equal'),
  ...from(unaryConverters, 'Erf'),
  ...from(unaryConverters, 'Exp'),
  ...expandConverters, // Expand
  ...from(reshapeConverters, 'Flatten'),
  ...from(unaryConverters, 'Floor'),
  ...from(gatherConverters, 'Gather'),
  ...from(gatherConverters, 'GatherElements'),
  ...gatherNdConverters, // GatherND
  ...from(unaryConverters, 'Gelu'),
  ...from(matmulConverters, 'Gemm'),
  ...from(poolConverters, 'GlobalAveragePool'),
  ...from(poolConverters, 'GlobalMaxPool'),
  ...from(binaryConverters, 'Greater'),
  ...from(binaryConverters, 'GreaterOrEqual'),
  ...gridSampleConverters, // GridSample
  ...from(normalizationConverters, 'GroupNormalization'),
  ...from(recurrentConverters, 'GRU'),
  ...from(unaryConverters, 'HardSigmoid'),
  ...from(unaryConverters, 'HardSwish'),
  ...from(identityConverters, 'Identity'),
  ...from(normalizationConverters, 'InstanceNormalization'),
  ...from(floatClassConverters, 'IsInf'),
  ...from(floatClassConverters, 'IsNaN'),
  ...from(normalizationConverters, 'LayerNormalization'),
  ...from(unaryConverters, 'LeakyRelu'),
  ...from(binaryConverters, 'Less'),
  ...from(binaryConverters, 'LessOrEqual'),
  ...from(unaryConverters, 'Log'),
  ...from(softmaxConverters, 'LogSoftmax'),
  ...lrnConverters, // LRN
  ...from(recurrentConverters, 'LSTM'),
  ...from(matmulConverters, 'MatMul'),
  ...from(integerProductConverters, 'MatMulInteger'),
  ...from(binaryConverters, 'Max'),
  ...from(poolConverters, 'MaxPool'),
  ...from(binaryConverters, 'Min'),
  ...from(unaryConverters, 'Mish'),
  ...from(binaryConverters, 'Mod'),
  ...from(binaryConverters, 'Mul'),
  ...from(unaryConverters, 'Neg'),
  ...nmsConverters, // NonMaxSuppression
  ...nonZeroConverters, // NonZero
  ...from(unaryConverters, 'Not'),
  ...oneHotConverters, // OneHot
  ...from(binaryConverters, 'Or'),
  ...padConverters, // Pad
  ...from(binaryConverters, 'Pow'),
  ...preluConverters, // PRelu
  ...from(quantizeConverters, 'QuantizeLinear'),
  ...rangeConverters, // Range
  ...from(unaryConverters, 'Reciprocal'),
  ...from(reduceConverters, 'ReduceL1'),
  ...from(reduceConverters, 'ReduceL2'),
  ...from(reduceConverters, 'ReduceLogSumExp'),
  ...from(reduceConverters, 'ReduceMax'),
  ...from(reduceConverters, 'ReduceMean'),
  ...from(reduceConverters, 'ReduceMin'),
  ...from(reduceConverters, 'ReduceProd'),
  ...from(reduceConverters, 'ReduceSum'),
  ...from(reduceConverters, 'ReduceSumSquare'),
  ...from(unaryConverters, 'Relu'),
  ...from(reshapeConverters, 'Reshape'),
  ...resizeConverters, // Resize
  ...from(recurrentConverters, 'RNN'),
  ...roiAlignConverters, // RoiAlign
  ...from(unaryConverters, 'Round'),
  ...from(scatterConverters, 'Scatter'),
  ...from(scatterConverters, 'ScatterElements'),
  ...from(scatterConverters, 'ScatterND'),
  ...from(unaryConverters, 'Selu'),
  ...from(shapeOfConverters, 'Shape'),
  ...from(unaryConverters, 'Sigmoid'),
  ...from(unaryConverters, 'Sign'),
  ...from(unaryConverters, 'Sin'),
  ...from(shapeOfConverters, 'Size'),
  ...sliceConverters, // Slice
  ...from(softmaxConverters, 'Softmax'),
  ...from(unaryConverters, 'Softplus'),
  ...from(depthSpaceConverters, 'SpaceToDepth'),
  ...splitConverters, // Split
  ...from(unaryConverters, 'Sqrt'),
  ...from(reshapeConverters, 'Squeeze'),
  ...from(binaryConverters, 'Sub'),
  ...from(unaryConverters, 'Tanh'),
  ...tileConverters, // Tile
  ...topKConverters, // TopK
  ...transposeConverters, // Transpose
  ...triluConverters, // Trilu
  ...from(reshapeConverters, 'Unsqueeze'),
  ...whereConverters, // Where
  ...from(binaryConverters, 'Xor'),
  // Domain com.microsoft: the ops onnxruntime's transformer optimizer writes.
  ...from(attentionConverters, 'Attention'),
  ...from(microsoftConverters, 'BiasGelu'),
  ...embedLayerNormConverters, // EmbedLayerNormalization
  ...from(microsoftConverters, 'FastGelu'),
  ...from(microsoftConverters, 'FusedMatMul'),
  ...from(microsoftConverters, 'Gelu'),
  ...from(attentionConverters, 'MultiHeadAttention'),
  ...from(microsoftConverters, 'QuickGelu'),
  ...from(microsoftConverters, 'SkipLayerNormalization'),
];
