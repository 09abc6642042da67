/**
 * Writes the example models (examples/*.onnx) from fixed seeds: running it again gives
 * byte-identical files, which test/examples checks. Run: `npx tsx examples/make-examples.ts`
 * (optionally with an output folder as the argument).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildModel } from '../src/ir/model-builder.js';
import { encodeModel } from '../src/onnx/model.js';
import { mulberry32 } from '../src/util/random.js';
import { resnetMiniSpec } from './resnet-mini.js';
import { transformerBlockSpec } from './transformer-block.js';

/** Example file name -> its spec, each model with its own seed so that one can change alone. */
export const EXAMPLES = {
  'resnet_mini.onnx': () => resnetMiniSpec(mulberry32(1)),
  'transformer_block.onnx': () => transformerBlockSpec(mulberry32(2)),
} as const;

/** Writes every example into `dir`; returns the paths written. */
export function writeExamples(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(EXAMPLES).map(([file, spec]) => {
    const model = buildModel(spec());
    model.producerName = 'hybridrt examples/make-examples.ts';
    const out = path.join(dir, file);
    fs.writeFileSync(out, encodeModel(model));
    return out;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = process.argv[2] ?? path.dirname(fileURLToPath(import.meta.url));
  for (const file of writeExamples(dir)) {
    console.log(`${path.relative(process.cwd(), file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
  }
}
