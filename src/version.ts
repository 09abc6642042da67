/**
 * This package's root folder and version, read once from its package.json: src/ runs from
 * the root's src/ (tsx, vitest) or dist/src/ (compiled), so the root is found by walking up to
 * the package.json named hybridrt rather than by counting levels.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): { root: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'hybridrt') return { root: dir, version: json.version ?? '0.0.0' };
    }
    const up = path.dirname(dir);
    if (up === dir) return { root: dir, version: '0.0.0' };
    dir = up;
  }
}

const found = findRoot();

/** The package's root folder (where package.json is). */
export const PACKAGE_ROOT = found.root;
/** hybridrt's version (package.json). */
export const VERSION = found.version;
