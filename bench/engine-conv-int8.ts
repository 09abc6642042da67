/**
 * cpu backend int8 convolutions (the qdq pass's int8 form: uint8 input with a zero point,
 * per-channel int8 weights, int8 output) against the fp32 convolution of the same geometry, on
 * ResNet-style layers at batch 1 through one-layer engines (input and output copies included):
 * median wall time of several runs after a warm-up, GOP/s (two per multiply-add) and the
 * int8 / fp32 time ratio. HYBRIDRT_CPU_KERNEL picks the micro-kernels of both.
 * Run: npx tsx bench/engine-conv-int8.ts [threads] [hw-scale]   (threads 0 or absent: every core)
 */
import { buildEngine, deviceQuery } from '../src/engine/engine.js';
import type { EngineDType, NetworkDefinition } from '../src/engine/network.js';
import './cli-args.js'; // --help

const scale = Number(process.argv[3] ?? 1);
const LAYERS = [
  { name: 'conv1 7x7/2, 3->64', c: 3, m: 64, hw: 224, k: 7, stride: 2 },
  { name: '3x3, 64->64', c: 64, m: 64, hw: 56, k: 3, stride: 1 },
  { name: '1x1, 256->64', c: 256, m: 64, hw: 56, k: 1, stride: 1 },
  { name: '3x3/2, 128->128', c: 128, m: 128, hw: 56, k: 3, stride: 2 },
  { name: '3x3, 256->256', c: 256, m: 256, hw: 14, k: 3, stride: 1 },
  { name: '3x3, 512->512', c: 512, m: 512, hw: 7, k: 3, stride: 1 },
].map((l) => ({ ...l, hw: Math.max(l.k, Math.round(l.hw * scale)) }));

function network(s: (typeof LAYERS)[number], int8: boolean): { net: NetworkDefinition; ops: number } {
  const pad = Math.floor(s.k / 2);
  const out = Math.floor((s.hw + 2 * pad - s.k) / s.stride) + 1;
  const n = s.m * s.c * s.k * s.k;
  const w = int8 ? Int8Array.from({ length: n }, (_, i) => Math.round(Math.sin(i) * 127)) : new Float32Array(n).map((_, i) => Math.sin(i) * 0.05);
  const dt: EngineDType = int8 ? 'int8' : 'float32';
  const quant = {
    inputScale: 0.02,
    inputZeroPoint: 128,
    weightScales: Array.from({ length: s.m }, (_, i) => 0.001 + i * 1e-6),
    outputScale: 0.5,
    outputZeroPoint: 0,
  };
  const net: NetworkDefinition = {
    formatVersion: 1,
    name: s.name,
    tensors: [
      { id: 0, name: 'x', dtype: int8 ? 'uint8' : 'float32', shape: [1, s.c, s.hw, s.hw] },
      { id: 1, name: 'w', dtype: dt, shape: [s.m, s.c, s.k, s.k] },
      { id: 2, name: 'y', dtype: dt, shape: [1, s.m, out, out] },
    ],
    inputs: [0],
    outputs: [2],
    layers: [
      { kind: 'constant', name: 'w', params: {}, weights: w, inputs: [], outputs: [1] },
      {
        kind: 'convolution',
        name: 'conv',
        params: {
          kernel: [s.k, s.k],
          strides: [s.stride, s.stride],
          padsBegin: [pad, pad],
          padsEnd: [pad, pad],
          dilations: [1, 1],
          groups: 1,
          activation: { op: 'relu' },
          ...(int8 ? { quant } : {}),
        },
        inputs: [0, 1],
        outputs: [2],
      },
    ],
  };
  return { net, ops: 2 * s.m * out * out * s.c * s.k * s.k };
}

async function time(spec: (typeof LAYERS)[number], int8: boolean, threads: number): Promise<number> {
  const { net } = network(spec, int8);
  const engine = await buildEngine(net, { backend: 'cpu', threads });
  const ctx = engine.createContext();
  const len = spec.c * spec.hw * spec.hw;
  const x = int8 ? Uint8Array.from({ length: len }, (_, i) => (i * 37) & 255) : new Float32Array(len).map((_, i) => Math.cos(i));
  for (let i = 0; i < 3; i++) await ctx.run([x]);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await ctx.run([x]);
    times.push(performance.now() - t0);
  }
  engine.dispose();
  return times.sort((a, b) => a - b)[7]!;
}

const threads = Number(process.argv[2] ?? 0);
console.log(`${deviceQuery('cpu').description}; threads ${threads || 'all'}`);
console.log('| layer | input | fp32 ms | fp32 GOP/s | int8 ms | int8 GOP/s | int8 / fp32 |');
console.log('|---|---|--:|--:|--:|--:|--:|');
for (const spec of LAYERS) {
  const { ops } = network(spec, false);
  const f = await time(spec, false, threads);
  const q = await time(spec, true, threads);
  console.log(
    `| ${spec.name} | ${spec.hw}x${spec.hw} | ${f.toFixed(3)} | ${(ops / f / 1e6).toFixed(0)} | ${q.toFixed(3)} | ${(ops / q / 1e6).toFixed(0)} | ${(q / f).toFixed(2)} |`,
  );
}
