/**
 * The REST inference body, in and out: JSON (`{ id, parameters, inputs: [{ name, shape,
 * datatype, data }], outputs: [{ name, parameters }] }`) and the binary tensor data extension
 * (the JSON header is the first `Inference-Header-Content-Length` bytes; inputs whose
 * `parameters.binary_data_size` is set take that many bytes of what follows, in input order;
 * outputs asked for with `binary_data: true`, or all with `binary_data_output: true`, are
 * answered the same way). Decoding only parses and frames; request.ts checks the tensors.
 */
import { toJsonText, toRaw } from './datatypes.js';
import { invalid } from './errors.js';
import type { InferResult } from './core.js';
import type { InferRequest, RequestInput, RequestOutput } from './request.js';

export const HEADER_LENGTH = 'inference-header-content-length';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

function parametersOf(o: Json, what: string): Json {
  if (o.parameters === undefined) return {};
  if (!isObject(o.parameters)) throw invalid(`${what}: parameters must be an object`);
  return o.parameters;
}

/**
 * An inference request body (JSON, or JSON then binary data where `headerLength` is given). The
 * body must be the request's own buffer, used for nothing else: its binary inputs' arrays may be
 * views of it (rest.ts places it so that they are aligned).
 */
export function decodeInferBody(body: Buffer, headerLength: string | undefined): InferRequest & { binaryOutputs: boolean } {
  let jsonEnd = body.length;
  if (headerLength !== undefined) {
    if (!/^\d+$/.test(headerLength) || Number(headerLength) > body.length) {
      throw invalid(`Inference-Header-Content-Length is ${JSON.stringify(headerLength)}, but the body has ${body.length} bytes`);
    }
    jsonEnd = Number(headerLength);
  }
  let json: unknown;
  try {
    json = JSON.parse(body.subarray(0, jsonEnd).toString('utf8'));
  } catch (e) {
    throw invalid(`the request body is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json)) throw invalid('the request body must be a JSON object { inputs: [...] }');
  const params = parametersOf(json, 'request');
  if (params.classification !== undefined)
    throw invalid('the classification extension is not supported; ask for the output tensor and rank it yourself');
  if (json.id !== undefined && typeof json.id !== 'string') throw invalid('id must be a string');
  if (!Array.isArray(json.inputs)) throw invalid('the request needs inputs: [{ name, shape, datatype, data }]');
  let at = jsonEnd;
  const inputs: RequestInput[] = json.inputs.map((i: unknown, k: number): RequestInput => {
    if (!isObject(i)) throw invalid(`inputs[${k}] must be an object { name, shape, datatype, data }`);
    const what = `input '${String(i.name)}'`;
    const p = parametersOf(i, what);
    if (p.binary_data_size === undefined) {
      if (i.data === undefined) throw invalid(`${what} has no data (nor parameters.binary_data_size)`);
      return { name: i.name, datatype: i.datatype, shape: i.shape, data: { kind: 'values', values: i.data } };
    }
    const size = p.binary_data_size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw invalid(`${what}: binary_data_size must be a non-negative integer`);
    if (headerLength === undefined) throw invalid(`${what} has binary_data_size but the request has no Inference-Header-Content-Length header`);
    if (i.data !== undefined) throw invalid(`${what} has both data and binary_data_size`);
    if (at + size > body.length) throw invalid(`${what}: binary data truncated: binary_data_size ${size}, but only ${body.length - at} bytes remain`);
    const bytes = body.subarray(at, at + size);
    at += size;
    return { name: i.name, datatype: i.datatype, shape: i.shape, data: { kind: 'raw', bytes, own: true } };
  });
  if (at !== body.length) throw invalid(`${body.length - at} bytes of binary data follow the inputs' binary_data_size`);
  const allBinary = params.binary_data_output === true;
  let outputs: RequestOutput[] | undefined;
  if (json.outputs !== undefined) {
    if (!Array.isArray(json.outputs)) throw invalid('outputs must be an array of { name, parameters }');
    outputs = json.outputs.map((o: unknown, k: number) => {
      if (!isObject(o) || typeof o.name !== 'string') throw invalid(`outputs[${k}] must be an object { name, parameters }`);
      const p = parametersOf(o, `output '${o.name}'`);
      if (p.classification !== undefined) throw invalid('the classification extension is not supported');
      return { name: o.name, binary: p.binary_data === undefined ? allBinary : p.binary_data === true };
    });
  }
  return { ...(json.id !== undefined ? { id: json.id as string } : {}), inputs, ...(outputs ? { outputs } : {}), binaryOutputs: allBinary };
}

export interface EncodedBody {
  /** The body: these parts one after the other (the JSON, then any binary outputs' bytes, as views). */
  parts: Uint8Array[];
  /** Bytes in all the parts. */
  length: number;
  contentType: string;
  /** Set where binary data follows the JSON. */
  headerLength?: number;
}

/**
 * The response: outputs asked for as binary follow the JSON header as raw bytes. The parts are
 * written one after the other (rest.ts), not joined: an output's bytes are not copied again.
 */
export function encodeInferResult(result: InferResult, binary: (name: string) => boolean): EncodedBody {
  const blobs: Uint8Array[] = [];
  const outputs = result.outputs.map((o) => {
    const head = `"name":${JSON.stringify(o.name)},"datatype":"${o.datatype}","shape":[${o.shape.join(',')}]`;
    if (!binary(o.name)) return `{${head},"data":${toJsonText(o.dtype, o.data)}}`;
    const raw = toRaw(o.data);
    blobs.push(raw);
    return `{${head},"parameters":{"binary_data_size":${raw.byteLength}}}`;
  });
  const id = result.id !== undefined ? `,"id":${JSON.stringify(result.id)}` : '';
  const json = Buffer.from(
    `{"model_name":${JSON.stringify(result.model_name)},"model_version":${JSON.stringify(result.model_version)}${id},"outputs":[${outputs.join(',')}]}`,
  );
  if (!blobs.length) return { parts: [json], length: json.length, contentType: 'application/json' };
  const length = blobs.reduce((n, b) => n + b.byteLength, json.length);
  return { parts: [json, ...blobs], length, contentType: 'application/octet-stream', headerLength: json.length };
}
