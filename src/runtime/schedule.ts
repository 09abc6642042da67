/**
 * The execution schedule, computed once at compile time: the segments in topological order,
 * the values each reads and writes, and after which segment each value is dead. A run frees
 * a value right after its last reader, so a run holds only what later segments still need.
 *
 * A value's last use is the last segment that reads it; model outputs are never freed during
 * a run (they are returned), and a value that no segment reads and that is not an output is
 * freed as soon as it exists (index -1 for a model input, its producer's index otherwise).
 */
import { HybridError } from '../errors.js';
import type { Segment } from '../partition/types.js';

export interface ScheduledSegment {
  id: number;
  kind: Segment['kind'];
  inputs: string[];
  outputs: string[];
  /** Values to free once this segment has run. */
  release: string[];
}

export interface Schedule {
  segments: ScheduledSegment[];
  /** Model inputs no segment reads and that are not outputs: freed before the first segment. */
  releaseInputs: string[];
  /** Which segment produced each boundary value ('input' for model inputs). */
  producer: Map<string, number | 'input'>;
}

export function makeSchedule(segments: readonly Segment[], modelInputs: readonly string[], modelOutputs: readonly string[]): Schedule {
  const producer = new Map<string, number | 'input'>();
  for (const name of modelInputs) producer.set(name, 'input');
  const lastUse = new Map<string, number>();
  segments.forEach((s, index) => {
    for (const i of s.inputs) {
      if (!producer.has(i.name)) {
        throw new HybridError('MODEL_INVALID', `segment ${s.id} reads '${i.name}' before any segment produces it`);
      }
      lastUse.set(i.name, index);
    }
    for (const o of s.outputs) {
      if (producer.has(o.name)) throw new HybridError('MODEL_INVALID', `value '${o.name}' is produced twice (segment ${s.id})`);
      producer.set(o.name, s.id);
    }
  });
  const keep = new Set(modelOutputs);
  const release = segments.map((): string[] => []);
  const releaseInputs: string[] = [];
  for (const [name, made] of producer) {
    if (keep.has(name)) continue;
    const last = lastUse.get(name) ?? (made === 'input' ? -1 : segments.findIndex((s) => s.id === made));
    if (last < 0) releaseInputs.push(name);
    else release[last]!.push(name);
  }
  return {
    segments: segments.map((s, index) => ({
      id: s.id,
      kind: s.kind,
      inputs: s.inputs.map((i) => i.name),
      outputs: s.outputs.map((o) => o.name),
      release: release[index]!,
    })),
    releaseInputs,
    producer,
  };
}
