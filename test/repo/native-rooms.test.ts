/**
 * The native core's rooms include only rooms before them, in data-flow order (issue 12, point
 * 3; docs/engine.md): util, ir, layers, builder, engine, napi. native/layers/ holds one home per
 * layer kind (point 2): its typed params, shape rule and geometry, built on the IR (network,
 * shapes, the LayerCheck of src/ir/shape_rules.h). The IR's passes over every kind (the rule
 * dispatch, the param schema, shape values, run-time shapes) reach back into the kinds' homes,
 * so an ir source file (.cc) may include layers/, never an ir header: nothing a layer header
 * includes can include it back. The core includes nothing of a backend's folder (it asks
 * backends through src/engine/backend.h), and neither backend includes the other's files. Read
 * from the #include lines of every file under native/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROOMS = ['util', 'ir', 'layers', 'builder', 'engine', 'napi'];
const INCLUDE = /^\s*#\s*include\s+"([^"]+)"/gm;

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.(cc|h|cu|cuh|inc)$/.test(e.name) ? [rel] : [];
  });
}

/** Every `#include "..."` of the native tree as [file, included path]. */
function includes(): Array<[string, string]> {
  return files('native').flatMap((f) => [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(INCLUDE)].map((m): [string, string] => [f, m[1]!]));
}

/** 'native/src/<room>/x.cc' -> room, 'native/layers/x.h' -> 'layers' ('' for a backend); included paths likewise. */
function roomOf(p: string): string {
  if (/^(?:native\/)?layers\//.test(p)) return 'layers';
  const m = /^(?:native\/)?src\/([^/]+)\//.exec(p);
  return m ? m[1]! : '';
}

/** The one way back: an ir source file dispatching over the kinds includes their homes. */
const dispatchesKinds = (f: string, inc: string) => roomOf(f) === 'ir' && f.endsWith('.cc') && roomOf(inc) === 'layers';

describe('native rooms', () => {
  const all = includes();

  it('reads includes from every room and both backends', () => {
    for (const room of ROOMS) expect(all.some(([f]) => roomOf(f) === room)).toBe(true);
    expect(all.some(([f]) => f.startsWith('native/cpu/'))).toBe(true);
    expect(all.some(([f]) => f.startsWith('native/cuda/'))).toBe(true);
  });

  it('a room of the core includes only itself and the rooms before it', () => {
    const late = all.filter(([f, inc]) => {
      const from = ROOMS.indexOf(roomOf(f));
      const to = ROOMS.indexOf(roomOf(inc));
      return from >= 0 && to > from && !dispatchesKinds(f, inc);
    });
    expect(late.map(([f, inc]) => `${f} includes ${inc}`)).toEqual([]);
  });

  it('the core includes no backend file, and the backends none of each other', () => {
    const crossing = all.filter(
      ([f, inc]) =>
        (/^native\/(src|layers)\//.test(f) && /^(cpu|cuda)\//.test(inc)) ||
        (f.startsWith('native/cpu/') && inc.startsWith('cuda/')) ||
        (f.startsWith('native/cuda/') && inc.startsWith('cpu/')),
    );
    expect(crossing.map(([f, inc]) => `${f} includes ${inc}`)).toEqual([]);
  });

  it('every included project file exists (no stale path the compiler finds elsewhere)', () => {
    const missing = all.filter(([f, inc]) => {
      if (/^(src|layers|cpu|cuda)\//.test(inc)) return !fs.existsSync(path.join(ROOT, 'native', inc));
      return false;
    });
    expect(missing.map(([f, inc]) => `${f} includes ${inc}`)).toEqual([]);
  });
});
