/**
 * scripts/build-native.mjs, the package's install script: when it takes the prebuilt platform
 * package instead of building (and when --build-from-source builds anyway); when a failed build may leave
 * hybridrt without its addon (installed as a dependency: a notice and exit 0, so that `npm
 * install` never fails for want of a toolchain) and when it must fail (asked for, `npm
 * rebuild`, a development checkout, HYBRIDRT_REQUIRE_NATIVE=1); the toolchain check; and the
 * notice's lines. Nothing here builds: cmake-js is replaced by a recorded runner, and a
 * missing toolchain by a PATH of empty folders. One test runs the script itself, with such a
 * PATH, as npm's install step of a published copy would.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REBUILD_COMMAND,
  buildFromSourceRequested,
  buildNative,
  findOnPath,
  installMode,
  missingTools,
  notice,
  prebuiltAddon,
} from '../../scripts/build-native.mjs';
import { platformPackageName } from '../../scripts/platform.cjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-build-native-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder holding executables named `tools` (empty scripts), for PATH. */
function binDir(name: string, tools: string[]): string {
  const bin = path.join(dir, name);
  fs.mkdirSync(bin, { recursive: true });
  for (const t of tools) fs.writeFileSync(path.join(bin, t), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return bin;
}

/** A package root as npm installs it (no .git, no test/). */
const published = path.join(dir, 'node_modules', 'hybridrt');
fs.mkdirSync(published, { recursive: true });
/** A checkout: a test/ folder is enough. */
const checkout = path.join(dir, 'checkout');
fs.mkdirSync(path.join(checkout, 'test'), { recursive: true });

const toolchain = binDir('toolchain', ['cmake', 'g++']);
const empty = binDir('empty', []);
const asInstall = { npm_lifecycle_event: 'install', npm_command: 'install' };

/** buildNative with a recorded runner and printed lines captured. */
function build(env: Record<string, string>, root: string, status: number | null = 0, prebuilt?: string) {
  const runs: string[][] = [];
  const printed: string[] = [];
  const code = buildNative({
    env,
    root,
    platform: 'linux',
    run: (cmd, args) => {
      runs.push([cmd, ...args]);
      return { status, signal: status === null ? 'SIGKILL' : null, error: undefined as unknown as Error };
    },
    resolve: (id) => `/resolved/${id}`,
    print: (line) => printed.push(line),
    findPrebuilt: () => prebuilt,
  });
  return { code, runs, printed };
}

describe('installMode', () => {
  it('is graceful only as the install step of a published copy', () => {
    expect(installMode(asInstall, published)).toEqual({ mode: 'graceful', why: 'installed as a dependency' });
    expect(installMode({ npm_lifecycle_event: 'install', npm_command: 'ci' }, published).mode).toBe('graceful');
  });

  it('is strict where the build was asked for, in a checkout, or required', () => {
    expect(installMode({}, published)).toMatchObject({ mode: 'strict', why: 'the build was asked for' });
    expect(installMode({ npm_lifecycle_event: 'build:native' }, published).mode).toBe('strict');
    expect(installMode({ npm_lifecycle_event: 'install', npm_command: 'rebuild' }, published)).toMatchObject({
      mode: 'strict',
      why: 'npm rebuild asked for the build',
    });
    expect(installMode(asInstall, checkout)).toMatchObject({ mode: 'strict', why: expect.stringContaining('development checkout') });
    // This repository is a checkout: `npm install` here must fail where the addon cannot be built.
    expect(installMode(asInstall, REPO).mode).toBe('strict');
    expect(installMode({ ...asInstall, HYBRIDRT_REQUIRE_NATIVE: '1' }, published)).toEqual({ mode: 'strict', why: 'HYBRIDRT_REQUIRE_NATIVE=1' });
    expect(installMode({ ...asInstall, HYBRIDRT_SANITIZE: 'ON' }, published).mode).toBe('strict');
  });

  it('HYBRIDRT_REQUIRE_NATIVE=0 makes even a checkout graceful', () => {
    expect(installMode({ ...asInstall, HYBRIDRT_REQUIRE_NATIVE: '0' }, checkout).mode).toBe('graceful');
  });
});

describe('the prebuilt platform package', () => {
  const addon = '/somewhere/@hybridrt/linux-x64-gnu/hybridrt.node';
  const find = () => addon;

  it('is taken by the install step of a published copy', () => {
    expect(prebuiltAddon(asInstall, published, find)).toBe(addon);
    expect(prebuiltAddon({ npm_lifecycle_event: 'install', npm_command: 'rebuild' }, published, find)).toBe(addon);
    expect(prebuiltAddon(asInstall, published, () => undefined)).toBeUndefined();
  });

  it('is not taken where the build was asked for, from source, or in a checkout', () => {
    expect(prebuiltAddon({}, published, find)).toBeUndefined();
    expect(prebuiltAddon({ npm_lifecycle_event: 'build:native' }, published, find)).toBeUndefined();
    expect(prebuiltAddon({ ...asInstall, npm_config_build_from_source: 'true' }, published, find)).toBeUndefined();
    expect(prebuiltAddon({ ...asInstall, HYBRIDRT_BUILD_FROM_SOURCE: '1' }, published, find)).toBeUndefined();
    expect(prebuiltAddon(asInstall, checkout, find)).toBeUndefined();
  });

  it('--build-from-source is read as npm passes it', () => {
    expect(buildFromSourceRequested({ npm_config_build_from_source: 'true' })).toBe(true);
    for (const off of ['', 'false', '0']) expect(buildFromSourceRequested({ npm_config_build_from_source: off })).toBe(false);
    expect(buildFromSourceRequested({})).toBe(false);
    expect(buildFromSourceRequested({ HYBRIDRT_BUILD_FROM_SOURCE: '1' })).toBe(true);
  });

  it('where it is taken, nothing is built and one line says which addon is used', () => {
    const r = build({ ...asInstall, PATH: empty }, published, 0, addon);
    expect(r.code).toBe(0);
    expect(r.runs).toEqual([]);
    expect(r.printed).toEqual([
      `hybridrt: using the prebuilt addon of ${platformPackageName()} (to build it from source instead: npm rebuild hybridrt --build-from-source).`,
    ]);
    // Where an earlier build from source is there, it is what loads, and the line says so.
    const local = path.join(published, 'build', 'Release', 'hybridrt.node');
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.writeFileSync(local, '');
    try {
      expect(build({ ...asInstall, PATH: empty }, published, 0, addon).printed).toEqual([
        `hybridrt: keeping the addon built from source (${local}), which loads before the prebuilt one of ${platformPackageName()}.`,
      ]);
    } finally {
      fs.rmSync(path.join(published, 'build'), { recursive: true });
    }
    const fromSource = build({ ...asInstall, PATH: toolchain, npm_config_build_from_source: 'true', HYBRIDRT_PORTABLE: 'ON' }, published, 0, addon);
    expect(fromSource.runs).toHaveLength(1);
    expect(fromSource.runs[0]).toContain('--CDHYBRIDRT_PORTABLE=ON');
    expect(fromSource.printed).toEqual([]);
  });
});

describe('the toolchain check', () => {
  it('finds executables on PATH only', () => {
    expect(findOnPath('cmake', { PATH: `${empty}${path.delimiter}${toolchain}` }, 'linux')).toBe(path.join(toolchain, 'cmake'));
    expect(findOnPath('cmake', { PATH: empty }, 'linux')).toBeUndefined();
    fs.writeFileSync(path.join(empty, 'clang++'), 'not executable', { mode: 0o644 });
    expect(findOnPath('clang++', { PATH: empty }, 'linux')).toBeUndefined();
  });

  it('names cmake and the compiler where they are missing', () => {
    expect(missingTools({ PATH: toolchain }, 'linux')).toEqual([]);
    expect(missingTools({ PATH: empty }, 'linux')).toEqual([
      'cmake was not found on PATH',
      'no C++ compiler (c++, g++ or clang++) was found on PATH',
    ]);
    expect(missingTools({ PATH: toolchain, CXX: 'icpx -O2' }, 'linux')).toEqual(['the C++ compiler CXX=icpx -O2 was not found']);
    expect(missingTools({ PATH: toolchain, CXX: path.join(toolchain, 'g++') }, 'linux')).toEqual([]);
    // CMake finds Visual Studio itself on Windows.
    expect(missingTools({ PATH: toolchain }, 'win32')).toEqual([]);
  });
});

describe('buildNative', () => {
  it('runs cmake-js with the environment options where the toolchain is there', () => {
    const r = build({ PATH: toolchain, HYBRIDRT_WITH_CUDA: 'OFF' }, published);
    expect(r.code).toBe(0);
    expect(r.printed).toEqual([]);
    expect(r.runs).toEqual([
      [
        process.execPath,
        '/resolved/cmake-js/bin/cmake-js',
        'compile',
        '--directory',
        published,
        '--out',
        path.join(published, 'build'),
        '--CDHYBRIDRT_WITH_CUDA=OFF',
        '--CDHYBRIDRT_PORTABLE=OFF',
      ],
    ]);
  });

  it('installed as a dependency without cmake: the notice, exit 0, and no build attempted', () => {
    const r = build({ ...asInstall, PATH: empty }, published);
    expect(r.code).toBe(0);
    expect(r.runs).toEqual([]);
    expect(r.printed).toEqual(notice('cmake was not found on PATH; no C++ compiler (c++, g++ or clang++) was found on PATH'));
  });

  it('installed as a dependency, a failed compile is a notice and exit 0 too', () => {
    const r = build({ ...asInstall, PATH: toolchain }, published, 2);
    expect(r.code).toBe(0);
    expect(r.runs).toHaveLength(1);
    expect(r.printed[0]).toBe(
      `hybridrt: the native addon was not built: cmake-js exited with status 2 (see its output above); no prebuilt addon for this platform (${platformPackageName()}) is installed.`,
    );
  });

  it('in a checkout, a failed build fails with its status and says why it must succeed', () => {
    const missing = build({ ...asInstall, PATH: empty }, checkout);
    expect(missing.code).toBe(1);
    expect(missing.printed).toEqual([
      'hybridrt: building the native addon failed: cmake was not found on PATH; no C++ compiler (c++, g++ or clang++) was found on PATH.',
      'hybridrt: this build must succeed (a development checkout (npm test needs the addon)).',
    ]);
    const failed = build({ ...asInstall, PATH: toolchain }, checkout, 2);
    expect(failed.code).toBe(2);
    const killed = build({ ...asInstall, PATH: toolchain }, checkout, null);
    expect(killed.code).toBe(1);
    expect(killed.printed[0]).toBe('hybridrt: building the native addon failed: cmake-js was killed by SIGKILL (see its output above).');
  });

  it('asked for directly (npm rebuild hybridrt), a failed build fails', () => {
    const r = build({ npm_lifecycle_event: 'install', npm_command: 'rebuild', PATH: empty }, published);
    expect(r.code).toBe(1);
    expect(r.printed).toEqual([
      'hybridrt: building the native addon failed: cmake was not found on PATH; no C++ compiler (c++, g++ or clang++) was found on PATH.',
      'hybridrt: this build must succeed (npm rebuild asked for the build).',
    ]);
  });

  it('a missing cmake-js is a failure like any other', () => {
    const printed: string[] = [];
    const r = buildNative({
      env: { ...asInstall, PATH: toolchain },
      root: published,
      platform: 'linux',
      run: () => {
        throw new Error('must not run');
      },
      resolve: () => {
        throw new Error("Cannot find module 'cmake-js/bin/cmake-js'\nRequire stack: ...");
      },
      print: (line) => printed.push(line),
      findPrebuilt: () => undefined,
    });
    expect(r).toBe(0);
    expect(printed[0]).toBe(
      `hybridrt: the native addon was not built: cmake-js could not be found (Cannot find module 'cmake-js/bin/cmake-js'); no prebuilt addon for this platform (${platformPackageName()}) is installed.`,
    );
  });
});

describe('the notice', () => {
  it('says what failed, what hybridrt does without the addon, and the command that builds it', () => {
    const lines = notice('cmake was not found on PATH', '@hybridrt/linux-x64-gnu');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      'hybridrt: the native addon was not built: cmake was not found on PATH; no prebuilt addon for this platform (@hybridrt/linux-x64-gnu) is installed.',
    );
    expect(lines[1]).toMatch(/every model runs on onnxruntime/);
    expect(lines[2]).toContain('install cmake and a C++17 compiler');
    expect(lines[2]).toContain(`\`${REBUILD_COMMAND}\``);
    expect(REBUILD_COMMAND).toBe('npm rebuild hybridrt --build-from-source');
  });
});

