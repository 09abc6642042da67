/**
 * Whatever a model holds, validate answers with a verdict, and a node it accepts converts:
 * every converter is fed nodes with random input counts, dtypes, shapes (static and
 * symbolic), constant and run-time inputs, and attributes of random names and types.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CONVERTERS } from '../../converters/index.js';
import type { NumericDType } from '../../src/onnx/dtype.js';
import { type AttrValue, buildGraph } from '../../src/ir/model-builder.js';
import { mulberry32 } from '../../src/util/random.js';
import { convertGraph, random, validateNode } from './helpers/harness.js';

const DTYPES: NumericDType[] = ['float32', 'float32', 'float32', 'float16', 'int64', 'int32', 'bool', 'float64', 'uint8'];
const ATTRS = [
  'axis',
  'axes',
  'perm',
  'pads',
  'kernel_shape',
  'strides',
  'dilations',
  'group',
  'mode',
  'auto_pad',
  'keepdims',
  'to',
  'alpha',
  'beta',
  'gamma',
  'epsilon',
  'split',
  'starts',
  'ends',
  'value',
  'shape',
  'output_shape',
  'output_padding',
  'broadcast',
  'transA',
  'transB',
  'num_outputs',
  'ceil_mode',
  'count_include_pad',
  'coordinate_transformation_mode',
  'nearest_mode',
  'approximate',
  'training_mode',
  'is_test',
  'spatial',
  'min',
  'max',
  'allowzero',
  'noop_with_empty_axes',
  'value_ints',
  'value_float',
  'antialias',
];

/**
 * Random nodes per converter. Converters that need an exact input combination (Quantize and
 * DequantizeLinear: an int8/uint8 tensor with a one-element or per-axis float scale) accept
 * almost none, so the count must leave the others enough nodes for the acceptance check.
 */
const TRIES = 48;

describe('validate and convert on random nodes', () => {
  it('validate never throws, and convert succeeds wherever validate accepts', () => {
    // One random stream per converter, seeded by its name: adding a converter leaves the nodes
    // every other converter is fed as they were.
    let r = mulberry32(2024);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const shape = (): Array<number | string> => Array.from({ length: int(0, 4) }, () => (r() < 0.05 ? 'N' : int(0, 4)));
    const attr = (): AttrValue => {
      switch (int(0, 4)) {
        case 0:
          return int(-3, 4);
        case 1:
          return Array.from({ length: int(0, 6) }, () => int(-3, 4));
        case 2:
          return { float: r() * 4 - 2 };
        case 3:
          return pick(['NOTSET', 'SAME_UPPER', 'VALID', 'linear', 'nearest', 'cubic', 'constant', 'reflect', 'tanh', 'half_pixel', 'x']);
        default:
          return { floats: [r(), r()] };
      }
    };
    let accepted = 0;
    let runs = 0;
    for (const c of ALL_CONVERTERS) {
      r = mulberry32([...`${c.domain}:${c.opType}:${c.sinceVersion}`].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 2024));
      for (let k = 0; k < TRIES; k++) {
        const nIn = int(0, 5);
        const inputs = Array.from({ length: nIn }, (_, i) => ({
          name: `x${i}`,
          dtype: pick(DTYPES),
          shape: shape(),
          constant: r() < 0.4,
          omitted: i > 0 && r() < 0.15,
        }));
        const initializers = Object.fromEntries(
          inputs
            .filter((i) => i.constant && i.shape.every((d) => typeof d === 'number'))
            .map((i) => [i.name, random(i.dtype === 'float64' ? 'float32' : i.dtype, i.shape as number[], int(0, 1e6), -3, 4)]),
        );
        const attrs = Object.fromEntries(Array.from({ length: int(0, 4) }, () => [pick(ATTRS), attr()]));
        const nOut = int(1, 3);
        const graph = buildGraph({
          opset: int(c.sinceVersion, 22),
          inputs: inputs.filter((i) => !initializers[i.name] && !i.omitted).map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
          // Half the time the outputs look like input 0, as for most ops, so that some nodes pass.
          outputs: Array.from({ length: nOut }, (_, i) =>
            r() < 0.5 && inputs[0]
              ? { name: `y${i}`, dtype: inputs[0].dtype, shape: inputs[0].shape }
              : { name: `y${i}`, dtype: pick(DTYPES), shape: shape() },
          ),
          initializers,
          nodes: [
            {
              op: c.opType,
              name: 'n',
              inputs: inputs.map((i) => (i.omitted ? '' : i.name)),
              outputs: Array.from({ length: nOut }, (_, i) => `y${i}`),
              attrs,
            },
          ],
        });
        runs++;
        let ok = false;
        try {
          ok = validateNode(graph).ok;
        } catch (e) {
          throw new Error(`${c.opType}-${c.sinceVersion} validate threw on ${JSON.stringify({ inputs, attrs })}: ${(e as Error).stack}`);
        }
        if (!ok) continue;
        accepted++;
        try {
          convertGraph(graph);
        } catch (e) {
          throw new Error(`${c.opType}-${c.sinceVersion} accepted ${JSON.stringify({ inputs, attrs })} but convert threw: ${(e as Error).stack}`);
        }
      }
    }
    expect(runs).toBe(ALL_CONVERTERS.length * TRIES);
    expect(accepted).toBeGreaterThan(ALL_CONVERTERS.length / 2);
  });
});
