#!/usr/bin/env node
// Builds the native addon with cmake-js (Node-API only: headers come from node-api-headers,
// nothing is downloaded). Run by `npm install` and `npm run build:native`.
// Output: build/Release/hybridrt.node. Set HYBRIDRT_WITH_CUDA=OFF to force a cpu-only build,
// HYBRIDRT_CUDA_ARCHS=90 to build for one GPU architecture only (faster development builds).
// HYBRIDRT_SANITIZE=ON builds with AddressSanitizer and UndefinedBehaviorSanitizer into
// build-sanitize/ instead (scripts/test-sanitizers.sh), leaving the normal addon alone.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cmakeJs = require.resolve('cmake-js/bin/cmake-js');

const sanitize = process.env.HYBRIDRT_SANITIZE === 'ON';
const args = [cmakeJs, 'compile', '--directory', root, '--out', path.join(root, sanitize ? 'build-sanitize' : 'build')];
if (process.env.HYBRIDRT_WITH_CUDA) args.push(`--CDHYBRIDRT_WITH_CUDA=${process.env.HYBRIDRT_WITH_CUDA}`);
if (sanitize) args.push('--CDHYBRIDRT_SANITIZE=ON', '--CDHYBRIDRT_WITH_CUDA=OFF');
if (process.env.HYBRIDRT_DEBUG) args.push('--debug');
const parallel = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? String(Math.max(2, (await import('node:os')).availableParallelism()));
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: parallel },
});
if (result.status !== 0) {
  console.error('hybridrt: building the native addon failed (see the output above).');
  process.exit(result.status ?? 1);
}
