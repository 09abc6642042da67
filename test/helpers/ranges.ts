/**
 * What the shape-range suites of compile() share: a run held to onnxruntime on the same feeds
 * (max |a - b| over max |b| per output, within FP32_TOL: test/engine/helpers/compare.ts), the
 * test that a model ran wholly on one engine, and the shapes a range is run at.
 */
import type ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { compile } from '../../src/compiler/compile.js';
import type { ShapeRange } from '../../src/compiler/profiles.js';
import { mulberry32 } from '../../src/util/random.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';

export type Compiled = Awaited<ReturnType<typeof compile>>;

export async function expectMatches(m: Compiled, model: string | Uint8Array, feeds: Record<string, ort.Tensor>, what: string): Promise<void> {
  const got = await m.run(feeds);
  const want = await ortRun(model, feeds);
  for (const [name, t] of Object.entries(want)) {
    expect(got[name]!.dims, `${what}: ${name} shape`).toEqual(t.dims);
    expect(relativeError(got[name]!, t), `${what}: ${name}`).toBeLessThan(FP32_TOL);
  }
}

export const engineOnly = (m: Compiled) => {
  const s = m.report.data.summary;
  return s.engineNodes === s.nodes && s.fallbackSegments === 0;
};

/** Shapes to run a range at: min, opt, max, and `extra` drawn between them. */
export function shapesIn(r: ShapeRange, extra: number, seed: number): number[][] {
  const next = mulberry32(seed);
  const between = Array.from({ length: extra }, () => r.min.map((lo, d) => lo + Math.floor(next() * (r.max[d]! - lo + 1))));
  return [r.min, r.opt, r.max, ...between];
}
