/**
 * Issue 15's ops and their ONNX node conformance cases (node/test_<op>*, expanded forms
 * included): every such case must run wholly on engines and pass (node-engine.test.ts holds
 * each engine case to its expected outputs), or be listed in NOT_ON_ENGINES with the outcome it
 * gets and the words its reason must hold: the reason compile() gives, which the partition
 * report shows for the node. A listed case that starts passing, or a rule no case needs, fails
 * too, so the list cannot go stale. docs/coverage.md is the audit this list backs.
 */
import type { Outcome } from './helpers/run-case.js';

/** The issue's ops (com.microsoft ones have no ONNX cases: test/converters/microsoft.test.ts and others), by case-name prefix. */
export const ISSUE_OPS: Readonly<Record<string, string>> = {
  If: 'if',
  Loop: 'loop',
  Scan: 'scan',
  LSTM: 'lstm',
  GRU: 'gru',
  RNN: 'rnn|simple_rnn',
  Less: 'less(?!_equal)',
  LessOrEqual: 'less_equal',
  Greater: 'greater(?!_equal)',
  GreaterOrEqual: 'greater_equal',
  And: 'and',
  Or: 'or',
  Not: 'not',
  Xor: 'xor',
  IsNaN: 'isnan',
  IsInf: 'isinf',
  Shape: 'shape',
  Size: 'size',
  Range: 'range',
  ConstantOfShape: 'constantofshape',
  Tile: 'tile',
  OneHot: 'onehot',
  CumSum: 'cumsum',
  Trilu: 'tril|triu',
  NonZero: 'nonzero',
  TopK: 'top_k',
  ArgMax: 'argmax',
  ArgMin: 'argmin',
  GatherND: 'gathernd',
  GatherElements: 'gather_elements',
  ScatterND: 'scatternd',
  ScatterElements: 'scatter_elements|scatter_with|scatter_without',
  RoiAlign: 'roialign',
  NonMaxSuppression: 'nonmaxsuppression',
  ReduceMin: 'reduce_min',
  ReduceProd: 'reduce_prod',
  ReduceL1: 'reduce_l1',
  ReduceL2: 'reduce_l2',
  ReduceLogSumExp: 'reduce_log_sum_exp',
  ReduceSumSquare: 'reduce_sum_square',
  Sin: 'sin(?!h)',
  Cos: 'cos(?!h)',
  Floor: 'floor',
  Ceil: 'ceil',
  Round: 'round',
  Sign: 'sign',
  Mod: 'mod',
  Einsum: 'einsum',
  GroupNormalization: 'group_normalization',
  DepthToSpace: 'depthtospace',
  SpaceToDepth: 'spacetodepth',
  Dropout: 'dropout|training_dropout',
};

const NARROW_INTS = '(int16|uint16|uint32|uint64)';

/** Cases of those ops that do not run on engines: [case pattern, outcome kind, words of the reason]. */
export const NOT_ON_ENGINES: ReadonlyArray<[RegExp, Outcome['kind'], string]> = [
  // Optionals and sequences: no engine tensor holds them.
  [/^node\/test_if_(opt|seq)$/, 'unsupported', 'inline-if left it: the condition is computed at run time and the branches hold'],
  [/^node\/test_loop(13_seq|16_seq_none)$/, 'unreadable', 'is not a tensor of a type hybridrt holds'],
  [/^node\/test_scan_sum$/, 'unsupported', 'unroll-loops left it: a Scan before opset 9 (with a batch dim and sequence lengths) is not unrolled'],
  // Element types engines do not hold (int8 and uint8 comparisons and Mod run cast to int32).
  [new RegExp(`^node/test_(less|greater)(_equal)?_${NARROW_INTS}(_expanded)?$`), 'unsupported', 'which engines do not hold'],
  [new RegExp(`^node/test_mod_(mixed_sign_)?(float64|${NARROW_INTS.slice(1, -1)})$`), 'unsupported', 'which engines do not hold'],
  [/^node\/test_top_k_uint64$/, 'unsupported', 'dtype uint64, which engines do not hold'],
  // The suite's CumSum cases hold float64 data but for two int32 ones, its ReduceLogSumExp ones
  // whatever their names say (test/converters/reduce.test.ts and einsum.test.ts run float32).
  [/^node\/test_cumsum_(?!.*int32)|^node\/test_einsum_/, 'unsupported', 'dtype float64, which engines do not hold'],
  [/^node\/test_reduce_log_sum_exp_(?!empty_set$)/, 'unsupported', 'dtype float64, which engines do not hold'],
  [/^node\/test_range_bfloat16_/, 'refused', "is bfloat16, which onnxruntime Tensors (run()'s inputs) cannot carry"],
  [/^node\/test_range_float16_type_positive_delta$/, 'unsupported', 'dtype float16; supported: float32, int32, int64'],
  // Sizes from data: the cases feed the bounds or the shape as a graph input (the one input, or
  // the first, which stays one), so the output's size is the data's; from shapes they run
  // (test/converters/computed-window.test.ts).
  [/^node\/test_range_(float|int32)_type_\w+_delta$/, 'unsupported', 'is computed at run time from data, not from shapes'],
  [/^node\/test_range_(float16|float|int32)_type_\w+_expanded$/, 'unsupported', 'unroll-loops left it: its trip count is computed at run time'],
  [/^node\/test_constantofshape_/, 'unsupported', 'is computed at run time from data, not from shapes'],
  // Lowering computes the Shape or Size of a static shape: nothing is left for an engine
  // (test/compiler/shape-ranges.test.ts and test/converters/shape-of.test.ts run them on one).
  [/^node\/test_(shape|size)(_\w+)?$/, 'folded', ''],
  // Dropout in training with a ratio above 0 is random: not the issue's (ratio 0 or not training).
  [/^node\/test_training_dropout(_default|_mask|_default_mask)?$/, 'unsupported', 'training_mode is computed at run time'],
];

/** The problems with the issue's cases among `outcomes` ('node/test_x' -> outcome): empty when every case is proven or listed. */
export function issueOpProblems(outcomes: ReadonlyMap<string, Outcome>): string[] {
  const problems: string[] = [];
  const used = new Set<RegExp>();
  for (const [op, prefix] of Object.entries(ISSUE_OPS)) {
    const re = new RegExp(`^node/test_(${prefix})(_|\\d|$)`);
    const cases = [...outcomes].filter(([name]) => re.test(name));
    if (!cases.length) problems.push(`${op}: no node case found`);
    for (const [name, o] of cases) {
      const rule = NOT_ON_ENGINES.find(([r]) => r.test(name));
      if (rule) used.add(rule[0]);
      if (o.kind === 'engine') {
        if (rule) problems.push(`${name} (${op}) runs on engines now: remove it from NOT_ON_ENGINES`);
        else if (o.failures.length) problems.push(`${name} (${op}) fails on engines: ${o.failures.join('; ')}`);
        continue;
      }
      const reason = 'reason' in o ? o.reason : '';
      if (!rule) problems.push(`${name} (${op}) is ${o.kind}, and NOT_ON_ENGINES does not say why: ${reason}`);
      else if (rule[1] !== o.kind || !reason.includes(rule[2]))
        problems.push(`${name} (${op}): ${o.kind} ${reason}; NOT_ON_ENGINES expects ${rule[1]} '${rule[2]}'`);
    }
  }
  for (const [r] of NOT_ON_ENGINES) if (!used.has(r)) problems.push(`NOT_ON_ENGINES rule ${r} matches no case`);
  return problems;
}
