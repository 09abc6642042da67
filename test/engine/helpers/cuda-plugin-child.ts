/**
 * Child of cuda-plugin.test.ts: loads the addon that HYBRIDRT_NATIVE names (a copy beside a
 * stand-in cuda plugin) and prints, as one JSON line, what it says of the cuda backend: the
 * backends it lists, deviceQuery('cuda'), how building the small CNN for cuda ends, and what
 * compile()'s backend choice makes of it ('auto': the backend and its log line; 'cuda': the
 * error, if any), and the engine cache's code fingerprint.
 */
import { codeFingerprint } from '../../../src/artifact/cache.js';
import { chooseBackend } from '../../../src/compiler/backend.js';
import { buildEngine, compiledBackends, deviceQuery } from '../../../src/engine/engine.js';
import { smallCnn } from './small-cnn.js';

const failure = (e: unknown) => ({ code: (e as { code?: string }).code, message: (e as Error).message });

const backends = compiledBackends();
const cuda = deviceQuery('cuda');
let build: { code?: string; message: string };
try {
  (await buildEngine(smallCnn(), { backend: 'cuda' })).dispose();
  build = { message: 'built' };
} catch (e) {
  build = failure(e);
}
const autoLog: string[] = [];
const auto = chooseBackend('auto', (m) => autoLog.push(m));
let asked: { code?: string; message: string };
try {
  asked = { message: chooseBackend('cuda', () => {}) };
} catch (e) {
  asked = failure(e);
}
console.log(JSON.stringify({ backends, cuda, build, auto, autoLog, asked, fingerprint: codeFingerprint() }));
