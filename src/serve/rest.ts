/**
 * The REST side of the Open Inference Protocol, on node:http:
 *
 *   GET  /v2/health/live, /v2/health/ready            200, or 400 with { ready: false, error }
 *   GET  /v2                                          server metadata
 *   GET  /v2/models/{name}[/versions/{v}]             model metadata
 *   GET  /v2/models/{name}[/versions/{v}]/ready       200, or 400 with { ready: false, error }
 *   POST /v2/models/{name}[/versions/{v}]/infer       inference (JSON, or the binary extension)
 *   POST /v2/repository/index                         every model and version with its state
 *   GET  /metrics                                     Prometheus text
 *
 * Errors are `{"error": "..."}` with the ServeError's status. A request is held to the
 * server's limits: a body beyond maxBodyBytes is refused with 413 without reading the rest, and
 * one not answered within requestTimeoutMs of its arrival (a slow upload included) gets 408
 * and its connection is closed.
 */
import http from 'node:http';
import { BufferPool } from './buffer-pool.js';
import type { ServeCore } from './core.js';
import { ServeError, toServeError } from './errors.js';
import { serverMetadata } from './metadata.js';
import { HEADER_LENGTH, decodeInferBody, encodeInferResult } from './rest-codec.js';

type Route =
  { kind: 'live' | 'ready' | 'server' | 'metrics' | 'index' } | { kind: 'model' | 'model-ready' | 'infer'; name: string; version?: string };

/** The route of a method and path, or a NOT_FOUND / INVALID error naming it. */
function route(method: string, url: string): Route {
  const parts = url.split('?')[0]!.split('/').filter(Boolean);
  let p: string[];
  try {
    p = parts.map(decodeURIComponent);
  } catch {
    throw new ServeError('INVALID', `malformed path ${url}`);
  }
  const want = (m: string, r: Route): Route => {
    if (method !== m) throw new ServeError('INVALID', `${method} ${url}: use ${m}`);
    return r;
  };
  const path = p.join('/');
  if (path === 'v2/health/live') return want('GET', { kind: 'live' });
  if (path === 'v2/health/ready') return want('GET', { kind: 'ready' });
  if (path === 'v2') return want('GET', { kind: 'server' });
  if (path === 'metrics') return want('GET', { kind: 'metrics' });
  if (path === 'v2/repository/index') return want('POST', { kind: 'index' });
  if (p[0] === 'v2' && p[1] === 'models' && p[2] !== undefined) {
    const name = p[2];
    let rest = p.slice(3);
    let version: string | undefined;
    if (rest[0] === 'versions' && rest[1] !== undefined) {
      version = rest[1];
      rest = rest.slice(2);
    }
    const at = { name, ...(version !== undefined ? { version } : {}) };
    if (rest.length === 0) return want('GET', { kind: 'model', ...at });
    if (rest.length === 1 && rest[0] === 'ready') return want('GET', { kind: 'model-ready', ...at });
    if (rest.length === 1 && rest[0] === 'infer') return want('POST', { kind: 'infer', ...at });
  }
  throw new ServeError('NOT_FOUND', `no endpoint ${method} ${url} (see docs/serve.md)`);
}

function send(res: http.ServerResponse, status: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const sendJson = (res: http.ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value));

function sendError(res: http.ServerResponse, e: ServeError, close = false): void {
  send(res, e.httpStatus, JSON.stringify({ error: e.message }), close ? { Connection: 'close' } : {});
}

/**
 * `chunks` (`size` bytes) as one buffer of this request's own (from `pool`: release it there
 * once nothing reads it), placed so that byte `alignAt` is 8-byte aligned: that is where the
 * binary tensor data begins, so that tensors are views of the body rather than copies
 * (datatypes.ts fromOwnRaw).
 */
function joinAligned(chunks: Buffer[], size: number, alignAt: number, pool: BufferPool): Buffer {
  const pad = (8 - (alignAt % 8)) % 8;
  const body = Buffer.from(pool.acquire(size + pad), pad, size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

/**
 * The body, or TOO_LARGE as soon as it exceeds `limit` (the rest is not read). With `alignAt`
 * (the binary extension's header length), a fresh buffer whose byte `alignAt` is 8-byte aligned.
 */
function readBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  limit: number,
  alignAt: number | undefined,
  pool: BufferPool,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = (n: number) =>
      new ServeError('TOO_LARGE', `the request body has ${n} bytes, more than the ${limit} this server allows (--max-body-bytes)`);
    if (declared > limit) return reject(tooLarge(declared));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge(size));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(alignAt === undefined ? Buffer.concat(chunks, size) : joinAligned(chunks, size, alignAt, pool)));
    req.on('error', reject);
    // A connection closed mid-body (the client gave up, or the request timed out and was
    // answered: node then emits nothing more on `req`) settles too.
    const gone = () => {
      if (!req.complete) reject(new ServeError('INVALID', 'the connection closed before the body was complete'));
    };
    req.on('close', gone);
    res.on('close', gone);
  });
}

