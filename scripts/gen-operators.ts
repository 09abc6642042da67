/**
 * Writes docs/operators.md, the table of ONNX ops engines support, from the converter
 * registry: op, domain, the opset range each converter form covers, and what its validate
 * rejects. Run `npx tsx scripts/gen-operators.ts` after changing a converter; a unit test
 * fails while the committed file differs from what this script writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRegistry } from '../converters/index.js';
import type { ConverterRegistry } from '../converters/registry.js';

export const OPERATORS_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'operators.md');

const HEADER = `# Supported ONNX operators

Generated from the converter registry (\`converters/all.ts\`) by \`npx tsx scripts/gen-operators.ts\`;
do not edit by hand.

A node runs in an engine when its op has a converter for the model's opset and that
converter's \`validate\` accepts it. Every converter also requires what engines need of all
tensors: a known element type among float32, float16, bfloat16, int32, int64, int8, uint8
and bool, and a static shape (give symbolic sizes with \`--shape\` or \`inputs\`). Parameters
that ONNX passes as inputs (shapes, axes, pads, scales...) must be constants after lowering.
Anything else falls back to onnxruntime, with the reason shown in the partition report.

Opsets: the converter form that applies to models whose opset for the domain is in the range.

| Op | Domain | Opsets | Notes |
| --- | --- | --- | --- |
`;

export function renderOperatorsDoc(registry: ConverterRegistry): string {
  const list = registry.list();
  const rows = list.map((c, i) => {
    const next = list.slice(i + 1).find((o) => o.opType === c.opType && o.domain === c.domain);
    const range = next
      ? next.sinceVersion - 1 === c.sinceVersion
        ? `${c.sinceVersion}`
        : `${c.sinceVersion}–${next.sinceVersion - 1}`
      : `${c.sinceVersion}+`;
    const notes = (c.notes ?? '').replace(/\|/g, '\\|');
    return `| ${c.opType} | ${c.domain || 'ai.onnx'} | ${range} | ${notes} |`;
  });
  return `${HEADER}${rows.join('\n')}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(OPERATORS_DOC, renderOperatorsDoc(builtinRegistry()));
  console.log(`wrote ${path.relative(process.cwd(), OPERATORS_DOC)}`);
}
