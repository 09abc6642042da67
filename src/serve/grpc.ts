/**
 * The gRPC side of the Open Inference Protocol (grpc-js, grpc-proto.ts): the same core as REST,
 * errors as gRPC status codes with the ServeError's message. Tensor data arrives in
 * raw_input_contents (one entry per input, in input order, as Triton's clients send it) or in
 * each input's typed `contents`; outputs are answered in raw_output_contents.
 */
import grpc from '@grpc/grpc-js';
import type http2 from 'node:http2';
import type { NumericDType } from '../onnx/dtype.js';
import type { BufferPool } from './buffer-pool.js';
import type { ServeCore } from './core.js';
import { alignmentOf, contentsField, dtypeOf, toRaw } from './datatypes.js';
import { ServeError, invalid, toServeError } from './errors.js';
import { installDecoder } from './grpc-decoder.js';
import { inferencePackage } from './grpc-proto.js';
import { serverMetadata } from './metadata.js';
import type { InferRequest, RequestInput } from './request.js';

interface GrpcTensor {
  name: string;
  datatype: string;
  shape: string[];
  contents: Record<string, unknown[]> | null;
}

interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Record<string, unknown>;
  inputs: GrpcTensor[];
  outputs: Array<{ name: string; parameters: Record<string, unknown> }>;
  raw_input_contents: Buffer[];
}

/** A unary handler whose errors become gRPC statuses. */
function unary<Request>(work: (request: Request, call: grpc.ServerUnaryCall<Request, unknown>) => unknown): grpc.handleUnaryCall<Request, unknown> {
  return (call, done) => {
    Promise.resolve()
      .then(() => work(call.request, call))
      .then(
        (reply) => done(null, reply),
        (e) => {
          const error = toServeError(e);
          done({ code: error.grpcStatus, details: error.message });
        },
      );
  };
}

/**
 * A ModelInferRequest as the transport-neutral request. raw_input_contents are slices of this
 * call's own message (its own memory: grpc-decoder.ts), so an input may be a view of them;
 * where one is not aligned for its datatype (it lies wherever the message's other fields put
 * it) it is copied into memory from `pool`, given back once the scheduler is done with the
 * inputs (InferRequest.releaseInputs), instead of into a fresh array per request. `message`: the
 * message's memory where it came from `pool` too: given back at once where no input views it,
 * else with the inputs.
 */
export function decodeInferRequest(r: ModelInferRequest, pool?: BufferPool, message?: ArrayBuffer): InferRequest {
  const where = `model '${r.model_name}'`;
  const raw = r.raw_input_contents ?? [];
  if (raw.length && raw.length !== r.inputs.length) {
    throw invalid(
      `${where}: raw_input_contents has ${raw.length} entries for ${r.inputs.length} inputs; give one per input, or none and use contents`,
    );
  }
  const taken: ArrayBuffer[] = [];
  let viewed = false;
  const aligned = (bytes: Uint8Array, datatype: unknown): Uint8Array => {
    if (!pool || bytes.byteOffset % alignmentOf(datatype) === 0) {
      viewed ||= bytes.buffer === message;
      return bytes;
    }
    const copy = new Uint8Array(pool.acquire(bytes.byteLength), 0, bytes.byteLength);
    copy.set(bytes);
    taken.push(copy.buffer as ArrayBuffer);
    return copy;
  };
  const inputs = r.inputs.map((t, i): RequestInput => {
    const what = `${where}: input '${t.name}'`;
    const shape = t.shape.map((d) => (/^-?\d+$/.test(String(d)) ? Number(d) : NaN));
    if (raw.length) return { name: t.name, datatype: t.datatype, shape, data: { kind: 'raw', bytes: aligned(raw[i]!, t.datatype), own: true } };
    const dtype = dtypeOf(t.datatype, what);
    const field = dtype === 'string' ? undefined : contentsField(dtype as NumericDType);
    if (!field) throw invalid(`${what}: ${t.datatype} data travels in raw_input_contents only`);
    return { name: t.name, datatype: t.datatype, shape, data: { kind: 'values', values: t.contents?.[field] ?? [] } };
  });
  if (message && pool) {
    if (viewed) taken.push(message);
    else pool.release(message);
  }
  return {
    ...(r.id ? { id: r.id } : {}),
    inputs,
    ...(r.outputs.length ? { outputs: r.outputs.map((o) => ({ name: o.name })) } : {}),
    ...(taken.length ? { releaseInputs: () => taken.forEach((b) => pool!.release(b)) } : {}),
  };
}

/** The milliseconds left until a call's deadline (Infinity where the client set none). */
function deadlineMs(deadline: grpc.Deadline): number {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : Infinity;
}

