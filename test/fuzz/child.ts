/**
 * The fuzzer's child process, both ends of it.
 *
 * Child (this file run as a script):
 *
 *   node --import tsx test/fuzz/child.ts <model-file> '<options-json>'   # one case, one JSON line
 *   node --import tsx test/fuzz/child.ts --serve                          # cases as JSON lines on stdin
 *
 * compiles the model with the options' `compile` (backend 'cpu'), runs it once on seeded random
 * feeds of the compiled input shapes (`model.inputs`), disposes it, and prints
 *   { outcome: 'ok' } | { outcome: 'hybrid-error', code, message } | { outcome: 'other-error', name, message, stack }
 * (with the phase it ended in and timings). `--serve` keeps one process for many cases (node
 * and tsx start in about a second, longer than most cases take); its lines are prefixed
 * `@@fuzz-result@@` so that anything else on stdout cannot be taken for a result.
 *
 * Parent (the exports): `ChildPool` runs cases in `--serve` workers and `runFresh` in a
 * one-case child, each under a memory limit (--max-old-space-size for the JS heap; the
 * child's resident memory polled every 100 ms and the child killed past the limit;
 * `prlimit --as` where prlimit exists) and a wall-time limit (killed past it). A worker that
 * dies, hangs or grows is replaced. `classify` turns what happened into an outcome; only 'ok'
 * and 'hybrid-error' are not failures.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CaseOptions, type SeedModel, makeCase, planCases } from './mutate.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const CHILD_FILE = fileURLToPath(import.meta.url);

const RESULT = '@@fuzz-result@@';
const READY = '@@fuzz-ready@@';

/** The ErrorCodes of src/errors.ts: a HybridError with any other code is a failure too. */
export const ERROR_CODES = [
  'MODEL_LOAD',
  'MODEL_SAVE',
  'MODEL_INVALID',
  'EXTERNAL_DATA',
  'TENSOR_FILE',
  'UNSUPPORTED_DTYPE',
  'INPUT',
  'SHAPE',
  'UNSUPPORTED_OP',
  'CONVERTER',
  'PLAN',
  'NATIVE',
  'BACKEND',
  'DISPOSED',
  'OPTION',
];

/** What the child reports for one case. */
export interface ChildReport {
  outcome: 'ok' | 'hybrid-error' | 'other-error';
  phase: 'compile' | 'feeds' | 'run' | 'dispose' | 'unhandled' | 'done';
  code?: string;
  message?: string;
  name?: string;
  stack?: string;
  /** Why the run was skipped after a successful compile (inputs too large to feed, negative dims). */
  runSkipped?: string;
  /** Observations that are not failures (an output missing from run()'s result...). */
  notes?: string[];
  compileMs?: number;
  runMs?: number;
  /** The child's resident memory after the case (serve mode, after a GC). */
  rssMb?: number;
}

export type Outcome = 'ok' | 'hybrid-error' | 'other-error' | 'crash' | 'timeout' | 'oom' | 'harness-error';

/** One case's result as the parent sees it. */
export interface CaseResult extends Omit<ChildReport, 'outcome' | 'phase'> {
  outcome: Outcome;
  phase?: ChildReport['phase'];
  /** Anything but ok and hybrid-error. */
  failure: boolean;
  signal?: string;
  exitCode?: number;
  /** The end of the child's stderr (crashes, OOM, timeouts). */
  stderr?: string;
  /** Wall time of the case in the child, ms. */
  ms: number;
  peakRssMb?: number;
  /** For failures seen in a worker and run again in a fresh child. */
  confirmed?: 'reproduced' | 'not-reproduced';
  /** The worker's result where the fresh child's is the one reported (or the reverse). */
  other?: string;
}

// ---------------------------------------------------------------------------------------------
// Child side

/** Largest feed the child generates (elements over all inputs); larger compiled inputs skip the run. */
const MAX_FEED_ELEMENTS = 1 << 24;

