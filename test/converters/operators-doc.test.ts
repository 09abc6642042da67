/**
 * docs/operators.md is generated from the registry (STYLE.md point 10): this fails while the
 * committed file differs from what scripts/gen-operators.ts writes. Fix: run
 * `npx tsx scripts/gen-operators.ts` and commit the result.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../converters/index.js';
import { OPERATORS_DOC, renderOperatorsDoc } from '../../scripts/gen-operators.js';

describe('docs/operators.md', () => {
  it('matches the converter registry', () => {
    const committed = fs.existsSync(OPERATORS_DOC) ? fs.readFileSync(OPERATORS_DOC, 'utf8') : '(missing)';
    expect(committed, 'docs/operators.md is stale: run npx tsx scripts/gen-operators.ts').toBe(renderOperatorsDoc(builtinRegistry()));
  });

  it('has one row per converter form, with its opset range', () => {
    const doc = renderOperatorsDoc(builtinRegistry());
    expect(doc.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Op') && !l.startsWith('| ---'))).toHaveLength(
      builtinRegistry().list().length,
    );
    expect(doc).toContain('| Softmax | ai.onnx | 1–12 |');
    expect(doc).toContain('| Softmax | ai.onnx | 13+ |');
    expect(doc).toContain('| Resize | ai.onnx | 10 |');
  });
});
