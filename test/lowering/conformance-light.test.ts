// Every conformance light_* model (real CNN structures whose weights are ConstantOfShape nodes)
// lowered, then run on onnxruntime against the original on the same seeded input, and against
// the expected output shipped with it. The light models have no input files: their weights are
// uniform, so their output does not depend on the input, and any input reproduces the
// expected output. Tolerance: rtol 1e-4, atol 1e-6 (BatchNormalization and per-channel folds
// round new weights once; the outputs are softmax probabilities of order 1e-3).
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { lower } from '../../src/lowering/index.js';
import { loadModelProto } from '../../src/onnx/model.js';
import { TensorProtoType } from '../../src/onnx/schema.js';
import { type TensorData, tensorFromProto } from '../../src/onnx/tensor.js';
import type { TensorProto } from '../../src/onnx/proto.js';
import { CONFORMANCE_MISSING, lightModels } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { difference, opTypes, randomTensor, runOrt } from './helpers.js';

const TOL = { rtol: 1e-4, atol: 1e-6 };
const models = lightModels();

describeIf(models.length > 0, 'lowering the conformance light_* models', CONFORMANCE_MISSING, () => {
  for (const m of models) {
    it(m.name, async () => {
      const bytes = fs.readFileSync(m.model);
      const g = Graph.fromModel(loadModelProto(bytes, { label: m.model }), m.model);
      const inputShape = g.types.get(g.inputs[0]!)!.shape as number[];
      await lower(g);
      // What the lowering is for: weights are initializers, no Dropout, no BatchNormalization
      // right after a convolution.
      const ops = opTypes(g);
      expect(ops.filter((o) => ['ConstantOfShape', 'Dropout', 'Identity', 'Constant', 'Sum'].includes(o))).toEqual([]);
      const bnAfterConv = g.nodes.filter((n) => n.opType === 'BatchNormalization' && g.producer(n.inputs[0]!)?.opType === 'Conv');
      expect(bnAfterConv.map((n) => n.name)).toEqual([]);

      const feeds = { [g.inputs[0]!]: randomTensor('float32', inputShape, 42) };
      const before = await runOrt(new Uint8Array(bytes), feeds);
      const after = await runOrt(g, feeds);
      const name = g.outputs[0]!;
      expect(difference(before[name]!, after[name]!, TOL)).toBeUndefined();
      const expected: TensorData = tensorFromProto(TensorProtoType.decode(fs.readFileSync(m.output)) as unknown as TensorProto);
      expect(difference(expected, after[name]!, TOL)).toBeUndefined();
    });
  }
});
