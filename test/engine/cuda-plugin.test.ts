/**
 * The cuda backend plugin's loading (native/src/engine/backend_registry.cc, cuda_plugin.h),
 * on a machine without CUDA: each case is a folder holding a copy of the built addon and a
 * stand-in libhybridrt_cuda.so made here with the C++ compiler, loaded by a child process
 * through HYBRIDRT_NATIVE. A plugin that needs a library the machine lacks makes cuda
 * unavailable with dlerror()'s words naming that library; no plugin file keeps the cpu-only
 * message; a plugin linked as CMakeLists.txt links the real one (against the addon, the export
 * list, -z defs) is used, a hybridrt::Error it throws reaches JavaScript with its code, and
 * the engine cache's code fingerprint covers it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findOnPath } from '../../scripts/build-native.mjs';
import { nativeAddonPath } from '../../src/engine/native.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const child = path.join(here, 'helpers', 'cuda-plugin-child.ts');
const CXX = findOnPath('c++') ?? findOnPath('g++');
const ABSENT = 'libhybridrt_test_absent.so';

interface ChildReport {
  backends: string[];
  cuda: { available: boolean; arch: string; description: string; reason?: string };
  build: { code?: string; message: string };
  auto: string;
  autoLog: string[];
  asked: { code?: string; message: string };
  fingerprint: string;
}

let dir = '';

/** Runs the compiler (without the sanitizer runtime that scripts/test-sanitizers.sh preloads). */
function sh(cmd: string, args: string[]): void {
  const { LD_PRELOAD: _, ...env } = process.env;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** A folder named `name` with a copy of the addon, and the plugin that `make` builds there (if any). */
function caseDir(name: string, make?: (plugin: string, addon: string) => void): void {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  fs.copyFileSync(nativeAddonPath(), path.join(d, 'hybridrt.node'));
  make?.(path.join(d, 'libhybridrt_cuda.so'), path.join(d, 'hybridrt.node'));
}

/** The stand-in plugin linked as CMakeLists.txt links the real one; `defines` are -D flags. */
function fakePlugin(defines: string[]) {
  return (plugin: string, addon: string) =>
    sh(CXX!, [
      '-std=c++17',
      '-shared',
      '-fPIC',
      ...defines,
      '-I',
      path.join(root, 'native'),
      path.join(here, 'helpers', 'fake-cuda-plugin.cc'),
      addon,
      `-Wl,--version-script=${path.join(root, 'native', 'cuda', 'plugin.map')}`,
      '-Wl,-z,defs',
      '-Wl,-rpath,$ORIGIN',
      '-o',
      plugin,
    ]);
}

function run(name: string): ChildReport {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, HYBRIDRT_NATIVE: path.join(dir, name, 'hybridrt.node') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, `child for ${name} exited with ${r.status} (${r.signal ?? ''}): ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

const canRun = HAS_NATIVE && process.platform === 'linux' && CXX !== undefined;
const why = !HAS_NATIVE ? NATIVE_MISSING : 'needs Linux and a C++ compiler on PATH';

describeIf(canRun, 'the cuda backend plugin', why, () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-plugin-'));
    caseDir('none');
    // A library the plugin needs, made for the link and then left out of every folder.
    const absent = path.join(dir, ABSENT);
    fs.writeFileSync(path.join(dir, 'absent.c'), 'int hybridrt_test_absent(void) { return 1; }\n');
    sh(CXX!, ['-shared', '-fPIC', '-x', 'c', path.join(dir, 'absent.c'), '-o', absent]);
    caseDir('missing-library', (plugin) => {
      fs.writeFileSync(path.join(dir, 'needs.c'), 'int hybridrt_test_absent(void);\nint f(void) { return hybridrt_test_absent(); }\n');
      sh(CXX!, ['-shared', '-fPIC', '-x', 'c', path.join(dir, 'needs.c'), '-x', 'none', absent, '-o', plugin]);
    });
    fs.rmSync(absent);
    caseDir('no-entry-points', (plugin) => {
      fs.writeFileSync(path.join(dir, 'empty.c'), 'int hybridrt_not_a_plugin(void) { return 0; }\n');
      sh(CXX!, ['-shared', '-fPIC', '-x', 'c', path.join(dir, 'empty.c'), '-o', plugin]);
    });
    caseDir('stand-in', fakePlugin([]));
    caseDir('other-build', fakePlugin(['-DFAKE_ABI="hybridrt cuda plugin 0"']));
  }, 120_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('no plugin file: cpu only, with the built-without message', () => {
    const r = run('none');
    expect(r.backends).toEqual(['cpu']);
    expect(r.cuda.available).toBe(false);
    expect(r.cuda.reason).toContain('this addon was built without the cuda backend');
    // Users of the published package read it too: no command that exists only in a checkout.
    expect(r.cuda.reason).not.toContain('npm run');
    expect(r.build).toMatchObject({ code: 'BACKEND', message: expect.stringContaining("backend 'cuda' is not available") });
  });

  it('a plugin whose library is missing: cuda unavailable, the reason names the library', () => {
    const r = run('missing-library');
    expect(r.backends).toEqual(['cpu', 'cuda']);
    expect(r.cuda.available).toBe(false);
    expect(r.cuda.reason).toContain(`${ABSENT}: cannot open shared object file`);
    expect(r.cuda.reason).toContain('could not be loaded');
    expect(r.build.code).toBe('BACKEND');
    expect(r.build.message).toContain(`backend 'cuda' is not available: the cuda backend plugin`);
    expect(r.build.message).toContain(ABSENT);
    // compile()'s choice: 'auto' takes cpu and says why; 'cuda' is an error naming the library.
    expect(r.auto).toBe('cpu');
    expect(r.autoLog).toEqual([
      expect.stringMatching(new RegExp(`^backend auto: using cpu, because cuda is not available: the cuda backend plugin .*${ABSENT}`)),
    ]);
    expect(r.asked.code).toBe('BACKEND');
    expect(r.asked.message).toContain(`backend 'cuda' is not available: the cuda backend plugin`);
    expect(r.asked.message).toContain(`${ABSENT}: cannot open shared object file`);
  });

  it('a library without the entry points is refused, naming them', () => {
    const r = run('no-entry-points');
    expect(r.cuda.available).toBe(false);
    expect(r.cuda.reason).toContain('lacks its entry points (hybridrt_cuda_plugin_abi, hybridrt_cuda_query_device');
  });

  it('a plugin of another build is refused, naming both ABI strings', () => {
    const r = run('other-build');
    expect(r.cuda.available).toBe(false);
    expect(r.cuda.reason).toContain("is from another build ('hybridrt cuda plugin 0', this addon needs 'hybridrt cuda plugin");
  });

  it('a plugin linked against the addon is used; its hybridrt::Error reaches JavaScript with its code', () => {
    const r = run('stand-in');
    expect(r.backends).toEqual(['cpu', 'cuda']);
    expect(r.cuda).toMatchObject({ available: true, arch: 'sm_00', description: 'stand-in plugin, 2 fake GPUs' });
    // Caught by the core as hybridrt::Error (code BACKEND), not as a std::exception (NATIVE).
    expect(r.build.code).toBe('BACKEND');
    expect(r.build.message).toMatch(/^stand-in plugin: no backend for \d+ threads$/);
    expect(r.auto).toBe('cuda');
    expect(r.autoLog).toEqual(['backend auto: using cuda (stand-in plugin, 2 fake GPUs)']);
    // The engine cache's code fingerprint covers the plugin: the same addon bytes without it differ.
    expect(r.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(run('none').fingerprint).not.toBe(r.fingerprint);
  });
});
