/**
 * Where each engine layer kind lives, read from the sources for docs/operators.md
 * (scripts/gen-operators.ts): the kind names (native/src/ir/network.cc, in the order of
 * network.h's LayerKind), each backend's kernel factory per kind (the backend's CreateKernel
 * switch) and the file that defines that factory (the backend's kernels.h names it; the file
 * must define it, or this throws, so the table cannot point at the wrong file), and the layer
 * kinds a converter file emits (its `add('kind'` calls, shared emitters called with a kind, and
 * the Emitter helpers it uses), and the engine suites of each kind that run on both backends
 * (layerSuites).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** LayerKind enumerator (kConvolution) -> kind name ('convolution'), in enum order. */
export function layerKinds(): Map<string, string> {
  const enumBody = /enum class LayerKind : uint8_t \{([\s\S]*?)\};/.exec(read('native/src/ir/network.h'))?.[1];
  const namesBody = /kKindNames\[kNumLayerKinds\] = \{([\s\S]*?)\};/.exec(read('native/src/ir/network.cc'))?.[1];
  if (!enumBody || !namesBody) throw new Error('layer-homes: LayerKind or kKindNames not found');
  const enumerators = [...enumBody.matchAll(/^\s*(k\w+)(?: = \d+)?,/gm)].map((m) => m[1]!);
  const names = [...namesBody.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
  if (enumerators.length !== names.length) throw new Error(`layer-homes: ${enumerators.length} LayerKinds but ${names.length} names`);
  return new Map(enumerators.map((e, i) => [e, names[i]!]));
}

export type Backend = 'cpu' | 'cuda';

const BACKEND_FILES: Record<Backend, { dispatch: string; factories: string; dir: string }> = {
  cpu: { dispatch: 'native/cpu/cpu_backend.cc', factories: 'native/cpu/kernels.h', dir: 'native/cpu' },
  cuda: { dispatch: 'native/cuda/cuda_backend.cc', factories: 'native/cuda/kernels.h', dir: 'native/cuda' },
};

/**
 * Kind name -> the files (repository-relative, sorted) that define the backend's kernels for it:
 * every factory its CreateKernel may call for the kind (a case's branches, such as matmul's
 * float and int8 forms, and a `kind == LayerKind::kX) return MakeY(` ahead of the switch).
 */
export function kernelFiles(backend: Backend): Map<string, string[]> {
  const { dispatch, factories, dir } = BACKEND_FILES[backend];
  const kinds = layerKinds();
  const fileOf = new Map(
    [...read(factories).matchAll(/std::unique_ptr<Kernel> (Make\w+)\([^)]*\);\s*\/\/ (\w+\.(?:cc|cu))/g)].map((m) => [m[1]!, `${dir}/${m[2]!}`]),
  );
  const text = read(dispatch);
  const start = text.indexOf('CreateKernel(const KernelSetup');
  if (start < 0) throw new Error(`layer-homes: ${dispatch} defines no CreateKernel`);
  const ends = ['\n  }\n', '\n}\n'].map((e) => text.indexOf(e, start)).filter((i) => i >= 0);
  const body = text.slice(start, Math.min(...ends));
  const out = new Map<string, string[]>();
  const add = (enumerator: string, factory: string) => {
    const kind = kinds.get(enumerator);
    const file = fileOf.get(factory);
    if (!kind || !file) throw new Error(`layer-homes: ${dispatch}: ${enumerator} -> ${factory} is not in ${factories}`);
    if (!new RegExp(`\\b${factory}\\(`).test(read(file)))
      throw new Error(`layer-homes: ${factories} says ${factory} is in ${file}, which does not define it`);
    out.set(kind, [...new Set([...(out.get(kind) ?? []), file])].sort());
  };
  // The cases that share the factories met since the last one (fall-through cases share them too).
  let group: string[] = [];
  let made = false;
  for (const m of body.matchAll(/case LayerKind::(k\w+):|default:|== LayerKind::(k\w+)\)\s*return (Make\w+)\(|(Make\w+)\(/g)) {
    if (m[1]) {
      if (made) group = [];
      group.push(m[1]);
      made = false;
    } else if (m[0] === 'default:') {
      group = [];
    } else if (m[2]) {
      add(m[2], m[3]!);
    } else {
      for (const e of group) add(e, m[4]!);
      made = group.length > 0;
    }
  }
  return out;
}

/** Emitter helpers and the layer kinds they add (converters/define.ts). */
const HELPER_KINDS: Record<string, string[]> = {
  reshape: ['shuffle'],
  reshapeRelative: ['shuffle'],
  transpose: ['shuffle'],
  cast: ['cast'],
  broadcastTo: ['shuffle', 'slice'],
  broadcastToComputed: ['shape', 'concat', 'shuffle', 'slice'],
};

/** The layer kinds a converter file emits (constants left out), sorted. */
export function emittedKinds(converterFile: string): string[] {
  const text = read(converterFile);
  // e.add('kind', ...), and shared emitters called as emitX(e, 'kind', ...).
  const kinds = new Set([...text.matchAll(/(?:\.(?:add|addMany)(?:<[^>]*>)?\(\s*|\(e, )'(\w+)'/g)].map((m) => m[1]!));
  for (const [helper, ks] of Object.entries(HELPER_KINDS)) {
    if (new RegExp(`\\be\\.${helper}\\(`).test(text)) ks.forEach((k) => kinds.add(k));
  }
  return [...kinds].sort();
}

/**
 * Kind name -> the file of its shape rule: shape_rules.cc's Dispatch sends each kind to a
 * CheckXLayer defined in the kind's home, native/layers/<kind>.cc (the one file there that
 * defines it); a constant's rule is the dispatch's own.
 */
export function shapeRuleFiles(): Map<string, string> {
  const body = /void Dispatch\(const LayerCheck& c\) \{([\s\S]*?)\n\}/.exec(read('native/src/ir/shape_rules.cc'))?.[1];
  if (!body) throw new Error('layer-homes: shape_rules.cc has no Dispatch');
  const ruleFiles = fs
    .readdirSync(path.join(ROOT, 'native/layers'))
    .filter((f) => f.endsWith('.cc'))
    .map((f) => `native/layers/${f}`);
  const fileOf = (fn: string): string => {
    const files = ruleFiles.filter((f) => new RegExp(`\\bvoid ${fn}\\(const LayerCheck& c\\) \\{`).test(read(f)));
    if (files.length !== 1) throw new Error(`layer-homes: ${files.length} files of native/layers define ${fn}`);
    return files[0]!;
  };
  const out = new Map<string, string>();
  let pending: string[] = [];
  for (const m of body.matchAll(/case LayerKind::(k\w+):|(Check\w+Layer)\(c\)/g)) {
    if (m[1]) pending.push(m[1]);
    else {
      const file = fileOf(m[2]!);
      for (const e of pending) out.set(e, file);
      pending = [];
    }
  }
  const byName = new Map<string, string>();
  for (const [e, name] of layerKinds()) {
    if (name === 'constant') continue;
    const file = out.get(e);
    if (!file) throw new Error(`layer-homes: shape_rules.cc's Dispatch does not send ${e} to a rule`);
    byName.set(name, file);
  }
  return byName;
}

/** The kinds a test file builds: `kind: '<kind>'` or `.layer('<kind>', ...)`; constant by any weights. */
export function kindsBuilt(text: string): Set<string> {
  const kinds = new Set([...text.matchAll(/(?:\bkind:\s*|\.layer\(\s*)'(\w+)'/g)].map((m) => m[1]!));
  if (/\.constant\(|\bconstants:\s*\[/.test(text)) kinds.add('constant');
  return kinds;
}

/** The test/engine suites a test/gpu file runs again on cuda ('conv' for `import('../engine/conv.test.js')`). */
export function rerunSuites(text: string): string[] {
  return [...text.matchAll(/import\(\s*'\.\.\/engine\/([\w-]+)\.test\.js'\s*\)/g)].map((m) => m[1]!);
}

/**
 * Kind name -> the suites of test/engine that build a layer of the kind and that a file of
 * test/gpu imports to run again on cuda (test/gpu/engine-layers.test.ts): the kind's suites
 * parameterised by backend (issue 12, point 5), sorted; [] for a kind with none.
 */
export function layerSuites(): Map<string, string[]> {
  const dir = (d: string) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.ts'));
  const rerun = new Set(dir('test/gpu').flatMap((f) => rerunSuites(read(`test/gpu/${f}`))));
  const out = new Map([...layerKinds().values()].map((k): [string, string[]] => [k, []]));
  for (const f of dir('test/engine').filter((f) => f.endsWith('.test.ts'))) {
    const suite = f.replace(/\.test\.ts$/, '');
    if (!rerun.has(suite)) continue;
    for (const kind of kindsBuilt(read(`test/engine/${f}`))) out.get(kind)?.push(suite);
  }
  for (const list of out.values()) list.sort();
  return out;
}
