#!/usr/bin/env node
// Builds the native addon with cmake-js (Node-API only: headers come from node-api-headers,
// nothing is downloaded). Run by `npm install` (the package's install step), `npm rebuild
// hybridrt` and `npm run build:native`. Output: build/Release/hybridrt.node, and beside it the
// cuda backend plugin libhybridrt_cuda.so where CMake finds CUDA, cuBLAS(Lt) and cuDNN
// (CMakeLists.txt).
//
// As the install step of the published package, it builds nothing where the prebuilt platform
// package (@hybridrt/linux-x64-gnu and the like: scripts/platform.cjs) is installed: one line
// says that addon is used. --build-from-source (`npm rebuild hybridrt --build-from-source`,
// which npm passes as npm_config_build_from_source) or HYBRIDRT_BUILD_FROM_SOURCE=1 builds
// anyway; the loader prefers a build from source to the platform package.
//
// Set HYBRIDRT_WITH_CUDA=OFF to force a cpu-only build, HYBRIDRT_CUDA_ARCHS=90 to build for one
// GPU architecture only (faster development builds), HYBRIDRT_PORTABLE=ON for a binary to
// publish (npm run prebuild: the cuda plugin finds its libraries through the loader's path
// alone, with no folder of the build machine in its RUNPATH). HYBRIDRT_SANITIZE=ON builds with
// AddressSanitizer and UndefinedBehaviorSanitizer into build-sanitize/ instead
// (scripts/test-sanitizers.sh), leaving the normal addon alone.
//
// A failed build (no cmake, no C++ compiler, a compile error) is an error, except where
// hybridrt is being installed as a dependency: there it prints what failed, that hybridrt will
// run every model on onnxruntime, and the command that builds the engines later, and exits 0,
// so that `npm install` never fails (and rolls back) for want of a toolchain. installMode()
// decides; HYBRIDRT_REQUIRE_NATIVE=1 makes every failure an error, =0 none.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REBUILD_COMMAND, isCheckout, platformAddonPath, platformPackageName } from './platform.cjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export { REBUILD_COMMAND };

/**
 * 'strict' (a failed build fails the command) or 'graceful' (it prints a notice and exits 0),
 * and why. Graceful only where npm runs this as the install step of hybridrt installed as a
 * dependency; strict where it was asked for (`npm rebuild hybridrt`, `npm run build:native`,
 * `node scripts/build-native.mjs`) and in a development checkout (a .git or test/ folder,
 * which the published package does not have: `npm test` needs the addon there).
 */
export function installMode(env = process.env, root = ROOT) {
  if (env.HYBRIDRT_REQUIRE_NATIVE === '1') return { mode: 'strict', why: 'HYBRIDRT_REQUIRE_NATIVE=1' };
  if (env.HYBRIDRT_REQUIRE_NATIVE === '0') return { mode: 'graceful', why: 'HYBRIDRT_REQUIRE_NATIVE=0' };
  if (env.HYBRIDRT_SANITIZE === 'ON') return { mode: 'strict', why: 'a sanitizer build' };
  if (env.npm_lifecycle_event !== 'install') return { mode: 'strict', why: 'the build was asked for' };
  if (env.npm_command === 'rebuild') return { mode: 'strict', why: 'npm rebuild asked for the build' };
  if (isCheckout(root)) {
    return { mode: 'strict', why: 'a development checkout (npm test needs the addon)' };
  }
  return { mode: 'graceful', why: 'installed as a dependency' };
}

/** Whether the build from source was asked for: --build-from-source (npm's variable) or HYBRIDRT_BUILD_FROM_SOURCE=1. */
export function buildFromSourceRequested(env = process.env) {
  const npmFlag = env.npm_config_build_from_source;
  return env.HYBRIDRT_BUILD_FROM_SOURCE === '1' || (npmFlag !== undefined && !['', 'false', '0'].includes(npmFlag));
}

/**
 * The prebuilt addon the install step takes instead of building, or undefined where it builds:
 * only as npm's install step of the published package (a checkout builds its own; `npm run
 * build:native` and the script run directly always build), where no build from source was
 * asked for and the platform package is installed. `find` is platformAddonPath's shape.
 */
export function prebuiltAddon(env = process.env, root = ROOT, find = platformAddonPath) {
  if (env.npm_lifecycle_event !== 'install' || buildFromSourceRequested(env) || isCheckout(root)) return undefined;
  return find(root);
}

/** The file `name` resolves to on PATH (PATHEXT's extensions on Windows), or undefined. */
export function findOnPath(name, env = process.env, platform = process.platform) {
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) return isExecutable(name) ? name : undefined;
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

function isExecutable(file) {
  try {
    return fs.statSync(file).isFile() && (fs.accessSync(file, fs.constants.X_OK), true);
  } catch {
    return false;
  }
}