/** HTTP/2 flow-control windows of the server's connections: per stream (call), and per connection (a channel's calls together). */
export const GRPC_STREAM_WINDOW = 8 << 20;
export const GRPC_CONNECTION_WINDOW = 64 << 20;

/**
 * Lets clients send GRPC_STREAM_WINDOW bytes per call and GRPC_CONNECTION_WINDOW per connection
 * before they wait for a WINDOW_UPDATE. grpc-js's server leaves HTTP/2's 64 KiB for both, and
 * sends a WINDOW_UPDATE only once its JavaScript thread has read the data: a 196 KB tensor took
 * three round trips through a busy event loop, and all calls of one channel shared one 64 KiB
 * window (issue 21: 400 req/s against REST's 3300 at 8 clients, both processes half idle).
 * grpc-js (1.14) has no server option for either; this reaches into its internals
 * (commonServerOptions, the settings of the http2 server it creates; _setupHandlers, which gets
 * that server) and leaves the defaults where they are not as expected. Answers whether it did.
 */
export function widenFlowControl(server: grpc.Server): boolean {
  type Setup = (this: grpc.Server, h: http2.Http2Server | null, ...rest: unknown[]) => unknown;
  const s = server as unknown as { commonServerOptions?: http2.ServerOptions; _setupHandlers?: Setup };
  const setup = s._setupHandlers;
  if (typeof s.commonServerOptions !== 'object' || typeof setup !== 'function') return false;
  s.commonServerOptions.settings = { ...s.commonServerOptions.settings, initialWindowSize: GRPC_STREAM_WINDOW };
  s._setupHandlers = function (h, ...rest) {
    h?.on('session', (session: http2.ServerHttp2Session) => session.setLocalWindowSize(GRPC_CONNECTION_WINDOW));
    return setup.call(this, h, ...rest);
  };
  return true;
}

export function createGrpcServer(core: ServeCore): grpc.Server {
  const pkg = grpc.loadPackageDefinition(inferencePackage()) as unknown as {
    inference: { GRPCInferenceService: { service: grpc.ServiceDefinition } };
  };
  // ModelInfer's messages are joined in pooled memory (grpc-decoder.ts); `memory` tells which
  // parsed request came from which, for decodeInferRequest to give it back.
  const service = pkg.inference.GRPCInferenceService.service;
  const owned = new WeakSet<ArrayBuffer>();
  const memory = new WeakMap<object, ArrayBuffer>();
  const infer = service.ModelInfer!;
  const deserialize = (b: Buffer) => {
    const r = infer.requestDeserialize(b) as object;
    if (owned.has(b.buffer as ArrayBuffer)) memory.set(r, b.buffer as ArrayBuffer);
    return r;
  };
  const inferPath = infer.path;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': core.limits.maxBodyBytes,
    'grpc.max_send_message_length': -1,
    interceptors: [
      (method, call) => {
        if (method.path === inferPath) installDecoder(call, core.buffers, owned);
        return call as grpc.ServerInterceptingCall;
      },
    ],
  });
  widenFlowControl(server);
  server.addService(
    { ...service, ModelInfer: { ...infer, requestDeserialize: deserialize } },
    {
      ServerLive: unary(() => ({ live: core.live })),
      ServerReady: unary(() => ({ ready: core.ready })),
      ModelReady: unary((r: { name: string; version: string }) => {
        try {
          core.readyVersion(r.name, r.version || undefined);
          return { ready: true };
        } catch (e) {
          if (toServeError(e).kind === 'NOT_FOUND') throw e;
          return { ready: false };
        }
      }),
      ServerMetadata: unary(() => serverMetadata()),
      ModelMetadata: unary((r: { name: string; version: string }) => core.metadata(r.name, r.version || undefined)),
      ModelInfer: unary((r: ModelInferRequest, call) =>
        core.track(async () => {
          const arrived = performance.now();
          const clientMs = deadlineMs(call.getDeadline());
          let req: InferRequest;
          try {
            req = decodeInferRequest(r, core.buffers, memory.get(r));
          } catch (e) {
            const error = toServeError(e);
            core.refused('grpc', error, r.model_name);
            throw error;
          }
          const result = await core.infer(r.model_name, r.model_version || undefined, req, 'grpc', arrived, clientMs);
          return {
            model_name: result.model_name,
            model_version: result.model_version,
            id: result.id ?? '',
            outputs: result.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
            raw_output_contents: result.outputs.map((o) => Buffer.from(toRaw(o.data).buffer, toRaw(o.data).byteOffset, o.data.byteLength)),
          };
        }),
      ),
    },
  );
  return server;
}

/** Binds `server` to host:port (0: any free port) and resolves with the port. */
export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e, bound) =>
      e ? reject(new ServeError('INVALID', `gRPC cannot listen on ${address}: ${e.message}`)) : resolve(bound),
    ),
  );
}
