// The executor without native code: HybridModel over a hand-made schedule and fake segment
// runners (plain JavaScript arithmetic), to check the schedule's last uses, that the tensor
// store frees each value right after its last reader, that device values are downloaded once
// and disposed when freed, and that a failing run frees what it held.
//
//   x ──► [0: a = x + 1] ──a──► [1: b = a * 2] ──b──────────────┐
//                         │                                      ▼
//                         └──a──► [2: c = a * 3] ──c──► [3: y = b + c] ──► y
//
// Last uses: x after 0, a after 2, b and c after 3; y is an output and stays.
import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/partition/types.js';
import { HybridModel } from '../../src/runtime/hybrid-model.js';
import { makeSchedule } from '../../src/runtime/schedule.js';
import type { SegmentIO, SegmentRunner } from '../../src/runtime/segments.js';
import type { DeviceTensor, TensorStore } from '../../src/runtime/tensor-store.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const NAMES = ['x', 'a', 'b', 'c', 'y'];
const seg = (id: number, kind: Segment['kind'], inputs: string[], outputs: string[]): Segment => ({
  id,
  kind,
  nodes: [`n${id}`],
  inputs: inputs.map((name) => ({ name })),
  outputs: outputs.map((name) => ({ name })),
});
const SEGMENTS: Segment[] = [
  seg(0, 'engine', ['x'], ['a']),
  seg(1, 'fallback', ['a'], ['b']),
  seg(2, 'fallback', ['a'], ['c']),
  seg(3, 'engine', ['b', 'c'], ['y']),
];

const f32 = (values: number[]): TensorData => ({ dtype: 'float32', dims: [values.length], data: Float32Array.from(values) });

class FakeDevice implements DeviceTensor {
  readonly dtype = 'float32' as const;
  downloads = 0;
  disposed = false;
  constructor(readonly host: TensorData) {}
  get dims() {
    return this.host.dims;
  }
  get bytes() {
    return this.host.data.byteLength;
  }
  async download() {
    this.downloads++;
    return this.host;
  }
  dispose() {
    this.disposed = true;
  }
}

/** A segment computing `fn` elementwise over its inputs; records which values the store held. */
function fake(id: number, inputs: string[], output: string, fn: (...v: number[]) => number, log: string[][], device?: FakeDevice[]): SegmentRunner {
  return {
    id,
    kind: 'engine',
    async run(store: TensorStore): Promise<SegmentIO> {
      log.push(NAMES.filter((n) => store.has(n)));
      const ins = await Promise.all(inputs.map((n) => store.host(n)));
      const arrays = ins.map((i) => i.tensor.data as Float32Array);
      const out = f32(Array.from(arrays[0]!, (_, k) => fn(...arrays.map((a) => a[k]!))));
      if (device) {
        const d = new FakeDevice(out);
        device.push(d);
        store.putDevice(output, d);
      } else store.putHost(output, out);
      return {
        inputs: inputs.map((n, k) => ({ tensor: n, bytes: arrays[k]!.byteLength, copy: ins[k]!.copy })),
        outputs: [{ tensor: output, bytes: out.data.byteLength, copy: device ? 'none' : 'host' }],
      };
    },
    async dispose() {},
  };
}

function model(log: string[][], options: { device?: FakeDevice[]; failAt?: number } = {}) {
  const runners = [
    fake(0, ['x'], 'a', (x) => x + 1, log, options.device),
    fake(1, ['a'], 'b', (a) => a * 2, log),
    fake(2, ['a'], 'c', (a) => a * 3, log),
    fake(3, ['b', 'c'], 'y', (b, c) => b + c, log),
  ];
  if (options.failAt !== undefined) {
    const r = runners[options.failAt]!;
    runners[options.failAt] = { ...r, run: async (store) => (await r.run(store), Promise.reject(new Error('segment failed'))) };
  }
  return new HybridModel({
    label: 'fake',
    backend: 'cpu',
    inputs: [{ name: 'x', dtype: 'float32', shape: [3] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [3] }],
    schedule: makeSchedule(SEGMENTS, ['x'], ['y']),
    runners,
    constants: new Map(),
    report: undefined,
  });
}

describe('schedule', () => {
  it('frees each value after its last reader and keeps outputs', () => {
    const s = makeSchedule(SEGMENTS, ['x'], ['y']);
    expect(s.segments.map((g) => g.release)).toEqual([['x'], [], ['a'], ['b', 'c']]);
    expect(s.releaseInputs).toEqual([]);
  });

  it('frees an input nobody reads at once, and refuses a segment reading what nothing produced', () => {
    expect(makeSchedule(SEGMENTS, ['x', 'unused'], ['y']).releaseInputs).toEqual(['unused']);
    expect(() => makeSchedule([seg(0, 'engine', ['ghost'], ['y'])], ['x'], ['y'])).toThrow(/reads 'ghost' before any segment produces it/);
  });
});

describe('executor over the tensor store', () => {
  it('computes y = 2(x+1) + 3(x+1), holding only live values before each segment', async () => {
    const log: string[][] = [];
    const m = model(log);
    const { outputs, stats } = await m.runWithStats({ x: Float32Array.of(0, 1, 2) });
    expect(Array.from(outputs.y!.data as Float32Array)).toEqual([5, 10, 15]);
    expect(log).toEqual([['x'], ['a'], ['a', 'b'], ['b', 'c']]);
    // 4 boundary tensors (a twice, b, c) of 12 bytes; x is a model input, not a boundary.
    expect(stats.boundaryTensors).toBe(4);
    expect(stats.boundaryBytes).toBe(48);
    expect(stats.segments.map((s) => s.inputs.map((i) => i.from))).toEqual([['input'], [0], [0], [1, 2]]);
    // Peak: a, b and the new c (12 bytes each) while segment 2 stores c.
    expect(stats.peakBytes).toBe(36);
  });

  it('downloads a device value once for its host readers, counts it, and disposes it when freed', async () => {
    const log: string[][] = [];
    const device: FakeDevice[] = [];
    const m = model(log, { device });
    const { stats } = await m.runWithStats({ x: Float32Array.of(1, 2, 3) });
    expect(device).toHaveLength(1);
    expect(device[0]!.downloads).toBe(1); // read by segments 1 and 2
    expect(device[0]!.disposed).toBe(true);
    expect(stats.deviceToHost).toEqual({ count: 1, bytes: 12 });
  });

  it('a failing run rejects, frees what it held, and counts as failed', async () => {
    const device: FakeDevice[] = [];
    const m = model([], { device, failAt: 1 });
    await expect(m.run({ x: Float32Array.of(1, 2, 3) })).rejects.toThrow('segment failed');
    expect(device[0]!.disposed).toBe(true);
    expect(m.stats).toMatchObject({ runs: 0, failedRuns: 1 });
  });
});
