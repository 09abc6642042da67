/**
 * The addon reads the environment in one place (issue 12, point 3: "one build configuration
 * read once in the binding with every switch in it"): native/src/util/env_switches.cc's
 * ReadEnvSwitches is the only getenv, and only the binding (native/src/napi) calls it: for a
 * build's config, for a context's options, and once at load for the cpu kernel form (a
 * process-wide choice it hands to the cpu backend, src/engine/backend.h SetKernelForm). The
 * kernels (native/cpu, native/cuda) and the layer kinds' homes (native/layers) neither read the
 * environment nor include env_switches.h: what they are told comes through KernelSetup's tactic
 * switches or the backend. Read from the sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const READER = 'native/src/util/env_switches.cc';
const KERNEL_FOLDERS = ['native/cpu', 'native/cuda', 'native/layers'];
const GETENV = /\b(?:secure_getenv|getenv|environ)\b/;
const CALL = /\bReadEnvSwitches\s*\(/;
const INCLUDE = /#\s*include\s+"src\/util\/env_switches\.h"/;

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    return e.isDirectory() ? files(rel) : /\.(cc|h|cu|cuh|inc)$/.test(e.name) ? [rel] : [];
  });
}

/** Code of a line without its `//` comment (comments may name the switches). */
const code = (line: string) => line.replace(/\/\/.*$/, '');

/**
 * `file:line: text` for each line of `text` that reads the environment where `file` may not:
 * getenv anywhere but the reader; ReadEnvSwitches called outside the binding and the reader's
 * own files; env_switches.h included by a kernel or a layer kind.
 */
export function envReads(file: string, text: string): string[] {
  const kernel = KERNEL_FOLDERS.some((d) => file.startsWith(`${d}/`));
  const binding = file.startsWith('native/src/napi/') || file.startsWith('native/src/util/env_switches.');
  return text.split('\n').flatMap((line, i) => {
    const c = code(line);
    const bad = (GETENV.test(c) && file !== READER) || (CALL.test(c) && !binding) || (kernel && INCLUDE.test(c));
    return bad ? [`${file}:${i + 1}: ${line.trim()}`] : [];
  });
}

describe('environment reads', () => {
  it('finds the reads it is meant to find', () => {
    const sgemm = [
      '#include "src/util/env_switches.h"',
      'const std::string w = ReadEnvSwitches().cpu_kernel;',
      'const char* e = std::getenv("X");',
      '// HYBRIDRT_CPU_KERNEL (ReadEnvSwitches) forces one',
    ].join('\n');
    expect(envReads('native/cpu/sgemm.cc', sgemm).map((r) => r.split(':')[1])).toEqual(['1', '2', '3']);
    expect(envReads('native/src/builder/fusion.cc', sgemm).map((r) => r.split(':')[1])).toEqual(['2', '3']);
    expect(envReads('native/src/napi/addon.cc', sgemm).map((r) => r.split(':')[1])).toEqual(['3']);
    expect(envReads(READER, sgemm)).toEqual([]);
  });

  it('only env_switches.cc reads the environment, only the binding calls it, and no kernel or layer kind includes it', () => {
    const all = files('native');
    expect(all).toContain(READER);
    expect(all.filter((f) => KERNEL_FOLDERS.some((d) => f.startsWith(`${d}/`))).length).toBeGreaterThan(150);
    const reads = all.flatMap((f) => envReads(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(reads).toEqual([]);
  });
});
