// Shape probing runs onnxruntime on parts of the model with intermediate values as outputs;
// two conformance models used to take the whole process down there (not an error: a crash):
// - test_affine_grid_3d_align_corners_expanded: onnxruntime 1.30's 'extended' graph fusions
//   crash on a Transpose -> CastLike whose output is a graph output (probes use 'basic');
// - test_cast_FLOAT16_to_INT4: onnxruntime-node aborts (out of memory) returning an int4
//   tensor to JavaScript (probes leave values of such element types unprobed).
// Each compiles here without requireFullCompilation (their nodes fall back), and runs where
// onnxruntime can return the outputs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const root = conformanceDir();
const opened: CompiledModel[] = [];
afterAll(async () => {
  for (const m of opened) await m.dispose();
});

const readPb = (file: string): TensorData => tensorFromProto(TensorProtoType.decode(fs.readFileSync(file)) as unknown as TensorProto);

describeIf(!!root && HAS_NATIVE, 'probing models onnxruntime used to crash on', root ? NATIVE_MISSING : CONFORMANCE_MISSING, () => {
  const dir = (name: string) => path.join(root!, 'node', name);

  it('test_affine_grid_3d_align_corners_expanded: compiles with its real inputs as probe feeds, and runs', async () => {
    const d = dir('test_affine_grid_3d_align_corners_expanded');
    const theta = readPb(path.join(d, 'test_data_set_0', 'input_0.pb'));
    const size = readPb(path.join(d, 'test_data_set_0', 'input_1.pb'));
    const m = await compile(path.join(d, 'model.onnx'), { backend: 'cpu', threads: 1, probeFeeds: { theta, size } });
    opened.push(m);
    const grid = (await m.run({ theta, size })).grid!;
    const want = readPb(path.join(d, 'test_data_set_0', 'output_0.pb'));
    expect(grid.dims).toEqual(want.dims);
    const got = grid.data as Float32Array;
    (want.data as Float32Array).forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(w)));
  });

  it('test_cast_FLOAT16_to_INT4: compiles; the int4 output stays unprobed and its Cast on onnxruntime', async () => {
    const m = await compile(path.join(dir('test_cast_FLOAT16_to_INT4'), 'model.onnx'), { backend: 'cpu', threads: 1, minBlockSize: 1 });
    opened.push(m);
    expect(m.report.data.summary).toMatchObject({ engineSegments: 0, fallbackSegments: 1 });
  });
});
