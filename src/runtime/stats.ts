/**
 * Run statistics from what the segments reported: per-segment times and transfers, then the
 * totals (boundary tensors and bytes, copies by kind, peak bytes held).
 */
import type { CopyTotals, RunStats, SegmentRunStats } from './types.js';

function add(t: CopyTotals, bytes: number): void {
  t.count++;
  t.bytes += bytes;
}

/** Totals over `segments`; `outputDownloads` are device-to-host copies made for the caller. */
export function summarizeRun(ms: number, segments: SegmentRunStats[], peakBytes: number, outputDownloads: CopyTotals): RunStats {
  const copies: CopyTotals = { count: 0, bytes: 0 };
  const hostToDevice: CopyTotals = { count: 0, bytes: 0 };
  const deviceToHost: CopyTotals = { ...outputDownloads };
  let boundaryTensors = 0;
  let boundaryBytes = 0;
  for (const s of segments) {
    for (const list of [s.inputs, s.outputs]) {
      for (const t of list) {
        if (t.copy !== 'none') add(copies, t.bytes);
        if (t.copy === 'host-to-device') add(hostToDevice, t.bytes);
        if (t.copy === 'device-to-host') add(deviceToHost, t.bytes);
      }
    }
    for (const t of s.inputs) {
      if (t.from === 'input') continue;
      boundaryTensors++;
      boundaryBytes += t.bytes;
    }
  }
  copies.count += outputDownloads.count;
  copies.bytes += outputDownloads.bytes;
  // The profile is the model's to say (hybrid-model.ts sets it).
  return { ms, profile: 0, segments, boundaryTensors, boundaryBytes, copies, hostToDevice, deviceToHost, peakBytes };
}