/**
 * What the build needs and this machine lacks, in words ([] where nothing is missing): cmake,
 * and a C++ compiler ($CXX, else c++, g++ or clang++; on Windows CMake finds Visual Studio
 * itself, so none is looked for).
 */
export function missingTools(env = process.env, platform = process.platform) {
  const missing = [];
  if (!findOnPath('cmake', env, platform)) missing.push('cmake was not found on PATH');
  if (platform !== 'win32') {
    const cxx = env.CXX?.trim().split(/\s+/)[0];
    if (cxx) {
      if (!findOnPath(cxx, env, platform)) missing.push(`the C++ compiler CXX=${env.CXX} was not found`);
    } else if (!['c++', 'g++', 'clang++'].some((c) => findOnPath(c, env, platform))) {
      missing.push('no C++ compiler (c++, g++ or clang++) was found on PATH');
    }
  }
  return missing;
}

/** The lines printed where a graceful install could not build the addon. */
export function notice(failure, pkg = platformPackageName()) {
  return [
    `hybridrt: the native addon was not built: ${failure}; no prebuilt addon for this platform (${pkg}) is installed.`,
    'hybridrt: hybridrt works without it: every model runs on onnxruntime, with no engines.',
    `hybridrt: to build the engines, install cmake and a C++17 compiler (Debian/Ubuntu: apt-get install cmake g++), then run \`${REBUILD_COMMAND}\` in your project.`,
  ];
}

/** The cmake-js command line for this environment (node runs it). */
function cmakeJsArgs(env, root, resolve) {
  const sanitize = env.HYBRIDRT_SANITIZE === 'ON';
  const args = [resolve('cmake-js/bin/cmake-js'), 'compile', '--directory', root, '--out', path.join(root, sanitize ? 'build-sanitize' : 'build')];
  if (env.HYBRIDRT_WITH_CUDA) args.push(`--CDHYBRIDRT_WITH_CUDA=${env.HYBRIDRT_WITH_CUDA}`);
  // Always said, so that a prebuild's ON does not stay in CMake's cache for later builds.
  args.push(`--CDHYBRIDRT_PORTABLE=${env.HYBRIDRT_PORTABLE === 'ON' ? 'ON' : 'OFF'}`);
  if (sanitize) args.push('--CDHYBRIDRT_SANITIZE=ON', '--CDHYBRIDRT_WITH_CUDA=OFF');
  if (env.HYBRIDRT_DEBUG) args.push('--debug');
  return args;
}

/**
 * Builds the addon (or takes the prebuilt one: prebuiltAddon) and returns the exit code. `run`
 * is spawnSync's shape, `resolve` require.resolve's and `findPrebuilt` platformAddonPath's
 * (tests pass their own); `print` writes one line to stderr.
 */
export function buildNative({
  env = process.env,
  root = ROOT,
  platform = process.platform,
  run = spawnSync,
  resolve = createRequire(import.meta.url).resolve,
  print = (line) => console.error(line),
  findPrebuilt = platformAddonPath,
} = {}) {
  const prebuilt = prebuiltAddon(env, root, findPrebuilt);
  if (prebuilt) {
    // The loader takes a build from source before the platform package: say which one loads.
    const local = path.join(root, 'build', 'Release', 'hybridrt.node');
    print(
      fs.existsSync(local)
        ? `hybridrt: keeping the addon built from source (${local}), which loads before the prebuilt one of ${platformPackageName()}.`
        : `hybridrt: using the prebuilt addon of ${platformPackageName()} (to build it from source instead: ${REBUILD_COMMAND}).`,
    );
    return 0;
  }
  const { mode, why } = installMode(env, root);
  const fail = (failure, status) => {
    if (mode === 'graceful') {
      for (const line of notice(failure)) print(line);
      return 0;
    }
    print(`hybridrt: building the native addon failed: ${failure}.`);
    if (why !== 'the build was asked for') print(`hybridrt: this build must succeed (${why}).`);
    return status;
  };

  const missing = missingTools(env, platform);
  if (missing.length) return fail(missing.join('; '), 1);
  let args;
  try {
    args = cmakeJsArgs(env, root, resolve);
  } catch (e) {
    return fail(`cmake-js could not be found (${e.message.split('\n')[0]})`, 1);
  }
  const parallel = env.CMAKE_BUILD_PARALLEL_LEVEL ?? String(Math.max(2, os.availableParallelism()));
  const result = run(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...env, CMAKE_BUILD_PARALLEL_LEVEL: parallel } });
  if (result.error) return fail(`cmake-js could not be run (${result.error.message})`, 1);
  if (result.status !== 0) {
    const how = result.status === null ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
    return fail(`cmake-js ${how} (see its output above)`, result.status ?? 1);
  }
  return 0;
}

// Run as a script (not imported by its test): node resolves the main module's symlinks, so compare real paths.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  process.exitCode = buildNative();
}
