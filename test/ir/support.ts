/**
 * Helpers for the IR tests: read ONNX .pb tensors of the conformance data, run a model on
 * onnxruntime (graph optimisations off, so that a model and its parts run the same kernels),
 * and compare an inferred type with the actual tensor that came out.
 */
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import type { ModelProto, TensorProto } from '../../src/onnx/proto.js';
import { encodeModel } from '../../src/onnx/model.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { fromOrtTensor, toOrtTensor } from '../../src/onnx/ort.js';
import type { Dim, ValueType } from '../../src/ir/types.js';
import { toNumber } from '../../src/onnx/proto.js';

export interface PbTensor {
  name: string;
  dims: number[];
  /** The ONNX element type code. */
  dataType: number;
  /** undefined: a type onnxruntime's JS API cannot hold (bfloat16, float8...). */
  tensor?: ort.Tensor;
}

const decoder = new TextDecoder();

/** Reads an input_N.pb / output_N.pb file (a TensorProto) as an onnxruntime tensor. */
export function readPb(file: string): PbTensor {
  const proto = TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto;
  const dims = proto.dims.map(toNumber);
  const name = proto.name ?? '';
  const dataType = proto.dataType ?? 0;
  if (dataType === 8)
    return {
      name,
      dims,
      dataType,
      tensor: new ort.Tensor(
        'string',
        proto.stringData.map((b) => decoder.decode(b)),
        dims,
      ),
    };
  try {
    return { name, dims, dataType, tensor: toOrtTensor(tensorFromProto(proto), name) };
  } catch {
    return { name, dims, dataType };
  }
}

export function toFeeds(feeds: Record<string, TensorData>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrtTensor(v, k)]));
}

export function fromOrt(t: ort.Tensor): TensorData {
  return fromOrtTensor(t);
}

/** Runs a model once on onnxruntime (CPU, graph optimisations off). */
export async function runOrt(model: ModelProto | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/**
 * Compares an inferred type with an actual tensor. `wrong` lists contradictions (a wrong
 * dtype, rank or number, or a symbol bound to two sizes); `less` says what was left unknown.
 * `bindings` maps symbols to the sizes seen so far (shared across the values of one model).
 */
export function compareType(
  inferred: ValueType | undefined,
  actual: { dtype: string; dims: readonly number[] },
  bindings: Map<string, number>,
): { wrong: string[]; less: string[] } {
  const wrong: string[] = [];
  const less: string[] = [];
  if (!inferred?.dtype) less.push('dtype');
  else if (inferred.dtype !== actual.dtype) wrong.push(`dtype ${inferred.dtype}, actual ${actual.dtype}`);
  const shape = inferred?.shape;
  if (!shape) less.push('rank');
  else if (shape.length !== actual.dims.length) wrong.push(`shape [${shape.join(',')}], actual [${actual.dims.join(',')}]`);
  else {
    shape.forEach((d: Dim, i) => {
      const a = actual.dims[i]!;
      if (typeof d === 'number') {
        if (d !== a) wrong.push(`shape [${shape.join(',')}], actual [${actual.dims.join(',')}]`);
      } else {
        less.push(`dim ${i} '${d}'`);
        const b = bindings.get(d);
        if (b !== undefined && b !== a) wrong.push(`symbol '${d}' stands for ${b} and ${a}`);
        bindings.set(d, a);
      }
    });
  }
  return { wrong: [...new Set(wrong)], less };
}

/** Binds "k*A*B" product symbols whose factors are bound, and checks them. */
export function checkProducts(bindings: Map<string, number>): string[] {
  const wrong: string[] = [];
  for (const [sym, size] of bindings) {
    const parts = sym.split('*');
    if (parts.length < 2) continue;
    let p = 1;
    let ok = true;
    for (const f of parts) {
      if (/^\d+$/.test(f)) p *= Number(f);
      else if (bindings.has(f)) p *= bindings.get(f)!;
      else ok = false;
    }
    if (ok && p !== size) wrong.push(`symbol '${sym}' is ${size}, its factors give ${p}`);
  }
  return wrong;
}
