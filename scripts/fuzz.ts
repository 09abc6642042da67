/**
 * The model fuzzer's longer run (the test suite runs a few hundred cases: test/fuzz/fuzz.test.ts).
 *
 *   npx tsx scripts/fuzz.ts --cases 10000 --jobs 2 --seed N
 *   npx tsx scripts/fuzz.ts --cases 500 --kinds cycle,deep-chain --models resnet_mini,built_mlp
 *   npx tsx scripts/fuzz.ts --repro deep-chain/1234/resnet_mini     # one case again, in a fresh child
 *   npx tsx scripts/fuzz.ts --list                                   # the kinds and seed models
 *
 * Cases are (seed model, mutation kind, seed) (test/fuzz/mutate.ts); each is compiled with
 * backend 'cpu' and run once in a child process under a memory and a time limit
 * (test/fuzz/child.ts). Every case must end in success or a HybridError. Prints a progress line,
 * then a summary by kind and outcome, the HybridError codes seen, and the failures grouped by
 * cause; writes every failing case's model, options and result into the output folder (with a
 * failures.md listing the commands that reproduce each), and results.jsonl with every case.
 * Exit code: 0 without failures, 1 with.
 *
 * Flags: --cases N (1000), --jobs N (2), --seed N (1), --timeout S (60 per case; x2 for light
 * models, x3 for the heaviest four), --memory MiB
 * (3072 resident per child), --kinds a,b, --models a,b, --out DIR (a new folder under the
 * system temp folder), --no-confirm (do not run failures again in a fresh child),
 * --confirm-timeouts (do, for timeouts too), --confirm-per-cause N (at most N confirmations per
 * cause, default 3), --light-weight X (how often light models are
 * picked, relative; default 1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CaseEntry,
  codeCounts,
  describeResult,
  failureReport,
  failureLine,
  runCampaign,
  runFresh,
  summaryTable,
  topFrames,
} from '../test/fuzz/child.js';
import { KIND_NAMES, REPO_ROOT, makeCase, seedModels } from '../test/fuzz/mutate.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    jobs: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '60' },
    memory: { type: 'string', default: '3072' },
    kinds: { type: 'string' },
    models: { type: 'string' },
    out: { type: 'string' },
    repro: { type: 'string' },
    list: { type: 'boolean', default: false },
    'no-confirm': { type: 'boolean', default: false },
    'confirm-timeouts': { type: 'boolean', default: false },
    'confirm-per-cause': { type: 'string', default: '3' },
    'light-weight': { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});

function num(name: string, v: string | undefined, min = 0): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number >= ${min}, got '${v}'`);
    process.exit(2);
  }
  return n;
}

if (values.help) {
  const text = fs.readFileSync(new URL(import.meta.url), 'utf8');
  console.log(/\/\*\*([\s\S]*?)\*\//.exec(text)![1]!.replace(/^ \* ?/gm, ''));
  process.exit(0);
}

const seedsAll = seedModels({ log: (m) => console.warn(m), lightWeight: num('light-weight', values['light-weight']) });
if (values.list) {
  console.log(`kinds: ${KIND_NAMES.join(', ')}`);
  console.log(`seed models: ${seedsAll.map((s) => `${s.name} (${s.source}, weight ${s.weight})`).join(', ')}`);
  process.exit(0);
}

const limits = { timeoutMs: num('timeout', values.timeout, 1) * 1000, memoryMb: num('memory', values.memory, 256) };
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = path.resolve(values.out ?? path.join(os.tmpdir(), `hybridrt-fuzz-${stamp}`));

/** The command that reruns a case alone, and the one that runs its saved model in the child. */
function reproCommands(e: CaseEntry, file?: string): string[] {
  const cmds = [`npx tsx scripts/fuzz.ts --repro ${e.kind}/${e.seed}/${e.model}`];
  if (file) cmds.push(`node --import tsx test/fuzz/child.ts ${file} '${JSON.stringify(e.options)}'`);
  return cmds;
}

