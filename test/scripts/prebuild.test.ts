/**
 * scripts/prebuild.mjs (`npm run prebuild`): the platform package it writes from a build. Its
 * name is platform.cjs's, its version hybridrt's, its `os`/`cpu`/`libc` select the machines npm
 * installs it on, and it holds the addon, with the cuda backend plugin where one was built.
 * The build itself is not run here: a folder of stand-in files plays build/Release. (The
 * install proof, scripts/test-install.sh, packs and installs a real one.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_PLUGIN_FILE } from '../../scripts/platform.cjs';
import { writePlatformPackage } from '../../scripts/prebuild.mjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const hybridrt = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; license: string };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-prebuild-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function buildDir(name: string, files: Record<string, string>): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
  return d;
}

const read = (d: string, f: string) => fs.readFileSync(path.join(d, f), 'utf8');

describe('the platform package', () => {
  it('a cpu-only build on glibc Linux: @hybridrt/linux-x64-gnu with the addon alone', () => {
    const out = path.join(dir, 'out-cpu');
    const pkgDir = writePlatformPackage({
      root: REPO,
      buildDir: buildDir('cpu', { 'hybridrt.node': 'addon' }),
      outDir: out,
      target: { platform: 'linux', arch: 'x64', libc: 'glibc' },
    });
    expect(pkgDir).toBe(path.join(out, '@hybridrt', 'linux-x64-gnu'));
    expect(fs.readdirSync(pkgDir).sort()).toEqual(['README.md', 'hybridrt.node', 'package.json']);
    expect(read(pkgDir, 'hybridrt.node')).toBe('addon');
    expect(JSON.parse(read(pkgDir, 'package.json'))).toMatchObject({
      name: '@hybridrt/linux-x64-gnu',
      version: hybridrt.version,
      license: hybridrt.license,
      os: ['linux'],
      cpu: ['x64'],
      libc: ['glibc'],
      main: 'hybridrt.node',
      files: ['hybridrt.node'],
    });
    expect(read(pkgDir, 'README.md')).toContain('no cuda backend');
  });

  it('with the cuda plugin built: both files, and no libc field off Linux', () => {
    const pkgDir = writePlatformPackage({
      root: REPO,
      buildDir: buildDir('cuda', { 'hybridrt.node': 'addon', [CUDA_PLUGIN_FILE]: 'plugin' }),
      outDir: path.join(dir, 'out-cuda'),
      target: { platform: 'linux', arch: 'arm64', libc: 'glibc' },
    });
    const manifest = JSON.parse(read(pkgDir, 'package.json'));
    expect(manifest.files).toEqual(['hybridrt.node', CUDA_PLUGIN_FILE]);
    expect(read(pkgDir, CUDA_PLUGIN_FILE)).toBe('plugin');
    expect(read(pkgDir, 'README.md')).toContain(`the cuda backend plugin (${CUDA_PLUGIN_FILE})`);

    const mac = writePlatformPackage({
      root: REPO,
      buildDir: buildDir('mac', { 'hybridrt.node': 'addon' }),
      outDir: path.join(dir, 'out-mac'),
      target: { platform: 'darwin', arch: 'arm64' },
    });
    const macManifest = JSON.parse(read(mac, 'package.json'));
    expect(macManifest).toMatchObject({ name: '@hybridrt/darwin-arm64', os: ['darwin'], cpu: ['arm64'] });
    expect(macManifest.libc).toBeUndefined();
  });

  it('replaces an older package folder, and refuses where nothing was built', () => {
    const out = path.join(dir, 'out-again');
    const target = { platform: 'linux', arch: 'x64', libc: 'glibc' } as const;
    const first = writePlatformPackage({
      root: REPO,
      buildDir: buildDir('a', { 'hybridrt.node': 'a', [CUDA_PLUGIN_FILE]: 'p' }),
      outDir: out,
      target,
    });
    writePlatformPackage({ root: REPO, buildDir: buildDir('b', { 'hybridrt.node': 'b' }), outDir: out, target });
    expect(fs.readdirSync(first).sort()).toEqual(['README.md', 'hybridrt.node', 'package.json']);
    expect(() => writePlatformPackage({ root: REPO, buildDir: buildDir('empty', {}), outDir: out, target })).toThrow(
      /hybridrt\.node does not exist: build the addon first/,
    );
  });
});
