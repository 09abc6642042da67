/**
 * Tensor files, by extension: `.npy` (NumPy) and `.pb` (one serialized ONNX TensorProto, as
 * in the ONNX backend test data's input_N.pb / output_N.pb). A TensorProto's name is returned
 * with the tensor, and written when given. Every problem with a file is a HybridError naming
 * it: TENSOR_FILE for a missing, unreadable, truncated or inconsistent file, UNSUPPORTED_DTYPE
 * for a valid file of a type hybridrt does not handle (strings, float8, complex...).
 */
import path from 'node:path';
import { HybridError, isHybridError } from '../errors.js';
import { decodeNpy, encodeNpy, readFileForTensor, writeFileForTensor } from './npy.js';
import type { TensorProto } from './proto.js';
import { resolveTensorExternalData } from './model.js';
import { TensorProtoType } from './schema.js';
import { type TensorData, tensorFromProto, tensorToProto } from './tensor.js';

export interface TensorFile {
  tensor: TensorData;
  /** The TensorProto's name (.pb files that have one); undefined for .npy. */
  name?: string;
}

export type TensorFileFormat = 'npy' | 'pb';

/** The format of a tensor file from its extension, or a TENSOR_FILE error. */
export function tensorFileFormat(file: string): TensorFileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.pb') return 'pb';
  throw new HybridError('TENSOR_FILE', `${file}: unknown tensor file type '${ext || '(no extension)'}'; use .npy or .pb`);
}

/** Reads a .npy or .pb tensor file. */
export function readTensorFile(file: string): TensorFile {
  const format = tensorFileFormat(file);
  const bytes = readFileForTensor(file);
  if (format === 'npy') return { tensor: decodeNpy(bytes, file) };
  return decodeTensorProtoFile(bytes, file, path.dirname(path.resolve(file)));
}

/** Writes a tensor as .npy or .pb (by extension); `name` is stored in a .pb file. */
export function writeTensorFile(file: string, tensor: TensorData, name?: string): void {
  const format = tensorFileFormat(file);
  writeFileForTensor(file, format === 'npy' ? encodeNpy(tensor, file) : encodeTensorProtoFile(tensor, name, file));
}

/**
 * Decodes one serialized TensorProto. External data, if the tensor has any, is read from
 * `baseDir` under the same confinement rules as a model's.
 */
export function decodeTensorProtoFile(bytes: Uint8Array, label = '<pb>', baseDir?: string): TensorFile {
  if (bytes.length === 0) throw new HybridError('TENSOR_FILE', `${label}: empty file, not a TensorProto`);
  let proto: TensorProto;
  try {
    proto = TensorProtoType.decode(bytes) as unknown as TensorProto;
  } catch (e) {
    throw new HybridError('TENSOR_FILE', `${label}: not a TensorProto (truncated or corrupt protobuf: ${(e as Error).message})`, {
      cause: e,
    });
  }
  // NOTE: SequenceProto and OptionalProto files decode as TensorProtos too (same field numbers
  // and wire types for fields 1-3), with field 3 landing in 'segment', which a tensor file never uses.
  if (!proto.dataType || proto.segment) {
    throw new HybridError(
      'TENSOR_FILE',
      `${label}: not a single TensorProto (${proto.dataType ? "it has a 'segment'" : 'no data_type'}; sequence, map and optional files are not supported)`,
    );
  }
  try {
    if (proto.dataLocation === 1) {
      if (!baseDir) throw new HybridError('EXTERNAL_DATA', `tensor uses external data; it can only be read from a file`);
      resolveTensorExternalData(proto, baseDir);
    }
    const tensor = tensorFromProto(proto);
    return proto.name ? { tensor, name: proto.name } : { tensor };
  } catch (e) {
    if (!isHybridError(e)) throw e;
    // Keep UNSUPPORTED_DTYPE / EXTERNAL_DATA codes; anything wrong inside the tensor is the file's fault.
    const code = e.code === 'UNSUPPORTED_DTYPE' || e.code === 'EXTERNAL_DATA' ? e.code : 'TENSOR_FILE';
    throw new HybridError(code, `${label}: ${e.message}`, { cause: e });
  }
}

/** Encodes a tensor as one serialized TensorProto (raw little-endian data). */
export function encodeTensorProtoFile(tensor: TensorData, name?: string, label = 'tensor'): Uint8Array {
  let proto: TensorProto;
  try {
    proto = tensorToProto(tensor, name);
  } catch (e) {
    if (!isHybridError(e)) throw e;
    throw new HybridError('TENSOR_FILE', `${label}: ${e.message}`, { cause: e });
  }
  return TensorProtoType.encode(proto as never).finish();
}
