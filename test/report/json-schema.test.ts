/**
 * The JSON report against the JSON Schema documented in docs/reports.md (the ```json block
 * there is read by this test, so the documentation cannot drift from the reports): the
 * fixture, a model with forced fallbacks and lowering notes, and one with symbolic inputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { renderReport, type ReportData } from '../../src/report/index.js';
import { fixtureReport } from './fixture.js';

const docs = fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'reports.md'), 'utf8');

function documentedSchema(): object {
  const blocks = [...docs.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
  const schema = blocks.map((b) => JSON.parse(b)).find((s) => s.title === 'hybridrt partition report');
  if (!schema) throw new Error('docs/reports.md has no ```json block with the report schema');
  return schema;
}

const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(documentedSchema());

function problems(d: unknown): string[] {
  return validate(d) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The report as a consumer sees it: parsed from the rendered JSON. */
const parsed = (d: ReportData) => JSON.parse(renderReport(d, 'json')) as unknown;

const examples = path.resolve(import.meta.dirname, '..', '..', 'examples');

describe('JSON report schema (docs/reports.md)', () => {
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

  it('a model with symbolic inputs validates (examples/transformer_block.onnx)', async () => {
    const a = await analyze(path.join(examples, 'transformer_block.onnx'), { probe: false });
    const d = parsed(a.report) as ReportData;
    expect(d.recommendations[0]!.kind).toBe('inputShapes');
    expect(d.summary.unknownBytesTransfers + d.summary.boundaryTransfers).toBeGreaterThan(0);
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
