/**
 * The errors a request can meet, once for both transports: each ServeError has a kind that
 * decides its HTTP status (REST answers `{"error": message}` with it) and its gRPC status code
 * (the message travels as the status details). A HybridError from run() or compile() maps by
 * its code: INPUT and SHAPE are the caller's (400), DISPOSED means the server is going away
 * (503), anything else is the server's (500).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isHybridError, messageLine } from '../errors.js';

export type ServeErrorKind =
  | 'INVALID' // a malformed request: bad JSON, datatype, shape, data, parameters
  | 'NOT_FOUND' // an unknown model, version or endpoint
  | 'NOT_READY' // a model version that is loading or failed to load (the reason in the message)
  | 'UNAVAILABLE' // a server shutting down, a model disposed
  | 'TOO_LARGE' // a body or tensor beyond the server's limits
  | 'TIMEOUT' // the request took longer than the server allows
  | 'INTERNAL'; // the model failed while running

const HTTP_STATUS: Record<ServeErrorKind, number> = {
  INVALID: 400,
  NOT_FOUND: 404,
  NOT_READY: 400,
  UNAVAILABLE: 503,
  TOO_LARGE: 413,
  TIMEOUT: 408,
  INTERNAL: 500,
};

const GRPC_STATUS: Record<ServeErrorKind, GrpcStatus> = {
  INVALID: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  NOT_READY: GrpcStatus.UNAVAILABLE,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  TOO_LARGE: GrpcStatus.RESOURCE_EXHAUSTED,
  TIMEOUT: GrpcStatus.DEADLINE_EXCEEDED,
  INTERNAL: GrpcStatus.INTERNAL,
};

export class ServeError extends Error {
  readonly kind: ServeErrorKind;
  constructor(kind: ServeErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServeError';
    this.kind = kind;
  }
  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }
  get grpcStatus(): GrpcStatus {
    return GRPC_STATUS[this.kind];
  }
}

export const invalid = (message: string) => new ServeError('INVALID', message);

/** Any error as a ServeError; `where` ("model 'm' version 1") prefixes messages that lack it. */
export function toServeError(e: unknown, where?: string): ServeError {
  const text = messageLine(e);
  const message = where && !text.includes(where) ? `${where}: ${text}` : text;
  if (e instanceof ServeError) return message === e.message ? e : new ServeError(e.kind, message, { cause: e });
  if (isHybridError(e)) {
    if (e.code === 'INPUT' || e.code === 'SHAPE' || e.code === 'OPTION') return new ServeError('INVALID', message, { cause: e });
    if (e.code === 'DISPOSED') return new ServeError('UNAVAILABLE', message, { cause: e });
  }
  return new ServeError('INTERNAL', message, { cause: e });
}
