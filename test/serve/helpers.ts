/**
 * What the serving tests share: a small CNN with a dynamic batch (Conv 3->4, Relu, global
 * average pool, Flatten -> 'features' [N,4], Gemm -> 'logits' [N,5]), a repository written to a
 * temporary folder, a server on loopback at ephemeral ports, a REST helper and a gRPC client
 * built from the server's own service definition.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { inferencePackage } from '../../src/serve/grpc-proto.js';
import { type HybridServer, type ServeOptions, serve } from '../../src/serve/server.js';
import { mulberry32 } from '../../src/util/random.js';

const random = (n: number, seed: number) => {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
};

/**
 * The test CNN's bytes: input 'x' [N,3,8,8] float32 ([N,3,H,W] with `spatial`: the pool makes
 * any size work), outputs 'features' [N,4] and 'logits' [N,5].
 */
export function cnnBytes(spatial = false): Uint8Array {
  const model = buildModel({
    inputs: [{ name: 'x', shape: spatial ? ['N', 3, 'H', 'W'] : ['N', 3, 8, 8] }],
    outputs: [
      { name: 'features', shape: ['N', 4] },
      { name: 'logits', shape: ['N', 5] },
    ],
    initializers: {
      w: { dtype: 'float32', dims: [4, 3, 3, 3], data: random(108, 1) },
      b: { dtype: 'float32', dims: [4], data: random(4, 2) },
      fc: { dtype: 'float32', dims: [4, 5], data: random(20, 3) },
      fcb: { dtype: 'float32', dims: [5], data: random(5, 4) },
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'GlobalAveragePool', inputs: ['r'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['features'] },
      { op: 'Gemm', inputs: ['features', 'fc', 'fcb'], outputs: ['logits'] },
    ],
  });
  return encodeModel(model, 'cnn');
}

/** Two inputs: 'a' and 'b' [N,4] float32, output 'sum' = a + b. */
export function addBytes(): Uint8Array {
  const model = buildModel({
    inputs: [
      { name: 'a', shape: ['N', 4] },
      { name: 'b', shape: ['N', 4] },
    ],
    outputs: [{ name: 'sum', shape: ['N', 4] }],
    nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['sum'] }],
  });
  return encodeModel(model, 'add');
}

/**
 * One input and output of each of three datatypes: 'h' FP16 [N,4] -> 'h2' = 2h (FP16; left out
 * with `half` false), 'i' INT64 [N,3] -> 'i2' = i + i, 'b' BOOL [N,2] -> 'nb' = not b.
 */
export function typedBytes(half = true): Uint8Array {
  const h = half ? [true] : [];
  const model = buildModel({
    inputs: [
      ...h.map(() => ({ name: 'h', dtype: 'float16' as const, shape: ['N', 4] })),
      { name: 'i', dtype: 'int64', shape: ['N', 3] },
      { name: 'b', dtype: 'bool', shape: ['N', 2] },
    ],
    outputs: [
      ...h.map(() => ({ name: 'h2', dtype: 'float16' as const, shape: ['N', 4] })),
      { name: 'i2', dtype: 'int64', shape: ['N', 3] },
      { name: 'nb', dtype: 'bool', shape: ['N', 2] },
    ],
    nodes: [
      ...h.map(() => ({ op: 'Add', inputs: ['h', 'h'], outputs: ['h2'] })),
      { op: 'Add', inputs: ['i', 'i'], outputs: ['i2'] },
      { op: 'Not', inputs: ['b'], outputs: ['nb'] },
    ],
  });
  return encodeModel(model, 'typed');
}

export const CNN_ITEM = [3, 8, 8];
export const CNN_ITEM_ELEMENTS = 3 * 8 * 8;

/** Input data of `batch` items, distinct per seed. */
export function cnnInput(batch: number, seed: number): Float32Array {
  return random(batch * CNN_ITEM_ELEMENTS, 1000 + seed);
}

export interface ModelFolder {
  /** Version -> file name and bytes (default version 1, model.onnx). */
  versions?: Record<string, { file: string; bytes: Uint8Array | string }>;
  config?: unknown;
}

/** A repository in a fresh temporary folder. */
export function makeRepository(models: Record<string, ModelFolder>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybrid-serve-'));
  for (const [name, m] of Object.entries(models)) {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    if (m.config !== undefined)
      fs.writeFileSync(path.join(folder, 'config.json'), typeof m.config === 'string' ? m.config : JSON.stringify(m.config));
    for (const [version, f] of Object.entries(m.versions ?? { 1: { file: 'model.onnx', bytes: cnnBytes() } })) {
      fs.mkdirSync(path.join(folder, version));
      fs.writeFileSync(path.join(folder, version, f.file), f.bytes);
    }
  }
  return dir;
}

export function startServer(modelRepository: string, options: Partial<ServeOptions> = {}): Promise<HybridServer> {
  return serve({ modelRepository, httpPort: 0, grpcPort: 0, host: '127.0.0.1', ...options });
}

export interface RestReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One HTTP request on a fresh connection. */
export function rest(port: number, method: string, url: string, body?: string | Buffer, headers: http.OutgoingHttpHeaders = {}): Promise<RestReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: { ...headers, Connection: 'close' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: b, json: () => JSON.parse(b.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const postJson = (port: number, url: string, value: unknown) =>
  rest(port, 'POST', url, JSON.stringify(value), { 'Content-Type': 'application/json' });

/** A JSON inference request for the test CNN. */
export function cnnRequest(data: Float32Array, batch: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { inputs: [{ name: 'x', shape: [batch, ...CNN_ITEM], datatype: 'FP32', data: Array.from(data) }], ...extra };
}

type Unary = (request: unknown, callback: (e: grpc.ServiceError | null, reply: any) => void) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
export type InferenceClient = grpc.Client &
  Record<'ServerLive' | 'ServerReady' | 'ModelReady' | 'ServerMetadata' | 'ModelMetadata' | 'ModelInfer', Unary>;

export function grpcClient(port: number): InferenceClient {
  const pkg = grpc.loadPackageDefinition(inferencePackage()) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } };
  return new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as InferenceClient;
}

/** A unary call as a promise. */
export function call<T = any>(client: InferenceClient, method: keyof InferenceClient & string, request: unknown): Promise<T> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => (client[method] as Unary).call(client, request, (e, r) => (e ? reject(e) : resolve(r))));
}