async function runCaseInChild(modelFile: string, options: CaseOptions): Promise<ChildReport> {
  const { compile } = await import('../../src/compiler/compile.js');
  const { HybridError, isHybridError } = await import('../../src/errors.js');
  const { mulberry32, streamSeed } = await import('../../src/util/random.js');
  const { float32ToFloat16Bits } = await import('../../src/onnx/half.js');
  let phase: ChildReport['phase'] = 'compile';
  const notes: string[] = [];
  const report = (e: unknown): ChildReport => {
    if (isHybridError(e)) {
      if (!ERROR_CODES.includes(e.code)) {
        return {
          outcome: 'other-error',
          phase,
          name: 'HybridError',
          message: `HybridError with unknown code '${e.code}': ${e.message}`,
          stack: e.stack,
        };
      }
      if (/\n/.test(e.message)) notes.push('HybridError message spans several lines');
      return { outcome: 'hybrid-error', phase, code: e.code, message: e.message, ...(notes.length ? { notes } : {}) };
    }
    const err = e instanceof Error ? e : undefined;
    return {
      outcome: 'other-error',
      phase,
      name: err ? err.name || err.constructor?.name || 'Error' : `thrown ${typeof e}`,
      message: err ? err.message : String(e),
      stack: err?.stack ?? '',
    };
  };
  if (options.selfTest === 'crash') process.kill(process.pid, 'SIGSEGV');
  if (options.selfTest === 'abort') process.abort();
  if (options.selfTest === 'hang') for (;;);
  if (options.selfTest === 'memory') {
    const hold: Buffer[] = [];
    for (;;) hold.push(Buffer.alloc(64 << 20, 1));
  }
  if (options.selfTest === 'js-heap') {
    const hold: number[][] = [];
    for (;;) hold.push(Array.from({ length: 1 << 20 }, (_, i) => i + 0.5));
  }
  let model: Awaited<ReturnType<typeof compile>> | undefined;
  const t0 = performance.now();
  let compileMs: number | undefined;
  let runMs: number | undefined;
  let runSkipped: string | undefined;
  let result: ChildReport | undefined;
  try {
    model = await compile(modelFile, { ...options.compile, label: path.basename(modelFile) });
    compileMs = performance.now() - t0;
    if (options.selfTest === 'type-error') throw new TypeError('fuzz self-test: a deliberate TypeError');
    if (options.selfTest === 'hybrid-error') throw new HybridError('MODEL_INVALID', 'fuzz self-test: a deliberate HybridError');
    phase = 'feeds';
    const bad = model.inputs.find((i) => !i.shape.every((d) => Number.isSafeInteger(d) && d >= 0));
    const total = model.inputs.reduce((a, i) => a + i.shape.reduce((x, d) => x * d, 1), 0);
    if (bad) runSkipped = `compiled input '${bad.name}' has shape [${bad.shape.join(',')}]`;
    else if (total > MAX_FEED_ELEMENTS) runSkipped = `compiled inputs hold ${total} elements (feeds limited to ${MAX_FEED_ELEMENTS})`;
    if (!runSkipped) {
      const feeds: Record<string, { dtype: string; dims: number[]; data: ArrayBufferView }> = {};
      for (const info of model.inputs) {
        const rng = mulberry32(streamSeed(options.feedSeed, info.name));
        const n = info.shape.reduce((x, d) => x * d, 1);
        let data: ArrayBufferView;
        switch (info.dtype) {
          case 'float32':
            data = Float32Array.from({ length: n }, () => rng() * 2 - 1);
            break;
          case 'float64':
            data = Float64Array.from({ length: n }, () => rng() * 2 - 1);
            break;
          case 'float16':
            data = Uint16Array.from({ length: n }, () => float32ToFloat16Bits(rng() * 2 - 1));
            break;
          case 'int64':
            data = BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rng() * 3)));
            break;
          case 'uint64':
            data = BigUint64Array.from({ length: n }, () => BigInt(Math.floor(rng() * 3)));
            break;
          case 'int32':
            data = Int32Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'int16':
            data = Int16Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'int8':
            data = Int8Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'uint32':
            data = Uint32Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'uint16':
            data = Uint16Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'uint8':
            data = Uint8Array.from({ length: n }, () => Math.floor(rng() * 3));
            break;
          case 'bool':
            data = Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0));
            break;
          default:
            // A dtype run() cannot take (compile should have refused it): run with a float32
            // feed and let hybridrt say what it thinks.
            data = new Float32Array(n);
        }
        feeds[info.name] = { dtype: info.dtype, dims: [...info.shape], data };
      }
      phase = 'run';
      const t1 = performance.now();
      const outputs = await model.run(feeds as never);
      runMs = performance.now() - t1;
      const missing = model.outputNames.filter((o) => !(o in outputs));
      if (missing.length) notes.push(`run() returned no '${missing.join("', '")}'`);
    }
    phase = 'dispose';
    const m = model;
    model = undefined;
    await m.dispose();
    phase = 'done';
    result = { outcome: 'ok', phase };
  } catch (e) {
    result = report(e);
  } finally {
    if (model) {
      // Disposing after a failure: a non-HybridError from it is a failure of its own.
      const failedIn = phase;
      try {
        phase = 'dispose';
        await model.dispose();
      } catch (e) {
        const r = report(e);
        if (r.outcome === 'other-error' && result?.outcome !== 'other-error') result = r;
        else notes.push(`dispose after a ${failedIn} error threw ${r.code ?? r.name}: ${r.message}`);
      }
    }
  }
  return {
    ...result!,
    ...(runSkipped ? { runSkipped } : {}),
    ...(notes.length ? { notes } : {}),
    ...(compileMs !== undefined ? { compileMs: Math.round(compileMs) } : {}),
    ...(runMs !== undefined ? { runMs: Math.round(runMs) } : {}),
  };
}

