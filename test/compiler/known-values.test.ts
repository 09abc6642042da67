// Values that shape inference fixes without a constant holding them reach the converters at
// build time, as they reached validate at partition time: a node accepted because inference
// pinned one of its inputs is built into its engine, not demoted to onnxruntime with a warning.
//
// The pinned value needs probing, since lowering folds every value inference knows up front:
// NonZero of a strictly positive tensor has the same shape for any input, which only a probe
// can tell, so `s` (its column count) is known after the probe and still computed by a node.
//
//   X ─ Abs ─ Add(1) ─ NonZero ─┬─ Cast ─────────── c
//   │   [ engine  ]    [fallback│  ]   [engine: Cast, Reshape, Relu]
//   │                           └─ Shape(start=1) ─ s ─┐
//   └──────────────────────────────────────────── Reshape ─ Relu ─ y
import { afterAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, sine } from '../runtime/helpers.js';

const model = encodeModel(
  buildModel({
    opset: 17,
    inputs: [{ name: 'X', dtype: 'float32', shape: [2, 3, 4] }],
    outputs: [
      { name: 'y', dtype: 'float32' },
      { name: 'c', dtype: 'float32' },
    ],
    initializers: { one: { dtype: 'float32', dims: [], data: new Float32Array([1]) } },
    nodes: [
      { op: 'Abs', inputs: ['X'], outputs: ['p'] },
      { op: 'Add', inputs: ['p', 'one'], outputs: ['q'] },
      { op: 'NonZero', inputs: ['q'], outputs: ['nz'] },
      { op: 'Cast', inputs: ['nz'], outputs: ['c'], attrs: { to: 1 } },
      { op: 'Shape', inputs: ['nz'], outputs: ['s'], attrs: { start: 1 } },
      { op: 'Reshape', inputs: ['X', 's'], outputs: ['r'], name: 'reshape' },
      { op: 'Relu', inputs: ['r'], outputs: ['y'] },
    ],
  }),
);

const opened: CompiledModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

describeIf(HAS_NATIVE, 'values fixed by inference at build time', NATIVE_MISSING, () => {
  it('build a node that partitioning accepted on an inferred value into its engine', async () => {
    const warnings: string[] = [];
    const m = await compile(model, { backend: 'cpu', minBlockSize: 1, threads: 1, onLog: (msg, level) => level === 'warn' && warnings.push(msg) });
    opened.push(m);
    expect(warnings).toEqual([]);
    expect(m.report.data.warnings).toEqual([]);
    const reshape = m.report.data.nodes.find((n) => n.name === 'reshape')!;
    const built = new Set(m.report.engines.map((e) => e.segment));
    expect(built.has(reshape.segment), 'the segment holding the Reshape has an engine').toBe(true);
    expect(m.report.engines.length).toBe(m.report.data.summary.engineSegments);

    const x = sine([2, 3, 4], 0.3);
    const { outputs, stats } = await m.runWithStats({ X: x });
    expect(stats.segments.find((s) => s.id === reshape.segment)?.kind).toBe('engine');
    const want = await ortRun(model, { X: x });
    for (const name of ['y', 'c']) {
      expect(outputs[name]!.dims).toEqual(want[name]!.dims);
      expect(Array.from(outputs[name]!.data as Float32Array)).toEqual(Array.from(want[name]!.data as Float32Array));
    }
  });

  // The Reshape above would reach an engine without the value too (a computed target is read at
  // run time); Tile's repeats must be a constant, so this one holds the converters to the values
  // inference fixed after the probe (graph.inferredValues), at partition and at build time:
  //   X ─ Abs ─ Add(1) ─ NonZero ─ Shape(start=1) ─ Concat([1,1], ·) ─ r ─┐
  //   └──────────────────────────────────────────────────────────── Tile ─ Relu ─ y
  it('builds a node whose constant operand only the probe fixes (Tile repeats from a NonZero count)', async () => {
    const tiled = encodeModel(
      buildModel({
        opset: 17,
        inputs: [{ name: 'X', dtype: 'float32', shape: [2, 3, 4] }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        initializers: {
          one: { dtype: 'float32', dims: [], data: new Float32Array([1]) },
          lead: { dtype: 'int64', dims: [2], data: new BigInt64Array([1n, 1n]) },
        },
        nodes: [
          { op: 'Abs', inputs: ['X'], outputs: ['p'] },
          { op: 'Add', inputs: ['p', 'one'], outputs: ['q'] },
          { op: 'NonZero', inputs: ['q'], outputs: ['nz'] },
          { op: 'Shape', inputs: ['nz'], outputs: ['s'], attrs: { start: 1 } },
          { op: 'Concat', inputs: ['lead', 's'], outputs: ['r'], attrs: { axis: 0 } },
          { op: 'Tile', inputs: ['X', 'r'], outputs: ['t'], name: 'tile' },
          { op: 'Relu', inputs: ['t'], outputs: ['y'] },
        ],
      }),
    );
    const warnings: string[] = [];
    const m = await compile(tiled, { backend: 'cpu', minBlockSize: 1, threads: 1, onLog: (msg, level) => level === 'warn' && warnings.push(msg) });
    opened.push(m);
    expect(warnings).toEqual([]);
    const tile = m.report.data.nodes.find((n) => n.name === 'tile')!;
    expect(tile, `Tile: ${tile.reason}`).toMatchObject({ supported: true });
    const x = sine([2, 3, 4], 0.7);
    const { outputs, stats } = await m.runWithStats({ X: x });
    expect(stats.segments.find((s) => s.id === tile.segment)?.kind).toBe('engine');
    const want = await ortRun(tiled, { X: x });
    expect(outputs.y!.dims).toEqual([2, 3, 96]);
    expect(Array.from(outputs.y!.data as Float32Array)).toEqual(Array.from(want.y!.data as Float32Array));
  });
});
