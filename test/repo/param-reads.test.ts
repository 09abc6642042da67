/**
 * A layer's params are read and written by key only in the network IR: each kind's home in
 * native/layers (issue 12, points 1 and 2) and native/src/ir (the schema, the fused-names
 * bookkeeping). Each kind's typed reader (ReadConvolution, ReadShuffleParams, ReadActivation,
 * FusedNames...) holds the param names and their checks, with the writers of the builder forms
 * beside it (SetNhwc, WriteAttentionParams, SetCastTo...), and the backends' kernels (native/cpu,
 * native/cuda) and the builder's passes (native/src/builder) call them. A key spelled elsewhere
 * is a second authority on a param's name, presence or default, which drifts (a `Has("layout")`
 * that also took an explicit 'nchw' for channels-last). Read from the sources: a Params read (Has,
 * String, Bool, Int, Ints, Float, FloatOr, Floats) given a string literal or called on `params`,
 * a lookup in `values()`, and a Set or Erase given a string literal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['native/cpu', 'native/cuda', 'native/src/builder'];
const METHODS = '(?:Has|String|Bool|Int|Ints|Float|FloatOr|Floats)';
const READ = new RegExp(`\\.${METHODS}\\("|params(?:\\(\\))?\\.${METHODS}\\(|values\\(\\)\\.(?:at|find)\\(|\\.(?:Set|Erase)\\("`);

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.(cc|h|cu|cuh)$/.test(e.name) ? [rel] : [];
  });
}

/** `file:line: text` for every line of `text` that reads or writes a param by key. */
export function keyedAccess(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (READ.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('param reads', () => {
  it('finds the keyed reads and writes it is meant to find, and not the typed ones', () => {
    const text = [
      'if (l.params.Has("layout")) return false;', // 1: by a literal
      'const bool r = layer_->params.Bool(key);', // 2: on params, any key
      'auto it = from.params.values().find(prefix + key);', // 3: a lookup
      'p.Has("residual") && p.Bool("residual")', // 4: a Params named otherwise, by a literal
      'fused.params.Set("residual", ParamValue::Bool(true));', // 5: a write
      'a.params.Erase("activation.min");', // 6: another
      'const ConvolutionParams p = ReadConvolution(l.params);', // the typed reader
      'SetConvolutionResidual(&fused.params);', // the typed writer
      'w.net.layers[i].params.Set(kNotInt8, ParamValue::String(why.reason));', // a key of the ir's
      'for (const auto& [key, value] : l.params.values()) {', // a walk over the keys
    ].join('\n');
    expect(keyedAccess('x.cc', text).map((r) => r.split(':')[1])).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('the kernels and the builder passes read and write no param by key (they call native/layers and native/src/ir)', () => {
    const all = FOLDERS.flatMap(files);
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((f) => f.startsWith('native/src/builder/'))).toBe(true);
    const reads = all.flatMap((f) => keyedAccess(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(reads).toEqual([]);
  });
});
