/**
 * An op without a converter and a custom-domain op both fall back, with their reasons in the
 * text and JSON reports; a user converter registered through the public API makes the custom
 * op engine-supported. The docs/reports.md "Custom ops" example is run as written (its
 * `from 'hybridrt'` pointed at this checkout), and the compiled model with that converter
 * runs on the cpu backend and matches onnxruntime on the same computation in standard ops;
 * saved, it loads with the converter given to load() and is refused without it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../converters/index.js';
import { swishConverter } from '../helpers/swish-converter.js';
import { analyze } from '../../src/compiler/analyze.js';
import { load } from '../../src/artifact/load.js';
import { compile } from '../../src/compiler/compile.js';
import { buildGraph, type NodeSpec } from '../../src/ir/model-builder.js';
import { encodeModel, saveModelProto } from '../../src/onnx/model.js';
import { renderReport } from '../../src/report/index.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-custom-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const chain = (names: string[], ops: string[], first: string): NodeSpec[] =>
  names.map((n, i) => ({ name: n, op: ops[i]!, inputs: [i ? names[i - 1]! : first], outputs: [n] }));

/**
 *   x -> a(Relu) -> b(Tanh) -> c(Sigmoid) -> [middle] -> d(Relu) -> e(Tanh) -> f(Sigmoid) -> y
 * `middle` is one node or a chain; `swish` adds com.example::Swish (its output type declared in
 * value_info, as an exporter writes it: no inference knows a custom op).
 */
function model(middle: NodeSpec[], shape: number[]) {
  const last = middle[middle.length - 1]!.outputs[0]!;
  const g = buildGraph({
    opsets: { 'com.example': 1 },
    inputs: [{ name: 'x', shape }],
    outputs: [{ name: 'f', dtype: 'float32', shape }],
    nodes: [...chain(['a', 'b', 'c'], ['Relu', 'Tanh', 'Sigmoid'], 'x'), ...middle, ...chain(['d', 'e', 'f'], ['Relu', 'Tanh', 'Sigmoid'], last)],
  });
  for (const n of middle) g.types.set(n.outputs[0]!, { dtype: 'float32', shape });
  return g.toModel();
}
const swish = (input: string): NodeSpec => ({ name: 'sw', op: 'Swish', domain: 'com.example', inputs: [input], outputs: ['sw'] });

describe('unsupported ops fall back with their reasons', () => {
  // A standard unary op with no built-in converter (the list grows; take the first still missing).
  const missingOp = ['Hardmax', 'Softsign', 'Round', 'Sign'].find((op) => !builtinRegistry().lookup(op, '', 17));

  it(`an op without a converter (${missingOp}) and a custom-domain op (com.example::Swish)`, async () => {
    expect(missingOp, 'every candidate op now has a converter: pick another').toBeDefined();
    //   x -> a b c -> m(missing op, X) -> g(Relu) h(Tanh) i(Sigmoid) -> sw(Swish, X) -> d e f
    const m = model(
      [{ name: 'm', op: missingOp!, inputs: ['c'], outputs: ['m'] }, ...chain(['g', 'h', 'i'], ['Relu', 'Tanh', 'Sigmoid'], 'm'), swish('i')],
      [1, 4, 8, 8],
    );
    const { report } = await analyze(encodeModel(m), { registry: builtinRegistry(), label: 'custom.onnx' });
    expect(report.segments.map((s) => `${s.kind[0]}:${s.nodes.join(',')}`)).toEqual(['e:a,b,c', 'f:m', 'e:g,h,i', 'f:sw', 'e:d,e,f']);
    const missingReason = `no converter for '${missingOp}' (opset 17)`;
    const swishReason =
      "no converter for custom op 'com.example::Swish' (opset 1); add one with registerConverter({ opType: 'Swish', domain: 'com.example', sinceVersion: 1, validate, convert })";
    const text = renderReport(report, 'text', { color: false });
    expect(text).toContain(`${missingOp} x1\n    ${missingReason}\n      nodes: m`);
    expect(text).toContain(`com.example::Swish x1\n    ${swishReason}\n      nodes: sw`);
    const json = JSON.parse(renderReport(report, 'json'));
    expect(json.nodes.find((n: { name: string }) => n.name === 'm')).toMatchObject({ supported: false, segment: 1, reason: missingReason });
    expect(json.nodes.find((n: { name: string }) => n.name === 'sw')).toMatchObject({
      supported: false,
      segment: 3,
      domain: 'com.example',
      reason: swishReason,
    });
    // Both missing converters are recommended, each merging two engines.
    expect(
      json.recommendations
        .filter((r: { kind: string }) => r.kind === 'converter')
        .map((r: { opType: string; merges: number[][] }) => [r.opType, r.merges]),
    ).toEqual([
      [missingOp, [[0, 2]]],
      ['Swish', [[2, 4]]],
    ]);
  });
});

