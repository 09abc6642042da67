/**
 * The scheduler alone, on a stand-in model whose run() records each batch and answers its
 * input (times 2) and a row id per item: when a batch runs (preferred size at once, else after
 * the queue delay, at once while draining), that requests of other dims never share a batch,
 * that each request gets back exactly its own rows, the instance bound, and the deadline.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { CompiledModel } from '../../src/compiler/compile.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { Scheduler, type SchedulerOptions } from '../../src/serve/batcher.js';
import { BufferPool } from '../../src/serve/buffer-pool.js';
import type { CheckedRequest } from '../../src/serve/request.js';

/** A model whose outputs are 'twice' = 2x and 'first' = each item's first element; records the batches run. */
function standIn(runMs = 5) {
  const batches: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const model = {
    async run(feeds: Record<string, TensorData>) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const x = feeds.x!;
      batches.push([...x.dims]);
      await new Promise((r) => setTimeout(r, runMs));
      inFlight--;
      const data = x.data as Float32Array;
      const row = data.length / x.dims[0]!;
      return {
        twice: new ort.Tensor(
          'float32',
          data.map((v) => v * 2),
          x.dims,
        ),
        first: new ort.Tensor(
          'float32',
          Float32Array.from({ length: x.dims[0]! }, (_, i) => data[i * row]!),
          [x.dims[0]!, 1],
        ),
      };
    },
  };
  return { model: model as unknown as CompiledModel, batches, maxInFlight: () => maxInFlight };
}

function request(batch: number, width: number, seed: number): CheckedRequest {
  const data = Float32Array.from({ length: batch * width }, (_, i) => seed * 1000 + i);
  return { feeds: { x: { dtype: 'float32', dims: [batch, width], data } }, batch, key: String(width), outputs: ['twice', 'first'] };
}

const options = (over: Partial<SchedulerOptions>): SchedulerOptions => ({ maxBatchSize: 8, instances: 1, label: 'model', ...over });

