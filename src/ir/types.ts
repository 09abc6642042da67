/**
 * Value types of the graph IR. A dimension is a known size or a symbolic name; equal symbols
 * in one graph denote equal sizes. An unknown dimension gets a fresh symbol ("unk__N"), an
 * unknown rank an undefined `shape`, an unknown element type an undefined `dtype`: inference
 * leaves a value less known rather than wrong.
 */
import type { DType } from '../onnx/dtype.js';
import type { TypeProto } from '../onnx/proto.js';
import { dtypeFromOnnx, dtypeToOnnx } from '../onnx/dtype.js';
import { toLong, toNumber } from '../onnx/proto.js';

export type Dim = number | string;

export interface ValueType {
  dtype?: DType;
  shape?: Dim[];
}

export function isStaticShape(shape: readonly Dim[] | undefined): shape is number[] {
  return shape !== undefined && shape.every((d) => typeof d === 'number');
}

export function formatShape(shape: readonly Dim[] | undefined): string {
  if (!shape) return '?';
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

export function formatType(t: ValueType | undefined): string {
  return `${t?.dtype ?? '?'}[${t?.shape ? t.shape.join(',') : '?'}]`;
}

// Anonymous dims (neither value nor name) get process-unique symbols, so two unknown dims
// never look equal; valueTypeToProto writes `unk__` symbols back as anonymous dims.
let anonymousDims = 0;

/** Reads a TypeProto (tensor types only; sequences/maps give an empty type). */
export function valueTypeFromProto(tp: TypeProto | null | undefined): ValueType {
  const tt = tp?.tensorType;
  if (!tt) return {};
  const out: ValueType = {};
  const dtype = dtypeFromOnnx(tt.elemType ?? 0);
  if (dtype) out.dtype = dtype;
  if (tt.shape) {
    out.shape = tt.shape.dim.map((d) => {
      // NOTE: protobufjs puts oneof defaults on the prototype (dimValue reads as 0 on a
      // symbolic or unknown dim), so only an own property counts as set.
      if (d.dimParam) return d.dimParam;
      if (Object.hasOwn(d, 'dimValue') && d.dimValue !== undefined && d.dimValue !== null) return toNumber(d.dimValue);
      return `unk__dim${anonymousDims++}`;
    });
  }
  return out;
}

/** Writes a ValueType as a TypeProto (tensor type). */
export function valueTypeToProto(t: ValueType): TypeProto {
  const tensorType: NonNullable<TypeProto['tensorType']> = { elemType: t.dtype ? dtypeToOnnx(t.dtype) : 0 };
  if (t.shape) {
    tensorType.shape = {
      dim: t.shape.map((d) => (typeof d === 'number' ? { dimValue: toLong(d) } : d.startsWith('unk__') ? {} : { dimParam: d })),
    };
  }
  return { tensorType };
}

export { toNumber };