/** An error nobody awaited, reported against the case running when it surfaced. */
let stray: ChildReport | undefined;

function takeStray(): ChildReport | undefined {
  const s = stray;
  stray = undefined;
  return s;
}

function strayReport(e: unknown, how: string): ChildReport {
  const err = e instanceof Error ? e : undefined;
  return {
    outcome: 'other-error',
    phase: 'unhandled',
    name: err?.name ?? `thrown ${typeof e}`,
    message: `${how}: ${err ? err.message : String(e)}`,
    stack: err?.stack ?? '',
  };
}

async function childMain(argv: string[]): Promise<void> {
  process.on('unhandledRejection', (e) => {
    stray ??= strayReport(e, 'unhandled rejection');
  });
  process.on('uncaughtException', (e) => {
    stray ??= strayReport(e, 'uncaught exception');
  });
  // A tick or two after a case, so that rejections it left behind are seen with it.
  const settle = () => new Promise((r) => setTimeout(r, 20));
  if (argv[0] === '--serve') {
    // Load everything before saying ready, so that start-up is not timed as the first case.
    await import('../../src/compiler/compile.js');
    process.stdout.write(`${READY}\n`);
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      if (!line.trim()) continue;
      const req = JSON.parse(line) as { id: number; model: string; options: CaseOptions };
      takeStray();
      let r = await runCaseInChild(req.model, req.options);
      await settle();
      const s = takeStray();
      if (s && r.outcome !== 'other-error') r = { ...s, ...(r.compileMs !== undefined ? { compileMs: r.compileMs } : {}) };
      (globalThis as { gc?: () => void }).gc?.();
      r.rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
      process.stdout.write(`${RESULT}${JSON.stringify({ id: req.id, ...r })}\n`);
    }
    return;
  }
  if (argv.length < 1 || argv[0] === '--help') {
    console.error("usage: node --import tsx test/fuzz/child.ts <model.onnx> ['<options-json>']  |  --serve");
    process.exit(2);
  }
  const options: CaseOptions = argv[1] ? JSON.parse(argv[1]) : { compile: { backend: 'cpu' }, feedSeed: 1 };
  options.compile = { ...options.compile, backend: 'cpu' };
  let r = await runCaseInChild(argv[0]!, options);
  await settle();
  const s = takeStray();
  if (s && r.outcome !== 'other-error') r = s;
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent side

