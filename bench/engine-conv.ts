/**
 * cpu backend convolution speed on ResNet-style 224x224 layers (batch 1, fp32): GFLOP/s of
 * each layer through a one-layer engine (copies of the input and output included), median
 * wall time of several runs after a warm-up, and CPU time per run (the steadier figure on a
 * shared machine). Results go to docs/engine.md by hand.
 * Run: npx tsx bench/engine-conv.ts [threads]   (0 or absent: every core)
 */
import { buildEngine } from '../src/engine/engine.js';
import type { NetworkDefinition } from '../src/engine/network.js';
import './cli-args.js'; // --help

interface ConvSpec {
  name: string;
  c: number;
  m: number;
  hw: number;
  k: number;
  stride: number;
}

const LAYERS: ConvSpec[] = [
  { name: 'conv1 7x7/2, 3->64, 224', c: 3, m: 64, hw: 224, k: 7, stride: 2 },
  { name: 'layer1 3x3, 64->64, 56', c: 64, m: 64, hw: 56, k: 3, stride: 1 },
  { name: 'layer1 1x1, 256->64, 56', c: 256, m: 64, hw: 56, k: 1, stride: 1 },
  { name: 'layer2 3x3/2, 128->128, 56', c: 128, m: 128, hw: 56, k: 3, stride: 2 },
  { name: 'layer3 3x3, 256->256, 14', c: 256, m: 256, hw: 14, k: 3, stride: 1 },
  { name: 'layer4 3x3, 512->512, 7', c: 512, m: 512, hw: 7, k: 3, stride: 1 },
];

function network(s: ConvSpec): { net: NetworkDefinition; flops: number } {
  const pad = Math.floor(s.k / 2);
  const out = Math.floor((s.hw + 2 * pad - s.k) / s.stride) + 1;
  const w = new Float32Array(s.m * s.c * s.k * s.k).map((_, i) => Math.sin(i) * 0.05);
  const net: NetworkDefinition = {
    formatVersion: 1,
    name: s.name,
    tensors: [
      { id: 0, name: 'x', dtype: 'float32', shape: [1, s.c, s.hw, s.hw] },
      { id: 1, name: 'w', dtype: 'float32', shape: [s.m, s.c, s.k, s.k] },
      { id: 2, name: 'y', dtype: 'float32', shape: [1, s.m, out, out] },
    ],
    inputs: [0],
    outputs: [2],
    layers: [
      { kind: 'constant', name: 'w', params: {}, weights: w, inputs: [], outputs: [1] },
      {
        kind: 'convolution',
        name: 'conv',
        params: { kernel: [s.k, s.k], strides: [s.stride, s.stride], padsBegin: [pad, pad], padsEnd: [pad, pad], dilations: [1, 1], groups: 1 },
        inputs: [0, 1],
        outputs: [2],
      },
    ],
  };
  return { net, flops: 2 * s.m * out * out * s.c * s.k * s.k };
}

const threads = Number(process.argv[2] ?? 0);
for (const spec of LAYERS) {
  const { net, flops } = network(spec);
  const engine = await buildEngine(net, { threads });
  const ctx = engine.createContext();
  const x = new Float32Array(spec.c * spec.hw * spec.hw).map((_, i) => Math.cos(i));
  for (let i = 0; i < 2; i++) await ctx.run([x]);
  const times: number[] = [];
  const runs = 9;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await ctx.run([x]);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const ms = times[runs >> 1]!;
  // CPU time per run: on a shared machine, wall time measures the neighbours too.
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
  const info = engine.info();
  console.log(
    `${spec.name.padEnd(30)} ${info.layers[1]!.tactic.padEnd(12)} ${ms.toFixed(2).padStart(8)} ms  ${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s` +
      `  | ${cpuMs.toFixed(2).padStart(7)} cpu-ms  ${(flops / cpuMs / 1e6).toFixed(1).padStart(6)} GFLOP/cpu-s  (threads ${info.threads})`,
  );
  engine.dispose();
}
