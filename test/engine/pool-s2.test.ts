/**
 * 3x3 stride-2 max pooling read from the input itself (native/cpu/pool_s2.cc, AVX-512; other
 * CPUs take the flat form): against onnxruntime over widths that end a block of 16 outputs
 * anywhere (4 to 35 outputs a row), odd and even inputs, pads of 0 and 1 (symmetric, at the
 * start only, at the end only: TF's 'same'), ceil mode overhanging the end, batch 2, 1 and 2
 * threads (exact: a max is exact; tolerance per helpers/compare.ts). Then NaN, -Infinity and
 * signed zeros against a reference of the kernel's rule written here: taps inside the input in
 * order (kh, then kw), acc = v where v > acc or v is NaN, so a NaN in a window is the result
 * and the first of equal maxima (-0 or +0) is kept (onnxruntime skips NaN: not its reference).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { NetDraft } from './helpers/net.js';
import { type Pool, pool } from './helpers/pool-layer.js';
import { mulberry32 } from '../../src/util/random.js';

const CASES: Array<[string, number[], Pool]> = [
  ['63 x 63, valid, ceil (squeezenet1_1)', [1, 3, 63, 63], { kernel: [3, 3], strides: [2, 2], ceil: true }],
  ['64 x 64, pads 1 (ResNet)', [2, 3, 64, 64], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
  ['17 x 18, valid: 8 outputs a row', [2, 3, 17, 18], { kernel: [3, 3], strides: [2, 2] }],
  ['33 x 35, TF same (end pads)', [1, 3, 33, 35], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }],
  ['36 x 70, start pads only, ceil', [1, 2, 36, 70], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceil: true }],
  ['31 x 47, valid, ceil (23 wide)', [1, 4, 31, 47], { kernel: [3, 3], strides: [2, 2], ceil: true }],
  ['15 x 15, valid, ceil (squeezenet1_1: 7 wide)', [2, 5, 15, 15], { kernel: [3, 3], strides: [2, 2], ceil: true }],
  ['9 x 10, pads 1 (5 wide)', [1, 3, 9, 10], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
  ['8 x 9, valid (4 wide)', [1, 3, 8, 9], { kernel: [3, 3], strides: [2, 2] }],
];

describe('3x3/2 max pooling from the input', () => {
  for (const threads of [1, 2]) {
    it.each(CASES)(`%s, ${threads} thread(s)`, async (_, x, p) => pool('max', x, { ...p, threads }, x[2]! + x[3]!));
  }

  it('NaN, -Infinity and signed zeros: the first NaN or first of equal maxima in tap order', async () => {
    const r = mulberry32(21);
    const special = [NaN, -Infinity, 0, -0, 0, -0, 1];
    for (const [h, w, pads, ceil] of [
      [21, 37, [1, 1, 1, 1], false],
      [20, 36, [0, 0, 1, 1], true],
      [19, 33, [0, 0, 0, 0], true],
      [13, 15, [0, 0, 0, 0], true],
    ] as Array<[number, number, number[], boolean]>) {
      const span = (i: number, a: number, b: number) => (ceil ? Math.ceil : Math.floor)((i + a + b - 3) / 2) + 1;
      let [oh, ow] = [span(h, pads[0]!, pads[2]!), span(w, pads[1]!, pads[3]!)];
      if (ceil && (oh - 1) * 2 >= h + pads[0]!) oh--;
      if (ceil && (ow - 1) * 2 >= w + pads[1]!) ow--;
      const xs = Float32Array.from({ length: 2 * h * w }, () => (r() < 0.15 ? special[Math.floor(r() * special.length)]! : r() * 2 - 1.5));
      const d = new NetDraft('maxpool_s2');
      const input = d.input('x', 'float32', [1, 2, h, w]);
      const params = {
        mode: 'max',
        kernel: [3, 3],
        strides: [2, 2],
        padsBegin: pads.slice(0, 2),
        padsEnd: pads.slice(2),
        dilations: [1, 1],
        ceilMode: ceil,
        countIncludePad: false,
      };
      const [y] = d.layer('pooling', 'p', [input], params, [{ dtype: 'float32', shape: [1, 2, oh, ow] }]);
      d.output(y!);
      for (const threads of [1, 2]) {
        const engine = await buildEngine(d.finish(), { backend: 'cpu', threads });
        const [got] = (await engine.createContext().run([xs])) as Float32Array[];
        engine.dispose();
        const bad: string[] = [];
        for (let c = 0; c < 2; c++)
          for (let i = 0; i < oh; i++)
            for (let j = 0; j < ow; j++) {
              let acc = -Infinity;
              for (let a = 0; a < 3; a++)
                for (let b = 0; b < 3; b++) {
                  const [ih, iw] = [2 * i - pads[0]! + a, 2 * j - pads[1]! + b];
                  if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
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
