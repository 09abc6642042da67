/**
 * Output dtype and shape of each network-IR layer, asked of the addon (`inferLayer`): the
 * rules that validate every network before it is built (native/layers/<kind>.cc, in
 * derive mode) are the one authority on what a layer accepts and makes, so a converter's
 * layer and the engine built from it cannot disagree. network.ts documents each kind's
 * semantics; layer-dtypes.ts lists the element types converters may emit.
 *
 * The kinds whose output a rule cannot work out take it given: slice and resize (the
 * shape), quantize (the dtype), pointwise (both). Any other given output must equal what
 * the rule derives. A layer the rules refuse is a converter bug: HybridError('CONVERTER')
 * naming the layer, thrown where the layer is made rather than when the engine is built.
 */
import { HybridError } from '../errors.js';
import { loadNative } from './native.js';
import type { EngineDType, LayerSpec, TensorRef } from './network.js';

export interface OutputType {
  dtype: EngineDType;
  shape: number[];
}

type Kind = Exclude<LayerSpec['kind'], 'constant'>;
export type GivenOutputs = ReadonlyArray<{ dtype?: EngineDType; shape?: readonly number[] }> | undefined;

export function inferLayerOutputs(kind: Kind, inputs: readonly TensorRef[], params: unknown, given: GivenOutputs, name: string): OutputType[] {
  const addon = loadNative();
  try {
    return addon.inferLayer({
      kind,
      name,
      params: params as Record<string, unknown>,
      inputs: inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })),
      outputs: given,
    });
  } catch (e) {
    const message = (e as { message?: unknown })?.message;
    throw new HybridError('CONVERTER', typeof message === 'string' ? message : String(e), { cause: e });
  }
}
