#!/usr/bin/env node
// hybrid-serve: the model server's entry point (the implementation is src/serve/cli.ts, compiled to dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/serve/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('hybrid-serve: dist/ is missing; run `npm install` (or `npm run build:ts`) in the hybridrt folder first.');
  process.exit(2);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
