/**
 * ONNX model and tensor I/O in one import: models from a path or bytes (external data confined
 * to the model's folder) and back; TensorProto <-> typed arrays for every numeric dtype;
 * .npy and .pb tensor files; onnxruntime tensors without copies. The protobuf schema and the
 * decoded message shapes are in schema.ts and proto.ts.
 * NOTE: this barrel loads onnxruntime-node (through ort.ts); import the files themselves where
 * that matters.
 */
export {
  type DType,
  type NumericDType,
  type TypedArray,
  DTYPE_SIZE,
  OnnxDataType,
  allocTyped,
  bytesOf,
  dtypeFromOnnx,
  dtypeToOnnx,
  isFloatDType,
  isIntegerDType,
  numel,
  onnxTypeName,
  viewAs,
} from './dtype.js';
export { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './half.js';
export {
  type LoadModelOptions,
  type SaveModelOptions,
  allTensors,
  confineExternalPath,
  decodeModel,
  encodeModel,
  loadModelProto,
  resolveTensorExternalData,
  saveModelProto,
} from './model.js';
export { decodeNpy, encodeNpy, readNpy, writeNpy } from './npy.js';
export { type OrtTensor, fromOrtTensor, toOrtTensor } from './ort.js';
export { type Int64, toBigInt, toLong, toNumber } from './proto.js';
export { type TensorData, isNumericDType, tensorFromProto, tensorProtoDType, tensorToProto } from './tensor.js';
export {
  type TensorFile,
  type TensorFileFormat,
  decodeTensorProtoFile,
  encodeTensorProtoFile,
  readTensorFile,
  tensorFileFormat,
  writeTensorFile,
} from './tensor-file.js';
