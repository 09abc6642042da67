/**
 * Plans: serialize -> deserialize gives an engine with the same layers, tactics, memory
 * plan and bit-identical outputs; and the loader refuses bad plans. The fuzzing part
 * (fixed seeds): every truncation of a real plan, thousands of random byte flips (caught by
 * the checksum), and thousands of flips re-sealed with a recomputed checksum so that they
 * reach the parser and validator, which must refuse each one with a PLAN error or, where the
 * change is one no check can see (a weight value), yield an engine that still runs. No case
 * may crash or hang the process.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine, deserializeEngine } from '../../src/engine/engine.js';
import { mulberry32 } from '../../src/util/random.js';
import { smallCnn, smallCnnInputs } from './helpers/small-cnn.js';
import { reseal, xxh64 } from './helpers/xxh64.js';

async function outcome(bytes: Uint8Array): Promise<'refused' | 'ran'> {
  let engine;
  try {
    engine = await deserializeEngine(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(HybridError);
    expect((e as HybridError).code, (e as HybridError).message).toBe('PLAN');
    return 'refused';
  }
  try {
    await engine.createContext().run(smallCnnInputs(1));
  } finally {
    engine.dispose();
  }
  return 'ran';
}

describe('plans', async () => {
  const built = await buildEngine(smallCnn());
  const plan = built.serialize();
  const inputs = smallCnnInputs(7);
  const expected = await built.createContext().run(inputs);

  it('round trip: same layers, tactics, memory plan and outputs', async () => {
    const loaded = await deserializeEngine(plan);
    const a = built.info();
    const b = loaded.info();
    expect(b.layers).toEqual(a.layers);
    expect(b.memory).toEqual(a.memory);
    expect(b.inputs).toEqual(a.inputs);
    expect(b.outputs).toEqual(a.outputs);
    const got = await loaded.createContext().run(inputs);
    expect(got.map((t) => Array.from(t as Float32Array))).toEqual(expected.map((t) => Array.from(t as Float32Array)));
    expect(Array.from(loaded.serialize())).toEqual(Array.from(plan));
    loaded.dispose();
  });

  it('the header: magic, version, backend and device arch are on the first bytes', () => {
    expect(new TextDecoder().decode(plan.subarray(0, 8))).toBe('HYBRTPLN');
    const view = new DataView(plan.buffer, plan.byteOffset);
    expect(view.getUint32(8, true)).toBe(2);
    expect(view.getBigUint64(16, true)).toBe(xxh64(plan.subarray(24)));
    expect(Number(view.getBigUint64(24, true))).toBe(plan.length - 32);
    expect(new TextDecoder().decode(plan.subarray(36, 39))).toBe('cpu');
  });

  it('the TypeScript XXH64 matches known vectors (and so re-sealing is faithful)', () => {
    expect(xxh64(new Uint8Array()).toString(16)).toBe('ef46db3751d8e999');
    expect(xxh64(new TextEncoder().encode('abc')).toString(16)).toBe('44bc2cf5ad770999');
    expect(xxh64(new TextEncoder().encode('Nobody inspects the spammish repetition')).toString(16)).toBe('fbcea83c8a378bf1');
  });

  it('names what is wrong: magic, version, size, checksum, device', async () => {
    const msg = async (bytes: Uint8Array) => {
      const e = await deserializeEngine(bytes).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HybridError);
      expect((e as HybridError).code).toBe('PLAN');
      return (e as HybridError).message;
    };
    expect(await msg(new TextEncoder().encode('not a plan at all, just some text...'))).toContain('not a hybridrt plan');
    const v3 = plan.slice();
    new DataView(v3.buffer).setUint32(8, 3, true);
    expect(await msg(v3)).toContain('format version 3; this build reads version 2');
    // Plans of format 1 (before input ranges) are refused the same way: rebuild them.
    const v1 = plan.slice();
    new DataView(v1.buffer).setUint32(8, 1, true);
    expect(await msg(v1)).toContain('format version 1; this build reads version 2 (rebuild the engine)');
    expect(await msg(plan.subarray(0, 20))).toContain('truncated: reading checksum needs 8 bytes at offset 16, only 4 left');
    expect(await msg(plan.subarray(0, plan.length - 1))).toContain(`truncated: the header says ${plan.length} bytes, got ${plan.length - 1}`);
    const flipped = plan.slice();
    flipped[plan.length - 5]! ^= 0x10;
    expect(await msg(flipped)).toContain('checksum mismatch');
    const arch = plan.slice();
    arch.set(new TextEncoder().encode('x86_63'), 43); // after the u32 length at 39
    expect(await msg(reseal(arch))).toContain("built for cpu architecture 'x86_63'; this device is 'x86_64'");
  });

  it('refuses every truncation', async () => {
    for (let n = 0; n < plan.length; n += n < 600 ? 1 : 97) {
      expect(await outcome(plan.subarray(0, n)), `truncated to ${n} bytes`).toBe('refused');
    }
  });

  it('refuses 3000 random byte flips (the checksum sees them)', async () => {
    const r = mulberry32(2024);
    for (let i = 0; i < 3000; i++) {
      const bad = plan.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) bad[Math.floor(r() * bad.length)]! ^= 1 + Math.floor(r() * 255);
      expect(await outcome(bad), `case ${i}`).toBe('refused');
    }
  });

  it('re-sealed flips reach the parser: refused, or harmless and runnable', async () => {
    const r = mulberry32(7);
    // The weight blob sits before MEMP/TACT; flips there are valid plans with other weights.
    const counts = { refused: 0, ran: 0 };
    for (let i = 0; i < 4000; i++) {
      const bad = plan.slice();
      const at = 24 + Math.floor(r() * (bad.length - 24));
      bad[at]! ^= 1 << Math.floor(r() * 8);
      if (r() < 0.3) bad[24 + Math.floor(r() * (bad.length - 24))] = Math.floor(r() * 256);
      counts[await outcome(reseal(bad))]++;
    }
    // Most bytes outside the weights are structure, so many corruptions must be caught.
    expect(counts.refused).toBeGreaterThan(200);
    expect(counts.refused + counts.ran).toBe(4000);
  });
});