if (values.repro) {
  const m = /^([^/]+)\/(\d+)\/(.+)$/.exec(values.repro);
  const seedModel = m && seedsAll.find((s) => s.name === m[3]);
  if (!m || !seedModel || !KIND_NAMES.includes(m[1]!)) {
    console.error(`--repro takes <kind>/<seed>/<model>; kinds: ${KIND_NAMES.join(', ')}; models: ${seedsAll.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const c = makeCase(seedModel, m[1]!, Number(m[2]));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${c.kind}__${c.seed}__${c.model}.onnx`);
  fs.writeFileSync(file, c.bytes);
  console.log(`case ${c.id}: ${c.notes.join('; ')}`);
  console.log(`model: ${file}`);
  console.log(`options: ${JSON.stringify(c.options)}`);
  const r = await runFresh(file, c.options, limits);
  console.log(`result: ${describeResult(r)} (${(r.ms / 1000).toFixed(1)} s${r.peakRssMb ? `, peak ${r.peakRssMb} MiB resident` : ''})`);
  if (r.stack) console.log(r.stack);
  if (r.stderr && r.outcome !== 'ok' && r.outcome !== 'hybrid-error') console.log(`stderr:\n${r.stderr}`);
  console.log(`again: node --import tsx test/fuzz/child.ts ${file} '${JSON.stringify(c.options)}'`);
  process.exit(r.failure ? 1 : 0);
}

const kinds = values.kinds ? values.kinds.split(',').map((k) => k.trim()) : KIND_NAMES;
for (const k of kinds) {
  if (!KIND_NAMES.includes(k)) {
    console.error(`unknown kind '${k}'; kinds: ${KIND_NAMES.join(', ')}`);
    process.exit(2);
  }
}
const wanted = values.models?.split(',').map((s) => s.trim());
const seeds = wanted ? seedsAll.filter((s) => wanted.includes(s.name)) : seedsAll;
if (!seeds.length) {
  console.error(`no seed model matches --models ${values.models}; models: ${seedsAll.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const cases = num('cases', values.cases, 1);
const jobs = num('jobs', values.jobs, 1);
const seed = num('seed', values.seed);
fs.mkdirSync(outDir, { recursive: true });
const resultsFile = path.join(outDir, 'results.jsonl');
fs.writeFileSync(resultsFile, '');
console.log(
  `fuzz: ${cases} cases from seed ${seed}, ${jobs} jobs, ${limits.timeoutMs / 1000} s and ${limits.memoryMb} MiB per case; output in ${outDir}`,
);

const t0 = performance.now();
const tty = process.stdout.isTTY === true;
const counts = { ok: 0, hybrid: 0, failed: 0 };
let lastPrint = 0;
const entries = await runCampaign({
  seeds,
  cases,
  seed,
  jobs,
  kinds,
  limits,
  workDir: path.join(outDir, 'failures'),
  keepFailures: true,
  confirm: !values['no-confirm'],
  confirmTimeouts: values['confirm-timeouts'],
  confirmPerCause: num('confirm-per-cause', values['confirm-per-cause']),
  onResult: (e, done, total) => {
    if (e.result.failure) counts.failed++;
    else if (e.result.outcome === 'hybrid-error') counts.hybrid++;
    else counts.ok++;
    const { stack, stderr, ...brief } = e.result;
    fs.appendFileSync(
      resultsFile,
      `${JSON.stringify({ id: e.id, kind: e.kind, seed: e.seed, model: e.model, notes: e.notes, options: e.options, ...brief, top: topFrames(stack, 4) })}\n`,
    );
    if (e.result.failure) {
      process.stdout.write(`${tty ? '\n' : ''}${failureLine(e)}\n`);
      if (e.file) {
        fs.writeFileSync(
          e.file.replace(/\.onnx$/, '.json'),
          `${JSON.stringify({ id: e.id, notes: e.notes, options: e.options, result: e.result, repro: reproCommands(e, e.file) }, null, 2)}\n`,
        );
      }
    }
    // On a terminal one line redrawn every 2 s; into a file or pipe a line every 15 s.
    const now = performance.now();
    if (now - lastPrint > (tty ? 2000 : 15_000) || done === total) {
      lastPrint = now;
      const s = (now - t0) / 1000;
      const eta = ((total - done) * s) / done;
      const line =
        `[${String(done).padStart(String(total).length)}/${total}] ${(done / s).toFixed(1)}/s  ok ${counts.ok}  hybrid-error ${counts.hybrid}  FAILED ${counts.failed}  ` +
        `${s.toFixed(0)} s, eta ${eta.toFixed(0)} s`;
      process.stdout.write(tty ? `\r${line}   ` : `${line}\n`);
    }
  },
});
if (tty) process.stdout.write('\n');

const failures = entries.filter((e) => e.result.failure);
const report = [
  `fuzz: ${entries.length} cases, seed ${seed}, ${jobs} jobs, ${((performance.now() - t0) / 1000).toFixed(0)} s; ${failures.length} failure(s)`,
  '',
  summaryTable(entries),
  '',
  `HybridError codes: ${Object.entries(codeCounts(entries))
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')}`,
  '',
  'Failures by cause:',
  failureReport(entries),
].join('\n');
console.log(report);

if (failures.length) {
  const md = [
    `# Fuzz failures (seed ${seed}, ${entries.length} cases)`,
    '',
    '```',
    report,
    '```',
    '',
    '## Every failing case',
    '',
    ...failures.flatMap((e) => [`- ${failureLine(e)}`, ...reproCommands(e, e.file).map((c) => `  - \`${c}\``)]),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'failures.md'), md);
  console.log(`\nfailing cases' models, options and results: ${path.join(outDir, 'failures')} (list: ${path.join(outDir, 'failures.md')})`);
} else {
  fs.rmSync(path.join(outDir, 'failures'), { recursive: true, force: true });
}
console.log(`every case: ${resultsFile}`);
console.log(`(repository: ${REPO_ROOT})`);
process.exit(failures.length ? 1 : 0);
