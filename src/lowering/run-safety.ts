/**
 * What may run where the original graph would not run it (inline-if runs an untaken branch, or
 * a guarded branch where its guard would have held): the ops that cannot fail on data values
 * (only on shapes) and have no effects or randomness, and the inputs of theirs that decide a
 * shape, an index, a length or an integer divisor, which must then be known.
 */
import type { Node } from '../ir/graph.js';
import type { DType } from '../onnx/dtype.js';
import { isIntegerDType } from '../onnx/dtype.js';

/** Ops that cannot fail on data values (only on shapes) and have no effects or randomness. */
export const TOTAL_OPS = new Set([
  ...['Abs', 'Acos', 'Acosh', 'Add', 'And', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'BatchNormalization', 'Cast', 'Ceil', 'Celu'],
  ...['Clip', 'Concat', 'Constant', 'ConstantOfShape', 'Conv', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'Div', 'Dropout'],
  ...['Einsum', 'Elu', 'Equal', 'Erf', 'Exp', 'Expand', 'Flatten', 'Floor', 'Gather', 'GatherElements', 'Gelu', 'Gemm', 'GlobalAveragePool'],
  ...['GlobalMaxPool', 'Greater', 'GreaterOrEqual', 'GroupNormalization', 'GRU', 'HardSigmoid', 'HardSwish', 'Identity', 'If'],
  ...['InstanceNormalization', 'IsInf', 'IsNaN', 'LayerNormalization', 'LeakyRelu', 'Less', 'LessOrEqual', 'Log', 'LogSoftmax', 'LRN', 'LSTM'],
  ...['MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mish', 'Mod', 'Mul', 'Neg', 'Not', 'OneHot', 'Or', 'Pad', 'Pow', 'PRelu', 'Range'],
  ...['Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd'],
  ...['ReduceSum', 'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'RNN', 'Round', 'Selu', 'Shape', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Size'],
  ...['Slice', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan', 'Tanh', 'ThresholdedRelu'],
  ...['Tile', 'Transpose', 'Trilu', 'Unsqueeze', 'Where', 'Xor'],
]);

/**
 * Inputs that decide a shape, an index, a length or an integer divisor: they must be constants
 * at the shapes the check looks at (a shape test of a dynamic model may guard exactly them).
 */
const PARAM_INPUTS: Record<string, number[]> = {
  ConstantOfShape: [0],
  CumSum: [1],
  Dropout: [1, 2],
  Expand: [1],
  GRU: [4],
  LSTM: [4],
  RNN: [4],
  Gather: [1],
  GatherElements: [1],
  NonMaxSuppression: [2, 3, 4],
  OneHot: [1],
  Pad: [1, 2, 3],
  Range: [0, 1, 2],
  Reshape: [1],
  Resize: [1, 2, 3],
  Slice: [1, 2, 3, 4],
  Split: [1],
  Squeeze: [1],
  Tile: [1],
  Unsqueeze: [1],
  ...Object.fromEntries([...TOTAL_OPS].filter((op) => op.startsWith('Reduce')).map((op) => [op, [1]])),
};

/**
 * The first input of `node` that sets a shape, an index, a length or an integer divisor and is
 * not in `known`, or undefined (`outDType`: the dtype of the node's output, for Div and Mod).
 */
export function unknownParamInput(node: Node, known: ReadonlySet<string>, outDType: DType | undefined): number | undefined {
  const params = [...(PARAM_INPUTS[node.opType] ?? [])];
  if ((node.opType === 'Div' || node.opType === 'Mod') && isIntegerDType(outDType ?? 'float32')) params.push(1);
  return params.find((i) => node.inputs[i] && !known.has(node.inputs[i]!));
}

/**
 * Whether `node` is an integer Div or Mod whose divisor is known (`divisor`: its values) and holds
 * a zero: onnxruntime fails it ("Integer division by zero") where the original would not run it.
 */
export function dividesByZero(node: Node, divisor: ArrayLike<number | bigint> | undefined, outDType: DType | undefined): boolean {
  if ((node.opType !== 'Div' && node.opType !== 'Mod') || !isIntegerDType(outDType ?? 'float32') || !divisor) return false;
  return Array.from(divisor).some((v) => Number(v) === 0);
}
