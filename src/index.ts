/**
 * hybridrt's public API.
 */
export { HybridError, isHybridError, type ErrorCode } from './errors.js';
export type { DType, NumericDType, TypedArray } from './onnx/dtype.js';
export type { TensorData } from './onnx/tensor.js';
export { loadModelProto, saveModelProto, type LoadModelOptions, type SaveModelOptions } from './onnx/model.js';
export { Graph, type Node } from './ir/graph.js';
export type { Dim, ValueType } from './ir/types.js';