/**
 * The body's memory goes back to `pool` once both the scheduler is done with the inputs that view
 * it (the function returned, InferRequest.releaseInputs) and the answer is written or the
 * connection gone: until then it is never handed to another request. Where either never happens
 * (a request refused before it was queued, a failed run), the collector frees it.
 */
function releaseOnceDone(res: http.ServerResponse, body: Buffer, pool: BufferPool): () => void {
  let waiting = 2;
  const done = () => {
    if (--waiting === 0) pool.release(body.buffer as ArrayBuffer);
  };
  res.once('close', done);
  let called = false;
  return () => {
    if (called) return;
    called = true;
    done();
  };
}

export function createRestServer(core: ServeCore): http.Server {
  const { requestTimeoutMs, maxBodyBytes } = core.limits;
  const server = http.createServer(
    { requestTimeout: requestTimeoutMs + 1000, headersTimeout: Math.min(60_000, requestTimeoutMs + 1000) },
    (req, res) => {
      const arrived = performance.now();
      const timer = setTimeout(() => {
        sendError(res, new ServeError('TIMEOUT', `the request was not answered within ${requestTimeoutMs} ms (--request-timeout-ms)`), true);
      }, requestTimeoutMs);
      res.on('close', () => clearTimeout(timer));
      handle(core, req, res, arrived, maxBodyBytes).catch((e) => {
        const error = toServeError(e);
        // A refused body is not read further: close the connection after answering.
        sendError(res, error, error.kind === 'TOO_LARGE' || error.kind === 'TIMEOUT' || error.kind === 'UNAVAILABLE');
      });
    },
  );
  return server;
}

async function handle(core: ServeCore, req: http.IncomingMessage, res: http.ServerResponse, arrived: number, maxBodyBytes: number): Promise<void> {
  const r = route(req.method ?? 'GET', req.url ?? '/');
  switch (r.kind) {
    case 'live':
      return sendJson(res, 200, { live: core.live });
    case 'ready':
      return core.ready
        ? sendJson(res, 200, { ready: true })
        : sendJson(res, 400, { ready: false, error: 'the server is loading models or shutting down' });
    case 'server':
      return sendJson(res, 200, serverMetadata());
    case 'metrics':
      return send(res, 200, await core.metricsText(), { 'Content-Type': core.metrics.registry.contentType });
    case 'index':
      return sendJson(res, 200, core.index());
    case 'model':
      return sendJson(res, 200, core.metadata(r.name, r.version));
    case 'model-ready':
      try {
        const v = core.readyVersion(r.name, r.version);
        return sendJson(res, 200, { name: v.name, version: v.version, ready: true });
      } catch (e) {
        const error = toServeError(e);
        if (error.kind === 'NOT_FOUND') throw error;
        return sendJson(res, 400, { name: r.name, ...(r.version ? { version: r.version } : {}), ready: false, error: error.message });
      }
    case 'infer':
      return core.track(async () => {
        let decoded;
        try {
          const h = req.headers[HEADER_LENGTH];
          const header = Array.isArray(h) ? h[0] : h;
          const jsonEnd = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
          const body = await readBody(req, res, maxBodyBytes, jsonEnd, core.buffers);
          decoded = decodeInferBody(body, header);
          if (jsonEnd !== undefined) decoded.releaseInputs = releaseOnceDone(res, body, core.buffers);
        } catch (e) {
          const error = toServeError(e, `model '${r.name}'`);
          core.refused('rest', error, r.name);
          throw error;
        }
        const result = await core.infer(r.name, r.version, decoded, 'rest', arrived);
        const binary = new Map((decoded.outputs ?? []).map((o) => [o.name, o.binary === true]));
        const out = encodeInferResult(result, (name) => binary.get(name) ?? decoded.binaryOutputs);
        if (res.headersSent || res.destroyed) return;
        res.writeHead(200, {
          'Content-Type': out.contentType,
          'Content-Length': out.length,
          ...(out.headerLength !== undefined ? { 'Inference-Header-Content-Length': out.headerLength } : {}),
        });
        // Written in one tick, the parts leave in one writev (node corks the socket), uncopied.
        for (let i = 0; i < out.parts.length - 1; i++) res.write(out.parts[i]);
        res.end(out.parts.at(-1));
      });
  }
}
