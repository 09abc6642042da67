#!/usr/bin/env node
// hybrid-run: the command-line entry point (the implementation is src/cli/main.ts, compiled to dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// `hybrid-run ... | head` closes stdout early: stop quietly instead of dying on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('hybrid-run: dist/ is missing; run `npm install` (or `npm run build:ts`) in the hybridrt folder first.');
  process.exit(2);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