describe('the script, run as npm runs it', () => {
  // A copy of the script in a folder laid out as the published package (no .git, no test/),
  // run with npm's install-step variables and a PATH with node alone: no cmake, no compiler.
  const pkg = path.join(dir, 'project', 'node_modules', 'hybridrt');
  fs.mkdirSync(path.join(pkg, 'scripts'), { recursive: true });
  for (const f of ['build-native.mjs', 'platform.cjs']) fs.copyFileSync(path.join(REPO, 'scripts', f), path.join(pkg, 'scripts', f));
  const nodeOnly = binDir('node-only', []);
  fs.symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [path.join(pkg, 'scripts', 'build-native.mjs')], { cwd: pkg, encoding: 'utf8', env: { PATH: nodeOnly, ...env } });

  it('exits 0 with the notice on install, and 1 on rebuild', () => {
    const installed = run(asInstall);
    expect(installed.status).toBe(0);
    expect(installed.stderr).toContain('hybridrt: the native addon was not built: cmake was not found on PATH');
    expect(installed.stderr).toContain('then run `npm rebuild hybridrt --build-from-source` in your project.');
    expect(fs.existsSync(path.join(pkg, 'build'))).toBe(false);

    const rebuilt = run({ npm_lifecycle_event: 'install', npm_command: 'rebuild' });
    expect(rebuilt.status).toBe(1);
    expect(rebuilt.stderr).toContain('hybridrt: building the native addon failed: cmake was not found on PATH');
  });

  it('with the platform package installed beside it: one line, nothing built; --build-from-source tries the build', () => {
    const platformPkg = path.join(dir, 'project', 'node_modules', ...platformPackageName().split('/'));
    fs.mkdirSync(platformPkg, { recursive: true });
    fs.writeFileSync(path.join(platformPkg, 'package.json'), JSON.stringify({ name: platformPackageName(), version: '0.0.0' }));
    fs.writeFileSync(path.join(platformPkg, 'hybridrt.node'), '');
    try {
      const installed = run(asInstall);
      expect(installed.status).toBe(0);
      expect(installed.stderr).toBe(
        `hybridrt: using the prebuilt addon of ${platformPackageName()} (to build it from source instead: ${REBUILD_COMMAND}).\n`,
      );
      const fromSource = run({ npm_lifecycle_event: 'install', npm_command: 'rebuild', npm_config_build_from_source: 'true' });
      expect(fromSource.status).toBe(1);
      expect(fromSource.stderr).toContain('hybridrt: building the native addon failed: cmake was not found on PATH');
    } finally {
      fs.rmSync(path.join(dir, 'project', 'node_modules', '@hybridrt'), { recursive: true });
    }
  });
});
