/**
 * hybrid-run --benchmark on the cpu backend (the cuda run is bench/gpu-bench.py's): the
 * numbers are present and consistent with each other, never compared with a time. Every
 * consistency check here holds for any timings: a summary is ordered (min <= median <= max),
 * a run's engine compute is part of its wall time (so, run by run, compute <= latency, and the
 * same holds for the medians), throughput is 1000 / median latency, profile shares sum to 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchmarkResult, Summary } from '../../src/cli/benchmark.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, runMain, runOrt, tempDir } from './helpers.js';

const SHAPE = ['--shape', 'input=1x3x64x64'];

function expectSummary(s: Summary | null, label: string): asserts s is Summary {
  expect(s, label).not.toBeNull();
  const v = s!;
  for (const k of ['min', 'median', 'mean', 'p90', 'p99', 'max'] as const) {
    expect(Number.isFinite(v[k]) && v[k] >= 0, `${label}.${k} = ${v[k]}`).toBe(true);
  }
  expect(v.min <= v.median && v.median <= v.p90 && v.p90 <= v.p99 && v.p99 <= v.max, label).toBe(true);
  expect(v.min <= v.mean && v.mean <= v.max, label).toBe(true);
}

async function benchJson(...argv: string[]): Promise<BenchmarkResult> {
  const r = await runMain(resnet, ...SHAPE, '--backend', 'cpu', '--json', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as BenchmarkResult;
}

describeIf(HAS_NATIVE, 'hybrid-run --benchmark (cpu)', NATIVE_MISSING, () => {
  it('--json: latency, compute, copies, throughput, segments and build, all consistent', async () => {
    const b = await benchJson('--benchmark', '6', '--warmup', '1');
    expect(b).toMatchObject({ backend: 'cpu', batch: 1, runs: 6, warmup: 1, precisions: ['fp32'], computeResident: false });
    expect(b.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: [1, 3, 64, 64] }]);
    expectSummary(b.latencyMs, 'latencyMs');
    expectSummary(b.computeMs, 'computeMs');
    expectSummary(b.hostToDeviceMs, 'hostToDeviceMs');
    expectSummary(b.deviceToHostMs, 'deviceToHostMs');
    expect(b.computeMs.median).toBeLessThanOrEqual(b.latencyMs.median);
    expect(b.residentLatencyMs).toBeNull(); // cpu memory is host memory
    expect(b.fallbackMs).toBeNull(); // the whole model is one engine
    expect(b.throughput.runsPerSecond).toBeCloseTo(1000 / b.latencyMs.median, 6);
    expect(b.throughput.samplesPerSecond).toBeCloseTo(1000 / b.latencyMs.median, 6);
    expect(b.throughput.computeSamplesPerSecond).toBeCloseTo(1000 / b.computeMs.median, 6);
    expect(b.segments).toHaveLength(1);
    expect(b.segments[0]).toMatchObject({ id: 0, kind: 'engine', graph: 'off' });
    expect(b.segments[0]!.computeMedianMs).toBeLessThanOrEqual(b.segments[0]!.medianMs);
    expect(b.build?.engines).toHaveLength(1);
    const engine = b.build!.engines[0]!;
    expect(engine.ms).toBeGreaterThan(0);
    expect(engine.layers).toBeGreaterThan(10);
    // resnet_mini: every Conv is followed by a Relu, and its blocks end in residual adds.
    expect(engine.fusions.activation).toBeGreaterThan(0);
    expect(engine.fusions.residual).toBeGreaterThan(0);
    expect(b.build!.compileMs.build).toBeGreaterThan(0);
    expect(b.profile).toBeUndefined();
  });

  it('--profile: one entry per engine layer, shares summing to 1, named as the engine names them', async () => {
    const b = await benchJson('--benchmark', '3', '--warmup', '0', '--profile');
    const p = b.profile!;
    expect(p.runs).toBe(3);
    expect(p.layers.length).toBe(b.build!.engines[0]!.layers);
    expect(p.layers.every((l) => l.segment === 0 && Number.isFinite(l.ms) && l.ms >= 0)).toBe(true);
    expect(p.layers.reduce((a, l) => a + l.share, 0)).toBeCloseTo(1, 9);
    expect(p.layers.reduce((a, l) => a + l.ms, 0)).toBeCloseTo(p.computeMs, 9);
    expect(p.layers.map((l) => l.name)).toContain('/layer1/0/conv1/Conv');
    // The Flatten before the classifier is a byte view of its input: an alias that runs nothing.
    expect(p.layers.filter((l) => l.tactic === 'alias').map((l) => [l.name, l.ms])).toEqual([['/Flatten', 0]]);
    expect(b.build!.engines[0]!.aliases).toBe(1);
  });

  it('the printout: the latency line first, then compute, copies, throughput, segments, build, profile', async () => {
    const r = await runMain(resnet, ...SHAPE, '--backend', 'cpu', '--iterations', '4', '--warmup', '1', '--profile');
    expect(r.code).toBe(0);
    const num = '[\\d.e+-]+ ms';
    expect(r.out).toMatch(
      new RegExp(`^benchmark {2}4 runs after 1 warm-up: median ${num}, mean ${num}, min ${num}, p90 ${num}, p99 ${num}, max ${num}$`, 'm'),
    );
    for (const line of [
      '  compute ',
      '  input copies ',
      '  output copies ',
      '  throughput ',
      '  segments ',
      '  build ',
      'profile  median of 4 profiled runs',
      '  by kind: ',
    ]) {
      expect(r.out).toContain(line);
    }
    expect(r.out).toMatch(/^ {19}engine #0: .*, \d+ layers \(1 alias\), /m);
    // cpu engines' memory is host memory: their copies are named as copies, not as transfers to a device.
    const bench = r.out.slice(r.out.indexOf('benchmark  '), r.out.indexOf('profile  '));
    expect(bench).not.toMatch(/host-to-device|device-to-host|device/i);
    expect(bench).toMatch(/^ {2}input copies {5}median [\d.e+-]+ ms, max [\d.e+-]+ ms \(feeds into the engines' memory\)$/m);
    expect(bench).toMatch(/^ {2}output copies {4}median [\d.e+-]+ ms, max [\d.e+-]+ ms \(results out of the engines' memory\)$/m);
    expect(r.out).toContain("  aliases: /Flatten (a reshape sharing its input's bytes: 0 ms, nothing launched)");
  });

  it('--duration runs for a time instead of a count', async () => {
    const b = await benchJson('--duration', '0.2', '--warmup', '0');
    expect(b.runs).toBeGreaterThanOrEqual(1);
    expectSummary(b.latencyMs, 'latencyMs');
  });

  it('--timing-cache records the engine build tactics in FILE, and a second build reads them', async () => {
    const file = path.join(tempDir(), 'tactics.cache');
    const first = await benchJson('--benchmark', '1', '--warmup', '0', '--timing-cache', file);
    expect(fs.existsSync(file)).toBe(true);
    // Layers of one signature (two alike convolutions) share an entry even within a build.
    const tc1 = first.build!.engines[0]!.timingCache!;
    expect(tc1.path).toBe(file);
    const second = await benchJson('--benchmark', '1', '--warmup', '0', '--timing-cache', file);
    const tc2 = second.build!.engines[0]!.timingCache!;
    expect(tc2.hits).toBeGreaterThan(tc1.hits);
    expect(tc2.hits + tc2.misses).toBe(tc1.hits + tc1.misses);
  });
});

describe('hybrid-run --benchmark flags', () => {
  it('--backend ort: latency only (no engines)', async () => {
    const r = await runOrt(resnet, ...SHAPE, '--benchmark', '2', '--warmup', '0', '--json');
    expect(r.code).toBe(0);
    const b = JSON.parse(r.out) as BenchmarkResult;
    expectSummary(b.latencyMs, 'latencyMs');
    expect([b.computeMs, b.hostToDeviceMs, b.build]).toEqual([null, null, null]);
    expect(b.segments).toEqual([]);
  });

  it('refuses --json and --profile without a benchmark, a count with a duration, and engine flags on ort', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--json'], /--json: these shape --benchmark's results; add --benchmark/],
      [['--profile', '--backend', 'cpu'], /--profile: these shape --benchmark's results/],
      [['--iterations', '3', '--duration', '1'], /--duration 1: give a duration or a number of runs/],
      [['--benchmark', '3', '--iterations', '4'], /--iterations 4: disagrees with --benchmark 3/],
      [['--duration', '0'], /--duration 0: must be a positive number of seconds/],
      [['--benchmark', '--json', '--compare'], /--json, --compare: stdout carries only the benchmark's JSON/],
      [['--benchmark', '--profile', '--backend', 'ort'], /--profile: --backend ort builds no engines/],
      [['--benchmark', '--timing-cache', 'x.cache', '--backend', 'ort'], /--timing-cache: --backend ort builds no engines/],
    ];
    for (const [flags, message] of cases) {
      const r = await runMain(resnet, ...SHAPE, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toMatch(message);
      expect(r.out, flags.join(' ')).toBe('');
    }
  });
});
