/**
 * Optimization profiles (TensorRT's): the shapes a compiled model takes. A profile gives every
 * input a range `{ min, opt, max }` (a static shape is the range min = opt = max); engines are
 * tuned at opt and valid for every shape in between. Several profiles may be given, because one
 * wide range tunes badly away from its opt; a run uses the first profile whose ranges hold all
 * of its feeds' shapes.
 *
 *   profilesOption()  the `inputs` and `profiles` options, parsed and checked (OPTION errors);
 *   planProfiles()    completed against the model: inputs not given keep their declared shape,
 *                     shared symbols (`batch` in two inputs) bind through src/ir/symbols.ts at
 *                     min, opt and max alike, a symbolic dim nobody sizes is 1 (with a notice,
 *                     as trtexec does), and a range the model forbids is an OPTION error;
 *                     also the symbolic shapes lowering works with (a dim that varies is a
 *                     symbol, so nothing is folded for one shape);
 *   chooseProfile()   the profile of a run, or a SHAPE error naming every profile's range.
 */
import { HybridError } from '../errors.js';
import { checkTensorSize } from '../limits.js';
import type { Graph } from '../ir/graph.js';
import { bindSymbols, isSharedSymbol, substitute } from '../ir/symbols.js';
import type { Dim } from '../ir/types.js';

/** The shapes an input takes: every dim between min and max; engines are tuned at opt. */
export interface ShapeRange {
  min: number[];
  opt: number[];
  max: number[];
}

/** An input's shape as the options give it: one static shape, or a range. */
export type InputShape = number[] | ShapeRange;

/** One profile: each input's range. */
export type Profile = Record<string, ShapeRange>;

export const RANGE_ENDS = ['min', 'opt', 'max'] as const;
export type RangeEnd = (typeof RANGE_ENDS)[number];

const bad = (message: string) => new HybridError('OPTION', message);
const show = (s: readonly Dim[]) => `[${s.join(',')}]`;

/** A range written compactly: `[1..32,3,224,224]`. */
export function formatRange(r: ShapeRange): string {
  return `[${r.min.map((lo, d) => (lo === r.max[d] ? `${lo}` : `${lo}..${r.max[d]}`)).join(',')}]`;
}

function shapeOf(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw bad(`${what}: shape must be an array of non-negative integers, e.g. [1, 3, 224, 224]`);
  }
  checkTensorSize(what, v as number[], undefined, 'OPTION');
  return [...(v as number[])];
}

/** One input's entry: a shape, or `{ min, opt, max }` (every end given, one rank, min <= opt <= max). */
function rangeOf(v: unknown, what: string): ShapeRange {
  if (Array.isArray(v)) {
    const s = shapeOf(v, what);
    return { min: s, opt: [...s], max: [...s] };
  }
  if (!v || typeof v !== 'object') throw bad(`${what} must be a shape ([1, 3, 224, 224]) or a range ({ min, opt, max })`);
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => !(RANGE_ENDS as readonly string[]).includes(k));
  if (extra.length) throw bad(`${what}: unknown key '${extra[0]}' (a range is { min, opt, max })`);
  const missing = RANGE_ENDS.filter((k) => o[k] === undefined);
  if (missing.length) throw bad(`${what}: a range needs min, opt and max; ${missing.join(' and ')} missing`);
  const r = { min: shapeOf(o.min, `${what} min`), opt: shapeOf(o.opt, `${what} opt`), max: shapeOf(o.max, `${what} max`) };
  checkRange(r, what);
  return r;
}

function checkRange(r: ShapeRange, what: string): void {
  if (r.opt.length !== r.min.length || r.max.length !== r.min.length) {
    throw bad(`${what}: min ${show(r.min)}, opt ${show(r.opt)} and max ${show(r.max)} must have one rank`);
  }
  r.min.forEach((lo, d) => {
    if (!(lo <= r.opt[d]! && r.opt[d]! <= r.max[d]!)) {
      throw bad(`${what}: dim ${d} must satisfy min <= opt <= max; got ${lo}, ${r.opt[d]}, ${r.max[d]}`);
    }
  });
}

function entriesOf(v: unknown, what: string): Array<[string, unknown]> {
  if (Array.isArray(v)) {
    return v.map((s, i) => {
      if (!s || typeof s !== 'object' || typeof (s as { name?: unknown }).name !== 'string') {
        throw bad(`${what}[${i}] must be { name, shape } or { name, min, opt, max }`);
      }
      const { name, shape, ...range } = s as { name: string; shape?: unknown };
      return [name, shape ?? range];
    });
  }
  if (v && typeof v === 'object') return Object.entries(v);
  throw bad(`${what} must be [{ name, shape }] or { name: shape }`);
}

