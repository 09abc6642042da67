/**
 * Writes docs/operators.md, the table of ONNX ops engines support, from the converter
 * registry: op, domain, the opset range each converter form covers, and what its validate
 * rejects; then where each op lives (its converter, inference rule and converter tests). Run `npx tsx scripts/gen-operators.ts` after changing a converter; a unit test
 * fails while the committed file differs from what this script writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../converters/index.js';
import { emittedKinds, kernelFiles, layerKinds, layerSuites, shapeRuleFiles } from './layer-homes.js';
import type { ConverterRegistry } from '../converters/registry.js';

export const OPERATORS_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'operators.md');

const HEADER = `# Supported ONNX operators

Generated from the converter registry (\`converters/all.ts\`) by \`npx tsx scripts/gen-operators.ts\`;
do not edit by hand.

A node runs in an engine when its op has a converter for the model's opset and that
converter's \`validate\` accepts it. Every converter also requires what engines need of all
tensors: a known element type among float32, float16, bfloat16, int32, int64, int8, uint8
and bool, and a static shape (give symbolic sizes with \`--shape\` or \`inputs\`). Parameters
that ONNX passes as inputs (shapes, axes, pads, scales...) must be constants after lowering,
or, where a converter's notes say so, computed from shapes (shape tensors the engine evaluates
at each run's shapes). Control flow has no converter: lowering turns If, Loop and Scan into plain
ops where it can (\`inline-if\`, \`unroll-loops\`: src/lowering/README.md), and says why where not.
Anything else falls back to onnxruntime, with the reason shown in the partition report.

Opsets: the converter form that applies to models whose opset for the domain is in the range.

| Op | Domain | Opsets | Notes |
| --- | --- | --- | --- |
`;

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** `import { a, b } from './x.js'` lines of a module: identifier -> the file it names, repository-relative. */
function importsOf(file: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of read(file).matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(\.[^']+)'/g)) {
    const target = path.join(path.dirname(file), m[2]!).replace(/\.js$/, '.ts');
    for (const name of m[1]!.split(',')) {
      const id = name
        .trim()
        .split(/\s+as\s+/)
        .pop()!;
      if (id) map.set(id, target);
    }
  }
  return map;
}

/** The domain marker of converters/all.ts: ops listed after it are of that domain. */
const DOMAIN_MARKER = /\/\/ Domain ([\w.]+):/;

/** An op's key in the tables: its type, prefixed by its domain outside ai.onnx. */
const opKey = (domain: string, op: string) => (domain ? `${domain}::${op}` : op);

/** Op key -> the converter file, read from converters/all.ts (`...from(list, 'Op')` or `...list, // Op`). */
function converterFiles(): Map<string, string> {
  const file = 'converters/all.ts';
  const imports = importsOf(file);
  const map = new Map<string, string>();
  let domain = '';
  for (const line of read(file).split('\n')) {
    domain = DOMAIN_MARKER.exec(line)?.[1] ?? domain;
    const m = /\.\.\.(?:from\((\w+), '(\w+)'\)|(\w+), \/\/ (\w+))/.exec(line);
    if (m) map.set(opKey(domain, m[2] ?? m[4]!), imports.get(m[1] ?? m[3]!) ?? file);
  }
  return map;
}

/**
 * Op key -> the file of its inference rule, read from src/ir/infer/rules.ts (`Op: rule...`), and
 * for com.microsoft from src/ir/infer/microsoft.ts, whose rules are its own.
 */
