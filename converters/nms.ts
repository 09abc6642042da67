/**
 * NonMaxSuppression -> an `nms` layer: per (batch, class), the boxes kept by greedy suppression,
 * as int64 rows [batch, class, box] whose count depends on the data (Converter.dataDependent, as
 * NonZero's): the layer declares the bound (its rule: native/layers/nms.cc) and the
 * engine reports each run's count; the partitioner ends the engine at this node. The limit and
 * thresholds must be constants (absent ones are ONNX's defaults: no box, IoU threshold 0, no score
 * threshold); a negative limit is 0, as onnxruntime reads it, and one past the most elements a
 * tensor may hold (LIMITS.tensorElements; torchvision's batched_nms passes int64's max) is that
 * many, which no class's boxes reach: the same selection, within the layer's integer params.
 * Boxes and scores are float32.
 */
import { LIMITS } from '../src/limits.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  maxOutputBoxesPerClass: number;
  iouThreshold: number;
  scoreThreshold?: number;
  centerPointBox: boolean;
}

const HINT = 'export it as a constant';

function nms(sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType: 'NonMaxSuppression',
    sinceVersion,
    dataDependent: true,
    notes:
      'float32 boxes and scores; max_output_boxes_per_class, iou_threshold and score_threshold constants; ends its engine (the count is known after the run), so its readers run in a later segment; equal scores rank the lower index first.',
    plan(v) {
      v.dtype(0, ['float32']);
      v.dtype(1, ['float32']);
      const one = (i: number, what: string, read: (i: number, what: string, hint: string) => number[]) => {
        if (!v.has(i)) return undefined;
        const values = read(i, what, HINT);
        v.check(values.length === 1, () => `${what} holds ${values.length} values; ONNX asks for one`);
        return values[0]!;
      };
      const limit = one(2, 'max_output_boxes_per_class', (i, w, h) => v.constInts(i, w, h)) ?? 0;
      const iou = one(3, 'iou_threshold', (i, w, h) => v.constNumbers(i, w, h)) ?? 0;
      const score = one(4, 'score_threshold', (i, w, h) => v.constNumbers(i, w, h));
      const center = v.int('center_point_box', 0);
      v.check(center === 0 || center === 1, () => `center_point_box is ${center}; ONNX allows 0 and 1`);
      return {
        maxOutputBoxesPerClass: Math.min(Math.max(limit, 0), LIMITS.tensorElements),
        iouThreshold: iou,
        ...(score !== undefined ? { scoreThreshold: score } : {}),
        centerPointBox: center === 1,
      };
    },
    emit(e, p) {
      e.output(0, e.add('nms', [e.input(0), e.input(1)], p));
    },
  });
}

export const nmsConverters: Converter[] = [nms(10), nms(11)];
