/**
 * Synthetic but plausible inputs for bench/int8-accuracy.ts, seeded (src/util/random.ts): no
 * real text or speech is available here, so these imitate their statistics, and say so.
 *
 * - textLine / textPage: grayscale "glyphs" drawn as 2 to 5 strokes per character cell
 *   (vertical, horizontal, diagonal bars and dots, 1 to 4 pixels thick) in dark ink on a light,
 *   unevenly lit, noisy background (one in five inverted: light ink on dark), blurred by a 3x3
 *   box, tinted per channel. Not letters of any script: they have text's layout (a row of
 *   cells of similar height, gaps between words) and its edges, not its shapes.
 * - speech: 16 kHz audio of syllable-like segments: voiced ones (a glottal pulse train of
 *   100 to 250 Hz with jitter, its harmonics shaped by three formant bumps that glide), unvoiced
 *   ones (noise, high-passed), and pauses of low background noise, under a smooth envelope.
 *   Not speech: no words, so a wake-word model has nothing to fire on.
 */
import { type Random, mulberry32, uniform } from '../src/util/random.js';

/** A grayscale image, values in [0, 255], row-major. */
export interface Gray {
  h: number;
  w: number;
  data: Float32Array;
}

function gauss(r: Random): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function bar(img: Gray, x0: number, y0: number, x1: number, y1: number, thick: number, ink: number): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps;
    const cy = y0 + ((y1 - y0) * s) / steps;
    for (let dy = -thick / 2; dy < thick / 2; dy++) {
      for (let dx = -thick / 2; dx < thick / 2; dx++) {
        const x = Math.round(cx + dx);
        const y = Math.round(cy + dy);
        if (x >= 0 && y >= 0 && x < img.w && y < img.h) img.data[y * img.w + x] = ink;
      }
    }
  }
}

/** One line of glyphs across `img` in the band [top, top + height), from x = left to at most right. */
function drawLine(img: Gray, r: Random, top: number, height: number, left: number, right: number, ink: number): void {
  let x = left;
  const cellW = height * uniform(r, 0.5, 0.9);
  const thick = Math.max(1, Math.round(height * uniform(r, 0.06, 0.12)));
  while (x + cellW < right) {
    if (r() < 0.15) {
      x += cellW * uniform(r, 0.4, 0.9); // a gap between words
      continue;
    }
    const w = cellW * uniform(r, 0.7, 1.1);
    const strokes = 2 + Math.floor(r() * 4);
    for (let s = 0; s < strokes; s++) {
      const kind = r();
      const [a, b] = [uniform(r, 0, 1), uniform(r, 0, 1)];
      if (kind < 0.35) bar(img, x + a * w, top, x + a * w, top + height * uniform(r, 0.5, 1), thick, ink);
      else if (kind < 0.7) bar(img, x, top + a * height, x + w * uniform(r, 0.5, 1), top + a * height, thick, ink);
      else if (kind < 0.95) bar(img, x + a * w, top, x + b * w, top + height, thick, ink);
      else bar(img, x + a * w, top + b * height, x + a * w + thick, top + b * height + thick, thick, ink);
    }
    x += w + height * uniform(r, 0.05, 0.2);
  }
}

function background(r: Random, h: number, w: number, dark: boolean): Gray {
  const data = new Float32Array(h * w);
  const [base, gx, gy] = [dark ? uniform(r, 20, 70) : uniform(r, 180, 245), uniform(r, -30, 30), uniform(r, -30, 30)];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = base + (gx * x) / w + (gy * y) / h + 6 * gauss(r);
  return { h, w, data };
}

function blur(img: Gray): Gray {
  const out = new Float32Array(img.data.length);
  for (let y = 0; y < img.h; y++) {
    for (let x = 0; x < img.w; x++) {
      let [s, n] = [0, 0];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const [yy, xx] = [y + dy, x + dx];
          if (yy >= 0 && xx >= 0 && yy < img.h && xx < img.w) [s, n] = [s + img.data[yy * img.w + xx]!, n + 1];
        }
      out[y * img.w + x] = Math.min(255, Math.max(0, s / n));
    }
  }
  return { ...img, data: out };
}

