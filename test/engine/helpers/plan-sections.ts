/**
 * Reads and rewrites the memory plan (MEMP) and tactics (TACT) sections of a plan, written
 * from the layout in native/src/engine/plan_format.h (not from the native code): so that tests can
 * see which tensors share arena bytes, and make plans the builder would not write (an old
 * non-aliased layout, overlapping tensors, a wrong tactic) that still pass the checksum.
 */
import { reseal } from './xxh64.js';

export interface PlanMemory {
  arenaBytes: number;
  activationBytes: number;
  /** Per tensor id: arena offset, or -1 outside the arena (constants). */
  offsets: number[];
}

const MEMP = 'MEMP';
const TACT = 'TACT';

interface Section {
  tag: string;
  body: Uint8Array;
}

function split(plan: Uint8Array): { head: Uint8Array; sections: Section[] } {
  const view = new DataView(plan.buffer, plan.byteOffset, plan.byteLength);
  let p = 32;
  for (let s = 0; s < 2; s++) p += 4 + view.getUint32(p, true); // backend, device arch
  const count = view.getUint32(p, true);
  p += 4;
  const head = plan.subarray(0, p);
  const sections: Section[] = [];
  for (let i = 0; i < count; i++) {
    const tag = new TextDecoder().decode(plan.subarray(p, p + 4));
    const size = Number(view.getBigUint64(p + 4, true));
    sections.push({ tag, body: plan.subarray(p + 12, p + 12 + size) });
    p += 12 + size;
  }
  return { head, sections };
}

function body(plan: Uint8Array, tag: string): DataView {
  const s = split(plan).sections.find((x) => x.tag === tag);
  if (!s) throw new Error(`plan has no ${tag} section`);
  return new DataView(s.body.buffer, s.body.byteOffset, s.body.byteLength);
}

export function readPlanMemory(plan: Uint8Array): PlanMemory {
  const v = body(plan, MEMP);
  const n = v.getUint32(16, true);
  const offsets = Array.from({ length: n }, (_, i) => Number(v.getBigInt64(20 + 8 * i, true)));
  return { arenaBytes: Number(v.getBigUint64(0, true)), activationBytes: Number(v.getBigUint64(8, true)), offsets };
}

export function readPlanTactics(plan: Uint8Array): string[] {
  const v = body(plan, TACT);
  const out: string[] = [];
  let p = 4;
  for (let i = 0, n = v.getUint32(0, true); i < n; i++) {
    const len = v.getUint32(p, true);
    out.push(new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + p + 4, len)));
    p += 4 + len;
  }
  return out;
}

function encodeMemory(m: PlanMemory): Uint8Array {
  const out = new Uint8Array(20 + 8 * m.offsets.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(m.arenaBytes), true);
  v.setBigUint64(8, BigInt(m.activationBytes), true);
  v.setUint32(16, m.offsets.length, true);
  m.offsets.forEach((o, i) => v.setBigInt64(20 + 8 * i, BigInt(o), true));
  return out;
}

function encodeTactics(tactics: string[]): Uint8Array {
  const strings = tactics.map((t) => new TextEncoder().encode(t));
  const out = new Uint8Array(4 + strings.reduce((a, s) => a + 4 + s.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, tactics.length, true);
  let p = 4;
  for (const s of strings) {
    v.setUint32(p, s.length, true);
    out.set(s, p + 4);
    p += 4 + s.length;
  }
  return out;
}

/** The plan with its memory plan and/or tactics replaced: sizes fixed up, checksum re-sealed. */
export function rewritePlan(plan: Uint8Array, change: { memory?: PlanMemory; tactics?: string[] }): Uint8Array {
  const { head, sections } = split(plan);
  const bodies = sections.map((s) =>
    s.tag === MEMP && change.memory
      ? { ...s, body: encodeMemory(change.memory) }
      : s.tag === TACT && change.tactics
        ? { ...s, body: encodeTactics(change.tactics) }
        : s,
  );
  const total = head.length + bodies.reduce((a, s) => a + 12 + s.body.length, 0);
  const out = new Uint8Array(total);
  out.set(head);
  const v = new DataView(out.buffer);
  let p = head.length;
  for (const s of bodies) {
    out.set(new TextEncoder().encode(s.tag), p);
    v.setBigUint64(p + 4, BigInt(s.body.length), true);
    out.set(s.body, p + 12);
    p += 12 + s.body.length;
  }
  v.setBigUint64(24, BigInt(total - 32), true);
  return reseal(out);
}
