/**
 * The engine cache behind compile()'s `cacheDir`: a compiled model is saved as
 * `<cacheDir>/<key>.hybrid` and a later compile of the same thing loads it instead of
 * building. The key covers everything that changes the result: the model's bytes (weights
 * included: two models with the same graph and other weights never share an entry), the
 * options that decide the partition and the engines (input shapes, precisions, partition
 * options, probe feeds), the converters (their identities, and a fingerprint of a custom
 * converter's code), the backend and device, the versions of hybridrt, the plan format and
 * the file format, a fingerprint of the code itself (the addon and this package's sources:
 * codeFingerprint) and the addon's environment switches (HYBRIDRT_FUSION and the others,
 * docs/cuda.md), which change what a build makes.
 *
 * Writes are atomic (a temporary file renamed into place), so two processes compiling the same
 * model at once both succeed and leave one valid entry; a corrupt or truncated entry is
 * rebuilt with a warning. Entries are used in least-recently-used order (a hit touches its
 * file); beyond `cacheMaxBytes` the oldest go.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CONVERTERS } from '../../converters/all.js';
import type { ConverterRegistry } from '../../converters/registry.js';
import type { Converter } from '../../converters/types.js';
import { loadNative, loadedAddonBytes, nativeBuildHint } from '../engine/native.js';
import { HybridError } from '../errors.js';
import { bytesOf } from '../onnx/dtype.js';
import { allTensors, encodeModel } from '../onnx/model.js';
import type { ModelProto, TensorProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { VERSION } from '../version.js';
import { CONTAINER_VERSION } from './container.js';
import { MANIFEST_VERSION } from './manifest.js';

/** Default cacheMaxBytes: 10 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 2 ** 30;

export interface CacheKeyParts {
  /** The source model: its bytes, or the decoded model (its content is hashed, modelDigest). */
  source: Uint8Array | ModelProto;
  /** The options that decide the result (compile's decidingOptions and the input shapes). */
  options: Record<string, unknown>;
  /** Probe feeds, where given (they decide which shapes are data-dependent). */
  probeFeeds?: ReadonlyMap<string, TensorData>;
  registry: ConverterRegistry;
  backend: 'cpu' | 'cuda';
  /** The device the engines are built for (deviceQuery's description). */
  device: string;
}

/** A converter's identity: built-in ones by name and version, others with a fingerprint of their code. */
function converterIdentity(c: Converter, builtin: ReadonlySet<Converter>): string {
  const id = `${c.domain}::${c.opType}@${c.sinceVersion}`;
  if (builtin.has(c)) return id;
  const code = createHash('sha256').update(String(c.validate)).update('\0').update(String(c.convert)).digest('hex').slice(0, 16);
  return `${id}#${code}`;
}

/**
 * A digest of a decoded model's content: every tensor's bytes hashed where they are (no copy),
 * then the model encoded without them. Two models differing in one weight differ here; the
 * same model from a path, its bytes or its proto agrees. Far cheaper than encoding the model
 * whole (a 100 MB resnet50 encoded twice took longer than compiling it).
 */
export function modelDigest(proto: ModelProto): Uint8Array {
  const h = createHash('sha256');
  const stripped: Array<[TensorProto, Uint8Array]> = [];
  for (const t of allTensors(proto)) {
    const raw = t.rawData;
    if (!raw || raw.length < 64) continue;
    h.update(`${t.name ?? ''}:${raw.length}\0`).update(raw);
    stripped.push([t, raw]);
    t.rawData = new Uint8Array(0);
  }
  try {
    h.update(encodeModel(proto));
  } finally {
    for (const [t, raw] of stripped) t.rawData = raw;
  }
  return h.digest();
}

