#!/usr/bin/env node
// `npm run prebuild`: builds the native addon for this machine (scripts/build-native.mjs with
// HYBRIDRT_PORTABLE=ON: the addon, and the cuda backend plugin where CUDA, cuBLAS(Lt) and cuDNN
// are found, with no folder of this machine in its RUNPATH) and writes it
// as the platform package that hybridrt lists among its optionalDependencies, the way esbuild,
// sharp and onnxruntime ship binaries: prebuilds/@hybridrt/linux-x64-gnu/ (the name is
// scripts/platform.cjs's) with a package.json whose `os`, `cpu` and `libc` make npm install it
// on matching machines only, at hybridrt's version. `npm pack` (or `npm publish`) of that
// folder makes the tarball.
//
//   node scripts/prebuild.mjs [--no-build] [--out DIR]
//     --no-build  package build/Release as it is (an addon already built, e.g. by npm ci; a cuda
//                 plugin there keeps the RUNPATH of that build)
//     --out DIR   where the package folder goes (default prebuilds/)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildNative } from './build-native.mjs';
import { ADDON_FILE, CUDA_PLUGIN_FILE, currentTarget, platformPackageName } from './platform.cjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The platform package's package.json for `target`, at hybridrt's version, holding `files`. */
export function platformManifest(hybridrt, target, files) {
  const manifest = {
    name: platformPackageName(target),
    version: hybridrt.version,
    description: `The prebuilt native addon of hybridrt for ${target.platform}-${target.arch}${target.libc ? ` (${target.libc})` : ''}.`,
    license: hybridrt.license,
    repository: hybridrt.repository,
    homepage: hybridrt.homepage,
    os: [target.platform],
    cpu: [target.arch],
  };
  if (target.libc) manifest.libc = [target.libc];
  return { ...manifest, main: ADDON_FILE, files, preferUnplugged: true };
}

/**
 * Writes the platform package for `target` into `outDir` from the addon (and the cuda plugin,
 * where built) in `buildDir`, replacing what was there. Returns the package folder.
 */
export function writePlatformPackage({
  root = ROOT,
  buildDir = path.join(root, 'build', 'Release'),
  outDir = path.join(root, 'prebuilds'),
  target = currentTarget(),
} = {}) {
  const hybridrt = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const addon = path.join(buildDir, ADDON_FILE);
  if (!fs.existsSync(addon)) throw new Error(`prebuild: ${addon} does not exist: build the addon first (npm run build:native)`);
  const files = [ADDON_FILE];
  if (fs.existsSync(path.join(buildDir, CUDA_PLUGIN_FILE))) files.push(CUDA_PLUGIN_FILE);
  const manifest = platformManifest(hybridrt, target, files);
  const dir = path.join(outDir, ...manifest.name.split('/'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.copyFileSync(path.join(buildDir, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const cuda = files.includes(CUDA_PLUGIN_FILE)
    ? `the cuda backend plugin (${CUDA_PLUGIN_FILE}), which runs where the NVIDIA driver, the CUDA runtime, cuBLAS/cuBLASLt, cuDNN and NVRTC are found`
    : 'no cuda backend (it was built where CUDA, cuBLAS or cuDNN was missing)';
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    `# ${manifest.name}\n\n${manifest.description} hybridrt installs it as an optional dependency and loads it; it is of no use alone. ` +
      `It holds ${ADDON_FILE} (the engine and its cpu backend) and ${cuda}.\n`,
  );
  return dir;
}

// Run as a script (not imported by its test): node resolves the main module's symlinks, so compare real paths.
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? path.resolve(args[args.indexOf('--out') + 1]) : undefined;
  if (process.env.HYBRIDRT_SANITIZE === 'ON') {
    console.error('prebuild: HYBRIDRT_SANITIZE=ON builds into build-sanitize/, which is not for publishing; unset it');
    process.exit(1);
  }
  const status = args.includes('--no-build') ? 0 : buildNative({ env: { ...process.env, HYBRIDRT_PORTABLE: 'ON' } });
  if (status !== 0) process.exit(status);
  const dir = writePlatformPackage(out ? { outDir: out } : {});
  console.log(`prebuild: wrote ${path.relative(process.cwd(), dir) || dir} (npm pack or npm publish that folder)`);
}
