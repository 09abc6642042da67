/**
 * Memory reused for request bodies (rest.ts) and merged batches (batcher.ts): a fresh 196 KB
 * ArrayBuffer cost ~30 us on the JavaScript thread (new pages to fault in, and garbage
 * collection of the external memory), copying into one that is reused ~5 us (issue 21).
 *
 * Buffers come in size classes, powers of two from `minSize` (64 KiB) to `maxSize` (16 MiB);
 * other sizes are allocated as usual. The pool keeps at most `maxIdleBytes` (64 MiB) idle. What acquire() hands out is NOT zero-filled and may
 * hold an earlier request's bytes: the caller writes every byte it reads, and makes only views
 * bounded to what it wrote. A buffer is released once nothing reads or writes it any more
 * (releasing it earlier would let another request's data show through); one never released is
 * simply garbage-collected.
 */

export interface BufferPoolOptions {
  /** Smaller buffers are allocated as usual: they are cheap (a power of two; default 64 KiB). */
  minSize?: number;
  /** Larger ones too: a class may be twice the size asked for (default 16 MiB). */
  maxSize?: number;
  /** Idle bytes kept at most (default 64 MiB); a buffer released beyond that is left to the collector. */
  maxIdleBytes?: number;
}

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** The idle buffers: releasing one of them again is ignored (it must not be handed out twice). */
  private readonly idle = new WeakSet<ArrayBuffer>();
  private idleBytes = 0;

  private readonly minSize: number;
  private readonly maxSize: number;
  private readonly maxIdleBytes: number;

  constructor(options: BufferPoolOptions = {}) {
    this.minSize = options.minSize ?? 64 * 1024;
    this.maxSize = options.maxSize ?? 16 * 1024 * 1024;
    this.maxIdleBytes = options.maxIdleBytes ?? 64 * 1024 * 1024;
  }

  /** An ArrayBuffer of at least `size` bytes, not zero-filled. */
  acquire(size: number): ArrayBuffer {
    const cls = this.classOf(size);
    if (cls === undefined) return newBuffer(size);
    const reused = this.free.get(cls)?.pop();
    if (reused) {
      this.idle.delete(reused);
      this.idleBytes -= cls;
      return reused;
    }
    return newBuffer(cls);
  }

  /** Gives `buffer` back for reuse: nothing may read or write it afterwards. Buffers of no class are left to the collector. */
  release(buffer: ArrayBuffer): void {
    const cls = buffer.byteLength;
    if (this.classOf(cls) !== cls || this.idle.has(buffer) || this.idleBytes + cls > this.maxIdleBytes) return;
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(buffer);
    this.idle.add(buffer);
    this.idleBytes += cls;
  }

  /** Bytes held idle. */
  get idleSize(): number {
    return this.idleBytes;
  }

  /** The size class of `size` bytes (a power of two), or undefined where it is not pooled. */
  private classOf(size: number): number | undefined {
    if (size < this.minSize || size > this.maxSize) return undefined;
    let cls = this.minSize;
    while (cls < size) cls *= 2;
    return cls;
  }
}

/** A fresh ArrayBuffer of `size` bytes, not zero-filled (Buffer.allocUnsafeSlow: never a slice of node's shared pool). */
function newBuffer(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
}
