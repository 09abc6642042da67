/**
 * The pooled message decoder (src/serve/grpc-decoder.ts) against grpc-js's own StreamDecoder,
 * the reference it replaces: the same framed messages out of the same bytes however they are
 * chunked, the same error past the size limit; messages of 64 KiB and up in pooled memory.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/serve/buffer-pool.js';
import { POOLED_MESSAGE_BYTES, PooledMessageDecoder, installDecoder } from '../../src/serve/grpc-decoder.js';
import { mulberry32 } from '../../src/util/random.js';

const { StreamDecoder } = createRequire(import.meta.url)('@grpc/grpc-js/build/src/stream-decoder.js') as {
  StreamDecoder: new (max: number) => { write(data: Buffer): Buffer[] };
};

/** A gRPC length-prefixed message of `size` bytes of seeded content. */
function framed(size: number, seed: number): Buffer {
  const next = mulberry32(seed);
  const b = Buffer.alloc(size + 5);
  b.writeUInt32BE(size, 1);
  for (let i = 5; i < b.length; i++) b[i] = Math.floor(next() * 256);
  return b;
}

/** `stream` in chunks of the lengths `next` draws (1 byte up). */
function chunks(stream: Buffer, next: () => number, most: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length;) {
    const n = 1 + Math.floor(next() * most);
    out.push(stream.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('PooledMessageDecoder', () => {
  it("answers the messages grpc-js's StreamDecoder answers, for any chunking, empty messages included", () => {
    const stream = Buffer.concat([framed(0, 1), framed(3, 2), framed(POOLED_MESSAGE_BYTES + 7, 3), framed(0, 4), framed(200_000, 5), framed(10, 6)]);
    for (const [seed, most] of [
      [1, 1],
      [2, 7],
      [3, 4096],
      [4, 70_000],
      [5, stream.length],
    ] as const) {
      const next = mulberry32(seed);
      const parts = chunks(stream, next, most);
      const ours = new PooledMessageDecoder(-1, new BufferPool(), new WeakSet());
      const theirs = new StreamDecoder(-1);
      const got = parts.flatMap((p) => ours.write(p).map((m) => Buffer.from(m)));
      const want = parts.flatMap((p) => theirs.write(p));
      expect(got.length, `chunks of up to ${most}`).toBe(6);
      expect(got, `chunks of up to ${most}`).toEqual(want);
    }
  });

  it('joins messages of 64 KiB and up in pooled memory, noted as its own, ending at a multiple of 8; smaller ones as usual', () => {
    const pool = new BufferPool();
    const owned = new WeakSet<ArrayBuffer>();
    const decoder = new PooledMessageDecoder(-1, pool, owned);
    const [big] = decoder.write(framed(POOLED_MESSAGE_BYTES, 7));
    const [small] = decoder.write(framed(100, 8));
    expect(owned.has(big!.buffer as ArrayBuffer)).toBe(true);
    expect(owned.has(small!.buffer as ArrayBuffer)).toBe(false);
    expect((big!.byteOffset + big!.length) % 8).toBe(0); // ends aligned: the last raw_input_contents lie aligned
    pool.release(big!.buffer as ArrayBuffer);
    const [again] = decoder.write(framed(POOLED_MESSAGE_BYTES + 1, 9));
    expect(again!.buffer).toBe(big!.buffer); // reused
    expect(again).toEqual(framed(POOLED_MESSAGE_BYTES + 1, 9));
  });

  it('refuses a message past the limit with the error grpc-js gives', () => {
    const message = framed(1000, 10);
    const want = (() => {
      try {
        new StreamDecoder(999).write(message);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(want).toMatch(/larger than max/);
    expect(() => new PooledMessageDecoder(999, new BufferPool(), new WeakSet()).write(message)).toThrow(want);
  });

  it("takes the place of a call's decoder only where the call has grpc-js's", () => {
    const call = { decoder: new StreamDecoder(50), maxReceiveMessageSize: 50 };
    expect(installDecoder(call, new BufferPool(), new WeakSet())).toBe(true);
    expect(call.decoder).toBeInstanceOf(PooledMessageDecoder);
    expect(() => call.decoder.write(framed(51, 11))).toThrow(/larger than max \(51 vs 50\)/);
    expect(installDecoder({ next: {} }, new BufferPool(), new WeakSet())).toBe(false);
  });
});