/** A canonical JSON (sorted keys) of plain data. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** The cache key (hex SHA-256) of a compile. */
export function cacheKey(k: CacheKeyParts): string {
  const h = createHash('sha256');
  const field = (name: string, value: string | Uint8Array) => {
    h.update(name).update('\0');
    h.update(value);
    h.update('\0');
  };
  field('source', k.source instanceof Uint8Array ? k.source : modelDigest(k.source));
  field('options', canonical(k.options));
  for (const [name, t] of [...(k.probeFeeds ?? new Map())].sort(([a], [b]) => (a < b ? -1 : 1))) {
    field(`probe:${name}:${t.dtype}:${t.dims.join('x')}`, bytesOf(t.data as never));
  }
  const builtin = new Set<Converter>(ALL_CONVERTERS);
  field(
    'converters',
    k.registry
      .list()
      .map((c) => converterIdentity(c, builtin))
      .sort()
      .join('\n'),
  );
  field('backend', k.backend);
  field('device', k.device);
  field('versions', `hybridrt ${VERSION}; plan ${loadNative().planFormatVersion}; container ${CONTAINER_VERSION}; manifest ${MANIFEST_VERSION}`);
  field('code', codeFingerprint());
  field('switches', envSwitches());
  return h.digest('hex');
}

/** The addon's build-affecting environment switches, as one line (an addon older than this code has no such call). */
function envSwitches(): string {
  const native = loadNative();
  if (typeof native.envSwitches !== 'function') {
    throw new HybridError('NATIVE', `the native addon is older than this hybridrt (it cannot list its switches): rebuild it: ${nativeBuildHint()}`);
  }
  return native.envSwitches();
}

let fingerprint: string | undefined;

/**
 * A digest of the code that builds engines: the addon binary this process loaded and this
 * package's TypeScript or JavaScript (the converters, lowering and partitioner), so that a
 * changed build of the same version (a development tree, a patched install) never serves an
 * entry the old code built. Computed once per process (about 3 MB read and hashed).
 */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  h.update(loadedAddonBytes());
  // This file is <root>/src/artifact/cache.{ts,js}, where <root> is the package (sources run by
  // tsx) or its dist/ (compiled); its src/ and converters/ are what runs.
  const here = fileURLToPath(import.meta.url);
  const root = path.resolve(path.dirname(here), '..', '..');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const sub of ['src', 'converters']) if (fs.existsSync(path.join(root, sub))) walk(path.join(root, sub));
  // Where the layout is another (a bundle), the sources were not found: better no cache than a wrong one.
  if (!files.includes(here)) throw new Error(`internal: the engine cache found no sources beside ${here}`);
  for (const f of files.sort()) h.update(path.relative(root, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  fingerprint = h.digest('hex');
  return fingerprint;
}

export interface CacheOptions {
  dir: string;
  maxBytes: number;
}

/** The entry file of a key. */
export function cacheEntry(cache: CacheOptions, key: string): string {
  return path.join(cache.dir, `${key}.hybrid`);
}

/** Checks and creates the cache folder. */
export function openCacheDir(dir: unknown): string {
  if (typeof dir !== 'string' || dir === '') throw new HybridError('OPTION', 'cacheDir must be a folder path');
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new HybridError('OPTION', `cacheDir '${dir}' cannot be created (${(e as Error).message})`, { cause: e });
  }
  if (!fs.statSync(dir).isDirectory()) throw new HybridError('OPTION', `cacheDir '${dir}' is not a folder`);
  return dir;
}

/** Marks an entry as just used (least-recently-used order is by modification time). */
export function touchEntry(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // Another process evicted it meanwhile: nothing to mark.
  }
}

/** Removes the least recently used entries until the folder's entries take at most `maxBytes`. */
export function evict(cache: CacheOptions, keep?: string): string[] {
  let entries: Array<{ file: string; bytes: number; used: number }> = [];
  for (const name of fs.readdirSync(cache.dir)) {
    if (!/^[0-9a-f]{64}\.hybrid$/.test(name)) continue;
    const file = path.join(cache.dir, name);
    try {
      const st = fs.statSync(file);
      entries.push({ file, bytes: st.size, used: st.mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  entries = entries.sort((a, b) => a.used - b.used);
  let total = entries.reduce((a, e) => a + e.bytes, 0);
  const removed: string[] = [];
  for (const e of entries) {
    if (total <= cache.maxBytes) break;
    if (e.file === keep) continue;
    fs.rmSync(e.file, { force: true });
    total -= e.bytes;
    removed.push(e.file);
  }
  return removed;
}
