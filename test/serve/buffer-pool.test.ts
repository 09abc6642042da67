/**
 * The pool of reused memory for REST bodies and merged batches (src/serve/buffer-pool.ts): size
 * classes, reuse, a buffer never handed out twice, and the idle bound.
 */
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/serve/buffer-pool.js';

describe('BufferPool', () => {
  it('hands out a power-of-two class at least the size asked for, and reuses what was released', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 8192 });
    const a = pool.acquire(1500);
    expect(a.byteLength).toBe(2048);
    pool.release(a);
    expect(pool.idleSize).toBe(2048);
    expect(pool.acquire(2000)).toBe(a);
    expect(pool.idleSize).toBe(0);
    expect(pool.acquire(2000)).not.toBe(a); // taken: a fresh one
    expect(pool.acquire(1024).byteLength).toBe(1024);
  });

  it('leaves sizes out of its classes to the collector', () => {
    const pool = new BufferPool({ minSize: 1024, maxSize: 8192 });
    const small = pool.acquire(100);
    const large = pool.acquire(9000);
    expect([small.byteLength, large.byteLength]).toEqual([100, 9000]);
    pool.release(small);
    pool.release(large);
    pool.release(new ArrayBuffer(3000)); // not a class size: not its own
    expect(pool.idleSize).toBe(0);
  });

  it('never hands a buffer out twice, even where it is released twice', () => {
    const pool = new BufferPool({ minSize: 1024 });
    const a = pool.acquire(1024);
    pool.release(a);
    pool.release(a);
    expect(pool.idleSize).toBe(1024);
    const first = pool.acquire(1024);
    const second = pool.acquire(1024);
    expect(first).toBe(a);
    expect(second).not.toBe(a);
  });

  it('keeps at most maxIdleBytes idle', () => {
    const pool = new BufferPool({ minSize: 1024, maxIdleBytes: 3000 });
    const [a, b, c] = [pool.acquire(1024), pool.acquire(1024), pool.acquire(1024)];
    for (const x of [a!, b!, c!]) pool.release(x);
    expect(pool.idleSize).toBe(2048);
  });
});