function recordOf(v: unknown, what: string): Record<string, ShapeRange> {
  const out: Record<string, ShapeRange> = {};
  for (const [name, shape] of entriesOf(v, what)) {
    if (Object.hasOwn(out, name)) throw bad(`${what}: '${name}' is given twice`);
    out[name] = rangeOf(shape, `${what}: '${name}'`);
  }
  return out;
}

/**
 * The `inputs` and `profiles` options as given ranges, one record per profile (at least one).
 * `inputs` alone is one profile; with `profiles`, `inputs` may hold static shapes only, which
 * every profile shares.
 */
export function profilesOption(inputs: unknown, profiles: unknown): Array<Record<string, ShapeRange>> {
  const base = inputs === undefined ? {} : recordOf(inputs, 'inputs');
  if (profiles === undefined) return [base];
  if (!Array.isArray(profiles) || profiles.length === 0) throw bad('profiles must be a non-empty array of { input: { min, opt, max } }');
  const ranged = Object.entries(base).find(([, r]) => r.min.some((d, i) => d !== r.max[i]));
  if (ranged) throw bad(`inputs: '${ranged[0]}' has a range while profiles are given; give ranges in the profiles only`);
  const parsed = profiles.map((p, i) => {
    const own = recordOf(p, `profiles[${i}]`);
    const shared = Object.keys(own).find((n) => Object.hasOwn(base, n));
    if (shared) throw bad(`profiles[${i}]: '${shared}' is also given in inputs; give it in one place`);
    return own;
  });
  // Every profile ranges the same inputs (TensorRT's rule): one left out would silently take
  // its declared shape there.
  const names = new Set(parsed.flatMap((p) => Object.keys(p)));
  parsed.forEach((p, i) => {
    const missing = [...names].find((n) => !Object.hasOwn(p, n));
    if (missing) throw bad(`profiles[${i}] gives no range for '${missing}', which another profile ranges; every profile gives the same inputs`);
  });
  return parsed.map((own) => ({ ...base, ...own }));
}

export interface ProfilePlan {
  /** Every graph input's range, per profile. */
  profiles: Profile[];
  /** Whether any input takes more than one shape. */
  dynamic: boolean;
  /** Per input, the shape lowering and inference work with: numbers where every profile fixes the dim, symbols where it varies. */
  symbolic: Record<string, Dim[]>;
}

/** The symbol a varying dim gets: the model's own name for it where it has one, else one made from the input's. */
function symbolFor(graph: Graph, input: string, index: number, d: number): string {
  const declared = graph.types.get(input)?.shape?.[d];
  if (declared !== undefined && isSharedSymbol(declared)) return declared;
  return /^[A-Za-z_][\w.-]*$/.test(input) ? `${input}_d${d}` : `input${index}_d${d}`;
}

/**
 * The given ranges completed against the model (see the file comment). `note` hears of each
 * symbolic dim set to 1 and of shapes completed through shared symbols.
 */
export function planProfiles(
  graph: Graph,
  given: Array<Record<string, ShapeRange>>,
  label: string,
  note: (message: string, level: 'info' | 'warn') => void = () => {},
): ProfilePlan {
  for (const g of given) {
    for (const name of Object.keys(g)) {
      if (!graph.inputs.includes(name)) {
        throw new HybridError('INPUT', `${label}: inputs: the model has no input '${name}' (its inputs: ${graph.inputs.join(', ') || 'none'})`);
      }
    }
  }
  const defaulted = new Set<string>();
  const profiles = given.map((g, p) => {
    const what = given.length > 1 ? `profiles[${p}]` : 'inputs';
    const ends = Object.fromEntries(RANGE_ENDS.map((end) => [end, completeEnd(graph, g, end, label, what, note, defaulted)])) as Record<
      RangeEnd,
      Record<string, number[]>
    >;
    const profile: Profile = {};
    for (const name of graph.inputs) {
      const r = { min: ends.min[name]!, opt: ends.opt[name]!, max: ends.max[name]! };
      checkRange(r, `${label}: ${what}: '${name}'`);
      // An empty tensor is no shape a range can include: reshapes that keep a dynamic dim (0 and
      // -1 targets) cannot tell how many elements the others hold when there are none.
      const empty = r.min.findIndex((d, i) => d === 0 && r.max[i]! > 0);
      if (empty >= 0) {
        throw bad(`${label}: ${what}: '${name}': dim ${empty} ranges from 0; a range starts at 1 (compile a separate static shape for empty inputs)`);
      }
      checkTensorSize(`${label}: input '${name}' at its max shape`, r.max, graph.types.get(name)?.dtype, g[name] ? 'OPTION' : 'SHAPE');
      profile[name] = r;
    }
    return profile;
  });
  const symbolic: Record<string, Dim[]> = {};
  let dynamic = false;
  graph.inputs.forEach((name, index) => {
    const first = profiles[0]![name]!.opt;
    symbolic[name] = first.map((v, d) => {
      const varies = profiles.some((p) => RANGE_ENDS.some((end) => p[name]![end][d] !== v));
      if (!varies) return v;
      dynamic = true;
      return symbolFor(graph, name, index, d);
    });
  });
  return { profiles, dynamic, symbolic };
}