export interface Limits {
  /** Wall time per case, ms (from the case's start in a ready worker). */
  timeoutMs: number;
  /** Resident memory the child may reach, MiB (polled every 100 ms). */
  memoryMb: number;
  /** --max-old-space-size of the child, MiB. */
  heapMb: number;
  /**
   * prlimit --as of the child, MiB, where prlimit exists (0: none). A tsx child starts with
   * about 32.6 GiB of address space reserved (V8's WebAssembly reservations for tsx's module
   * lexer: under 32 GiB it does not start), so this cannot be tight: it stops absurd native
   * allocations; the resident-memory poll is the real limit.
   */
  addressSpaceMb: number;
}

export const DEFAULT_LIMITS: Limits = { timeoutMs: 30_000, memoryMb: 3072, heapMb: 2048, addressSpaceMb: 64 * 1024 };

const HAS_PRLIMIT = (() => {
  try {
    return spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
})();

function childCommand(limits: Limits, args: string[]): { cmd: string; args: string[] } {
  const node = [`--max-old-space-size=${limits.heapMb}`, '--expose-gc', '--enable-source-maps', '--import', 'tsx', CHILD_FILE, ...args];
  if (HAS_PRLIMIT && limits.addressSpaceMb > 0) {
    return { cmd: 'prlimit', args: [`--as=${limits.addressSpaceMb * 2 ** 20}`, '--', process.execPath, ...node] };
  }
  return { cmd: process.execPath, args: node };
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const tail = (s: string, n = 4000) => (s.length > n ? `…${s.slice(-n)}` : s);

/** How a child that ended without a result ended: crash (signal or exit code), timeout or OOM. */
function deathResult(
  reason: 'timeout' | 'oom' | undefined,
  signal: string | null,
  code: number | null,
  stderr: string,
  ms: number,
  limits: Limits,
  peak?: number,
): CaseResult {
  const base = { failure: true, ms: Math.round(ms), stderr: tail(stderr), ...(peak ? { peakRssMb: Math.round(peak) } : {}) };
  if (reason === 'timeout') return { ...base, outcome: 'timeout', message: `no result after ${limits.timeoutMs / 1000} s (killed)` };
  if (reason === 'oom') return { ...base, outcome: 'oom', message: `resident memory over ${limits.memoryMb} MiB (killed)` };
  if (/heap out of memory|Reached heap limit|Allocation failed - JavaScript heap/.test(stderr)) {
    return {
      ...base,
      outcome: 'oom',
      signal: signal ?? undefined,
      exitCode: code ?? undefined,
      message: `JavaScript heap out of memory (--max-old-space-size=${limits.heapMb})`,
    };
  }
  const what = signal ? `killed by ${signal}` : `exited with code ${code}`;
  const native = /terminate called[^\n]*|std::\w+|what\(\):[^\n]*|Assertion[^\n]*|Segmentation fault|double free[^\n]*|corrupted[^\n]*/.exec(
    stderr,
  )?.[0];
  return {
    ...base,
    outcome: 'crash',
    signal: signal ?? undefined,
    exitCode: code ?? undefined,
    message: `${what}${native ? ` (${native.trim()})` : ''}`,
  };
}

function fromReport(r: ChildReport & { id?: number }, ms: number, peak?: number): CaseResult {
  const { id: _id, ...rest } = r;
  return { ...rest, failure: r.outcome === 'other-error', ms: Math.round(ms), ...(peak ? { peakRssMb: Math.round(peak) } : {}) };
}

/** A worker: one `--serve` child running cases one at a time. */
class Worker {
  private proc?: ChildProcess;
  private ready?: Promise<void>;
  private stderr = '';
  private lineHandler?: (line: string) => void;
  private closeHandler?: (code: number | null, signal: string | null) => void;
  /** The model file of the last case that reported a result (for a death between cases). */
  private lastModel?: string;
  cases = 0;
  lastRssMb = 0;

  constructor(
    private readonly limits: Limits,
    /** Called when the worker dies between cases: the case before most likely left it broken. */
    private readonly onDeathAfterResult?: (modelFile: string, result: CaseResult) => void,
  ) {}

  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  private start(): Promise<void> {
    const { cmd, args } = childCommand(this.limits, ['--serve']);
    const proc = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
    this.proc = proc;
    this.cases = 0;
    this.stderr = '';
    this.lastModel = undefined;
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => {
      this.stderr = tail(this.stderr + d, 16_000);
    });
    proc.stdin!.on('error', () => {}); // a dead child's stdin: the close handler reports it
    const rl = readline.createInterface({ input: proc.stdout! });
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`fuzz worker did not start within 120 s: ${tail(this.stderr, 2000)}`));
      }, 120_000);
      rl.on('line', (line) => {
        if (line === READY) {
          clearTimeout(timer);
          resolve();
        } else this.lineHandler?.(line);
      });
      // 'close', not 'exit': stdout is drained first, so a result written just before a crash is seen.
      proc.on('close', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`fuzz worker exited before it was ready (code ${code}, signal ${signal}): ${tail(this.stderr, 2000)}`));
        if (this.closeHandler) this.closeHandler(code, signal);
        else if (this.proc === proc && this.lastModel && this.onDeathAfterResult) {
          // Died while idle, not stopped by us: blame the case that ran last.
          const d = deathResult(undefined, signal, code, this.stderr, 0, this.limits);
          this.onDeathAfterResult(this.lastModel, { ...d, message: `the worker died after this case's result: ${d.message}` });
        }
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  async run(modelFile: string, options: CaseOptions, timeoutMs = this.limits.timeoutMs): Promise<CaseResult> {
    if (!this.alive) await this.start();
    else await this.ready;
    const proc = this.proc!;
    this.stderr = '';
    this.lastModel = undefined;
    const t0 = performance.now();
    let peak = 0;
    let reason: 'timeout' | 'oom' | undefined;
    const result = await new Promise<CaseResult>((resolve) => {
      const done = (r: CaseResult) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.lineHandler = undefined;
        this.closeHandler = undefined;
        resolve(r);
      };
      const timer = setTimeout(() => {
        reason = 'timeout';
        proc.kill('SIGKILL');
      }, timeoutMs);
      const poll = setInterval(() => {
        const rss = rssMb(proc.pid!);
        if (rss === undefined) return;
        peak = Math.max(peak, rss);
        if (rss > this.limits.memoryMb && !reason) {
          reason = 'oom';
          proc.kill('SIGKILL');
        }
      }, 100);
      this.lineHandler = (line) => {
        if (!line.startsWith(RESULT)) return;
        const r = JSON.parse(line.slice(RESULT.length)) as ChildReport;
        this.lastRssMb = r.rssMb ?? 0;
        this.lastModel = modelFile;
        done(fromReport(r, performance.now() - t0, peak));
      };
      this.closeHandler = (code, signal) =>
        done(deathResult(reason, signal, code, this.stderr, performance.now() - t0, { ...this.limits, timeoutMs }, peak));
      proc.stdin!.write(`${JSON.stringify({ id: ++this.cases, model: modelFile, options })}\n`);
    });
    return result;
  }

  /** Ends the worker (stdin closed; killed if it lingers). */
  stop(): void {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.stdin!.end();
    const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
    proc.on('close', () => clearTimeout(t));
  }
}

