/**
 * The converters' public face: the process-wide default registry (every built-in converter
 * of all.ts plus what `registerConverter` adds), and what a user needs to write a converter
 * of their own, typically for an op of a custom domain:
 *
 *   registerConverter({
 *     opType: 'MyRelu', domain: 'com.example', sinceVersion: 1,
 *     validate: (node, ctx) => (ctx.type(node.inputs[0]!)?.dtype === 'float32' ? { ok: true } : { ok: false, reason: 'MyRelu: float32 only' }),
 *     convert: (node, ctx, net) => ctx.setOutput(node, 0, net.add('unary', [ctx.input(node, 0)], { op: 'relu' }, node.name)[0]!),
 *   });
 *
 * `defineConverter` offers the plan/emit style the built-in converters use.
 */
import { ALL_CONVERTERS } from './all.js';
import { ConverterRegistry } from './registry.js';
import type { Converter } from './types.js';

let registry: ConverterRegistry | undefined;

/** The process-wide registry: the built-in converters plus every `registerConverter` call. */
export function defaultRegistry(): ConverterRegistry {
  registry ??= new ConverterRegistry(ALL_CONVERTERS);
  return registry;
}

/** A fresh registry of the built-in converters only (user registrations not included). */
export function builtinRegistry(): ConverterRegistry {
  return new ConverterRegistry(ALL_CONVERTERS);
}

/**
 * Adds a converter to the default registry, e.g. for a custom-domain op. A second converter
 * for the same op, domain and sinceVersion is an error (HybridError 'CONVERTER').
 */
export function registerConverter(converter: Converter): void {
  defaultRegistry().register(converter);
}

export { ALL_CONVERTERS } from './all.js';
export { ConverterRegistry } from './registry.js';
export { OK, reject, type Converter, type ConvertContext, type ValidateContext, type Validation } from './types.js';
export { defineConverter, Emitter, tensorOf, type ConverterSpec } from './define.js';
export { NodeView, Rejection, type IO } from './node-view.js';
export { validateContext, graphConstant } from './context.js';
export { NetworkBuilder, type TensorRef, type ParamsOf } from '../src/engine/builder.js';
export type { LayerSpec, NetworkDefinition, UnaryOp, BinaryOp, EngineDType } from '../src/engine/network.js';
