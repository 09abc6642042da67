/**
 * The `.hybrid` container: a header, a table of sections and the sections' bytes, every one
 * checksummed. It knows nothing of what the sections hold (manifest.ts says that); its
 * reader trusts nothing: every size, offset and checksum is checked before a byte is used, and
 * any fault is a PLAN error naming the field, never an out-of-bounds read.
 *
 *   0   magic "HYBRIDRT"                   8   u32 container version (1)
 *   12  u32 section count N (1..4096)      16  32-byte SHA-256 of the table (bytes 48..48+N*56)
 *   48  N table entries of 56 bytes: u32 kind, u32 reserved 0, u64 offset, u64 length,
 *       32-byte SHA-256 of the section's bytes
 *   ... the sections, each at a 64-byte aligned offset after the table, in table order,
 *       neither overlapping nor leaving the file; nothing after the last one.
 * Section 0 is always the manifest (kind 1, UTF-8 JSON).
 */
import { createHash } from 'node:crypto';
import { HybridError } from '../errors.js';
import { LIMITS } from '../limits.js';

export const MAGIC = 'HYBRIDRT';
export const CONTAINER_VERSION = 1;
const HEADER_BYTES = 48;
const ENTRY_BYTES = 56;
const ALIGN = 64;
const MAX_SECTIONS = 4096;

/** What a section holds. */
export const SectionKind = {
  manifest: 1,
  /** An engine plan (native/src/engine/plan_format.h). */
  plan: 2,
  /** An ONNX sub-model whose initializers refer to weights sections (see save.ts). */
  onnx: 3,
  /** Raw tensor bytes: weights of sub-models and constant outputs, each stored once. */
  weights: 4,
} as const;
export type SectionKindName = keyof typeof SectionKind;

export interface Section {
  kind: SectionKindName;
  bytes: Uint8Array;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** The container of `sections` (the first must be the manifest). */
export function writeContainer(sections: readonly Section[]): Uint8Array {
  if (sections.length === 0 || sections[0]!.kind !== 'manifest') throw new Error('internal: section 0 must be the manifest');
  if (sections.length > MAX_SECTIONS)
    throw new HybridError('MODEL_SAVE', `a model of ${sections.length} sections is more than a .hybrid file holds (${MAX_SECTIONS})`);
  const tableEnd = HEADER_BYTES + sections.length * ENTRY_BYTES;
  const offsets: number[] = [];
  let end = tableEnd;
  for (const s of sections) {
    end = align(end);
    offsets.push(end);
    end += s.bytes.length;
  }
  if (end > LIMITS.artifactBytes) {
    throw new HybridError(
      'MODEL_SAVE',
      `the model's plans and weights make a ${end}-byte file; a .hybrid file holds at most ${LIMITS.artifactBytes} bytes (what Node.js reads into one buffer)`,
    );
  }
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, CONTAINER_VERSION, true);
  view.setUint32(12, sections.length, true);
  sections.forEach((s, i) => {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    view.setUint32(at, SectionKind[s.kind], true);
    view.setUint32(at + 4, 0, true);
    view.setBigUint64(at + 8, BigInt(offsets[i]!), true);
    view.setBigUint64(at + 16, BigInt(s.bytes.length), true);
    out.set(sha256(s.bytes), at + 24);
    out.set(s.bytes, offsets[i]!);
  });
  out.set(sha256(out.subarray(HEADER_BYTES, tableEnd)), 16);
  return out;
}

function bad(label: string, what: string): HybridError {
  return new HybridError('PLAN', `${label}: not a valid .hybrid file: ${what}`);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True where `bytes` start like a .hybrid file (the CLI tells artifacts from ONNX files so). */
export function isContainer(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 8)) === MAGIC;
}

/**
 * The sections of a container, each a view of `bytes` (no copy), after every check: magic,
 * version, counts, the table's checksum, each section's kind, alignment, bounds, order and
 * checksum, and no bytes after the last section.
 */
export function readContainer(bytes: Uint8Array, label: string): Section[] {
  if (bytes.length < HEADER_BYTES) throw bad(label, `${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header (truncated?)`);
  if (!isContainer(bytes)) throw bad(label, 'it does not start with "HYBRIDRT"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CONTAINER_VERSION) {
    throw new HybridError(
      'PLAN',
      `${label}: .hybrid container version ${version}; this hybridrt reads version ${CONTAINER_VERSION} (save it again with this version)`,
    );
  }
  const count = view.getUint32(12, true);
  if (count < 1 || count > MAX_SECTIONS) throw bad(label, `section count ${count} is outside 1..${MAX_SECTIONS}`);
  const tableEnd = HEADER_BYTES + count * ENTRY_BYTES;
  if (tableEnd > bytes.length) throw bad(label, `the section table (${count} entries) runs past the end of the file (truncated?)`);
  if (!equal(sha256(bytes.subarray(HEADER_BYTES, tableEnd)), bytes.subarray(16, 48)))
    throw bad(label, 'the section table does not match its checksum (altered or corrupt)');
  const kinds = new Map<number, SectionKindName>(Object.entries(SectionKind).map(([k, v]) => [v, k as SectionKindName]));
  const sections: Section[] = [];
  let previousEnd = tableEnd;
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const kind = kinds.get(view.getUint32(at, true));
    if (!kind) throw bad(label, `section ${i} has unknown kind ${view.getUint32(at, true)}`);
    if (view.getUint32(at + 4, true) !== 0) throw bad(label, `section ${i}: reserved field is not 0`);
    const offset = view.getBigUint64(at + 8, true);
    const length = view.getBigUint64(at + 16, true);
    if (offset > BigInt(bytes.length) || length > BigInt(bytes.length) - offset) {
      throw bad(label, `section ${i} (offset ${offset}, ${length} bytes) lies outside the file's ${bytes.length} bytes (truncated?)`);
    }
    const start = Number(offset);
    const end = start + Number(length);
    if (start % ALIGN !== 0 || start !== align(previousEnd))
      throw bad(label, `section ${i} starts at ${start}, not where the previous one ends (${align(previousEnd)})`);
    const data = bytes.subarray(start, end);
    if (!equal(sha256(data), bytes.subarray(at + 24, at + 56)))
      throw bad(label, `section ${i} (${kind}) does not match its checksum (altered or corrupt)`);
    sections.push({ kind, bytes: data });
    previousEnd = end;
  }
  if (previousEnd !== bytes.length) throw bad(label, `${bytes.length - previousEnd} bytes follow the last section`);
  if (sections[0]!.kind !== 'manifest') throw bad(label, 'section 0 is not the manifest');
  return sections;
}
