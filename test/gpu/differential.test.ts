/**
 * Differential on the cuda backend: the hybrid executor (cuda engines + onnxruntime
 * fallbacks) against onnxruntime alone, with fallbacks forced at random to create many
 * segment boundaries, as test/runtime/differential.test.ts does on the cpu backend; here
 * also every engine-to-engine hand-over must carry zero host bytes.
 *
 * Error measure: max |hybrid - ort| / max |ort| per output (test/runtime/helpers.ts), at most
 * 1e-4 in fp32 (TF32 off; cuDNN and cuBLASLt sum in other orders than onnxruntime).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ort from 'onnxruntime-node';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import { lightModels } from '../helpers/conformance.js';
import { ortRun, relativeError, resnet, rng, sine, transformer } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { describeIf } from '../helpers/skip.js';

const TOLERANCE = 1e-4;

interface Case {
  name: string;
  file: string;
  shape: number[];
  seeds: number[];
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const cases: Case[] = [
  { name: 'resnet_mini', file: resnet, shape: [1, 3, 64, 64], seeds: range(1, 8) },
  { name: 'transformer_block', file: transformer, shape: [2, 9, 64], seeds: range(101, 8) },
  ...lightModels().map((m) => ({ name: m.name, file: m.model, shape: [1, 3, 224, 224], seeds: [0, 7, 8] })),
];

interface Prepared {
  proto: ModelProto;
  nodes: string[];
  feeds: Record<string, ort.Tensor>;
  expected: Record<string, ort.Tensor>;
}

async function prepare(c: Case): Promise<Prepared> {
  const g = Graph.fromModel(loadModelProto(c.file), c.file);
  const input = g.inputs[0]!;
  await lower(g, { inputShapes: { [input]: c.shape } });
  const feeds = { [input]: sine(c.shape, 0.3) };
  return { proto: g.toModel(), nodes: g.nodes.map((n) => n.name), feeds, expected: await ortRun(c.file, feeds) };
}

/** Seed 0: no forced fallback (whole model on cuda where supported). */
function pick(nodes: string[], seed: number): string[] {
  if (seed === 0) return [];
  const next = rng(seed);
  const p = 0.1 + 0.5 * next();
  return nodes.filter(() => next() < p);
}

describeIf(CUDA, 'differential (cuda)', NO_CUDA, () => {
  for (const c of cases) {
    describe(c.name, () => {
      let prepared: Prepared;
      let boundaries = 0;
      beforeAll(async () => {
        prepared = await prepare(c);
      });
      afterAll(() => {
        expect(boundaries).toBeGreaterThan(0);
      });
      it.each(c.seeds)('seed %i', async (seed) => {
        const fallbackNodes = pick(prepared.nodes, seed);
        const model = await compile(encodeModel(prepared.proto), { backend: 'cuda', fallbackNodes, minBlockSize: 1 });
        try {
          const { outputs, stats } = await model.runWithStats(prepared.feeds);
          for (const [name, want] of Object.entries(prepared.expected)) {
            expect(relativeError(outputs[name]!, want), `${name} with ${fallbackNodes.length} forced fallbacks`).toBeLessThanOrEqual(TOLERANCE);
          }
          const kind = new Map(stats.segments.map((s) => [s.id, s.kind]));
          for (const s of stats.segments) {
            if (s.kind !== 'engine') continue;
            for (const t of s.inputs) {
              if (typeof t.from === 'number' && kind.get(t.from) === 'engine') expect(t.copy, `${t.tensor} into segment ${s.id}`).toBe('none');
            }
          }
          boundaries += stats.boundaryTensors;
        } finally {
          await model.dispose();
        }
      });
    });
  }
});
