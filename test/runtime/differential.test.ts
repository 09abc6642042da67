// Differential: the hybrid executor against onnxruntime alone on the same model and input, with
// fallbacks forced at random (a random subset of the lowered graph's nodes in fallbackNodes,
// minBlockSize 1 so that even one-node engine groups stay engines): many segments, many
// boundaries, engine->fallback->engine hand-overs of every kind the models have.
//
// Error measure (helpers.relativeError): max |hybrid - ort| / max |ort| per output, <= 1e-5 in
// fp32. Per-element relative error is not used: an element that cancels to ~0 has a large
// relative error in any fp32 implementation that sums in another order.
//
// The examples (random weights: a wrong channel order or a mixed-up boundary tensor changes the
// output) get many seeds; the light_* models (real topologies, uniform weights) a few each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import { mulberry32 } from '../../src/util/random.js';
import type ort from 'onnxruntime-node';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, resnet, sine, transformer } from './helpers.js';

const TOLERANCE = 1e-5;

interface Case {
  name: string;
  file: string;
  shape: number[];
  seeds: number[];
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const examples: Case[] = [
  { name: 'resnet_mini', file: resnet, shape: [1, 3, 64, 64], seeds: range(1, 12) },
  { name: 'transformer_block', file: transformer, shape: [2, 9, 64], seeds: range(101, 16) },
];
const light: Case[] = lightModels().map((m) => ({
  name: m.name,
  file: m.model,
  shape: [1, 3, 224, 224],
  // vgg19's 224x224 convolutions make it the slowest by far: one seed.
  seeds: m.name.includes('vgg') ? [7] : [7, 8],
}));

/** Lowered once per model: each seed then compiles a model whose node names are known. */
interface Prepared {
  proto: ModelProto;
  nodes: string[];
  input: string;
  feeds: Record<string, ort.Tensor>;
  expected: Record<string, ort.Tensor>;
}

async function prepare(c: Case): Promise<Prepared> {
  const g = Graph.fromModel(loadModelProto(c.file), c.file);
  const input = g.inputs[0]!;
  await lower(g, { inputShapes: { [input]: c.shape } });
  const feeds = { [input]: sine(c.shape, 0.3) };
  return { proto: g.toModel(), nodes: g.nodes.map((n) => n.name), input, feeds, expected: await ortRun(c.file, feeds) };
}

function pick(nodes: string[], seed: number): string[] {
  const next = mulberry32(seed);
  const p = 0.1 + 0.5 * next();
  return nodes.filter(() => next() < p);
}

function suite(title: string, cases: Case[]) {
  describeIf(HAS_NATIVE && cases.length > 0, title, HAS_NATIVE ? CONFORMANCE_MISSING : NATIVE_MISSING, () => {
    for (const c of cases) {
      describe(c.name, () => {
        let prepared: Prepared;
        let boundaries = 0;
        beforeAll(async () => {
          prepared = await prepare(c);
        });
        afterAll(() => {
          // The forced fallbacks did create boundaries: more than one per seed on average.
          expect(boundaries).toBeGreaterThan(c.seeds.length);
        });
        it.each(c.seeds)('seed %i', async (seed) => {
          const fallbackNodes = pick(prepared.nodes, seed);
          const warnings: string[] = [];
          const model = await compile(encodeModel(prepared.proto), {
            fallbackNodes,
            minBlockSize: 1,
            threads: 1,
            onLog: (m, level) => level === 'warn' && warnings.push(m),
          });
          try {
            expect(warnings).toEqual([]);
            const { outputs, stats } = await model.runWithStats(prepared.feeds);
            for (const [name, want] of Object.entries(prepared.expected)) {
              expect(relativeError(outputs[name]!, want), `${name} with ${fallbackNodes.length} forced fallbacks`).toBeLessThanOrEqual(TOLERANCE);
            }
            // What crossed boundaries at run time is what the partition report predicted.
            const summary = model.report.data.summary;
            expect(stats.boundaryTensors).toBe(summary.boundaryTransfers);
            expect(stats.boundaryBytes).toBe(summary.boundaryBytes);
            expect(summary.fallbackSegments).toBeGreaterThan(0);
            boundaries += stats.boundaryTensors;
          } finally {
            await model.dispose();
          }
        });
      });
    }
  });
}

suite('differential: examples with random forced fallbacks', examples);
suite('differential: light_* models with random forced fallbacks', light);
