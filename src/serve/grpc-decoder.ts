/**
 * ModelInfer messages in reused memory. grpc-js joins each incoming message (a 5-byte prefix and
 * the protobuf bytes, arriving in DATA chunks) into a fresh Buffer: for a 3 x 128 x 128 tensor a
 * new 196 KB ArrayBuffer per call, whose external memory made V8 collect garbage so often that
 * its helper threads took ~0.5 ms of CPU per call (issue 21: 1100 req/s with it, 2000 without,
 * on 2 cores). This decoder does what grpc-js's StreamDecoder does (same input, same framed
 * messages out, the same error past the size limit), joining messages of `pool` size and up
 * into memory from the server's BufferPool instead; grpc.ts gives a message's memory back once
 * nothing views it any more.
 *
 * grpc-js (1.14) has no option for this: installDecoder() swaps the decoder of a call in a
 * server interceptor (the first interceptor gets grpc-js's own call object, before any data),
 * and leaves the call alone where that object is not as expected.
 */
import type { BufferPool } from './buffer-pool.js';

/** Messages of at least this many bytes (prefix included) are joined in pooled memory. */
export const POOLED_MESSAGE_BYTES = 64 * 1024;

export class PooledMessageDecoder {
  private readonly prefix = Buffer.alloc(5);
  private prefixHave = 0;
  private message: Buffer | undefined;
  private have = 0;

  /**
   * `maxLength`: the largest message (without its prefix), -1 for none. `owned`: where the
   * decoder notes the pooled memory it hands out (what grpc.ts may give back to `pool`).
   */
  constructor(
    private readonly maxLength: number,
    private readonly pool: BufferPool,
    private readonly owned: WeakSet<ArrayBuffer>,
  ) {}

  /** The messages that `data` completes, each with its 5-byte prefix (as grpc-js's StreamDecoder answers). */
  write(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    while (at < data.length) {
      if (this.message === undefined) {
        const n = Math.min(5 - this.prefixHave, data.length - at);
        data.copy(this.prefix, this.prefixHave, at, at + n);
        this.prefixHave += n;
        at += n;
        if (this.prefixHave < 5) break;
        const size = this.prefix.readUInt32BE(1);
        if (this.maxLength !== -1 && size > this.maxLength) throw new Error(`Received message larger than max (${size} vs ${this.maxLength})`);
        this.message = this.allocate(size + 5);
        this.prefix.copy(this.message, 0);
        this.have = 5;
      }
      const n = Math.min(this.message.length - this.have, data.length - at);
      data.copy(this.message, this.have, at, at + n);
      this.have += n;
      at += n;
      if (this.have === this.message.length) {
        out.push(this.message);
        this.message = undefined;
        this.prefixHave = 0;
      }
    }
    return out;
  }

  /**
   * A pooled message ends at a multiple of 8 bytes: encoders write fields in field-number order,
   * so raw_input_contents (field 7) come last, and the last of them (the only one, for a model of
   * one input) then lies aligned for its datatype where its length is a multiple of 8 (or of its
   * element size, up to 8), and grpc.ts can view it instead of copying it.
   */
  private allocate(size: number): Buffer {
    if (size < POOLED_MESSAGE_BYTES) return Buffer.allocUnsafe(size);
    const memory = this.pool.acquire(size + 7);
    this.owned.add(memory);
    return Buffer.from(memory, (8 - (size % 8)) % 8, size);
  }
}

/**
 * Gives grpc-js's call object `call` a PooledMessageDecoder in place of its own; answers whether
 * it did (only where the call has grpc-js's decoder and size limit as 1.14 has them).
 */
export function installDecoder(call: unknown, pool: BufferPool, owned: WeakSet<ArrayBuffer>): boolean {
  const c = call as { decoder?: { write?: unknown }; maxReceiveMessageSize?: unknown };
  if (typeof c?.decoder?.write !== 'function' || typeof c.maxReceiveMessageSize !== 'number') return false;
  c.decoder = new PooledMessageDecoder(c.maxReceiveMessageSize, pool, owned);
  return true;
}
