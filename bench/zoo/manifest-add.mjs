// Real-model zoo: merge one fetched model into MODELS_DIR/manifest.json (used by fetch.sh).
// Usage: node bench/zoo/manifest-add.mjs MODELS_DIR NAME CATEGORY SOURCE "in:dtype:1x3x8x8 sr:int64: ..." "sr=16000 ..."
// (an input name may hold colons: the last two fields are the dtype and the dims)
// Promises: checks with onnxruntime-node that the given inputs are exactly the model's inputs,
// with the declared dtypes, ranks and fixed dimensions (exit 1 and a message if not), then
// writes the entry { file, inputs [{name, shape, dtype}], category, source, values? }.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const [dir, name, category, source, inputSpec, valueSpec = ''] = process.argv.slice(2);
const file = `${name}.onnx`;
const inputs = inputSpec
  .split(/\s+/)
  .filter(Boolean)
  .map((s) => {
    // name:dtype:DIMS read from the right: PyTorch's input names hold colons (onnx::Flatten_0).
    const parts = s.split(':');
    const dims = parts.pop();
    const dtype = parts.pop();
    return { name: parts.join(':'), shape: dims ? dims.split('x').map(Number) : [], dtype };
  });
const values = Object.fromEntries(
  valueSpec
    .split(/\s+/)
    .filter(Boolean)
    .map((s) => s.split('='))
    .map(([k, v]) => [k, Number(v)]),
);

const session = await ort.InferenceSession.create(join(dir, file));
const declared = session.inputMetadata;
const problems = [];
if (
  declared
    .map((d) => d.name)
    .sort()
    .join() !==
  inputs
    .map((i) => i.name)
    .sort()
    .join()
) {
  problems.push(`inputs are ${declared.map((d) => d.name).join(', ')}, the table gives ${inputs.map((i) => i.name).join(', ')}`);
}
for (const d of declared) {
  const i = inputs.find((x) => x.name === d.name);
  if (!i) continue;
  if (d.type !== i.dtype) problems.push(`${d.name}: dtype ${d.type}, the table gives ${i.dtype}`);
  if (d.shape.length !== i.shape.length || d.shape.some((s, k) => typeof s === 'number' && s !== i.shape[k])) {
    problems.push(`${d.name}: declared [${d.shape.join(',')}], the table gives [${i.shape.join(',')}]`);
  }
}
await session.release();
if (problems.length) {
  console.error(`${name}: ${problems.join('; ')}`);
  process.exit(1);
}
const path = join(dir, 'manifest.json');
const manifest = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
manifest[name] = { file, inputs, category, source, ...(Object.keys(values).length ? { values } : {}) };
writeFileSync(path, JSON.stringify(Object.fromEntries(Object.entries(manifest).sort()), null, 1));
console.log(`ok   ${name}: ${inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(',')}]`).join(', ')} (${source})`);
