/**
 * Concats written in place (native/src/builder/alias.h, memory_planner.h): where a concat's
 * inputs can lie one after another in its output (one image along the axis, each input a whole
 * number of 256-byte arena alignments, each a layer's own output read by no byte view, not a
 * network input or output, once in the concat, not already in another concat), the planner
 * places each at its slice and the concat runs as tactic 'alias' (nothing copies). Elsewhere it
 * copies as before. Each case against a reference written here (concat of the producers'
 * values, exact), the fire module against onnxruntime (1e-5 of the output's scale) and against
 * the same engine built with alias: false (the copying concat) bit for bit; plans round-trip,
 * and the loader refuses a tensor over a concat's input while the concat's output is alive.
 */
import ort from 'onnxruntime-node';
import { beforeAll, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine, deserializeEngine, type Engine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { expectClose } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { readPlanMemory, readPlanTactics, rewritePlan } from './helpers/plan-sections.js';
import { randomFloat } from './helpers/random.js';

const f32 = (shape: number[]) => ({ dtype: 'float32' as const, shape });
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const tacticOf = (e: Engine, name: string) => e.info().layers.find((l) => l.name === name)!.tactic;

/** The producers: unary layers over x, each with its reference. */
const UNARY: Record<string, (v: number) => number> = { neg: (v) => -v, relu: (v) => Math.max(v, 0), abs: (v) => Math.abs(v) };

/** ONNX's Concat written out: per outer index, each part's block in turn. */
function concatReference(parts: Float32Array[], shapes: number[][], axis: number): Float32Array {
  const outer = count(shapes[0]!.slice(0, axis));
  const blocks = parts.map((p) => p.length / outer);
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (let o = 0; o < outer; o++) {
    parts.forEach((p, i) => {
      out.set(p.subarray(o * blocks[i]!, (o + 1) * blocks[i]!), at);
      at += blocks[i]!;
    });
  }
  return out;
}

interface Case {
  what: string;
  x: number[];
  axis: number;
  /** The concat's parts: 'x' (the network input) or a unary op over x, by name (repeated: the same tensor). */
  parts: string[];
  /** Also read a part after the concat (its bytes must outlive the concat's). */
  readAfter?: boolean;
  /** A reshape of the first part (a byte view: that part stays out of the concat). */
  viewOfFirst?: boolean;
  /** The first part is a network output too. */
  firstIsOutput?: boolean;
  inPlace: boolean;
}

function caseNet(c: Case): { net: NetworkDefinition; outShape: number[] } {
  const d = new NetDraft('concat');
  const x = d.input('x', 'float32', c.x);
  const made = new Map<string, number>();
  for (const p of c.parts) {
    if (p === 'x' || made.has(p)) continue;
    made.set(p, d.layer('unary', p, [x], { op: p }, [f32(c.x)])[0]!);
  }
  const ids = c.parts.map((p) => (p === 'x' ? x : made.get(p)!));
  const outShape = [...c.x];
  outShape[c.axis] = c.x[c.axis]! * c.parts.length;
  const [cat] = d.layer('concat', 'cat', ids, { axis: c.axis }, [f32(outShape)]);
  const [y] = d.layer('unary', 'y', [cat!], { op: 'neg' }, [f32(outShape)]);
  d.output(y!);
  if (c.readAfter) d.output(d.layer('unary', 'after', [ids[0]!], { op: 'neg' }, [f32(c.x)])[0]!);
  if (c.viewOfFirst) d.output(d.layer('shuffle', 'view', [ids[0]!], { reshape: [count(c.x)] }, [f32([count(c.x)])])[0]!);
  if (c.firstIsOutput) d.output(ids[0]!);
  return { net: d.finish(), outShape };
}

async function outputs(e: Engine, x: Float32Array): Promise<Float32Array[]> {
  return (await e.createContext().run([x])) as Float32Array[];
}

describeIf(HAS_NATIVE, 'concats in place', NATIVE_MISSING, () => {
  const cases: Case[] = [
    { what: 'three layers along the channels', x: [1, 8, 4, 8], axis: 1, parts: ['neg', 'relu', 'abs'], inPlace: true },
    { what: 'a part read again after the concat', x: [1, 8, 4, 8], axis: 1, parts: ['neg', 'relu'], readAfter: true, inPlace: true },
    { what: 'along a later axis, ones before it', x: [1, 1, 8, 32], axis: 2, parts: ['relu', 'neg'], inPlace: true },
    { what: 'two images (each part in two blocks)', x: [2, 8, 4, 8], axis: 1, parts: ['neg', 'relu'], inPlace: false },
    { what: 'parts of 300 bytes (not a whole alignment)', x: [1, 3, 5, 5], axis: 1, parts: ['neg', 'relu'], inPlace: false },
    { what: 'the network input as a part', x: [1, 8, 4, 8], axis: 1, parts: ['x', 'relu'], inPlace: false },
    { what: 'one tensor twice', x: [1, 8, 4, 8], axis: 1, parts: ['neg', 'neg'], inPlace: false },
    { what: 'a part with a byte view', x: [1, 8, 4, 8], axis: 1, parts: ['neg', 'relu'], viewOfFirst: true, inPlace: false },
    { what: 'a part that is a network output', x: [1, 8, 4, 8], axis: 1, parts: ['neg', 'relu'], firstIsOutput: true, inPlace: false },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.inPlace ? "tactic 'alias', parts at their slices" : 'copied'}; values exact`, async () => {
      const { net, outShape } = caseNet(c);
      const e = await buildEngine(net);
      try {
        expect(tacticOf(e, 'cat') === 'alias').toBe(c.inPlace);
        const m = readPlanMemory(e.serialize());
        const cat = net.tensors.find((t) => t.name === 'cat')!.id;
        const partIds = c.parts.map((p) => net.tensors.find((t) => t.name === p)!.id);
        if (c.inPlace) expect(partIds.map((id) => m.offsets[id])).toEqual(partIds.map((_, i) => m.offsets[cat]! + i * count(c.x) * 4));
        for (const seed of [1, 2]) {
          const xv = randomFloat(c.x, seed).data as Float32Array;
          const parts = c.parts.map((p) => (p === 'x' ? xv : xv.map(UNARY[p]!)));
          const got = await outputs(e, xv);
          expect(Array.from(got[0]!)).toEqual(
            Array.from(
              concatReference(
                parts,
                c.parts.map(() => c.x),
                c.axis,
              ).map((v) => -v),
            ),
          );
          expect(got[0]!.length).toBe(count(outShape));
          if (c.readAfter) expect(Array.from(got[1]!)).toEqual(Array.from(parts[0]!.map((v) => -v)));
          if (c.viewOfFirst || c.firstIsOutput) expect(Array.from(got[1]!)).toEqual(Array.from(parts[0]!));
        }
      } finally {
        e.dispose();
      }
    });
  }

  // A fire module (squeezenet1_1's features.6 at 15 x 15): 1x1 and 3x3 expand convolutions with
  // Relu into one concat, then a 3x3/2 max pool (ceil mode).
  const X = [1, 32, 15, 15];
  const W1 = randomFloat([64, 32, 1, 1], 21, -0.2, 0.2);
  const W3 = randomFloat([64, 32, 3, 3], 22, -0.1, 0.1);
  const B1 = randomFloat([64], 23);
  const B3 = randomFloat([64], 24);
  const conv = (k: number) => ({
    kernel: [k, k],
    strides: [1, 1],
    padsBegin: [k >> 1, k >> 1],
    padsEnd: [k >> 1, k >> 1],
    dilations: [1, 1],
    groups: 1,
    activation: { op: 'relu' },
  });
  function fireNet(): NetworkDefinition {
    const d = new NetDraft('fire');
    const x = d.input('x', 'float32', X);
    const w1 = d.constant('w1', 'float32', W1.dims, W1.data);
    const b1 = d.constant('b1', 'float32', B1.dims, B1.data);
    const w3 = d.constant('w3', 'float32', W3.dims, W3.data);
    const b3 = d.constant('b3', 'float32', B3.dims, B3.data);
    const [e1] = d.layer('convolution', 'e1', [x, w1, b1], conv(1), [f32([1, 64, 15, 15])]);
    const [e3] = d.layer('convolution', 'e3', [x, w3, b3], conv(3), [f32([1, 64, 15, 15])]);
    const [cat] = d.layer('concat', 'cat', [e1!, e3!], { axis: 1 }, [f32([1, 128, 15, 15])]);
    const pool = {
      mode: 'max',
      kernel: [3, 3],
      strides: [2, 2],
      padsBegin: [0, 0],
      padsEnd: [0, 0],
      dilations: [1, 1],
      ceilMode: true,
      countIncludePad: false,
    };
    const [y] = d.layer('pooling', 'pool', [cat!], pool, [f32([1, 128, 7, 7])]);
    d.output(y!);
    return d.finish();
  }
  async function fireReference(x: Float32Array): Promise<Float32Array> {
    const model = buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: X }],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'] },
        { op: 'Relu', inputs: ['c1'], outputs: ['e1'] },
        { op: 'Conv', inputs: ['x', 'w3', 'b3'], outputs: ['c3'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c3'], outputs: ['e3'] },
        { op: 'Concat', inputs: ['e1', 'e3'], outputs: ['cat'], attrs: { axis: 1 } },
        { op: 'MaxPool', inputs: ['cat'], outputs: ['y'], attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 } },
      ],
      initializers: { w1: W1, b1: B1, w3: W3, b3: B3 },
      opset: 18,
    });
    const session = await ort.InferenceSession.create(encodeModel(model));
    try {
      return (await session.run({ x: new ort.Tensor('float32', x, X) })).y!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  let plan: Uint8Array;
  let copied: Engine;
  beforeAll(async () => {
    const e = await buildEngine(fireNet());
    plan = e.serialize();
    e.dispose();
    copied = await buildEngine(fireNet(), { alias: false });
  });

  for (const threads of [1, 2]) {
    it(`fire module on ${threads} thread(s): concat in place; onnxruntime's values, the copying build's bits`, async () => {
      const e = await buildEngine(fireNet(), { threads });
      const c = await buildEngine(fireNet(), { threads, alias: false });
      try {
        expect(tacticOf(e, 'cat')).toBe('alias');
        expect(tacticOf(c, 'cat')).not.toBe('alias');
        for (const seed of [3, 4]) {
          const x = randomFloat(X, seed).data as Float32Array;
          const [got] = await outputs(e, x);
          expectClose(Array.from(got!), Array.from(await fireReference(x)), 1e-5, `fire module, seed ${seed}`, true);
          expect(Array.from(got!)).toEqual(Array.from((await outputs(c, x))[0]!));
        }
      } finally {
        e.dispose();
        c.dispose();
      }
    });
  }

  it('a plan round-trips with the concat in place: tactics, memory and outputs as built', async () => {
    const again = await deserializeEngine(plan);
    try {
      expect(readPlanTactics(again.serialize())).toEqual(readPlanTactics(plan));
      expect(readPlanMemory(again.serialize())).toEqual(readPlanMemory(plan));
      const x = randomFloat(X, 5).data as Float32Array;
      expect(Array.from((await outputs(again, x))[0]!)).toEqual(Array.from((await outputs(copied, x))[0]!));
    } finally {
      again.dispose();
    }
  });

  const ids = () => Object.fromEntries(fireNet().tensors.map((t) => [t.name, t.id])) as Record<string, number>;
  const refusal = async (p: Uint8Array) => {
    const e = await deserializeEngine(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HybridError);
    expect((e as HybridError).code, (e as HybridError).message).toBe('PLAN');
    return (e as HybridError).message;
  };

  it("refuses the pool's output over e3's slice (e3's bytes live while the concat's output does)", async () => {
    const m = readPlanMemory(plan);
    const id = ids();
    const offsets = [...m.offsets];
    offsets[id.pool!] = m.offsets[id.e3!]!;
    expect(await refusal(rewritePlan(plan, { memory: { ...m, offsets } }))).toMatch(
      /tensor '(e3|pool)' .* and tensor '(e3|pool)' .* are alive at the same time but overlap/,
    );
  });

  it('the copying layout (e1 and e3 in blocks of their own, a copy tactic) loads and runs; an alias tactic over it is refused', async () => {
    const m = readPlanMemory(plan);
    const id = ids();
    const bytes = 64 * 15 * 15 * 4;
    const offsets = [...m.offsets];
    offsets[id.e1!] = m.arenaBytes;
    offsets[id.e3!] = m.arenaBytes + bytes;
    const own = { arenaBytes: m.arenaBytes + 2 * bytes, activationBytes: m.activationBytes + 2 * bytes, offsets };
    const cat = fireNet().layers.findIndex((l) => l.name === 'cat');
    const copyTactics = readPlanTactics(plan).map((t, i) => (i === cat ? tacticOf(copied, 'cat') : t));
    const old = await deserializeEngine(rewritePlan(plan, { memory: own, tactics: copyTactics }));
    try {
      const x = randomFloat(X, 6).data as Float32Array;
      expect(Array.from((await outputs(old, x))[0]!)).toEqual(Array.from((await outputs(copied, x))[0]!));
    } finally {
      old.dispose();
    }
    expect(await refusal(rewritePlan(plan, { memory: own }))).toContain("layer 'cat' (concat) has tactic 'alias'");
  });
});