/**
 * One end of a profile for every input: given, else declared with the symbols given inputs
 * bind, and 1 for a symbol nobody binds (said once per symbol). A shape of another rank than
 * declared, or a dim the model fixes given another size, is an OPTION error.
 */
function completeEnd(
  graph: Graph,
  g: Record<string, ShapeRange>,
  end: RangeEnd,
  label: string,
  what: string,
  note: (message: string, level: 'info' | 'warn') => void,
  defaulted: Set<string>,
): Record<string, number[]> {
  const shapes = Object.fromEntries(Object.entries(g).map(([n, r]) => [n, r[end]]));
  for (const [name, dims] of Object.entries(shapes)) {
    const declared = graph.types.get(name)?.shape;
    if (!declared) continue;
    const r = g[name]!;
    const ranged = r.min.some((d, i) => d !== r.max[i]);
    const where = `${label}: ${what}: '${name}'${ranged ? ` (${end})` : ''}`;
    if (declared.length !== dims.length) throw bad(`${where}: ${show(dims)} has rank ${dims.length}; the model declares ${show(declared)}`);
    declared.forEach((d, i) => {
      if (typeof d === 'number' && d !== dims[i]) throw bad(`${where}: dim ${i} is ${dims[i]}, but the model fixes it to ${d} (${show(declared)})`);
    });
  }
  let bindings;
  try {
    bindings = bindSymbols(
      Object.entries(shapes).map(([input, dims]) => ({ input, declared: graph.types.get(input)?.shape, dims, what: `${what}: '${input}'` })),
    );
  } catch (e) {
    throw bad(`${label}: ${(e as Error).message}`);
  }
  const out: Record<string, number[]> = { ...shapes };
  for (const name of graph.inputs) {
    if (out[name]) continue;
    const declared = graph.types.get(name)?.shape;
    if (!declared) throw new HybridError('SHAPE', `${label}: input '${name}' has no declared shape; give one with inputs: { '${name}': [...] }`);
    const bound = substitute(declared, bindings);
    out[name] = bound.map((d) => (typeof d === 'number' ? d : 1));
    const unsized = bound.filter((d): d is string => typeof d === 'string');
    if (defaulted.has(name) || end !== 'opt') continue;
    if (unsized.length) {
      defaulted.add(name);
      const dims = unsized.map((d) => `'${d}'`).join(' and ');
      note(
        `input '${name}' ${show(declared)}: ${dims} ${unsized.length > 1 ? 'have' : 'has'} no size or range, so ${show(out[name]!)} is compiled; ` +
          `give shapes with inputs: { '${name}': [...] } or a range { min, opt, max } (hybrid-run: --shapes ${name}:${out[name]!.join('x')}, or --min-shapes/--opt-shapes/--max-shapes)`,
        'warn',
      );
    } else if (declared.some((d) => typeof d === 'string')) {
      defaulted.add(name);
      note(`input '${name}' ${show(declared)}: compiled as ${show(out[name]!)}, its shared dimensions fixed by the other inputs' shapes`, 'info');
    }
  }
  return out;
}

/**
 * The first profile whose ranges hold every input's shape; otherwise a SHAPE error naming the
 * input, the dim, the value and each profile's range for it.
 */
export function chooseProfile(profiles: readonly Profile[], dims: ReadonlyMap<string, readonly number[]>): number {
  const misses: Miss[] = [];
  for (let p = 0; p < profiles.length; p++) {
    const miss = missOf(profiles[p]!, dims);
    if (!miss) return p;
    misses.push(miss);
  }
  const first = misses[0]!;
  if (profiles.length === 1) throw new HybridError('SHAPE', `${first.miss}; the model was compiled for ${first.range}`);
  const each = profiles.map((p, i) => `profile ${i}: ${misses[i]!.input} ${formatRange(p[misses[i]!.input]!)}`).join('; ');
  throw new HybridError('SHAPE', `${first.miss}, outside every profile (${each}); compile with a profile that holds it`);
}

interface Miss {
  input: string;
  miss: string;
  range: string;
}

function missOf(profile: Profile, dims: ReadonlyMap<string, readonly number[]>): Miss | undefined {
  for (const [name, r] of Object.entries(profile)) {
    const s = dims.get(name);
    if (!s) continue;
    const range = `${name} ${formatRange(r)}`;
    if (s.length !== r.min.length) return { input: name, miss: `input '${name}' has shape ${show(s)} of rank ${s.length}`, range };
    for (let d = 0; d < s.length; d++) {
      if (s[d]! < r.min[d]! || s[d]! > r.max[d]!) {
        return { input: name, miss: `input '${name}' has shape ${show(s)}: dim ${d} is ${s[d]}`, range };
      }
    }
  }
  return undefined;
}