describe('Scheduler', () => {
  it('refuses a request UNAVAILABLE once maxQueue requests wait, and serves the rest', async () => {
    const { model } = standIn(20);
    const s = new Scheduler(model, options({ maxQueue: 2 }));
    const first = s.submit(request(1, 3, 1), 60_000); // runs at once: the queue is empty again
    const waiting = [s.submit(request(1, 3, 2), 60_000), s.submit(request(1, 3, 3), 60_000)];
    await expect(s.submit(request(1, 3, 4), 60_000)).rejects.toMatchObject({ kind: 'UNAVAILABLE', message: /2 requests are waiting/ });
    for (const r of await Promise.all([first, ...waiting])) expect(r.outputs.twice!.dims).toEqual([1, 3]);
  });

  it('merges a request only where the merged dims fit the model (its profiles)', async () => {
    const { model, batches } = standIn();
    // A model whose profiles take batch 1..2 only: 2 + 1 items fit none.
    const fits = (dims: Map<string, number[]>) => dims.get('x')![0]! <= 2;
    const s = new Scheduler(model, options({ fits, batching: { preferred: [8], maxQueueDelayMs: 30 } }));
    await Promise.all([s.submit(request(2, 3, 1), 60_000), s.submit(request(1, 3, 2), 60_000), s.submit(request(1, 3, 3), 60_000)]);
    expect(batches.every((b) => b[0]! <= 2)).toBe(true);
    expect(batches.map((b) => b[0])).toEqual([2, 2]);
  });

  it('gathers concurrent requests of one key up to the preferred size; each gets its own rows', async () => {
    const { model, batches } = standIn();
    const s = new Scheduler(model, options({ batching: { preferred: [4], maxQueueDelayMs: 10_000 } }));
    const reqs = [request(1, 3, 1), request(2, 3, 2), request(1, 3, 3)];
    const results = await Promise.all(reqs.map((r) => s.submit(r, 60_000)));
    expect(batches).toEqual([[4, 3]]); // 4 items is the preferred size: no waiting for the delay
    results.forEach((res, i) => {
      const x = reqs[i]!.feeds.x!;
      expect(res.outputs.twice!.dims).toEqual(x.dims);
      expect([...(res.outputs.twice!.data as Float32Array)]).toEqual([...(x.data as Float32Array)].map((v) => v * 2));
      expect(res.outputs.first!.dims).toEqual([x.dims[0], 1]);
    });
  });

  it('runs a smaller batch once the head has waited max_queue_delay', async () => {
    const { model, batches } = standIn();
    const s = new Scheduler(model, options({ batching: { preferred: [8], maxQueueDelayMs: 40 } }));
    const t0 = performance.now();
    await Promise.all([s.submit(request(1, 3, 1), 60_000), s.submit(request(2, 3, 2), 60_000)]);
    expect(batches).toEqual([[3, 3]]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
  });

  it('does not wait for company while another instance is free', async () => {
    const { model, batches } = standIn(30);
    const s = new Scheduler(model, options({ instances: 2, batching: { preferred: [8], maxQueueDelayMs: 10_000 } }));
    const t0 = performance.now();
    const first = s.submit(request(1, 3, 1), 60_000);
    const second = s.submit(request(1, 3, 2), 60_000);
    await first;
    expect(performance.now() - t0).toBeLessThan(5_000); // ran at once, on the first instance
    await s.drain();
    await second;
    expect(batches).toEqual([
      [1, 3],
      [1, 3],
    ]);
  });

  it('never merges requests whose dims beyond the batch differ, nor beyond max_batch_size', async () => {
    const { model, batches } = standIn();
    const s = new Scheduler(model, options({ maxBatchSize: 4, batching: { preferred: [], maxQueueDelayMs: 20 } }));
    const reqs = [request(3, 3, 1), request(1, 5, 2), request(2, 3, 3), request(1, 3, 4), request(1, 5, 5)];
    const results = await Promise.all(reqs.map((r) => s.submit(r, 60_000)));
    expect(batches.map((b) => b.join('x')).sort()).toEqual(['2x3', '2x5', '4x3']);
    results.forEach((res, i) =>
      expect(res.outputs.first!.data).toEqual(
        Float32Array.from({ length: reqs[i]!.batch }, (_, k) => (i + 1) * 1000 + k * (i === 1 || i === 4 ? 5 : 3)),
      ),
    );
  });

  it('keeps at most `instances` runs in flight, and batches what queues meanwhile without waiting', async () => {
    const { model, batches, maxInFlight } = standIn(30);
    const s = new Scheduler(model, options({ instances: 2, batching: { preferred: [], maxQueueDelayMs: 0 } }));
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.submit(request(1, 2, i), 60_000)));
    expect(maxInFlight()).toBe(2);
    expect(batches.length).toBeLessThan(10);
    expect(batches.reduce((a, b) => a + b[0]!, 0)).toBe(10);
  });

  it('runs each request alone without dynamic batching', async () => {
    const { model, batches } = standIn();
    const s = new Scheduler(model, options({ instances: 3 }));
    await Promise.all(Array.from({ length: 5 }, (_, i) => s.submit(request(1, 2, i), 60_000)));
    expect(batches).toEqual(Array(5).fill([1, 2]));
  });

  it('answers TIMEOUT to a request past its deadline, and drops it from the queue', async () => {
    const { model, batches } = standIn(50);
    const s = new Scheduler(model, options({}));
    const first = s.submit(request(1, 2, 1), 60_000);
    await expect(s.submit(request(1, 2, 2), 10)).rejects.toMatchObject({
      kind: 'TIMEOUT',
      message: expect.stringMatching(/longer than 10 ms \(waiting in the queue\)/),
    });
    await first;
    await s.drain();
    expect(batches).toEqual([[1, 2]]);
  });

  it('takes merged batches from the pool and gives them back; tells each request when its inputs are no longer read', async () => {
    const { model, batches } = standIn();
    const pool = new BufferPool({ minSize: 16 });
    const s = new Scheduler(model, options({ buffers: pool, batching: { preferred: [4], maxQueueDelayMs: 10_000 } }));
    for (let round = 0; round < 3; round++) {
      // The same sizes each round: the second and third batches run on the first one's memory.
      const released: number[] = [];
      const reqs = [request(1, 3, 1 + round), request(2, 3, 4 + round), request(1, 3, 7 + round)].map((r, i) => ({
        ...r,
        releaseInputs: () => released.push(i),
      }));
      const results = await Promise.all(reqs.map((r) => s.submit(r, 60_000)));
      expect(released.sort()).toEqual([0, 1, 2]);
      results.forEach((res, i) => {
        const x = reqs[i]!.feeds.x!;
        expect([...(res.outputs.twice!.data as Float32Array)]).toEqual([...(x.data as Float32Array)].map((v) => v * 2));
      });
      expect(pool.idleSize).toBe(64); // 12 floats: the 64-byte class, back in the pool
    }
    expect(batches).toEqual([
      [4, 3],
      [4, 3],
      [4, 3],
    ]);
    // Alone: released once its run is over; dropped from the queue: released at once.
    const released: string[] = [];
    const alone = new Scheduler(standIn(30).model, options({}));
    const first = alone.submit({ ...request(1, 2, 1), releaseInputs: () => released.push('ran') }, 60_000);
    await expect(alone.submit({ ...request(1, 2, 2), releaseInputs: () => released.push('dropped') }, 5)).rejects.toMatchObject({ kind: 'TIMEOUT' });
    expect(released).toEqual(['dropped']);
    await first;
    expect(released).toEqual(['dropped', 'ran']);
  });

  it('drain() runs what is queued at once and resolves when idle', async () => {
    const { model, batches } = standIn();
    const s = new Scheduler(model, options({ batching: { preferred: [8], maxQueueDelayMs: 60_000 } }));
    const pending = s.submit(request(1, 2, 1), 120_000);
    await s.drain();
    await expect(pending).resolves.toBeDefined();
    expect(batches).toEqual([[1, 2]]);
  });
});