export interface PoolOptions {
  jobs: number;
  limits?: Partial<Limits>;
  /** Replace a worker after this many cases (default 60) ... */
  recycleAfter?: number;
  /** ... or once its resident memory after a case exceeds this, MiB (default 1200). */
  recycleRssMb?: number;
  /** A worker died between cases: `modelFile` is the case that ran last in it. */
  onDeathAfterResult?: (modelFile: string, result: CaseResult) => void;
}

/** `jobs` workers; `run` takes the next free one. */
export class ChildPool {
  readonly limits: Limits;
  private readonly idle: Worker[] = [];
  private readonly waiters: Array<(w: Worker) => void> = [];
  private readonly all: Worker[] = [];

  constructor(private readonly options: PoolOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    for (let i = 0; i < options.jobs; i++) {
      const w = new Worker(this.limits, options.onDeathAfterResult);
      this.all.push(w);
      this.idle.push(w);
    }
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    return new Promise((r) => this.waiters.push(r));
  }

  private release(w: Worker): void {
    if (w.alive && (w.cases >= (this.options.recycleAfter ?? 60) || w.lastRssMb > (this.options.recycleRssMb ?? 1200))) w.stop();
    const next = this.waiters.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /** One case in the next free worker; `timeoutMs` overrides the pool's limit for it. */
  async run(modelFile: string, options: CaseOptions, timeoutMs?: number): Promise<CaseResult> {
    const w = await this.acquire();
    try {
      return await w.run(modelFile, options, timeoutMs);
    } catch (e) {
      w.stop();
      return { outcome: 'harness-error', failure: true, ms: 0, message: (e as Error).message };
    } finally {
      this.release(w);
    }
  }

  close(): void {
    for (const w of this.all) w.stop();
  }
}

/** One case in a fresh child (the reproduction command's way): no state from earlier cases. */
export function runFresh(modelFile: string, options: CaseOptions, limits: Partial<Limits> = {}): Promise<CaseResult> {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const { cmd, args } = childCommand(lim, [modelFile, JSON.stringify(options)]);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const proc = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let reason: 'timeout' | 'oom' | undefined;
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = tail(stderr + d, 16_000)));
    // Start-up (node, tsx, onnxruntime, the addon) is not the case's time: allow 30 s more.
    const timer = setTimeout(() => {
      reason = 'timeout';
      proc.kill('SIGKILL');
    }, lim.timeoutMs + 30_000);
    const poll = setInterval(() => {
      const rss = rssMb(proc.pid!);
      if (rss === undefined) return;
      peak = Math.max(peak, rss);
      if (rss > lim.memoryMb && !reason) {
        reason = 'oom';
        proc.kill('SIGKILL');
      }
    }, 100);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      const ms = performance.now() - t0;
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{"outcome"'));
      if (line && !reason) {
        const r = fromReport(JSON.parse(line) as ChildReport, ms, peak);
        // The result printed, then the process died: a crash at exit.
        if (signal || (code !== 0 && code !== null)) {
          resolve({
            ...deathResult(undefined, signal, code, stderr, ms, lim, peak),
            message: `after its result (${r.outcome}): ${deathResult(undefined, signal, code, stderr, ms, lim).message}`,
          });
        } else resolve(r);
      } else resolve(deathResult(reason, signal, code, stderr, ms, lim, peak));
    });
  });
}

