/**
 * Output dtype and shape of each network-IR layer kind, from its inputs and params
 * (see network.ts for each kind's semantics). Throws a HybridError naming the layer on
 * inconsistent inputs.
 */
import { HybridError } from '../errors.js';
import type { TensorRef } from './builder.js';
import type { EngineDType, LayerSpec } from './network.js';

export interface OutputType {
  dtype: EngineDType;
  shape: number[];
}

export function inferLayerOutputs(
  kind: Exclude<LayerSpec['kind'], 'constant'>,
  inputs: readonly TensorRef[],
  params: unknown,
  given: ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }> | undefined,
  name: string,
): OutputType[] {
  // TODO(converters): implement per kind.
  throw new HybridError('CONVERTER', `layer '${name}': shape rules for '${kind}' are not implemented yet (${inputs.length} inputs, ${JSON.stringify(params)}, ${given?.length ?? 0} given)`);
}
