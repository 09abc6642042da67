/**
 * The element types each network-IR layer kind accepts: what converters check before they
 * emit a layer; the addon's layer rules (layer-outputs.ts) enforce them when the layer is made.
 * The addon is the authority: test/engine/layer-dtypes.test.ts asks it of every op and dtype
 * listed here and fails where the two differ. It stays a table, not asked of the addon at run
 * time, because converters read it when they are imported (their notes), and importing them
 * and analyze() must work where the addon is missing (test/compiler/no-addon.test.ts).
 */
import type { BinaryOp, EngineDType, LayerSpec, UnaryOp } from './network.js';
import { ENGINE_DTYPES } from './network.js';

type ReduceOp = Extract<LayerSpec, { kind: 'reduce' }>['params']['op'];

export const FLOAT_DTYPES: readonly EngineDType[] = ['float32', 'float16', 'bfloat16'];
/** Float and the integer types arithmetic layers accept. */
export const NUMERIC_DTYPES: readonly EngineDType[] = [...FLOAT_DTYPES, 'int32', 'int64'];

/** Element types of a unary op's input (the output has the same type). */
export function unaryDTypes(op: UnaryOp): readonly EngineDType[] {
  switch (op) {
    case 'identity':
      return ENGINE_DTYPES;
    case 'not':
      return ['bool'];
    case 'abs':
    case 'neg':
    case 'sign':
    case 'relu':
    case 'clip':
      return NUMERIC_DTYPES;
    default:
      return FLOAT_DTYPES;
  }
}

/** Element types of an elementwise op's inputs (both the same type). */
export function binaryDTypes(op: BinaryOp): readonly EngineDType[] {
  switch (op) {
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'max':
    case 'min':
    case 'less':
    case 'greater':
    case 'fmod':
      return NUMERIC_DTYPES;
    case 'mod':
      return ['int32', 'int64'];
    case 'equal':
      return [...NUMERIC_DTYPES, 'bool'];
    case 'and':
    case 'or':
      return ['bool'];
    case 'pow':
    case 'prelu':
      return FLOAT_DTYPES;
  }
}

/** Element types of a reduce op's input. */
export function reduceDTypes(op: ReduceOp): readonly EngineDType[] {
  return op === 'sum' || op === 'max' || op === 'min' || op === 'prod' ? NUMERIC_DTYPES : FLOAT_DTYPES;
}

/** Element types of a pooling layer's input. */
export function poolingDTypes(mode: 'max' | 'average'): readonly EngineDType[] {
  return mode === 'max' ? [...FLOAT_DTYPES, 'int8', 'uint8'] : FLOAT_DTYPES;
}
