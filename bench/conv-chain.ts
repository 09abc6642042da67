/**
 * Single convolution layers of the cpu backend, each in its own engine between two unary
 * layers (so that it reads and writes the engine's tensors, as inside a model; weights as
 * constants, bias, an optional fused activation), timed with timing
 * 'layers': the median of `--runs` runs of each layer, interleaved across the layers so the
 * machine's load moves all of them alike. For A/B comparisons of two builds, run it once per
 * build (HYBRIDRT_NATIVE) in alternation. Nothing is asserted.
 *   npx tsx bench/conv-chain.ts [--layers mv2] [--runs 41] [--threads 2]
 * --layers: a preset (mv2: mobilenet_v2's stride-2 depthwise layers and stem at the zoo's
 * 128 x 128; resnet: resnet's 3x3 and 1x1/2 layers at 128 x 128) or specs joined by ';', each
 * `c,m,hw,k,stride,groups[,act[,pad]]` (act: relu, clip6, silu, hardswish; default none; pad: the
 * pads on every side, default k / 2 rounded down per dim; 0 for 'valid'); hw and k may be
 * rectangular, `74x32` (height x width) and `1x3`.
 */
import { buildEngine } from '../src/engine/engine.js';
import type { FusedActivation, NetworkDefinition } from '../src/engine/network.js';
import { arg, median } from './cli-args.js';

interface Spec {
  c: number;
  m: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  stride: number;
  groups: number;
  act: string;
  pad?: number;
}

const PRESETS: Record<string, string> = {
  mv2: '3,32,128,3,2,1,clip6;96,96,64,3,2,96,clip6;144,144,32,3,2,144,clip6;192,192,16,3,2,192,clip6;576,576,8,3,2,576,clip6;144,144,32,3,1,144,clip6',
  resnet: '64,64,32,3,1,1,relu;128,128,16,3,1,1,relu;256,256,8,3,1,1,relu;512,512,4,3,1,1,relu;256,512,32,1,2,1;512,1024,16,1,2,1;1024,2048,8,1,2,1',
};

// `a` or `axb` as [a, a] or [a, b].
const dims = (v: string) => (v.includes('x') ? v.split('x').map(Number) : [+v, +v]) as [number, number];

function parse(s: string): Spec {
  const [c, m, hw, k, stride, groups, act, pad] = s.split(',');
  const [h, w] = dims(hw!);
  const [kh, kw] = dims(k!);
  return { c: +c!, m: +m!, h, w, kh, kw, stride: +stride!, groups: +groups!, act: act ?? '', pad: pad ? +pad : undefined };
}

function activation(act: string): FusedActivation | undefined {
  if (act === 'relu') return { op: 'relu' };
  if (act === 'clip6') return { op: 'clip', min: 0, max: 6 };
  if (act === 'silu') return { op: 'silu' };
  if (act === 'hardswish') return { op: 'hard_swish' };
  return undefined;
}

function network(s: Spec): NetworkDefinition {
  const ph = s.pad ?? Math.floor(s.kh / 2);
  const pw = s.pad ?? Math.floor(s.kw / 2);
  const oh = Math.floor((s.h + 2 * ph - s.kh) / s.stride) + 1;
  const ow = Math.floor((s.w + 2 * pw - s.kw) / s.stride) + 1;
  const w = new Float32Array((s.m * s.c * s.kh * s.kw) / s.groups).map((_, i) => Math.sin(i) * 0.05);
  const b = new Float32Array(s.m).map((_, i) => Math.cos(i) * 0.1);
  const act = activation(s.act);
  return {
    formatVersion: 1,
    name: 'conv',
    tensors: [
      { id: 0, name: 'x', dtype: 'float32', shape: [1, s.c, s.h, s.w] },
      { id: 1, name: 'w', dtype: 'float32', shape: [s.m, s.c / s.groups, s.kh, s.kw] },
      { id: 2, name: 'b', dtype: 'float32', shape: [s.m] },
      { id: 3, name: 'y', dtype: 'float32', shape: [1, s.m, oh, ow] },
      { id: 4, name: 'x1', dtype: 'float32', shape: [1, s.c, s.h, s.w] },
      { id: 5, name: 'y1', dtype: 'float32', shape: [1, 2 * s.m, oh, ow] },
    ],
    inputs: [0],
    outputs: [5],
    layers: [
      // The convolution reads and writes the engine's own tensors, as inside a model.
      { kind: 'unary', name: 'before', params: { op: 'abs' }, inputs: [0], outputs: [4] },
      { kind: 'constant', name: 'w', params: {}, weights: w, inputs: [], outputs: [1] },
      { kind: 'constant', name: 'b', params: {}, weights: b, inputs: [], outputs: [2] },
      {
        kind: 'convolution',
        name: 'conv',
        params: {
          kernel: [s.kh, s.kw],
          strides: [s.stride, s.stride],
          padsBegin: [ph, pw],
          padsEnd: [ph, pw],
          dilations: [1, 1],
          groups: s.groups,
          ...(act ? { activation: act } : {}),
        },
        inputs: [4, 1, 2],
        outputs: [3],
      },
      // (A concat: a unary layer after it would be fused into it as its activation.)
      { kind: 'concat', name: 'after', params: { axis: 1 }, inputs: [3, 3], outputs: [5] },
    ],
  };
}

const list = arg('layers', 'mv2');
const specs = (PRESETS[list] ?? list).split(';').map(parse);
const runs = Number(arg('runs', '41'));
const threads = Number(arg('threads', '2'));
const layers = await Promise.all(
  specs.map(async (s) => {
    const engine = await buildEngine(network(s), { threads });
    const ctx = engine.createContext();
    const x = new Float32Array(s.c * s.h * s.w).map((_, i) => Math.cos(i * 0.37));
    const at = engine.info().layers.findIndex((l) => l.kind === 'convolution');
    return { s, engine, ctx, x, at, ms: [] as number[] };
  }),
);
for (const l of layers) for (let i = 0; i < 3; i++) await l.ctx.run([l.x]);
for (let r = 0; r < runs; r++) {
  for (const l of layers) {
    await l.ctx.run([l.x], { timing: 'layers' });
    l.ms.push(l.ctx.timing!.layers![l.at]!);
  }
}
for (const l of layers) {
  const { c, m, h, w, kh, kw, stride, groups, act, pad } = l.s;
  const tactic = l.engine.info().layers[l.at]!.tactic;
  console.log(
    `${`${c}->${m} ${h}x${w} ${kh}x${kw}/${stride} p${pad ?? 'k/2'} g${groups} ${act}`.padEnd(40)} ${tactic.padEnd(12)} ${median(l.ms).toFixed(4)} ms`,
  );
  l.engine.dispose();
}
