/**
 * NetDraft: writes a NetworkDefinition by hand, tensor by tensor, so engine tests do not
 * depend on the converters or on the builder's derived shapes (src/engine/layer-outputs.ts): every
 * output dtype and shape is given explicitly (usually taken from onnxruntime's output).
 */
import type { TypedArray } from '../../../src/onnx/dtype.js';
import type { EngineDType, NetLayer, NetTensor, NetworkDefinition } from '../../../src/engine/network.js';

export class NetDraft {
  readonly tensors: NetTensor[] = [];
  readonly layers: NetLayer[] = [];
  readonly inputs: number[] = [];
  readonly outputs: number[] = [];

  constructor(readonly name = 'test') {}

  tensor(name: string, dtype: EngineDType, shape: number[]): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, dtype, shape: [...shape] });
    return id;
  }

  input(name: string, dtype: EngineDType, shape: number[]): number {
    const id = this.tensor(name, dtype, shape);
    this.inputs.push(id);
    return id;
  }

  constant(name: string, dtype: EngineDType, shape: number[], weights: TypedArray): number {
    const id = this.tensor(name, dtype, shape);
    this.layers.push({ kind: 'constant', name, params: {}, weights, inputs: [], outputs: [id] });
    return id;
  }

  /** Adds a layer; returns its output tensor ids. */
  layer(kind: string, name: string, inputs: number[], params: object, outputs: Array<{ dtype: EngineDType; shape: number[] }>): number[] {
    const ids = outputs.map((o, i) => this.tensor(outputs.length > 1 ? `${name}:${i}` : name, o.dtype, o.shape));
    this.layers.push({ kind, name, params, inputs, outputs: ids } as unknown as NetLayer);
    return ids;
  }

  output(id: number): void {
    this.outputs.push(id);
  }

  finish(): NetworkDefinition {
    return {
      formatVersion: 1,
      name: this.name,
      tensors: this.tensors,
      inputs: this.inputs,
      outputs: this.outputs,
      layers: this.layers,
    };
  }
}
