/**
 * analyze(): the dry run's pipeline on small models built inline: options reach the
 * partitioner, user mistakes get errors or warnings that say what happened.
 */
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../converters/index.js';
import { analyze } from '../../src/compiler/analyze.js';
import { HybridError } from '../../src/errors.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';

//   x -> id(Identity) -> a(Relu) -> b(Tanh) -> c(Sigmoid) -> sw(com.example::Swish) -> d(Relu) -> y
// (Swish's output type is declared, as exporters do for custom ops.)
function bytes(shape: Array<number | string> = [2, 8]) {
  const g = buildGraph({
    opsets: { 'com.example': 1 },
    inputs: [{ name: 'x', shape }],
    outputs: [{ name: 'd', dtype: 'float32', shape }],
    nodes: [
      { name: 'id', op: 'Identity', inputs: ['x'], outputs: ['i'] },
      { name: 'a', op: 'Relu', inputs: ['i'], outputs: ['a'] },
      { name: 'b', op: 'Tanh', inputs: ['a'], outputs: ['b'] },
      { name: 'c', op: 'Sigmoid', inputs: ['b'], outputs: ['c'] },
      { name: 'sw', op: 'Swish', domain: 'com.example', inputs: ['c'], outputs: ['sw'] },
      { name: 'd', op: 'Relu', inputs: ['sw'], outputs: ['d'] },
    ],
  });
  g.types.set('sw', { dtype: 'float32', shape });
  return encodeModel(g.toModel());
}

async function error(p: Promise<unknown>): Promise<HybridError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HybridError) return e;
    throw e;
  }
  throw new Error('expected a HybridError');
}

describe('analyze', () => {
  it('lowers, partitions and reports (Identity removed; the custom op falls back)', async () => {
    const a = await analyze(bytes(), { registry: builtinRegistry(), minBlockSize: 1, label: 'm.onnx' });
    expect(a.graph.nodes.map((n) => n.name)).toEqual(['a', 'b', 'c', 'sw', 'd']);
    expect(a.report.model.file).toBe('m.onnx');
    expect(a.report.lowering).toMatchObject({ nodesBefore: 6, nodesAfter: 5 });
    expect(a.report.segments.map((s) => `${s.kind}:${s.nodes.join(',')}`)).toEqual(['engine:a,b,c', 'fallback:sw', 'engine:d']);
  });

  it('requireFullCompilation is an UNSUPPORTED_OP error naming the model, the node and the reason', async () => {
    const e = await error(analyze(bytes(), { registry: builtinRegistry(), requireFullCompilation: true, label: 'm.onnx' }));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toMatch(
      /^m\.onnx: requireFullCompilation: 1 node cannot run on an engine: 'sw' \(com\.example::Swish\): no converter for custom op 'com\.example::Swish'/,
    );
  });

  it('a fallbackNodes name lowering removed, and one the model never had, are told apart', async () => {
    const a = await analyze(bytes(), { registry: builtinRegistry(), fallbackNodes: ['id', 'typo', 'b'], fallbackOps: ['Conv', 'Identity'] });
    expect(a.warnings).toEqual([
      "fallbackNodes: node 'id' was removed or merged by lowering; force a node of the lowered graph instead (see the JSON report's nodes)",
      "fallbackNodes: the model has no node named 'typo'",
      "fallbackOps: the model has no 'Conv' node (op types are case-sensitive; another domain's op is 'domain::Op')",
      "fallbackOps: every 'Identity' node was removed or merged by lowering; nothing is forced",
    ]);
    expect(a.report.nodes.find((n) => n.name === 'b')).toMatchObject({ forced: 'fallbackNodes', supported: false });
  });

  it('an input name the model lacks is an INPUT error listing its inputs', async () => {
    const e = await error(analyze(bytes(), { inputs: { y: [1, 8] }, label: 'm.onnx' }));
    expect(e.code).toBe('INPUT');
    expect(e.message).toBe("m.onnx: inputs: the model has no input 'y' (its inputs: x)");
  });

  it('symbolic inputs nobody sizes are 1, with a warning naming the dims and the flags; given shapes lift it', async () => {
    const sym = await analyze(bytes(['N', 8]), { registry: builtinRegistry(), minBlockSize: 1, label: 'm.onnx' });
    expect(sym.warnings[0]).toMatch(/^input 'x' \[N,8\]: 'N' has no size or range, so \[1,8\] is compiled; .*--shapes x:1x8/);
    expect(sym.report.model.inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: [1, 8], bytes: 32 });
    expect(sym.report.summary.engineNodes).toBe(4);

    const fixed = await analyze(bytes(['N', 8]), { registry: builtinRegistry(), minBlockSize: 1, inputs: { x: [4, 8] } });
    expect(fixed.warnings).toEqual([]);
    expect(fixed.report.summary.engineNodes).toBe(4);
    expect(fixed.report.model.inputs[0]).toEqual({ name: 'x', dtype: 'float32', shape: [4, 8], bytes: 128 });
  });

  it('bad options are OPTION errors before any work', async () => {
    // The partitioner checks nothing again: its options are checked once, by compile()'s resolveOptions.
    for (const minBlockSize of [-2, 1.5]) {
      expect(await error(analyze(bytes(), { minBlockSize }))).toMatchObject({
        code: 'OPTION',
        message: `minBlockSize must be an integer from 0 to 2000000, got ${minBlockSize}`,
      });
    }
    expect((await error(analyze(bytes(), { fallbackOps: [''] }))).code).toBe('OPTION');
  });

  it('takes probeFeeds as a record of tensors, as compile() does, or as a Map', async () => {
    //   x[8,8] -> inverse(com.microsoft::Inverse: no inference rule, shape probed) -> relu(Relu) -> y
    const model = encodeModel(
      buildGraph({
        opsets: { 'com.microsoft': 1 },
        inputs: [{ name: 'x', shape: [8, 8] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        nodes: [
          { name: 'inverse', op: 'Inverse', domain: 'com.microsoft', inputs: ['x'], outputs: ['g'] },
          { name: 'relu', op: 'Relu', inputs: ['g'], outputs: ['y'] },
        ],
      }).toModel(),
    );
    // A well-conditioned matrix: 2 on the diagonal, small values elsewhere.
    const x = { dtype: 'float32' as const, dims: [8, 8], data: Float32Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 2 : (i % 7) / 20 - 0.15)) };
    for (const probeFeeds of [{ x }, new Map([['x', x]])]) {
      const { report, warnings } = await analyze(model, { probeFeeds, minBlockSize: 1, threads: 1 });
      expect(warnings).toEqual([]);
      // The probe gave Relu's input a shape, so Relu can go to an engine.
      expect(report.nodes.map((n) => [n.name, n.supported])).toEqual([
        ['inverse', false],
        ['relu', true],
      ]);
    }
  });
});
