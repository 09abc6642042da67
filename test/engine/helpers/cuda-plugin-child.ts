/**
 * Child of cuda-plugin.test.ts: loads the addon that HYBRIDRT_NATIVE names (a copy beside a
 * stand-in cuda plugin) and prints, as one JSON line, what it says of the cuda backend: the
 * backends it lists, deviceQuery('cuda'), and how building the small CNN for cuda ends.
 */
import { buildEngine, compiledBackends, deviceQuery } from '../../../src/engine/engine.js';
import { smallCnn } from './small-cnn.js';

const backends = compiledBackends();
const cuda = deviceQuery('cuda');
let build: { code?: string; message: string };
try {
  (await buildEngine(smallCnn(), { backend: 'cuda' })).dispose();
  build = { message: 'built' };
} catch (e) {
  build = { code: (e as { code?: string }).code, message: (e as Error).message };
}
console.log(JSON.stringify({ backends, cuda, build }));
