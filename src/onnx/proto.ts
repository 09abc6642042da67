/**
 * TypeScript shapes of the decoded ONNX messages (see schema.ts). Field names are protobufjs'
 * camelCase forms of onnx.proto's names. int64 fields decode to `Long`; use `toNumber`.
 * Only the fields hybridrt reads are typed; the decoded objects carry every field, so a
 * model written back keeps what it was loaded with.
 */
import Long from 'long';

export type Int64 = Long | number;

export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface TensorShapeDimProto {
  dimValue?: Int64 | null;
  dimParam?: string | null;
  denotation?: string;
}

export interface TensorShapeProto {
  dim: TensorShapeDimProto[];
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: TensorShapeProto | null } | null;
  sequenceType?: { elemType?: TypeProto | null } | null;
  mapType?: { keyType?: number; valueType?: TypeProto | null } | null;
  optionalType?: { elemType?: TypeProto | null } | null;
  sparseTensorType?: { elemType?: number; shape?: TensorShapeProto | null } | null;
  denotation?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto | null;
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface TensorProto {
  dims: Int64[];
  dataType?: number;
  segment?: { begin?: Int64; end?: Int64 } | null;
  floatData: number[];
  int32Data: number[];
  stringData: Uint8Array[];
  int64Data: Int64[];
  name?: string;
  docString?: string;
  rawData?: Uint8Array | null;
  externalData: StringStringEntryProto[];
  dataLocation?: number;
  doubleData: number[];
  uint64Data: Int64[];
  metadataProps?: StringStringEntryProto[];
}

export interface SparseTensorProto {
  values?: TensorProto | null;
  indices?: TensorProto | null;
  dims: Int64[];
}

/** AttributeProto.AttributeType codes. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export interface AttributeProto {
  name?: string;
  refAttrName?: string;
  docString?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto | null;
  g?: GraphProto | null;
  sparseTensor?: SparseTensorProto | null;
  tp?: TypeProto | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
  sparseTensors?: SparseTensorProto[];
  typeProtos?: TypeProto[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  overload?: string;
  attribute: AttributeProto[];
  docString?: string;
  metadataProps?: StringStringEntryProto[];
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  sparseInitializer: SparseTensorProto[];
  docString?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  quantizationAnnotation?: unknown[];
  metadataProps?: StringStringEntryProto[];
}

export interface FunctionProto {
  name?: string;
  input: string[];
  output: string[];
  attribute: string[];
  attributeProto: AttributeProto[];
  node: NodeProto[];
  docString?: string;
  opsetImport: OperatorSetIdProto[];
  domain?: string;
  overload?: string;
  valueInfo?: ValueInfoProto[];
  metadataProps?: StringStringEntryProto[];
}

export interface ModelProto {
  irVersion?: Int64;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64;
  docString?: string;
  graph?: GraphProto | null;
  metadataProps: StringStringEntryProto[];
  trainingInfo?: unknown[];
  functions: FunctionProto[];
}

/** An int64 protobuf field as a JS number (exact up to 2^53; beyond, nearest double). */
export function toNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** An int64 protobuf field as a bigint (exact). */
export function toBigInt(v: Int64 | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  return typeof v === 'number' ? BigInt(v) : BigInt(v.toString());
}

/** A JS number or bigint as a protobuf int64 value. */
export function toLong(v: number | bigint): Long {
  return typeof v === 'bigint' ? Long.fromString(v.toString()) : Long.fromNumber(v);
}
