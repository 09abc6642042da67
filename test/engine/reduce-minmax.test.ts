/**
 * Float min and max reductions (native/cpu/reduce_minmax.cc: 32 lanes at a time on AVX-512, then
 * the element the rule keeps): bit for bit against a reference of the kernel's rule written
 * here, acc = x[i] where x[i] < acc (> for max) or x[i] is NaN, from +Infinity (-Infinity), i in
 * order: the last NaN of a row, else its first element equal to the extreme (-0 and +0 told
 * apart). Rows of every length 0 to 70 (the 32-lane body and the 16-lane tails), rows of zeros of
 * both signs, of infinities, NaN at either end, and rows of 50 000 (the threads' split), in the
 * process's kernel form and in a child with HYBRIDRT_CPU_KERNEL=avx2 (the scalar loop). Ordinary
 * values against onnxruntime's ReduceMin/ReduceMax (exact: a min or max is exact).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { runVitestChild } from './helpers/child-vitest.js';
import { checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat, tensor } from './helpers/random.js';

function reference(op: 'min' | 'max', row: Float32Array): number {
  let m = op === 'min' ? Infinity : -Infinity;
  for (const v of row) if ((op === 'min' ? v < m : v > m) || Number.isNaN(v)) m = v;
  return m;
}

/** Each of `rows` reduced by the engine (one reduce layer over the last axis of [rows, len]). */
async function reduceRows(op: 'min' | 'max', rows: Float32Array[], threads: number): Promise<Float32Array> {
  const len = rows[0]!.length;
  const d = new NetDraft(`reduce_${op}`);
  const x = d.input('x', 'float32', [rows.length, len]);
  const [y] = d.layer('reduce', 'r', [x], { op, axes: [1], keepDims: false }, [{ dtype: 'float32', shape: [rows.length] }]);
  d.output(y!);
  const engine = await buildEngine(d.finish(), { backend: 'cpu', threads });
  const flat = new Float32Array(rows.length * len);
  rows.forEach((r, i) => flat.set(r, i * len));
  const [got] = (await engine.createContext().run([flat])) as Float32Array[];
  engine.dispose();
  return got!;
}

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

async function checkRule(seed: number): Promise<string[]> {
  const r = mulberry32(seed);
  const special = [NaN, Infinity, -Infinity, 0, -0];
  const bad: string[] = [];
  const rowsOf = (len: number): Float32Array[] => {
    const pick = (p: number) => Float32Array.from({ length: len }, () => (r() < p ? special[Math.floor(r() * special.length)]! : r() * 4 - 2));
    const zeros = Float32Array.from({ length: len }, () => (r() < 0.5 ? 0 : -0));
    const nonneg = Float32Array.from({ length: len }, () => (r() < 0.3 ? (r() < 0.5 ? 0 : -0) : r()));
    const nanFirst = pick(0);
    const nanLast = pick(0);
    if (len > 0) {
      nanFirst[0] = NaN;
      nanLast[len - 1] = NaN;
    }
    const inf = Float32Array.from({ length: len }, () => (r() < 0.5 ? Infinity : -Infinity));
    return [pick(0), pick(0.05), pick(0.5), zeros, nonneg, nanFirst, nanLast, inf];
  };
  for (const op of ['min', 'max'] as const) {
    for (let len = 1; len <= 70; len++) {
      const rows = rowsOf(len);
      const got = await reduceRows(op, rows, 1);
      rows.forEach((row, i) => {
        const want = reference(op, row);
        if (!Object.is(got[i], want)) bad.push(`${op} len ${len} row ${i}: ${show(got[i]!)}, want ${show(want)}`);
      });
    }
    for (const threads of [1, 2]) {
      const rows = rowsOf(50_000);
      const got = await reduceRows(op, rows, threads);
      rows.forEach((row, i) => {
        const want = reference(op, row);
        if (!Object.is(got[i], want)) bad.push(`${op} len 50000 row ${i} (${threads} threads): ${show(got[i]!)}, want ${show(want)}`);
      });
    }
  }
  return bad;
}

describe('float min and max reductions', () => {
  it('the sequential rule, bit for bit: NaN last, the first of equal extremes', async () => {
    const bad = await checkRule(31);
    expect(bad.slice(0, 5), `${bad.length} differ`).toEqual([]);
  });

  it('ordinary values against onnxruntime', async () => {
    for (const [op, onnx] of [
      ['min', 'ReduceMin'],
      ['max', 'ReduceMax'],
    ] as const) {
      await checkLayer({
        op: onnx,
        attrs: { keepdims: 0 },
        inputs: [randomFloat([3, 37, 41], 5), tensor('int64', [2], [1, 2])],
        constants: [1],
        layerInputs: [0],
        kind: 'reduce',
        params: { op, axes: [1, 2], keepDims: false },
      });
    }
  });
});

describeIf(HAS_NATIVE && !forced, 'float min and max reductions, the scalar loop (HYBRIDRT_CPU_KERNEL=avx2)', NATIVE_MISSING, () => {
  it('the suite above passes with HYBRIDRT_CPU_KERNEL=avx2', () => {
    expect(runVitestChild(['test/engine/reduce-minmax.test.ts'], { HYBRIDRT_CPU_KERNEL: 'avx2' })).toMatch(/Tests\s+2 passed/);
  }, 300_000);
});
