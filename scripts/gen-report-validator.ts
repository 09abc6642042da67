/**
 * Writes src/report/schema-validator.ts: REPORT_SCHEMA (src/report/schema.ts) compiled by Ajv
 * into plain code (Ajv's standalone mode), so that load() checks a saved model's report without
 * loading Ajv and compiling the schema in every process (about 0.2 s of a load that takes 0.3 s
 * on a fast machine). Run `npx tsx scripts/gen-report-validator.ts` after changing the schema;
 * test/report/schema-validator.test.ts fails while the committed file differs from what this
 * script writes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { REPORT_SCHEMA } from '../src/report/schema.js';

export const VALIDATOR_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'report', 'schema-validator.ts');

/** The options the schema is compiled with (strict: a schema mistake is an error here, not a silent pass). */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

const HEADER = `// Generated from REPORT_SCHEMA (src/report/schema.ts) by \`npx tsx scripts/gen-report-validator.ts\`
// (Ajv's standalone code, options ${JSON.stringify(AJV_OPTIONS)}); do not edit by hand.
// test/report/schema-validator.test.ts fails while this file differs from what the script writes.
// @ts-nocheck
`;

/** The validator module's text, formatted as the repository formats TypeScript. */
export async function renderValidator(): Promise<string> {
  const require = createRequire(import.meta.url);
  const { Ajv } = require('ajv') as typeof import('ajv');
  const standalone = (require('ajv/dist/standalone') as { default: (ajv: unknown, v: unknown) => string }).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const code = standalone(ajv, ajv.compile(REPORT_SCHEMA));
  // The module must stand alone: no Ajv runtime helpers to import.
  if (/require\(/.test(code)) throw new Error('the compiled schema needs Ajv runtime helpers; import them in the generated module');
  const config = (await prettier.resolveConfig(VALIDATOR_FILE)) ?? {};
  return prettier.format(HEADER + code, { ...config, filepath: VALIDATOR_FILE });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(VALIDATOR_FILE, await renderValidator());
  console.log(`wrote ${path.relative(process.cwd(), VALIDATOR_FILE)}`);
}
