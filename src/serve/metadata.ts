/**
 * What the metadata endpoints answer, for REST and gRPC alike: the server's name, version and
 * protocol extensions; a model's versions, platform and tensors (datatype and shape, -1 for a
 * dim that varies: the batch of a batched model, any ranged dim). An input fixed at compile time
 * (inputValues) is listed at its value's shape: the protocol's tensor metadata cannot mark it
 * optional (docs/serve.md says so).
 */
import { VERSION } from '../version.js';
import type { OutputInfo, TensorInfo } from '../runtime/types.js';
import { datatypeOf } from './datatypes.js';
import type { ServedModel, ServedVersion } from './repository.js';

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/**
 * The protocol extensions this server implements. The repository index (POST
 * /v2/repository/index) is served too, but not the rest of Triton's model_repository extension
 * (load, unload), so it is not claimed.
 */
export const EXTENSIONS = ['binary_tensor_data'];

export function serverMetadata(): { name: string; version: string; extensions: string[] } {
  return { name: 'hybridrt', version: VERSION, extensions: EXTENSIONS };
}

function inputShape(i: TensorInfo): number[] {
  if (!i.ranges) return [...i.shape];
  return i.shape.map((_, d) => (i.ranges!.every((r) => r.min[d] === r.max[d] && r.min[d] === i.ranges![0]!.min[d]) ? i.ranges![0]!.min[d]! : -1));
}

function outputShape(o: OutputInfo, batched: boolean): number[] {
  return (o.shape ?? []).map((d, i) => (typeof d === 'number' && !(batched && i === 0) ? d : -1));
}

/** A ready version's metadata (the caller checked that it is ready). */
export function modelMetadata(m: ServedModel, v: ServedVersion): ModelMetadata {
  const model = v.model!;
  const batched = v.config!.maxBatchSize > 0;
  return {
    name: m.name,
    versions: m.versions.map((x) => x.version),
    platform: 'hybridrt',
    inputs: model.inputs.map((i) => ({ name: i.name, datatype: datatypeOf(i.dtype), shape: inputShape(i) })),
    // NOTE: an output whose dtype compile could not tell is reported as FP32, the common case;
    // the response to an inference always carries the real one.
    outputs: model.outputs.map((o) => ({ name: o.name, datatype: datatypeOf(o.dtype ?? 'float32'), shape: outputShape(o, batched) })),
  };
}
