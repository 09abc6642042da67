/**
 * Every single-node ONNX conformance test whose op has a converter: validate must accept it
 * and the emitted network, run by the reference interpreter, must reproduce the expected
 * outputs — or validate must reject it for a reason listed below. Inputs that parameterize
 * the op (axes, pads, scales, shapes...) are graph inputs in these tests; where validate
 * rejects the node as given, they are made constants from the test data, the way lowering
 * folds them in real models, and the node is validated again.
 */
import { expect, it } from 'vitest';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { evalNetwork } from './helpers/eval-network.js';
import { convertGraph, expectClose } from './helpers/harness.js';
import { caseExpected, caseInputs, nodeCases, validateCase } from './helpers/node-cases.js';
import { TOLERANCES } from '../conformance/exclusions.js';

/** Tests validate rejects, by name pattern, with the reason it must give. */
const REJECTED: Array<[RegExp, string]> = [
  // Element types engines do not hold or do not compute in (see layer-dtypes.ts).
  // int8 and uint8 comparisons and Mod run cast to int32.
  [
    /^(?!test_maxpool|test_(equal|less|greater|less_equal|greater_equal|mod|mod_mixed_sign)_u?int8$)\w*_(int8|int16|uint8|uint16|uint32|uint64|float64|string)(_|$)(?!.*expanded)|DOUBLE/,
    'dtype',
  ],
  [/FLOAT8|FLOAT4|INT4|UINT4|INT2|UINT2|E8M0/, 'element type'],
  [/^test_(de)?quantizelinear_(e4m3fn|e5m2|float4e2m1|u?int[24])/, 'element type'],
  // The quantize layers take one scale per tensor or per axis; this case also asks for int16.
  [/^test_quantizelinear_blocked_symmetric$/, 'dtype int16'],
  [/^test_(de)?quantizelinear_blocked/, 'block quantization'],
  // The ONNX suite's ReduceLogSumExp tests hold float64 data, whatever their names say.
  [/^test_reduce_log_sum_exp_(default_axes_keepdims|do_not_keepdims|keepdims|negative_axes_keepdims)_(example|random)$/, 'float64'],
  [/^test_pow_types_int/, 'base dtype'],
  [/^test_(batchnorm_\w+_training_mode)$/, 'training_mode=1'],
  [/^test_training_dropout(?!_zero_ratio)/, 'training_mode is true'],
  [/^test_identity_(opt|sequence)$/, 'type of input'],
  [/^test_maxpool_with_argmax/, 'Indices output'],
  [/^test_resize_\w+_antialias$/, 'antialias=1'],
  [/^test_resize_tf_crop_and_resize/, 'tf_crop_and_resize'],
  // The shape is the graph's one input (data): no engine sizes a tensor by data.
  [/^test_constantofshape_/, 'from data, not from shapes'],
  [/^test_range_(float|int32)_type/, 'from data, not from shapes'],
  [/^test_range_(bfloat16|float16)_type/, 'dtype'],
  // The ONNX suite's CumSum tests hold float64 data, but for two int32 ones.
  [/^test_cumsum_(?!.*int32)/, 'float64'],
  [/^test_einsum_/, 'float64'],
  // Engines take 4-D GridSample; opset 20's 5-D grids fall back to onnxruntime.
  [/^test_gridsample_volumetric_/, 'not volumetric (5-D) grids'],
];

const root = conformanceDir();

describeIf(!!root, 'conformance node tests through converters', CONFORMANCE_MISSING, () => {
  const all = nodeCases(root);
  const rejectedSeen = new Set<RegExp>();

  it('finds the node tests of the supported ops', () => {
    expect(all.length).toBeGreaterThan(400);
  });

  for (const c of all) {
    it(c.name, async () => {
      const data = caseInputs(c); // undefined for string or exotic element types: validate has the say
      const { graph, verdict } = validateCase(c, data);
      const rule = REJECTED.find(([re]) => re.test(c.name));
      if (!verdict.ok) {
        expect(rule, `unexpected rejection: ${verdict.reason}`).toBeDefined();
        expect(verdict.reason).toContain(rule![1]);
        rejectedSeen.add(rule![0]);
        return;
      }
      expect(rule, 'accepted, but listed as rejected').toBeUndefined();
      const feeds = Object.fromEntries(graph.inputs.map((name, i) => [name, data![i]!]));
      const actual = evalNetwork(convertGraph(graph), feeds);
      const expected = await caseExpected(c, graph, data!);
      const half = graph.outputs.some((o) => graph.types.get(o)?.dtype === 'float16');
      // The engine suite's looser tolerances (with why) hold here too.
      const loose = TOLERANCES[`node/${c.name}`];
      const [rtol, atol] = loose ? [loose.rtol, loose.atol] : half ? [1e-3, 1e-3] : [1e-4, 1e-5];
      for (const o of graph.outputs) expectClose(actual[o]!, expected[o]!, `output '${o}'`, rtol, atol);
    });
  }

  it('every listed rejection still happens', () => {
    for (const [re] of REJECTED) expect(rejectedSeen.has(re), `no test rejected for ${re}`).toBe(true);
  });
});
