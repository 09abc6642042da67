/**
 * torchvision's batched_nms through compile() (test/helpers/batched-nms.ts): boxes picked by
 * NonZero, offset by label, NonMaxSuppression, the kept boxes gathered; then with its guard
 * `If(numel(boxes) == 0, int64[0], <that>)`, which lowering replaces by its NMS branch
 * (src/lowering/empty-guard.ts). NMS reads what NonZero
 * sized, so its own bound is known only at each view (src/compiler/data-dependent.ts sizes it
 * there in turn). Every node runs on engines, and the outputs equal onnxruntime's on the same
 * model (shapes equal, int64 exactly, floats within FP32_TOL) with 0, 1 and many boxes above the
 * threshold: at 0, ReduceMax reduces no boxes (the reduce layer's empty row).
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type NodeSpec, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { BATCHED_NMS_BODY, asOrtFeeds, batchedNmsFeeds, batchedNmsModel } from '../helpers/batched-nms.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun } from '../runtime/helpers.js';

async function expectEnginesAgree(model: Uint8Array): Promise<void> {
  const m = await compile(model, { backend: BACKEND, minBlockSize: 1 });
  try {
    const s = m.report.data.summary;
    expect(s).toMatchObject({ fallbackSegments: 0, engineNodes: s.nodes });
    for (const count of [0, 1, 2, 9, 12]) {
      for (const seed of [1, 2]) {
        const what = `count ${count} seed ${seed}`;
        const feeds = asOrtFeeds(batchedNmsFeeds(count, seed));
        const [got, want] = [await m.run(feeds), await ortRun(model, feeds)];
        expect(want.out_scores!.dims[0]! === 0, `${what}: nothing kept`).toBe(count === 0);
        for (const [name, t] of Object.entries(want)) {
          expect(got[name]!.dims, `${what}: ${name} shape`).toEqual(t.dims);
          const [a, b] = [
            Array.from(got[name]!.data as ArrayLike<number | bigint>, Number),
            Array.from(t.data as ArrayLike<number | bigint>, Number),
          ];
          const scale = Math.max(1, ...b.map(Math.abs));
          b.forEach((v, i) => expect(Math.abs(a[i]! - v) / scale, `${what}: ${name}[${i}]`).toBeLessThanOrEqual(t.type === 'int64' ? 0 : FP32_TOL));
        }
      }
    }
  } finally {
    await m.dispose();
  }
}

/** The NMS branch alone, its result under the If's name. */
const UNGUARDED: NodeSpec[] = [...(BATCHED_NMS_BODY.nodes as NodeSpec[]), { op: 'Identity', inputs: ['keep'], outputs: ['kept'] }];

describeIf(HAS_NATIVE, `torchvision's batched_nms through compile (${BACKEND})`, NATIVE_MISSING, () => {
  it('NMS over the boxes NonZero picked runs wholly on engines and agrees with onnxruntime with 0, 1 and many boxes', async () => {
    await expectEnginesAgree(encodeModel(buildModel(batchedNmsModel(UNGUARDED))));
  });

  it('with its guard If(numel(boxes) == 0, int64[0], <NMS>) too: lowering keeps the NMS branch, equal at 0 and above', async () => {
    await expectEnginesAgree(encodeModel(buildModel(batchedNmsModel())));
  });
});
