/**
 * Aliases in plans (native/src/builder/memory_planner.h, engine.h): a plan keeps tactic 'alias' and
 * the shared offsets through a round trip; a plan in the layout written before aliasing (each
 * reshape in a block of its own, a copy tactic) still loads and runs; and the loader refuses
 * what would be unsafe or inconsistent: two tensors alive at once that overlap other than as
 * a byte view at its input's offset, a non-view layer's output at its input's offset, and a
 * tactic that disagrees with the memory plan about which layers are aliases. The plans are
 * rewritten with test/engine/helpers/plan-sections.ts, which follows the plan format's
 * definition, not the native code.
 *
 *   chain:  x -> conv -> c -> reshape r1 -> reshape r2 -> relu -> y     (helpers/alias-nets.ts)
 */
import { beforeAll, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine, deserializeEngine, type Engine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { X_SHAPE, chainNet, rereadNet, tensorIds } from './helpers/alias-nets.js';
import { NetDraft } from './helpers/net.js';
import { type PlanMemory, readPlanMemory, readPlanTactics, rewritePlan } from './helpers/plan-sections.js';
import { randomFloat } from './helpers/random.js';

const input = (seed: number) => randomFloat(X_SHAPE, seed).data as Float32Array;
const C_BYTES = 2048; // c, r1, r2 and y of the chain: 512 floats

async function outputs(e: Engine, x: Float32Array): Promise<number[][]> {
  return ((await e.createContext().run([x])) as Float32Array[]).map((t) => Array.from(t));
}

async function refusal(plan: Uint8Array): Promise<string> {
  const e = await deserializeEngine(plan).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(HybridError);
  expect((e as HybridError).code, (e as HybridError).message).toBe('PLAN');
  return (e as HybridError).message;
}

/** What a shuffle that copies records as its tactic on this backend (a real transpose's). */
async function copyTacticOfBackend(): Promise<string> {
  const d = new NetDraft();
  const x = d.input('x', 'float32', [2, 3]);
  const [y] = d.layer('shuffle', 't', [x], { firstPerm: [1, 0] }, [{ dtype: 'float32', shape: [3, 2] }]);
  d.output(y!);
  const e = await buildEngine(d.finish());
  try {
    return e.info().layers[0]!.tactic;
  } finally {
    e.dispose();
  }
}

describeIf(HAS_NATIVE, 'aliases in plans', NATIVE_MISSING, () => {
  const net = chainNet();
  const id = tensorIds(net);
  const layerIndex = (name: string) => net.layers.findIndex((l) => l.name === name);
  // Built in beforeAll: the suite's body is collected even where the addon is missing.
  let plan: Uint8Array;
  let memory: PlanMemory;
  let tactics: string[];
  let expected: number[][];
  let copyTactic: string;
  beforeAll(async () => {
    const engine = await buildEngine(net);
    plan = engine.serialize();
    memory = readPlanMemory(plan);
    tactics = readPlanTactics(plan);
    expected = await outputs(engine, input(1));
    engine.dispose();
    copyTactic = await copyTacticOfBackend();
  });

  /** The chain's plan with r1 and r2 each in a block of its own at the arena's end, as before aliasing. */
  const oldLayout = (): PlanMemory => {
    const offsets = [...memory.offsets];
    offsets[id.r1!] = memory.arenaBytes;
    offsets[id.r2!] = memory.arenaBytes + C_BYTES;
    return { arenaBytes: memory.arenaBytes + 2 * C_BYTES, activationBytes: memory.activationBytes + 2 * C_BYTES, offsets };
  };
  const copyTactics = () => tactics.map((t, i) => (i === layerIndex('r1') || i === layerIndex('r2') ? copyTactic : t));

  it("the chain plan records the aliases: r1 and r2 at c's offset, tactic alias", () => {
    expect(copyTactic).not.toBe('alias');
    expect([tactics[layerIndex('r1')], tactics[layerIndex('r2')]]).toEqual(['alias', 'alias']);
    expect([memory.offsets[id.r1!], memory.offsets[id.r2!]]).toEqual([memory.offsets[id.c!], memory.offsets[id.c!]]);
  });

  it('round trip: tactics (alias included), memory plan and outputs as built; the bytes re-serialize unchanged', async () => {
    const built = await buildEngine(rereadNet());
    const again = await deserializeEngine(built.serialize());
    try {
      expect(again.info().layers).toEqual(built.info().layers);
      expect(
        again
          .info()
          .layers.filter((l) => l.tactic === 'alias')
          .map((l) => l.name),
      ).toEqual(['f', 'u']);
      expect(again.info().memory).toEqual(built.info().memory);
      for (const seed of [1, 2]) expect(await outputs(again, input(seed))).toEqual(await outputs(built, input(seed)));
      expect(Array.from(again.serialize())).toEqual(Array.from(built.serialize()));
    } finally {
      built.dispose();
      again.dispose();
    }
  });

  it('the layout written before aliasing (each reshape its own block, a copy tactic) loads and runs: same outputs', async () => {
    const old = await deserializeEngine(rewritePlan(plan, { memory: oldLayout(), tactics: copyTactics() }));
    try {
      expect(old.info().layers.map((l) => l.tactic)).toEqual(copyTactics());
      expect(old.info().memory.activationBytes).toBe(memory.activationBytes + 2 * C_BYTES);
      expect(await outputs(old, input(1))).toEqual(expected);
    } finally {
      old.dispose();
    }
  });

  it('a plan built with alias: false (the planner as it was before aliasing) round-trips with copy tactics', async () => {
    const built = await buildEngine(net, { alias: false });
    const again = await deserializeEngine(built.serialize());
    try {
      expect(again.info().layers.map((l) => l.tactic)).toEqual(copyTactics());
      expect(again.info().memory.activationBytes).toBe(memory.activationBytes + 2 * C_BYTES);
      expect(await outputs(again, input(1))).toEqual(expected);
    } finally {
      built.dispose();
      again.dispose();
    }
  });

  it('refuses a live tensor over an alias group: relu writes y onto r2, which it reads', async () => {
    const offsets = [...memory.offsets];
    offsets[id.y!] = memory.offsets[id.c!]!;
    const m = { ...memory, offsets, activationBytes: memory.activationBytes };
    expect(await refusal(rewritePlan(plan, { memory: m }))).toMatch(
      /tensor '(c|y)' \(id \d+\) and tensor '(c|y)' \(id \d+\) are alive at the same time but overlap/,
    );
  });

  it("refuses a byte view that overlaps its input other than at the input's offset", async () => {
    const offsets = [...memory.offsets];
    offsets[id.r1!] = memory.offsets[id.c!]! + 256; // inside c's block: neither an alias nor a copy
    const end = offsets[id.r1!]! + C_BYTES;
    // r1 and r2 now head blocks of their own (r2 sits at c's offset, not at r1's).
    const m = { arenaBytes: Math.max(memory.arenaBytes, end), activationBytes: memory.activationBytes + 2 * C_BYTES, offsets };
    expect(await refusal(rewritePlan(plan, { memory: m }))).toMatch(/tensor 'r1' .* overlap|overlap.*tensor 'r1'/);
  });

  it("refuses a non-view layer's output at its input's offset (a transpose cannot be an alias)", async () => {
    const d = new NetDraft();
    const x = d.input('x', 'float32', [4, 8]);
    const [t] = d.layer('shuffle', 't', [x], { firstPerm: [1, 0] }, [{ dtype: 'float32', shape: [8, 4] }]);
    const [y] = d.layer('unary', 'y', [t!], { op: 'neg' }, [{ dtype: 'float32', shape: [8, 4] }]);
    d.output(y!);
    const e = await buildEngine(d.finish());
    const p = e.serialize();
    e.dispose();
    const m = readPlanMemory(p);
    const offsets = [...m.offsets];
    offsets[t!] = m.offsets[x]!; // t's 128 bytes and x's are one 256-byte block
    expect(await refusal(rewritePlan(p, { memory: { ...m, offsets } }))).toContain('are alive at the same time but overlap');
  });

  it('refuses tactics that disagree with the memory plan, naming the layer', async () => {
    const copied = rewritePlan(plan, { tactics: copyTactics() }); // aliased offsets, copy tactics
    expect(await refusal(copied)).toContain(`layer 'r1' (shuffle) has tactic '${copyTactic}'; expected 'alias'`);
    const aliased = rewritePlan(plan, { memory: oldLayout() }); // own blocks, alias tactics
    expect(await refusal(aliased)).toContain("layer 'r1' (shuffle) has tactic 'alias', but its memory plan gives its output bytes of its own");
    const conv = tactics.map((t, i) => (i === layerIndex('c') ? 'alias' : t));
    expect(await refusal(rewritePlan(plan, { tactics: conv }))).toContain("layer 'c' (convolution) has tactic 'alias'");
  });

  it('refuses activation bytes that count an aliased tensor twice', async () => {
    const m = { ...memory, activationBytes: memory.activationBytes + C_BYTES };
    expect(await refusal(rewritePlan(plan, { memory: m }))).toContain(
      `activation bytes are ${memory.activationBytes + C_BYTES}; expected ${memory.activationBytes}`,
    );
  });
});
