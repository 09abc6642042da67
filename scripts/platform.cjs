// Where hybridrt's native addon comes from: the prebuilt platform package this machine takes
// and where its addon is, the command that builds the addon from source instead, and how a
// development checkout is told from an installed package. The one authority for these, used by
// the loader (src/engine/native.ts), the install step (scripts/build-native.mjs) and
// `npm run prebuild` (scripts/prebuild.mjs).
// CommonJS so that the loader, compiled to dist/, can require() it synchronously from the
// package root, and the .mjs scripts can import it.
//
// Names follow esbuild's and napi-rs's: @hybridrt/<platform>-<arch>, with -gnu or -musl on
// Linux (glibc and musl binaries differ) and -msvc on Windows; npm installs the one whose
// package.json `os`, `cpu` and `libc` match the machine (optionalDependencies of hybridrt).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SCOPE = '@hybridrt';
/** The addon's file name, in build/Release/ and in a platform package. */
const ADDON_FILE = 'hybridrt.node';
/** The cuda backend plugin's file name beside the addon (native/src/engine/cuda_plugin.h). */
const CUDA_PLUGIN_FILE = process.platform === 'darwin' ? 'libhybridrt_cuda.dylib' : 'libhybridrt_cuda.so';

/**
 * What a user of the published package runs to build the addon from source (README, notices,
 * the loader's messages): npm passes --build-from-source to the install step as
 * npm_config_build_from_source, which makes it build even where a platform package is there.
 */
const REBUILD_COMMAND = 'npm rebuild hybridrt --build-from-source';

/**
 * Whether `root` is a development checkout of hybridrt rather than the installed package: the
 * published package's `files` hold neither .git nor test/. A checkout always builds its addon
 * (npm test needs it, whatever platform package node_modules may hold).
 */
function isCheckout(root) {
  return fs.existsSync(path.join(root, '.git')) || fs.existsSync(path.join(root, 'test'));
}

/**
 * 'glibc' or 'musl' on Linux (as npm's `libc` field names them), else undefined. As detect-libc
 * does: the text of ldd says which C library it belongs to (cheap); where ldd is missing, Node's
 * report, whose header names the glibc Node runs on (a musl build has none). The report is the
 * slower way (it gathers the whole process's state), hence second.
 */
function detectLibc(platform = process.platform) {
  if (platform !== 'linux') return undefined;
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'utf8');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library') || ldd.includes('GLIBC')) return 'glibc';
  } catch {
    // no ldd: ask the report
  }
  const header = process.report && process.report.getReport ? process.report.getReport().header : undefined;
  return header && header.glibcVersionRuntime ? 'glibc' : 'musl';
}

/** This machine's platform, arch and libc. */
function currentTarget() {
  return { platform: process.platform, arch: process.arch, libc: detectLibc() };
}

/** '@hybridrt/linux-x64-gnu' and the like, for a { platform, arch, libc } (this machine's by default). */
function platformPackageName(target = currentTarget()) {
  const { platform, arch, libc } = target;
  if (platform === 'linux') return `${SCOPE}/linux-${arch}-${libc === 'musl' ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `${SCOPE}/win32-${arch}-msvc`;
  return `${SCOPE}/${platform}-${arch}`;
}

/**
 * The addon of this machine's platform package, resolved as hybridrt's dependency from
 * `fromDir` (hybridrt's root), or undefined where that package is not installed (or holds no
 * addon).
 */
function platformAddonPath(fromDir, name = platformPackageName()) {
  let manifest;
  try {
    manifest = require.resolve(`${name}/package.json`, { paths: [fromDir] });
  } catch {
    return undefined;
  }
  const addon = path.join(path.dirname(manifest), ADDON_FILE);
  return fs.existsSync(addon) ? addon : undefined;
}

module.exports = {
  SCOPE,
  ADDON_FILE,
  CUDA_PLUGIN_FILE,
  REBUILD_COMMAND,
  isCheckout,
  detectLibc,
  currentTarget,
  platformPackageName,
  platformAddonPath,
};
