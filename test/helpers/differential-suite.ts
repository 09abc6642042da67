/**
 * The differential suite, on a given backend: the hybrid executor (engines + onnxruntime
 * fallbacks) against onnxruntime alone on the same model and input, with fallbacks forced at
 * random (a random subset of the lowered graph's nodes in fallbackNodes, minBlockSize 1 so that
 * even one-node engine groups stay engines): many segments, many boundaries, engine->fallback->
 * engine hand-overs of every kind the models have. test/runtime/differential.test.ts runs it on
 * the cpu backend, test/gpu/differential.test.ts on cuda; each states its tolerance and seeds.
 *
 * Error measure (test/runtime/helpers.ts relativeError): max |hybrid - ort| / max |ort| per
 * output. Per-element relative error is not used: an element that cancels to ~0 has a large
 * relative error in any fp32 implementation that sums in another order.
 *
 * Seed 0 forces no fallback (the whole model on the backend where supported); any other seed
 * draws the fallback nodes from mulberry32(seed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ort from 'onnxruntime-node';
import { compile } from '../../src/compiler/compile.js';
import type { Backend, CompileOptions, LogLevel } from '../../src/compiler/options.js';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import { mulberry32 } from '../../src/util/random.js';
import { lightModels } from './conformance.js';
import { ortRun, relativeError, resnet, sine, transformer } from '../runtime/helpers.js';

export interface DifferentialCase {
  name: string;
  file: string;
  shape: number[];
  seeds: number[];
}

/** n consecutive seeds from `from`. */
export const seedRange = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/**
 * The models at their test shapes: the examples (random weights: a wrong channel order or a
 * mixed-up boundary tensor changes the output) and the light_* models of the conformance data
 * (real topologies, uniform weights; none where the data is absent), with the caller's seeds.
 */
export function differentialCases(seeds: { resnet: number[]; transformer: number[]; light: (model: string) => number[] }): {
  examples: DifferentialCase[];
  light: DifferentialCase[];
} {
  return {
    examples: [
      { name: 'resnet_mini', file: resnet, shape: [1, 3, 64, 64], seeds: seeds.resnet },
      { name: 'transformer_block', file: transformer, shape: [2, 9, 64], seeds: seeds.transformer },
    ],
    light: lightModels().map((m) => ({ name: m.name, file: m.model, shape: [1, 3, 224, 224], seeds: seeds.light(m.name) })),
  };
}

export interface DifferentialOptions {
  backend: Backend;
  /** The most relativeError any output may have. */
  tolerance: number;
  /** Options every compile takes beside backend, fallbackNodes and minBlockSize 1. */
  compile?: Pick<CompileOptions, 'threads'>;
  /** What the forced fallbacks of a model's seeds must add up to: more boundaries than seeds, or at least one. */
  boundaries: 'more than one per seed' | 'some';
  /**
   * Also: compile() logs no warning, every seed has a fallback segment, and what crossed
   * boundaries at run time (count and bytes) is what the partition report predicted.
   */
  checkReport: boolean;
  /** Also: every engine-to-engine hand-over copies nothing (copy 'none': it stays on the device). */
  checkHandovers: boolean;
}

/** Lowered once per model: each seed then compiles a model whose node names are known. */
interface Prepared {
  proto: ModelProto;
  nodes: string[];
  feeds: Record<string, ort.Tensor>;
  expected: Record<string, ort.Tensor>;
}

async function prepare(c: DifferentialCase): Promise<Prepared> {
  const g = Graph.fromModel(loadModelProto(c.file), c.file);
  const input = g.inputs[0]!;
  await lower(g, { inputShapes: { [input]: c.shape } });
  const feeds = { [input]: sine(c.shape, 0.3) };
  return { proto: g.toModel(), nodes: g.nodes.map((n) => n.name), feeds, expected: await ortRun(c.file, feeds) };
}

function pick(nodes: string[], seed: number): string[] {
  if (seed === 0) return [];
  const next = mulberry32(seed);
  const p = 0.1 + 0.5 * next();
  return nodes.filter(() => next() < p);
}

/** One describe per case, one test per seed; call it inside the caller's describeIf. */
export function differentialSuite(cases: DifferentialCase[], o: DifferentialOptions): void {
  for (const c of cases) {
    describe(c.name, () => {
      let prepared: Prepared;
      let boundaries = 0;
      beforeAll(async () => {
        prepared = await prepare(c);
      });
      afterAll(() => {
        expect(boundaries).toBeGreaterThan(o.boundaries === 'some' ? 0 : c.seeds.length);
      });
      it.each(c.seeds)('seed %i', async (seed) => {
        const fallbackNodes = pick(prepared.nodes, seed);
        const warnings: string[] = [];
        const model = await compile(encodeModel(prepared.proto), {
          ...o.compile,
          backend: o.backend,
          fallbackNodes,
          minBlockSize: 1,
          ...(o.checkReport ? { onLog: (m: string, level: LogLevel) => level === 'warn' && warnings.push(m) } : {}),
        });
        try {
          if (o.checkReport) expect(warnings).toEqual([]);
          const { outputs, stats } = await model.runWithStats(prepared.feeds);
          for (const [name, want] of Object.entries(prepared.expected)) {
            expect(relativeError(outputs[name]!, want), `${name} with ${fallbackNodes.length} forced fallbacks`).toBeLessThanOrEqual(o.tolerance);
          }
          if (o.checkReport) {
            const summary = model.report.data.summary;
            expect(stats.boundaryTensors).toBe(summary.boundaryTransfers);
            expect(stats.boundaryBytes).toBe(summary.boundaryBytes);
            expect(summary.fallbackSegments).toBeGreaterThan(0);
          }
          if (o.checkHandovers) {
            const kind = new Map(stats.segments.map((s) => [s.id, s.kind]));
            for (const s of stats.segments) {
              if (s.kind !== 'engine') continue;
              for (const t of s.inputs) {
                if (typeof t.from === 'number' && kind.get(t.from) === 'engine') expect(t.copy, `${t.tensor} into segment ${s.id}`).toBe('none');
              }
            }
          }
          boundaries += stats.boundaryTensors;
        } finally {
          await model.dispose();
        }
      });
    });
  }
}
