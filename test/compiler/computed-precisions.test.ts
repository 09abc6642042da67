/**
 * computedPrecisions: a model exported in fp16 builds fp16 layers at precisions ['fp32'], and
 * `hybrid-run --compare` must judge it with the reduced-precision tolerance (docs/cli.md).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { computedPrecisions, type EngineSummary } from '../../src/compiler/report.js';
import { compareTolerance } from '../../src/cli/tolerance.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE } from '../helpers/skip.js';

const engine = (layerPrecisions: Record<string, number>) => ({ layerPrecisions }) as unknown as EngineSummary;

describe('computedPrecisions', () => {
  it("adds the reduced float precisions engines' layers compute in, and nothing else", () => {
    expect(computedPrecisions(['fp32'], [engine({ fp32: 3, int64: 2, bool: 1 })])).toEqual(['fp32']);
    expect(computedPrecisions(['fp32'], [engine({ fp32: 1 }), engine({ fp16: 4, int8: 2 })])).toEqual(['fp32', 'fp16']);
    expect(computedPrecisions(['fp32', 'fp16'], [engine({ bf16: 1, fp16: 0 })])).toEqual(['fp32', 'fp16', 'bf16']);
  });

  it.runIf(HAS_NATIVE)('gives an fp16 model compiled at fp32 the reduced tolerance of --compare', async () => {
    // A model exported in fp16: float16 in, two Relu/Abs layers, float16 out.
    const bytes = encodeModel(
      buildModel({
        inputs: [{ name: 'x', dtype: 'float16', shape: [2, 8] }],
        outputs: [{ name: 'y' }],
        nodes: [
          { op: 'Abs', inputs: ['x'], outputs: ['a'] },
          { op: 'Relu', inputs: ['a'], outputs: ['y'] },
        ],
      }),
    );
    const m = await compile(bytes, { backend: 'cpu', minBlockSize: 1 });
    try {
      expect(m.report.precisions).toEqual(['fp32']);
      const computed = computedPrecisions(m.report.precisions, m.report.engines);
      expect(computed).toContain('fp16');
      const none = { atol: { outputs: {} }, rtol: { outputs: {} } };
      expect(compareTolerance(none, computed, 'y')).toMatchObject({ atol: 2e-2, rtol: 2e-2 });
      expect(compareTolerance(none, m.report.precisions, 'y')).toMatchObject({ atol: 1e-4, rtol: 1e-3 });
    } finally {
      await m.dispose();
    }
  });
});
