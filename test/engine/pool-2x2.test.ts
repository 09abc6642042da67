/**
 * 2x2 stride-2 max pooling read from the input itself (native/cpu/pool_s2.cc MaxPool2x2, AVX-512;
 * other CPUs and odd widths take the flat form): against onnxruntime over rows 1, 2, 4, 8 and 16
 * outputs wide on even heights (one flat run over the planes, 16 outputs a step, a run's last step
 * partial), wider rows and other widths (by rows: a block of 16 and a partial one), odd heights
 * in floor and ceil mode and an end pad (the last window one input row), odd widths (the flat
 * form), batch 2, 1 and 2 threads (exact: a max is exact; tolerance per helpers/compare.ts). Then
 * NaN, -Infinity and signed zeros against a reference of the kernel's rule written here: taps
 * inside the input in order (kh, then kw), acc = v where v > acc or v is NaN, so a NaN in a window
 * is the result and the first of equal maxima (-0 or +0) is kept (onnxruntime skips NaN: not its
 * reference).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { mulberry32 } from '../../src/util/random.js';
import { NetDraft } from './helpers/net.js';
import { type Pool, pool } from './helpers/pool-layer.js';

const k2 = { kernel: [2, 2], strides: [2, 2] };
const CASES: Array<[string, number[], Pool]> = [
  ['8 x 8, ceil (GoogLeNet: 4 wide, flat)', [1, 40, 8, 8], { ...k2, ceil: true }],
  ['2 x 2 (1 wide, flat, 7 outputs: one partial step)', [1, 7, 2, 2], k2],
  ['4 x 4, batch 2 (2 wide, flat, 20 outputs a batch)', [2, 5, 4, 4], k2],
  ['16 x 16 (8 wide, flat)', [2, 5, 16, 16], k2],
  ['32 x 32 (16 wide, flat)', [1, 3, 32, 32], k2],
  ['64 x 64 (32 wide, by rows)', [1, 3, 64, 64], k2],
  ['7 x 12 (6 wide, odd height, floor)', [2, 3, 7, 12], k2],
  ['9 x 8, ceil (odd height: the last row one input row)', [1, 5, 9, 8], { ...k2, ceil: true }],
  ['11 x 46, ceil (23 wide: 16 and 7)', [1, 2, 11, 46], { ...k2, ceil: true }],
  ['5 x 10, an end pad below', [1, 3, 5, 10], { ...k2, pads: [0, 0, 1, 0] }],
  ['8 x 9, ceil (odd width: the flat form)', [1, 3, 8, 9], { ...k2, ceil: true }],
];

describe('2x2/2 max pooling from the input', () => {
  for (const threads of [1, 2]) {
    it.each(CASES)(`%s, ${threads} thread(s)`, async (_, x, p) => pool('max', x, { ...p, threads }, x[2]! + x[3]!));
  }

  it('NaN, -Infinity and signed zeros: the NaN or first of equal maxima in tap order', async () => {
    const r = mulberry32(22);
    const special = [NaN, -Infinity, 0, -0, 0, -0, 1];
    // [height, width, ceil]: flat (4 and 16 wide), by rows (6 and 20 wide), an odd height in ceil mode.
    for (const [h, w, ceil] of [
      [8, 8, false],
      [6, 32, false],
      [10, 12, false],
      [7, 40, true],
      [9, 8, true],
    ] as Array<[number, number, boolean]>) {
      const [oh, ow] = [(ceil ? Math.ceil : Math.floor)(h / 2), w / 2];
      const planes = 3;
      const xs = Float32Array.from({ length: planes * h * w }, () => (r() < 0.2 ? special[Math.floor(r() * special.length)]! : r() * 2 - 1.5));
      const d = new NetDraft('maxpool_2x2');
      const input = d.input('x', 'float32', [1, planes, h, w]);
      const params = {
        mode: 'max',
        kernel: [2, 2],
        strides: [2, 2],
        padsBegin: [0, 0],
        padsEnd: [0, 0],
        dilations: [1, 1],
        ceilMode: ceil,
        countIncludePad: false,
      };
      const [y] = d.layer('pooling', 'p', [input], params, [{ dtype: 'float32', shape: [1, planes, oh, ow] }]);
      d.output(y!);
      for (const threads of [1, 2]) {
        const engine = await buildEngine(d.finish(), { backend: 'cpu', threads });
        const [got] = (await engine.createContext().run([xs])) as Float32Array[];
        engine.dispose();
        const bad: string[] = [];
        for (let c = 0; c < planes; c++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++) {
              let acc = -Infinity;
              for (let a = 0; a < 2; a++)
                for (let b = 0; b < 2; b++) {
                  const [ih, iw] = [2 * i + a, 2 * j + b];
                  if (ih >= h) continue;
                  const v = xs[c * h * w + ih * w + iw]!;
                  if (v > acc || Number.isNaN(v)) acc = v;
                }
              const g = got![(c * oh + i) * ow + j]!;
              if (!Object.is(g, acc)) bad.push(`${h}x${w} c${c} (${i},${j}): ${g}, want ${Object.is(acc, -0) ? '-0' : acc}`);
            }
        expect(bad.slice(0, 5), `${bad.length} differ`).toEqual([]);
      }
    }
  });
});
