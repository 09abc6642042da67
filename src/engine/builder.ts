/**
 * NetworkBuilder: what converters emit layers into (TensorRT's INetworkDefinition). It assigns
 * tensor ids, asks the addon for each layer's output dtypes and shapes (layer-outputs.ts), and records
 * everything as a NetworkDefinition, which is all a test needs to inspect what a converter
 * emitted and all the native builder needs to compile it.
 */
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { inferLayerOutputs } from './layer-outputs.js';
import {
  type EngineDType,
  type LayerSpec,
  type NetLayer,
  type NetTensor,
  type NetworkDefinition,
  type TensorRef,
  ENGINE_DTYPES,
  NETWORK_FORMAT_VERSION,
} from './network.js';

export type { TensorRef } from './network.js';

/**
 * Params of the layer kind K. An intersection rather than Extract, so that a member naming two
 * kinds (quantize | dequantize) answers for each of them.
 */
export type ParamsOf<K extends LayerSpec['kind']> = (LayerSpec & { kind: K })['params'];

export function isEngineDType(d: string | undefined): d is EngineDType {
  return d !== undefined && (ENGINE_DTYPES as readonly string[]).includes(d);
}

export class NetworkBuilder {
  readonly tensors: NetTensor[] = [];
  readonly layers: NetLayer[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];

  constructor(readonly name = 'network') {}

  private newTensor(name: string, dtype: EngineDType, shape: readonly number[]): TensorRef {
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new HybridError('SHAPE', `tensor '${name}': dimension ${d} is not a static size`);
      }
    }
    const t: NetTensor = { id: this.tensors.length, name, dtype, shape: [...shape] };
    this.tensors.push(t);
    return t;
  }

  /** Declares a network input. */
  input(name: string, dtype: EngineDType, shape: readonly number[]): TensorRef {
    const t = this.newTensor(name, dtype, shape);
    this.inputs.push(t.id);
    return t;
  }

  /** Marks a tensor as a network output under `name`. */
  output(ref: TensorRef, name: string): void {
    this.tensors[ref.id]!.name = name;
    this.outputs.push(ref.id);
  }

  /** A constant tensor whose data views `t.data` (no copy). */
  constant(t: TensorData, name: string): TensorRef {
    if (!isEngineDType(t.dtype)) {
      throw new HybridError('UNSUPPORTED_DTYPE', `constant '${name}' has dtype ${t.dtype}, which engines do not hold`);
    }
    const out = this.newTensor(name, t.dtype, t.dims);
    this.layers.push({ kind: 'constant', name, params: {}, weights: t.data, inputs: [], outputs: [out.id] });
    return out;
  }

  /**
   * Adds a layer. Output dtypes and shapes follow from the kind, params and input shapes (the
   * addon's rules: layer-outputs.ts), except where a kind needs them given in `outputs`: slice
   * and resize (the shape), quantize without a zero point (the dtype), pointwise (both). Any
   * other given output must equal what the rule derives.
   */
  add<K extends Exclude<LayerSpec['kind'], 'constant'>>(
    kind: K,
    inputs: readonly TensorRef[],
    params: ParamsOf<K>,
    name: string,
    outputs?: ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }>,
  ): TensorRef[] {
    const outTypes = inferLayerOutputs(kind, inputs, params as never, outputs, name);
    const refs = outTypes.map((o, i) => this.newTensor(outTypes.length > 1 ? `${name}:${i}` : name, o.dtype, o.shape));
    this.layers.push({
      kind,
      name,
      params,
      inputs: inputs.map((t) => t.id),
      outputs: refs.map((r) => r.id),
    } as NetLayer);
    return refs;
  }

  /** The recorded network. */
  finish(): NetworkDefinition {
    return {
      formatVersion: NETWORK_FORMAT_VERSION,
      name: this.name,
      tensors: this.tensors,
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      layers: this.layers,
    };
  }
}
