/**
 * docs/operators.md is generated from the registry (STYLE.md point 10): this fails while the
 * committed file differs from what scripts/gen-operators.ts writes. Fix: run
 * `npx tsx scripts/gen-operators.ts` and commit the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../converters/index.js';
import { OPERATORS_DOC, renderOperatorsDoc } from '../../scripts/gen-operators.js';

describe('docs/operators.md', () => {
  it('matches the converter registry', () => {
    const committed = fs.existsSync(OPERATORS_DOC) ? fs.readFileSync(OPERATORS_DOC, 'utf8') : '(missing)';
    expect(committed, 'docs/operators.md is stale: run npx tsx scripts/gen-operators.ts').toBe(renderOperatorsDoc(builtinRegistry()));
  });

  it('says where every op lives, naming files that exist', () => {
    const doc = renderOperatorsDoc(builtinRegistry());
    const where = doc.slice(doc.indexOf('## Where each op lives'), doc.indexOf('## Where each layer kind lives'));
    const ops = new Set(
      builtinRegistry()
        .list()
        .map((c) => (c.domain ? `${c.domain}::${c.opType}` : c.opType)),
    );
    const rows = where.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Op') && !l.startsWith('| ---'));
    expect(rows.map((r) => r.split('|')[1]!.trim()).sort()).toEqual([...ops].sort());
    const files = [...where.matchAll(/`([\w./-]+\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThanOrEqual(2 * ops.size);
    expect(files.filter((f) => !fs.existsSync(path.join(import.meta.dirname, '..', '..', f)))).toEqual([]);
    expect(where).toContain('| Tile | `converters/tile.ts` | `src/ir/infer/reshape.ts` | shuffle, slice | `test/converters/tile.test.ts` |');
    expect(where).toContain('| Conv | `converters/conv.ts` | `src/ir/infer/conv.ts` | convolution |');
  });

  it('says where every layer kind lives: a shape rule and a kernel on each backend, in files that exist', () => {
    const doc = renderOperatorsDoc(builtinRegistry());
    const kinds = doc.slice(doc.indexOf('## Where each layer kind lives'));
    const rows = kinds.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Layer') && !l.startsWith('| ---'));
    const network = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'native', 'src', 'ir', 'network.h'), 'utf8');
    const declared = Number(/kNumLayerKinds = (\d+)/.exec(network)![1]);
    expect(rows).toHaveLength(declared - 1); // every kind but constant
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      // The shape rule lives in the kind's home (issue 12, point 2), not in a file of rules.
      expect(cells[2], row).toMatch(/^`native\/layers\/\w+\.cc`$/);
      expect(
        cells.slice(3, 5).every((c) => /^`native\/[\w/]+\.(cc|cu)`(, `native\/[\w/]+\.(cc|cu)`)*$/.test(c)),
        row,
      ).toBe(true);
      // Its suites that run on both backends (issue 12, point 5; test/repo/layer-suites.test.ts).
      expect(cells[5], row).toMatch(/^`test\/engine\/[\w-]+\.test\.ts`(, `test\/engine\/[\w-]+\.test\.ts`)*$/);
    }
    // Every kernel a backend may make for a kind: matmul's float kernels and its int8 forms (the
    // cuda int8 matmul runs as a 1x1 convolution), which the first factory of a case alone missed.
    expect(kinds).toContain(
      '| matmul | `native/layers/matmul.cc` | `native/cpu/matmul.cc`, `native/cpu/quant_matmul.cc` | `native/cuda/matmul_cublaslt.cc`, `native/cuda/quant_conv.cu` |',
    );
    expect(kinds).toContain('| convolution | `native/layers/convolution.cc` | `native/cpu/conv.cc`, `native/cpu/quant_conv.cc` |');
    const files = [...kinds.matchAll(/`((?:native|test)\/[\w./-]+)`/g)].map((m) => m[1]!);
    expect(files.filter((f) => !fs.existsSync(path.join(import.meta.dirname, '..', '..', f)))).toEqual([]);
    expect(kinds).toContain(
      '| attention | `native/layers/attention.cc` | `native/cpu/attention.cc` | `native/cuda/attention.cu` | `test/engine/attention-layer.test.ts` |',
    );
  });

  it('has one row per converter form, with its opset range', () => {
    const full = renderOperatorsDoc(builtinRegistry());
    const doc = full.slice(0, full.indexOf('## Where each op lives'));
    expect(doc.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Op') && !l.startsWith('| ---'))).toHaveLength(
      builtinRegistry().list().length,
    );
    expect(doc).toContain('| Softmax | ai.onnx | 1–12 |');
    expect(doc).toContain('| Softmax | ai.onnx | 13+ |');
    expect(doc).toContain('| Resize | ai.onnx | 10 |');
  });
});