/** What happened, on one line: `hybrid-error MODEL_INVALID: ...`, `other-error TypeError: ... at file:line`. */
export function describeResult(r: CaseResult): string {
  const one = (s: string | undefined) => (s ?? '').replace(/\s*\n\s*/g, ' ').slice(0, 400);
  switch (r.outcome) {
    case 'ok':
      return `ok${r.runSkipped ? ` (run skipped: ${r.runSkipped})` : ''}`;
    case 'hybrid-error':
      return `hybrid-error ${r.code} in ${r.phase}: ${one(r.message)}`;
    case 'other-error':
      return `other-error ${r.name} in ${r.phase}: ${one(r.message)}${topFrames(r.stack, 3) ? ` @ ${topFrames(r.stack, 3)}` : ''}`;
    default:
      return `${r.outcome}: ${one(r.message)}${r.outcome === 'crash' && r.stderr ? ` | stderr: ${one(r.stderr.slice(-300))}` : ''}`;
  }
}

/** The first `n` stack frames, as `function (file:line)` relative to the repository. */
export function topFrames(stack: string | undefined, n: number): string {
  if (!stack) return '';
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .slice(0, n)
    .map((l) =>
      l
        .trim()
        .replace(/^at /, '')
        .replace(/file:\/\//g, '')
        .replaceAll(`${REPO_ROOT}/`, '')
        .replace(/:\d+\)$/, ')'),
    )
    .join(' < ');
}

// ---------------------------------------------------------------------------------------------
// Campaigns: many cases through a pool, failures confirmed in fresh children, summaries

export interface CaseEntry {
  id: string;
  model: string;
  kind: string;
  seed: number;
  notes: string[];
  options: CaseOptions;
  result: CaseResult;
  /** Where the mutated model was kept (failures, when asked to keep them). */
  file?: string;
}

