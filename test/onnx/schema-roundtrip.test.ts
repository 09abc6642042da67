/**
 * The protobuf schema (schema.ts) knows every field the conformance data uses: each .onnx file
 * decodes and re-encodes to the same bytes, and so does each input/output .pb file that is a
 * TensorProto. A field missing from the schema would be dropped and change the bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { GraphProto } from '../../src/onnx/proto.js';
import { ModelProtoType, TensorProtoType } from '../../src/onnx/schema.js';
import { CONFORMANCE_MISSING, allConformanceModels, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';

const root = conformanceDir();

/**
 * The .pb files that hold a TensorProto: light_* outputs, and input_i/output_i files whose
 * model input/output i is declared a tensor (the rest are sequences, optionals or maps).
 */
function tensorPbFiles(root: string): string[] {
  const out = fs
    .readdirSync(path.join(root, 'light'))
    .filter((f) => f.endsWith('.pb'))
    .map((f) => path.join(root, 'light', f));
  for (const model of allConformanceModels(root)) {
    const dir = path.dirname(model);
    if (path.basename(model) !== 'model.onnx') continue;
    const g = (ModelProtoType.decode(fs.readFileSync(model)) as unknown as { graph: GraphProto }).graph;
    const inits = new Set(g.initializer.map((t) => t.name));
    const ins = g.input.filter((i) => !inits.has(i.name));
    for (const set of fs.readdirSync(dir).filter((d) => d.startsWith('test_data_set_'))) {
      for (const f of fs.readdirSync(path.join(dir, set))) {
        const m = /^(input|output)_(\d+)\.pb$/.exec(f);
        const info = m && (m[1] === 'input' ? ins : g.output)[Number(m[2])];
        if (info?.type?.tensorType) out.push(path.join(dir, set, f));
      }
    }
  }
  return out;
}

describeIf(!!root, 'schema round trip over the conformance data', CONFORMANCE_MISSING, () => {
  it('every .onnx file re-encodes byte for byte', () => {
    const models = allConformanceModels(root);
    const differ = models.filter((f) => {
      const bytes = fs.readFileSync(f);
      return !Buffer.from(ModelProtoType.encode(ModelProtoType.decode(bytes)).finish()).equals(bytes);
    });
    expect(differ).toEqual([]);
    expect(models.length).toBeGreaterThan(1000);
  });

  it('every TensorProto .pb file re-encodes byte for byte', () => {
    const files = tensorPbFiles(root!);
    const differ = files.filter((f) => {
      const bytes = fs.readFileSync(f);
      return !Buffer.from(TensorProtoType.encode(TensorProtoType.decode(bytes)).finish()).equals(bytes);
    });
    expect(differ).toEqual([]);
    expect(files.length).toBeGreaterThan(5000);
  });

  it('a field unknown to the schema would be caught: a TensorProto with an extra field 99 does not re-encode the same', () => {
    const bytes = Buffer.from(TensorProtoType.encode(TensorProtoType.fromObject({ dims: [1], dataType: 1, floatData: [1] })).finish());
    const withUnknown = Buffer.concat([bytes, Buffer.from([0x98, 0x06, 0x01])]); // field 99, varint 1
    expect(Buffer.from(TensorProtoType.encode(TensorProtoType.decode(withUnknown)).finish()).equals(withUnknown)).toBe(false);
  });
});
