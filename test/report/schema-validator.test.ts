/**
 * src/report/schema-validator.ts is REPORT_SCHEMA compiled ahead of time: it must be what
 * scripts/gen-report-validator.ts writes from today's schema (fix: run `npx tsx
 * scripts/gen-report-validator.ts` and commit the result), and it must judge as Ajv compiling
 * the schema at run time judges, on a valid report and on broken ones.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS, VALIDATOR_FILE, renderValidator } from '../../scripts/gen-report-validator.js';
import { REPORT_SCHEMA } from '../../src/report/schema.js';
import { reportProblems } from '../../src/report/validate.js';
import { renderReport } from '../../src/report/index.js';
import { fixtureReport } from './fixture.js';

describe('the compiled report schema', () => {
  it('is what the generator writes from the schema', async () => {
    expect(fs.readFileSync(VALIDATOR_FILE, 'utf8')).toBe(await renderValidator());
  });

  it('judges reports as Ajv compiling the schema here does', () => {
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    const live = new Ajv(AJV_OPTIONS).compile(REPORT_SCHEMA);
    const liveProblems = (d: unknown) => (live(d) ? [] : (live.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
    const good = JSON.parse(renderReport(fixtureReport(), 'json'));
    const broken = [
      {},
      { ...good, schemaVersion: 'x' },
      { ...good, extra: 1 },
      { ...good, nodes: [{ ...good.nodes[0], segment: 'one' }] },
      { ...good, summary: { ...good.summary, nodes: -1 } },
    ];
    expect(reportProblems(good)).toEqual([]);
    for (const d of [good, ...broken]) expect(reportProblems(d)).toEqual(liveProblems(d));
    for (const d of broken) expect(reportProblems(d).length).toBeGreaterThan(0);
  });
});
