/**
 * What the published package says about itself (issue 17, points 2 and 7): a LICENSE whose
 * text is the license package.json names, where the project lives, the install script that
 * cannot fail the install, `files` that leave out what tells a checkout apart, and a README
 * Install section naming the commands the install script and the loader print.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REBUILD_COMMAND } from '../../scripts/build-native.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  license: string;
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  keywords: string[];
  files: string[];
  scripts: Record<string, string>;
};

describe('package metadata', () => {
  it('LICENSE is the Apache License 2.0 that package.json names', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const text = fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(text.trimStart()).toMatch(/^Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    for (let section = 1; section <= 9; section++) expect(text).toMatch(new RegExp(`\\n {3}${section}\\. [A-Z]`));
    expect(text).toContain('END OF TERMS AND CONDITIONS');
    expect(text.split('\n').length).toBeGreaterThan(190);
  });

  it('says where the project lives', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/hybridrt/hybridrt.git' });
    expect(pkg.homepage).toBe('https://github.com/hybridrt/hybridrt#readme');
    expect(pkg.bugs.url).toBe('https://github.com/hybridrt/hybridrt/issues');
    expect(pkg.keywords).toEqual(expect.arrayContaining(['onnx', 'onnxruntime', 'cuda', 'tensorrt']));
  });

  it('installs through scripts/build-native.mjs, and ships neither test/ nor .git (how the script tells a checkout)', () => {
    expect(pkg.scripts.install).toBe('node scripts/build-native.mjs');
    expect(pkg.files).toEqual(expect.arrayContaining(['scripts/build-native.mjs', 'scripts/platform.cjs']));
    expect(pkg.files.filter((f) => /^(test|\.git)(\/|$)/.test(f))).toEqual([]);
  });

  it('the README says how to install: prebuilt, from source, onnxruntime only', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('\n## Install\n'), readme.indexOf('\n## ', readme.indexOf('\n## Install\n') + 1));
    expect(install.length).toBeGreaterThan(500);
    for (const words of [
      REBUILD_COMMAND,
      'ONNXRUNTIME_NODE_INSTALL=skip',
      'cmake',
      'C++17',
      'every segment runs on onnxruntime',
      'node node_modules/hybridrt/scripts/build-native.mjs',
      '@hybridrt/linux-x64-gnu',
      'HYBRIDRT_BUILD_FROM_SOURCE=1',
      '--omit=optional',
    ]) {
      expect(install, words).toContain(words);
    }
  });
});