export interface CampaignOptions {
  seeds: SeedModel[];
  cases: number;
  seed: number;
  jobs: number;
  limits?: Partial<Limits>;
  kinds?: readonly string[];
  /** Folder for the mutated models (created; each removed after its case unless kept). */
  workDir: string;
  /** Run each failure again in a fresh child (default true); timeouts only with confirmTimeouts. */
  confirm?: boolean;
  /** At most this many confirmations per cause (signatureOf; default 3): the rest are alike. */
  confirmPerCause?: number;
  confirmTimeouts?: boolean;
  /** Keep failing cases' models (in workDir) instead of deleting them. */
  keepFailures?: boolean;
  onResult?: (entry: CaseEntry, done: number, total: number) => void;
}

/** Runs a campaign: `cases` cases planned from `seed`, `jobs` at a time. */
export async function runCampaign(o: CampaignOptions): Promise<CaseEntry[]> {
  fs.mkdirSync(o.workDir, { recursive: true });
  const plan = planCases(o.seeds, o.cases, o.seed, o.kinds);
  const entries: CaseEntry[] = new Array(plan.length);
  const byFile = new Map<string, CaseEntry>();
  const pool = new ChildPool({
    jobs: o.jobs,
    ...(o.limits ? { limits: o.limits } : {}),
    onDeathAfterResult: (file, result) => {
      const e = byFile.get(file);
      if (e && !e.result.failure) e.result = result;
    },
  });
  let next = 0;
  let done = 0;
  const confirmed = new Map<string, number>();
  const loop = async () => {
    for (;;) {
      const i = next++;
      if (i >= plan.length) return;
      const { model, kind, seed } = plan[i]!;
      const file = path.join(o.workDir, `${kind}__${seed}__${model.name}.onnx`);
      let entry: CaseEntry;
      try {
        const c = makeCase(model, kind, seed);
        fs.writeFileSync(file, c.bytes);
        entry = { id: c.id, model: c.model, kind, seed, notes: c.notes, options: c.options, result: { outcome: 'ok', failure: false, ms: 0 } };
        byFile.set(file, entry);
        const timeoutMs = pool.limits.timeoutMs * (model.slow ?? 1);
        entry.result = await pool.run(file, c.options, timeoutMs);
        const r = entry.result;
        const sig = signatureOf(r, kind);
        const confirm =
          (o.confirm ?? true) &&
          r.failure &&
          r.outcome !== 'harness-error' &&
          (r.outcome !== 'timeout' || o.confirmTimeouts) &&
          (confirmed.get(sig) ?? 0) < (o.confirmPerCause ?? 3);
        if (confirm) {
          confirmed.set(sig, (confirmed.get(sig) ?? 0) + 1);
          const fresh = await runFresh(file, c.options, { ...pool.limits, timeoutMs });
          if (fresh.failure)
            entry.result = {
              ...fresh,
              confirmed: 'reproduced',
              ...(describeResult(fresh) !== describeResult(r) ? { other: `in a worker: ${describeResult(r)}` } : {}),
            };
          else entry.result = { ...r, confirmed: 'not-reproduced', other: `alone: ${describeResult(fresh)}` };
        }
      } catch (e) {
        // The mutator or the harness failed: a bug here, reported as such.
        entry = {
          id: `${kind}/${seed}/${model.name}`,
          model: model.name,
          kind,
          seed,
          notes: [],
          options: { compile: { backend: 'cpu' }, feedSeed: seed },
          result: { outcome: 'harness-error', failure: true, ms: 0, message: (e as Error).stack ?? String(e) },
        };
      }
      entries[i] = entry;
      if (entry.result.failure && o.keepFailures) entry.file = file;
      else fs.rmSync(file, { force: true });
      o.onResult?.(entry, ++done, plan.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, loop));
  } finally {
    pool.close();
  }
  return entries;
}

/** `kind=<k> seed=<s> model=<m>: <what happened>`. */
export function failureLine(e: CaseEntry): string {
  const conf = e.result.confirmed ? ` [${e.result.confirmed === 'reproduced' ? 'reproduced alone' : 'NOT reproduced alone'}]` : '';
  return `kind=${e.kind} seed=${e.seed} model=${e.model}: ${describeResult(e.result)}${conf}`;
}

