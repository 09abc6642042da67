/**
 * The JSON report against its JSON Schema (src/report/schema.ts; docs/reports.md shows it, and
 * its ```json block is read here and held equal, so the documentation cannot drift): the
 * fixture, a model with forced fallbacks and lowering notes, and one with symbolic inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { renderReport, type ReportData } from '../../src/report/index.js';
import { REPORT_SCHEMA } from '../../src/report/schema.js';
import { reportProblems } from '../../src/report/validate.js';
import { fixtureReport } from './fixture.js';

const docs = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'reports.md'), 'utf8');

function documentedSchema(): object {
  const blocks = [...docs.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
  const schema = blocks.map((b) => JSON.parse(b)).find((s) => s.title === 'hybridrt partition report');
  if (!schema) throw new Error('docs/reports.md has no ```json block with the report schema');
  return schema;
}

const problems = reportProblems;

/** The report as a consumer sees it: parsed from the rendered JSON. */
const parsed = (d: ReportData) => JSON.parse(renderReport(d, 'json')) as unknown;

const examples = path.resolve(import.meta.dirname, '..', '..', 'examples');

describe('JSON report schema (docs/reports.md)', () => {
  it('docs/reports.md shows the schema the code checks with (src/report/schema.ts)', () => {
    expect(documentedSchema()).toEqual(REPORT_SCHEMA);
  });

  it('refuses data that is not a report, naming what is wrong', () => {
    expect(problems({})).toContain("/ must have required property 'model'");
    const d = JSON.parse(renderReport(fixtureReport(), 'json')) as { model: { opsets: unknown } };
    d.model.opsets = 'ai.onnx';
    expect(problems(d)).toEqual(['/model/opsets must be object']);
  });

  it('the fixture report validates', () => {
    expect(problems(parsed(fixtureReport()))).toEqual([]);
  });

  it('a lowered model with forced fallbacks validates (examples/resnet_mini.onnx)', async () => {
    const a = await analyze(path.join(examples, 'resnet_mini.onnx'), {
      inputs: { input: [1, 3, 64, 64] },
      fallbackOps: ['Add'],
      fallbackNodes: ['nope'],
      probe: false,
    });
    const d = parsed(a.report) as ReportData;
    expect(d.lowering?.passes.length).toBeGreaterThan(0);
    expect(d.recommendations.length).toBeGreaterThan(0);
    expect(d.warnings).toEqual(["fallbackNodes: the model has no node named 'nope'"]);
    expect(problems(d)).toEqual([]);
  });

  it('a model compiled with shape ranges validates (examples/transformer_block.onnx)', async () => {
    const inputs = { hidden_states: { min: [1, 1, 64], opt: [2, 8, 64], max: [4, 32, 64] } };
    const a = await analyze(path.join(examples, 'transformer_block.onnx'), { probe: false, inputs });
    const d = parsed(a.report) as ReportData;
    expect(d.summary.engineNodes).toBe(d.summary.nodes);
    expect(problems(d)).toEqual([]);
  });

  it('is strict: unknown fields, wrong kinds and missing summary fields are rejected', () => {
    const d = parsed(fixtureReport()) as Record<string, any>;
    const broken = structuredClone(d);
    broken.segments[0].kind = 'gpu';
    delete broken.summary.coverage;
    broken.nodes[0].extra = 1;
    const found = problems(broken);
    expect(found).toContain('/segments/0/kind must be equal to one of the allowed values');
    expect(found).toContain("/summary must have required property 'coverage'");
    expect(found).toContain('/nodes/0 must NOT have additional properties');
  });
});