describe('a user converter makes the custom op engine-supported', () => {
  const shape = [1, 8, 16];
  const file = path.join(dir, 'swish.onnx');
  saveModelProto(model([swish('c')], shape), file);

  it('the docs/reports.md example, run as written', () => {
    const docs = fs.readFileSync(path.join(repo, 'docs', 'reports.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Custom ops'));
    const code = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(code).toContain('registerConverter({');
    const script = path.join(dir, 'example.mts');
    fs.writeFileSync(script, code!.replace("from 'hybridrt'", `from ${JSON.stringify(path.join(repo, 'src', 'index.ts'))}`));
    const out = execFileSync(path.join(repo, 'node_modules', '.bin', 'tsx'), [script], { cwd: dir, encoding: 'utf8' });
    expect(out).toContain('Swish runs in segment #0 (engine)');
    expect(out).toContain('Coverage: 7/7 nodes on engines (100.0%)');
  }, 60_000);

  itIf(
    HAS_NATIVE,
    'compiled with it, the model runs on one cpu engine and matches onnxruntime',
    NATIVE_MISSING,
    async () => {
      const compiled = await compile(file, { registry: [swishConverter], backend: 'cpu', threads: 1 });
      try {
        expect(compiled.report.data.segments.map((s) => s.kind)).toEqual(['engine']);
        const rand = mulberry32(7);
        const x = Float32Array.from({ length: 128 }, () => rand() * 8 - 4);
        const got = (await compiled.run({ x: new ort.Tensor('float32', x, shape) })).f!.data as Float32Array;
        // The same computation in standard ops (Swish = Mul(x, Sigmoid(x))) on onnxruntime.
        const reference = model(
          [
            { name: 'sg', op: 'Sigmoid', inputs: ['c'], outputs: ['sg'] },
            { name: 'sw', op: 'Mul', inputs: ['c', 'sg'], outputs: ['sw'] },
          ],
          shape,
        );
        const session = await ort.InferenceSession.create(encodeModel(reference));
        const want = (await session.run({ x: new ort.Tensor('float32', x, shape) })).f!.data as Float32Array;
        await session.release();
        // Different exp/tanh implementations: agree to float32 rounding over seven ops.
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!)));
        // Saved, it loads where the converter is known (given as load()'s registry) and
        // computes the same; where it is not, load() names it.
        const saved = path.join(dir, 'swish.hybrid');
        await compiled.save(saved);
        await expect(load(saved)).rejects.toMatchObject({
          code: 'CONVERTER',
          message: expect.stringContaining('compiled with converters not registered here: com.example::Swish (since 1)'),
        });
        const loaded = await load(saved, { registry: [swishConverter] });
        try {
          const again = (await loaded.run({ x: new ort.Tensor('float32', x, shape) })).f!.data as Float32Array;
          expect(Array.from(again)).toEqual(Array.from(got));
        } finally {
          await loaded.dispose();
        }
      } finally {
        await compiled.dispose();
      }
    },
    60_000,
  );
});