/** A text-line crop of h x w as a recognizer or angle classifier gets it; `rotate`: turned 180°. */
export function textLine(seed: number, h: number, w: number, rotate = false): Gray {
  const r = mulberry32(seed);
  const dark = r() < 0.2;
  const img = background(r, h, w, dark);
  const height = h * uniform(r, 0.55, 0.8);
  const ink = dark ? uniform(r, 190, 250) : uniform(r, 0, 80);
  drawLine(img, r, (h - height) * uniform(r, 0.3, 0.7), height, uniform(r, 1, 8), w * uniform(r, 0.6, 1), ink);
  const out = blur(img);
  if (rotate) out.data.reverse();
  return out;
}

/** A page of h x w with several text lines of various sizes, as a text detector gets it. */
export function textPage(seed: number, h: number, w: number): Gray {
  const r = mulberry32(seed);
  const img = background(r, h, w, false);
  const lines = 4 + Math.floor(r() * 8);
  for (let i = 0; i < lines; i++) {
    const height = uniform(r, 12, 40);
    const top = uniform(r, 0, h - height);
    const left = uniform(r, 0, w * 0.5);
    drawLine(img, r, top, height, left, left + uniform(r, w * 0.2, w - left), uniform(r, 0, 90));
  }
  return blur(img);
}

/** `img` as a [1,3,h,w] tensor's data: tinted per channel, then (v/255 - mean[c]) / std[c]. */
export function normalized(img: Gray, seed: number, mean: readonly number[], std: readonly number[]): Float32Array {
  const r = mulberry32(seed ^ 0x5bd1e995);
  const n = img.h * img.w;
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const tint = uniform(r, 0.9, 1.1);
    for (let i = 0; i < n; i++) out[c * n + i] = (Math.min(255, img.data[i]! * tint) / 255 - mean[c]!) / std[c]!;
  }
  return out;
}

/** `seconds` of speech-like 16 kHz audio in [-1, 1] (peak about `level`). */
export function speech(seed: number, seconds: number, level = 0.3): Float32Array {
  const SR = 16000;
  const r = mulberry32(seed);
  const out = new Float32Array(Math.round(seconds * SR));
  let t = 0;
  let lp = 0;
  while (t < out.length) {
    const kind = r();
    const len = Math.round(SR * (kind < 0.2 ? uniform(r, 0.1, 0.5) : uniform(r, 0.08, 0.25)));
    const amp = level * uniform(r, 0.3, 1);
    if (kind >= 0.2 && kind < 0.35) {
      for (let i = 0; i < len && t + i < out.length; i++) {
        const env = Math.sin((Math.PI * i) / len);
        const n = gauss(r);
        out[t + i] = amp * 0.4 * env * (n - lp); // high-passed noise: a fricative
        lp = n;
      }
    } else if (kind >= 0.35) {
      const f0 = uniform(r, 100, 250);
      const formants = [uniform(r, 300, 900), uniform(r, 900, 2500), uniform(r, 2400, 3500)];
      const glide = formants.map(() => uniform(r, -0.3, 0.3));
      let phase = 0;
      for (let i = 0; i < len && t + i < out.length; i++) {
        const u = i / len;
        const f = f0 * (1 + 0.1 * Math.sin(2 * Math.PI * u) + 0.01 * gauss(r));
        phase += (2 * Math.PI * f) / SR;
        let v = 0;
        for (let k = 1; k * f < 4000; k++) {
          const weight = formants.reduce((s, fm, j) => s + Math.exp(-(((k * f - fm * (1 + glide[j]! * u)) / 150) ** 2)), 0) + 0.05 / k;
          v += weight * Math.sin(k * phase);
        }
        out[t + i] = (amp * Math.sin(Math.PI * u) * v) / 3;
      }
    }
    for (let i = 0; i < len && t + i < out.length; i++) out[t + i]! += 0.003 * gauss(r);
    t += len;
  }
  const peak = Math.max(...Array.from(out, Math.abs)) || 1;
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-1, Math.min(1, (out[i]! * level) / peak));
  return out;
}