/** Outcome columns of the summary; 'ok' with a skipped run is its own column. */
const COLUMNS = ['ok', 'ok-no-run', 'hybrid-error', 'other-error', 'crash', 'timeout', 'oom', 'harness-error'] as const;
const column = (r: CaseResult) => (r.outcome === 'ok' && r.runSkipped ? 'ok-no-run' : r.outcome);

/** A table of kinds (rows) by outcome (columns), with totals. */
export function summaryTable(entries: readonly CaseEntry[]): string {
  const kinds = [...new Set(entries.map((e) => e.kind))];
  const count = (k: string | undefined, c: string) => entries.filter((e) => (k === undefined || e.kind === k) && column(e.result) === c).length;
  const rows = [
    ['kind', ...COLUMNS, 'total'],
    ...kinds.map((k) => [k, ...COLUMNS.map((c) => String(count(k, c) || '')), String(entries.filter((e) => e.kind === k).length)]),
  ];
  rows.push(['TOTAL', ...COLUMNS.map((c) => String(count(undefined, c))), String(entries.length)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [
    fmt(rows[0]!),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.slice(1).map(fmt),
  ].join('\n');
}

/** HybridError codes seen, per code: how many cases. */
export function codeCounts(entries: readonly CaseEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) if (e.result.outcome === 'hybrid-error') out[e.result.code!] = (out[e.result.code!] ?? 0) + 1;
  return out;
}

export interface FailureGroup {
  signature: string;
  count: number;
  kinds: string[];
  models: string[];
  example: CaseEntry;
}

const blur = (s: string | undefined) =>
  (s ?? '')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+(\.\d+)?(e[+-]?\d+)?\b/gi, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 160);

/**
 * A failure's cause, for grouping: the outcome, the error's name and message with names, quotes
 * and numbers blurred, and the top stack frame (the signal and native message for crashes).
 */
export function signatureOf(r: CaseResult, kind?: string): string {
  if (r.outcome === 'other-error' || r.outcome === 'harness-error')
    return `${r.outcome} ${r.name ?? ''}: ${blur(r.message)} @ ${topFrames(r.stack, 1)}`;
  if (r.outcome === 'crash') return `crash ${r.signal ?? `exit ${r.exitCode}`}: ${blur(r.message)}`;
  // Hangs and memory blow-ups say nothing of where: their mutation kind stands in.
  return kind ? `${r.outcome} (${kind})` : r.outcome;
}

/** Failures grouped by cause (signatureOf), the largest group first. */
export function groupFailures(entries: readonly CaseEntry[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const e of entries) {
    const r = e.result;
    if (!r.failure) continue;
    const sig = signatureOf(r, e.kind);
    let g = groups.get(sig);
    if (!g) groups.set(sig, (g = { signature: sig, count: 0, kinds: [], models: [], example: e }));
    g.count++;
    if (!g.kinds.includes(e.kind)) g.kinds.push(e.kind);
    if (!g.models.includes(e.model)) g.models.push(e.model);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** Failures by cause, as text: signature, count, kinds, one reproducing case with its stack top. */
export function failureReport(entries: readonly CaseEntry[]): string {
  const groups = groupFailures(entries);
  if (!groups.length) return 'no failures';
  return groups
    .map((g, i) => {
      const e = g.example;
      const lines = [
        `${i + 1}. ${g.signature}`,
        `   ${g.count} case(s); kinds: ${g.kinds.join(', ')}; models: ${g.models.join(', ')}`,
        `   e.g. ${e.kind}/${e.seed}/${e.model}: ${e.notes.join('; ').slice(0, 300)}`,
        `   ${describeResult(e.result)}`,
      ];
      if (e.result.stack) lines.push(`   stack: ${topFrames(e.result.stack, 6)}`);
      if (e.result.outcome === 'crash' && e.result.stderr)
        lines.push(`   stderr: ${e.result.stderr.trim().split('\n').slice(-6).join(' | ').slice(0, 600)}`);
      if (e.result.other) lines.push(`   ${e.result.other}`);
      return lines.join('\n');
    })
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  childMain(process.argv.slice(2)).catch((e) => {
    // The harness itself failed (bad arguments...): not a case result.
    console.error(e);
    process.exit(3);
  });
}