function inferenceFiles(): Map<string, string> {
  const file = 'src/ir/infer/rules.ts';
  const text = read(file);
  const imports = importsOf(file);
  // Local names (`const same = unary();`) resolve through what they call.
  const local = new Map([...text.matchAll(/^const (\w+) = (\w+)\(/gm)].map((m) => [m[1]!, m[2]!]));
  const resolve = (id: string) => imports.get(id) ?? imports.get(local.get(id) ?? '') ?? file;
  const map = new Map([...text.matchAll(/^ {2}(\w+): (\w+)/gm)].map((m) => [m[1]!, resolve(m[2]!)]));
  const microsoft = 'src/ir/infer/microsoft.ts';
  for (const m of read(microsoft).matchAll(/^ {2}(\w+): \w+,/gm)) map.set(opKey('com.microsoft', m[1]!), microsoft);
  return map;
}

/**
 * The second table: for each op engines take, where it lives: its converter, its shape
 * inference rule, its converter test file (test/converters/<converter file>.test.ts where one
 * exists) and how many ONNX node conformance cases exercise it (../shared/onnx-conformance).
 */
function whereTable(registry: ConverterRegistry): string {
  const converters = converterFiles();
  const rules = inferenceFiles();
  const ops = [...new Set(registry.list().map((c) => opKey(c.domain, c.opType)))];
  const rows = ops.map((op) => {
    const conv = converters.get(op) ?? '?';
    const test = `test/converters/${path.basename(conv, '.ts')}.test.ts`;
    const tests = fs.existsSync(path.join(ROOT, test)) ? `\`${test}\`` : '';
    const kinds = conv === '?' ? '?' : emittedKinds(conv).join(', ') || 'none (constants, or the input itself)';
    return `| ${op} | \`${conv}\` | \`${rules.get(op) ?? '?'}\` | ${kinds} | ${tests} |`;
  });
  return `
## Where each op lives

Read from \`converters/all.ts\` (the converter each op's list comes from) and
\`src/ir/infer/rules.ts\` (its shape inference rule; \`src/ir/infer/microsoft.ts\` for com.microsoft);
the layer kinds its converter file adds (its own \`add\` calls and Emitter helpers; where those
kinds run: the next table); the converter's own test file where it has one. Every op of the default domain is also run
through engines by its ONNX node conformance cases (\`test/conformance/node-engine.test.ts\`,
which fails if a converter has none); the com.microsoft ops have none, and their test file
holds them to onnxruntime's own kernels.

| Op | Converter | Inference rule | Layer kinds its converter file emits | Converter tests |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
${kindTable()}`;
}

/**
 * The third table: for each engine layer kind, its shape rule and each backend's kernel files,
 * read from the native sources (scripts/layer-homes.ts, which throws where kernels.h names a
 * file that does not define the factory).
 */
function kindTable(): string {
  const [cpu, cuda, rules, suites] = [kernelFiles('cpu'), kernelFiles('cuda'), shapeRuleFiles(), layerSuites()];
  const files = (list: string[] | undefined) => (list?.length ? list.map((f) => `\`${f}\``).join(', ') : 'none');
  const tests = (list: string[] | undefined) => files(list?.map((s) => `test/engine/${s}.test.ts`));
  const rows = [...layerKinds().values()]
    .filter((k) => k !== 'constant')
    .map((k) => `| ${k} | \`${rules.get(k)}\` | ${files(cpu.get(k))} | ${files(cuda.get(k))} | ${tests(suites.get(k))} |`);
  return `
## Where each layer kind lives

Read from \`native/src/ir/network.h\` (the kinds), \`shape_rules.cc\` (which file of the kind's
home, \`native/layers/\`, holds its shape and validation rule) and each backend's
\`CreateKernel\` and \`kernels.h\` (the files that define every kernel it may make for the kind,
its int8 form included). Parameters of every kind: \`native/src/ir/param_schema.cc\`, read by
the kind's typed reader in \`native/layers/\`; what each computes: \`src/engine/network.ts\`.
Suites: the engine suites that build a layer of the kind by hand and run on both backends (on
cpu in CI, and again on cuda where \`test/gpu/engine-layers.test.ts\` imports them); other
suites of \`test/engine\` hold the cpu kernels' own paths and the builder's passes.
Builder forms (pointwise, and the fused forms of other kinds) come from the builder's passes
(\`native/src/builder/\`), not from converters; attention comes from both (the fusion pass,
and the com.microsoft converters).

| Layer kind | Shape rule | cpu kernels | cuda kernels | Suites |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

export function renderOperatorsDoc(registry: ConverterRegistry): string {
  const list = registry.list();
  const rows = list.map((c, i) => {
    const next = list.slice(i + 1).find((o) => o.opType === c.opType && o.domain === c.domain);
    const range = next
      ? next.sinceVersion - 1 === c.sinceVersion
        ? `${c.sinceVersion}`
        : `${c.sinceVersion}–${next.sinceVersion - 1}`
      : `${c.sinceVersion}+`;
    const notes = (c.notes ?? '').replace(/\|/g, '\\|');
    return `| ${c.opType} | ${c.domain || 'ai.onnx'} | ${range} | ${notes} |`;
  });
  return `${HEADER}${rows.join('\n')}\n${whereTable(registry)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(OPERATORS_DOC, renderOperatorsDoc(builtinRegistry()));
  console.log(`wrote ${path.relative(process.cwd(), OPERATORS_DOC)}`);
}
