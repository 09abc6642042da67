/**
 * The shape rules a comment or a doc names exist: each layer kind's rule is Check<Kind>Layer in
 * its home, native/layers/<kind>.cc (issue 12, point 2), and the move there renamed them
 * (CheckSlice -> CheckSliceLayer), which left the kinds' headers pointing readers at functions
 * no file defines. Every Check<Name> written under native/ or in the docs that describe the
 * native code must be a function some native file declares or defines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOCS = ['docs/engine.md', 'docs/converters.md', 'docs/operators.md', 'docs/quantization.md'];
const NAME = /\bCheck[A-Z]\w*/g;
/** A declaration or definition: a return type, an optional class, the name, its parameters. */
const DEFINED = /^\s*(?:inline\s+|static\s+)?[\w:]+\s+(?:\w+::)?(Check[A-Z]\w*)\(/gm;

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.(cc|h|cu|cuh|inc)$/.test(e.name) ? [rel] : [];
  });
}

describe('shape rule names', () => {
  const native = files('native').map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')] as const);
  const defined = new Set(native.flatMap(([, text]) => [...text.matchAll(DEFINED)].map((m) => m[1]!)));

  it('finds the rules it is meant to find', () => {
    expect([...defined]).toEqual(
      expect.arrayContaining(['CheckSliceLayer', 'CheckConvolutionLayer', 'CheckAxis', 'CheckWindowParams', 'CheckQuantForm']),
    );
  });

  it('every Check<Name> a native file or a doc names is defined in native/', () => {
    const texts = [...native, ...DOCS.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')] as const)];
    const unknown = texts.flatMap(([f, text]) =>
      text.split('\n').flatMap((line, i) => [...line.matchAll(NAME)].filter((m) => !defined.has(m[0])).map((m) => `${f}:${i + 1}: ${m[0]}`)),
    );
    expect(unknown).toEqual([]);
  });
});
