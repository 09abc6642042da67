/**
 * Boundary transfers of a segment list: one per (value, reading segment) pair where the value
 * is produced by another segment. Between segments of different kinds a transfer is a
 * host<->device copy; engine->engine stays on the device, fallback->fallback on the host.
 * Graph inputs are not transfers: every partition of the model pays for them alike.
 */
import type { BoundaryTensor, Segment, SegmentKind } from '../partition/types.js';

export type CopyDirection = 'none' | 'device-to-host' | 'host-to-device';

export interface ReportTransfer extends BoundaryTensor {
  from: number;
  to: number;
  copy: CopyDirection;
}

function copyDirection(from: SegmentKind, to: SegmentKind): CopyDirection {
  if (from === to) return 'none';
  return from === 'engine' ? 'device-to-host' : 'host-to-device';
}

export function transfersOf(segments: readonly Segment[]): ReportTransfer[] {
  const producer = new Map<string, number>();
  for (const s of segments) for (const o of s.outputs) producer.set(o.name, s.id);
  const out: ReportTransfer[] = [];
  for (const s of segments) {
    for (const i of s.inputs) {
      const from = producer.get(i.name);
      if (from === undefined) continue; // a graph input
      out.push({ ...i, from, to: s.id, copy: copyDirection(segments[from]!.kind, s.kind) });
    }
  }
  return out;
}
