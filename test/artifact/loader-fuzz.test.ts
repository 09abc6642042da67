/**
 * The loader fuzzed: at least 10,000 mutated .hybrid files, each loaded in this process, must
 * end in a clean HybridError or a model that runs (a mutation can be harmless). Kinds: byte
 * flips and truncations of the raw file (the checksums catch these), and mutations sealed
 * again with fresh checksums so that they reach the parsers: flips inside a section (a plan, a
 * sub-model, the weights), sections swapped or dropped, forged offsets and lengths in the
 * table, and manifest fields replaced by absurd values (sizes, offsets and section numbers
 * pointing outside the file, wrong types, segments that do not connect). A loaded model's
 * report is rendered in every form too. A crash or a non-HybridError fails the test with the
 * case's seed and kind.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { type Section, readContainer, writeContainer } from '../../src/artifact/container.js';
import { load } from '../../src/artifact/load.js';
import { compile } from '../../src/compiler/compile.js';
import { HybridError } from '../../src/errors.js';
import { mulberry32, randomInt } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, sine } from '../runtime/helpers.js';

const CASES = Number(process.env.ARTIFACT_FUZZ_CASES ?? 10_000);

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[randomInt(r, 0, xs.length)]!;

/** Absurd values for a manifest field. */
function absurd(r: Rand, bytes: number): unknown {
  return pick(r, [-1, 0, 1, 2 ** 31, 2 ** 53, 1e300, bytes, bytes + 1, 3.5, 'x', null, [], {}, true, [1, 2, 3], '0']);
}

/** Every path to a leaf of a JSON value (objects and arrays), for the manifest mutations. */
function leaves(v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, [...at, k], out);
  out.push(at);
  return out;
}

function setAt(root: Record<string, unknown>, at: Array<string | number>, value: unknown, remove: boolean): void {
  if (at.length === 0) return;
  let o = root as Record<string | number, unknown>;
  for (const k of at.slice(0, -1)) {
    // An earlier mutation of this case may have replaced a container on the way.
    if (!o || typeof o !== 'object') return;
    o = o[k] as Record<string | number, unknown>;
  }
  if (!o || typeof o !== 'object') return;
  const last = at[at.length - 1]!;
  if (remove) {
    if (Array.isArray(o)) o.splice(Number(last), 1);
    else delete o[last];
  } else o[last] = value;
}

const KINDS = ['flip', 'truncate', 'section-flip', 'swap', 'drop', 'table', 'manifest-field', 'manifest-remove', 'manifest-junk'] as const;
type Kind = (typeof KINDS)[number];

/** One mutated file of `good`, reproducible from (kind, seed). */
function mutate(good: Uint8Array, manifestPaths: Array<Array<string | number>>, kind: Kind, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const bytes = good.slice();
  const reseal = (edit: (s: Section[]) => Section[]) =>
    writeContainer(edit(readContainer(good, 'good').map((s) => ({ kind: s.kind, bytes: s.bytes.slice() }))));
  switch (kind) {
    case 'flip': {
      for (let k = randomInt(r, 1, 4); k > 0; k--) bytes[randomInt(r, 0, bytes.length)]! ^= 1 << randomInt(r, 0, 8);
      return bytes;
    }
    case 'truncate':
      return bytes.subarray(0, randomInt(r, 0, bytes.length));
    case 'section-flip':
      return reseal((s) => {
        const i = randomInt(r, 1, s.length);
        if (s[i]!.bytes.length)
          for (let k = randomInt(r, 1, 8); k > 0; k--) s[i]!.bytes[randomInt(r, 0, s[i]!.bytes.length)]! ^= 1 << randomInt(r, 0, 8);
        return s;
      });
    case 'swap':
      return reseal((s) => {
        const i = randomInt(r, 1, s.length);
        const j = randomInt(r, 1, s.length);
        [s[i], s[j]] = [s[j]!, s[i]!];
        return s;
      });
    case 'drop':
      return reseal((s) => s.filter((_, i) => i === 0 || r() < 0.6));
    case 'table': {
      // Forge an offset or a length in the table, then seal the table's checksum again.
      const sealed = writeContainer(readContainer(good, 'good'));
      const view = new DataView(sealed.buffer);
      const count = view.getUint32(12, true);
      const at = 48 + randomInt(r, 0, count) * 56 + pick(r, [8, 16]);
      view.setBigUint64(at, BigInt(pick(r, [0, 1, 64, sealed.length, sealed.length + 64, 2 ** 40, Number.MAX_SAFE_INTEGER])), true);
      const table = sealed.subarray(48, 48 + count * 56);
      return sealedTable(sealed, table);
    }
    case 'manifest-field':
    case 'manifest-remove':
    case 'manifest-junk':
      return reseal((s) => {
        if (kind === 'manifest-junk') {
          s[0] = {
            kind: 'manifest',
            bytes: pick(r, [new Uint8Array([0xff, 0xfe]), new TextEncoder().encode('{"format":'), new TextEncoder().encode('[]'), new Uint8Array(0)]),
          };
          return s;
        }
        const m = JSON.parse(new TextDecoder().decode(s[0]!.bytes)) as Record<string, unknown>;
        for (let k = randomInt(r, 1, 4); k > 0; k--) setAt(m, pick(r, manifestPaths), absurd(r, good.length), kind === 'manifest-remove');
        s[0] = { kind: 'manifest', bytes: new TextEncoder().encode(JSON.stringify(m)) };
        return s;
      });
  }
}

/** The container with its table checksum recomputed over a forged table. */
function sealedTable(bytes: Uint8Array, table: Uint8Array): Uint8Array {
  bytes.set(createHash('sha256').update(table).digest(), 16);
  return bytes;
}

describeIf(HAS_NATIVE, 'the .hybrid loader on mutated files', NATIVE_MISSING, () => {
  it(`${CASES} mutated files: each a clean HybridError or a model that runs`, async () => {
    // A model of engine and fallback segments, and a constant output: every section kind.
    const probe = await compile(resnet, { backend: 'cpu', inputs: { input: [1, 3, 64, 64] } });
    const names = probe.report.data.nodes.map((n) => n.name).filter((_, i) => i % 6 === 2);
    await probe.dispose();
    const model = await compile(resnet, { backend: 'cpu', threads: 1, inputs: { input: [1, 3, 64, 64] }, fallbackNodes: names, minBlockSize: 1 });
    const good = await model.toBytes({ embedSource: true });
    await model.dispose();
    const manifestPaths = leaves(JSON.parse(new TextDecoder().decode(readContainer(good, 'good')[0]!.bytes)));
    const failures: string[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const seed = 1 + i;
      const bytes = mutate(good, manifestPaths, kind, seed);
      try {
        const m = await load(bytes, { threads: 1, maxContexts: 1 });
        try {
          // What a reader of a loaded model touches besides run(): its report in every form.
          for (const format of ['text', 'json', 'dot', 'html'] as const) m.report.render(format);
          await m.run({ input: sine([1, 3, 64, 64]) }).catch((e) => {
            if (!(e instanceof HybridError)) throw e;
          });
        } finally {
          await m.dispose();
        }
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (e) {
        if (e instanceof HybridError) outcomes[e.code] = (outcomes[e.code] ?? 0) + 1;
        else failures.push(`kind=${kind} seed=${seed}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }
    console.log(`loader fuzz: ${CASES} cases`, outcomes);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(outcomes.PLAN ?? 0).toBeGreaterThan(CASES / 2);
  }, 600_000);
});
