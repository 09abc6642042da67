/**
 * scripts/platform.cjs: the name of the prebuilt platform package for each platform (the one
 * authority that the loader, the install step and `npm run prebuild` share), finding its addon
 * as hybridrt's dependency, and package.json's optionalDependencies, which must name such
 * packages at hybridrt's own version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADDON_FILE,
  REBUILD_COMMAND,
  currentTarget,
  detectLibc,
  isCheckout,
  platformAddonPath,
  platformPackageName,
} from '../../scripts/platform.cjs';

const REPO = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  optionalDependencies?: Record<string, string>;
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-platform-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the platform package name', () => {
  it('is @hybridrt/<platform>-<arch>, with the libc on Linux and msvc on Windows', () => {
    expect(platformPackageName({ platform: 'linux', arch: 'x64', libc: 'glibc' })).toBe('@hybridrt/linux-x64-gnu');
    expect(platformPackageName({ platform: 'linux', arch: 'arm64', libc: 'musl' })).toBe('@hybridrt/linux-arm64-musl');
    expect(platformPackageName({ platform: 'darwin', arch: 'arm64' })).toBe('@hybridrt/darwin-arm64');
    expect(platformPackageName({ platform: 'win32', arch: 'x64' })).toBe('@hybridrt/win32-x64-msvc');
  });

  it("is this machine's by default; the libc is looked for on Linux only", () => {
    expect(platformPackageName()).toBe(platformPackageName(currentTarget()));
    expect(detectLibc('darwin')).toBeUndefined();
    // Node's report says which glibc Node runs on, if any: the ldd check must agree with it.
    const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
    if (process.platform === 'linux') expect(detectLibc()).toBe(report.header?.glibcVersionRuntime ? 'glibc' : 'musl');
  });

  it('every optional dependency of hybridrt is a platform package at its own version', () => {
    const optional = pkg.optionalDependencies ?? {};
    expect(Object.keys(optional).length).toBeGreaterThan(0);
    const targets = [
      { platform: 'linux', arch: 'x64', libc: 'glibc' },
      { platform: 'linux', arch: 'arm64', libc: 'glibc' },
      { platform: 'linux', arch: 'x64', libc: 'musl' },
      { platform: 'linux', arch: 'arm64', libc: 'musl' },
      { platform: 'darwin', arch: 'arm64' },
      { platform: 'darwin', arch: 'x64' },
      { platform: 'win32', arch: 'x64' },
    ] as const;
    const names = targets.map((t) => platformPackageName(t));
    for (const [name, version] of Object.entries(optional)) {
      expect(names, name).toContain(name);
      expect(version, name).toBe(pkg.version);
    }
    if (process.platform === 'linux' && process.arch === 'x64') expect(Object.keys(optional)).toContain(platformPackageName());
  });
});

describe("the platform package's addon", () => {
  const app = path.join(dir, 'app');
  const root = path.join(app, 'node_modules', 'hybridrt');
  fs.mkdirSync(root, { recursive: true });
  const name = '@hybridrt/linux-x64-gnu';
  const installed = path.join(app, 'node_modules', '@hybridrt', 'linux-x64-gnu');

  it('is found as a dependency of hybridrt, where the package holds the addon', () => {
    expect(platformAddonPath(root, name)).toBeUndefined();
    fs.mkdirSync(installed, { recursive: true });
    fs.writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name, version: pkg.version }));
    expect(platformAddonPath(root, name)).toBeUndefined();
    fs.writeFileSync(path.join(installed, ADDON_FILE), '');
    expect(platformAddonPath(root, name)).toBe(path.join(installed, ADDON_FILE));
    expect(platformAddonPath(root, '@hybridrt/linux-arm64-musl')).toBeUndefined();
  });
});

describe('a checkout and the build command', () => {
  it('tells a checkout (.git or test/) from an installed package', () => {
    expect(isCheckout(REPO)).toBe(true);
    const published = path.join(dir, 'published');
    fs.mkdirSync(published);
    expect(isCheckout(published)).toBe(false);
    fs.mkdirSync(path.join(published, 'test'));
    expect(isCheckout(published)).toBe(true);
  });

  it('the build from source is npm rebuild with --build-from-source', () => {
    expect(REBUILD_COMMAND).toBe('npm rebuild hybridrt --build-from-source');
  });
});
