/**
 * hybridrt's public API: compile an ONNX model into a HybridModel (engine segments on the cpu
 * or cuda backend, the rest on onnxruntime-node), run it with onnxruntime Tensors, read its
 * partition report; register converters for custom ops; load and save models; serve a model
 * repository over the Open Inference Protocol (docs/serve.md); calibrate a model and write it as
 * a Q/DQ (int8) model (docs/quantization.md). docs/api.md has an example and every option.
 */
import ort from 'onnxruntime-node';
export { HybridError, isHybridError, type ErrorCode } from './errors.js';
export type { DType, NumericDType, TypedArray } from './onnx/dtype.js';
export type { TensorData } from './onnx/tensor.js';
export { loadModelProto, saveModelProto, type LoadModelOptions, type SaveModelOptions } from './onnx/model.js';
export type { ModelProto } from './onnx/proto.js';
export { Graph, type Node } from './ir/graph.js';
export type { Dim, ValueType } from './ir/types.js';

export { compile, type CompiledModel } from './compiler/compile.js';
export { load, readArtifact, type LoadOptions } from './artifact/load.js';
export type { SaveOptions } from './artifact/save.js';
export type { Manifest } from './artifact/manifest.js';
export type { Backend, CompileOptions, CompilePhase, InputSpec, LogLevel } from './compiler/options.js';
export type { ModelSource } from './compiler/source.js';
export type { InputShape, Profile, ShapeRange } from './compiler/profiles.js';
export type { EngineSummary, ModelReport } from './compiler/report.js';
export type { ReportData } from './report/model.js';
export { analyze, type AnalyzeOptions, type AnalyzeResult } from './compiler/analyze.js';
export { renderReport, REPORT_FORMATS, type RenderOptions, type ReportFormat } from './report/index.js';
export { HybridModel, type DeviceOutputs, type ModelRunOptions, type Outputs } from './runtime/hybrid-model.js';
export { DeviceTensor, toDevice } from './engine/device-tensor.js';
export type { FeedValue, Feeds } from './runtime/feeds.js';
export type { CopyKind, CopyTotals, ModelStats, OutputInfo, RunStats, SegmentRunStats, TensorInfo, TransferStats } from './runtime/types.js';

export { registerConverter, defaultRegistry, builtinRegistry, ConverterRegistry, defineConverter } from '../converters/index.js';
export type { Converter, ConvertContext, ValidateContext, Validation } from '../converters/types.js';
export type { NetworkBuilder, TensorRef } from './engine/builder.js';
export type { Precision } from './engine/network.js';
export { compiledBackends, cudaAvailable, deviceQuery, type DeviceStatus } from './engine/engine.js';
export { serve, type HybridServer, type ServeOptions } from './serve/server.js';
export { quantize, type QuantizeOptions, type QuantizeResult } from './quantize/quantize.js';
export { calibrate, CALIBRATION_METHODS, type Calibration, type CalibrationOptions } from './quantize/calibrate.js';
export type { CalibrationOption } from './compiler/int8.js';
export type { ReportInt8, ReportInt8Kept } from './report/int8.js';
export type { CalibrationData, CalibrationFeeds } from './quantize/data.js';
export {
  readCache as readCalibrationCache,
  writeCache as writeCalibrationCache,
  type CalibrationCache,
  type CalibrationMethod,
} from './quantize/cache.js';

/**
 * onnxruntime-node's Tensor class: the class of run()'s outputs (`out.logits instanceof Tensor`)
 * and of its feeds. onnxruntime-node is CommonJS and loads onnxruntime-common's CommonJS build,
 * whose Tensor is another class than that of the package's ESM build, so the class is taken
 * from onnxruntime-node itself, as run() makes its outputs.
 */
export const Tensor = ort.Tensor;
export type Tensor = ort.Tensor;
