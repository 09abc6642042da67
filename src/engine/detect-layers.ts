/**
 * The network IR's layer kinds for detection heads (topk, roialign, nonzero, nms) and RoiAlign's
 * kin gridsample: part of the format that network.ts defines (LayerSpec includes these), in a
 * file of their own so that network.ts keeps to its size. Their rules and geometry are their homes
 * in native/layers/ (topk, roi_align, nms, grid_sample .h/.cc; nonzero.cc, a rule without params).
 */
export type DetectLayerSpec =
  | {
      /**
       * inputs: [x] (float types, int32, int64). ONNX TopK along `axis`: outputs [values (x's
       * dtype), indices (int64)], both x's shape with the axis `k` long: the k largest (smallest
       * without `largest`) elements of each line, sorted, equal values by lower index first
       * (onnxruntime's order); NaN ranks above every number. The computed form (a model's k
       * computed from shapes, over a shape range): inputs [x, k (int32/int64, one element, a shape
       * tensor read at each run's shapes: native/src/ir/computed_layers.h)], no `k` param, the
       * outputs' shape given.
       */
      kind: 'topk';
      params: { axis: number; k?: number; largest: boolean };
    }
  | {
      /**
       * inputs: [x [N, C, H, W] (float), rois [R, 4] (x1, y1, x2, y2, x's dtype), batchIndices
       * int64 [R]]. ONNX RoiAlign: output [R, C, outputHeight, outputWidth], each bin the
       * average ('avg') of its bilinear samples on a samplingRatio^2 grid (0: adaptive), or
       * ('max') onnxruntime's largest weighted sample corner; boxes scaled by spatialScale,
       * less half a pixel with `halfPixel` (opset 16's half_pixel; opset 10 and
       * output_half_pixel: none, boxes at least 1x1). A batch index outside [0, N) is a run-time
       * error.
       */
      kind: 'roialign';
      params: {
        mode: 'avg' | 'max';
        outputHeight: number;
        outputWidth: number;
        samplingRatio: number;
        spatialScale: number;
        halfPixel: boolean;
      };
    }
  | {
      /**
       * inputs: [x] (any engine type, rank >= 1). ONNX NonZero: the int64 indices of x's nonzero
       * elements in row-major order, [rank, count], where count depends on the data. The output
       * tensor is declared at the bound, [rank, numel(x)]; the kernel writes [rank, count]
       * row-major into it and the run reports the count (context outputShapes), as TensorRT's
       * output allocator does. Its output must be a network output that no layer reads: the
       * engine ends there, and the next engine takes it as an input ranged over [0, numel(x)].
       * A float is zero where all its bits but the sign are (-0 is zero, NaN is not).
       */
      kind: 'nonzero';
      params: Record<string, never>;
    }
  | {
      /**
       * inputs: [boxes float32 [B, N, 4], scores float32 [B, C, N]]. ONNX NonMaxSuppression: per
       * (batch, class), the candidates above `scoreThreshold` (every box without one) by
       * descending score (equal scores: lower index first), each kept unless its IoU with a box
       * kept before exceeds `iouThreshold`, at most `maxOutputBoxesPerClass`; boxes are corners
       * [y1, x1, y2, x2] in either order, or [x_center, y_center, width, height] with
       * `centerPointBox` (native/layers/nms.h). Output int64 [count, 3] rows [batch, class, box]
       * in batch, class and selection order, count depending on the data: declared at the bound
       * [B * C * min(maxOutputBoxesPerClass, N), 3] and ending its engine, as nonzero's.
       */
      kind: 'nms';
      params: { maxOutputBoxesPerClass: number; iouThreshold: number; scoreThreshold?: number; centerPointBox: boolean };
    }
  | {
      /**
       * inputs: [x [N, C, H, W] (float), grid [N, Ho, Wo, 2] (x's dtype: x, y in [-1, 1])]. ONNX
       * GridSample (4-D) as onnxruntime computes it: output [N, C, Ho, Wo], x sampled at each
       * grid point, denormalized to pixels (with `alignCorners` -1 and 1 are the corner pixels'
       * centers, without their outer edges); 'nearest' reads the pixel at the point rounded half
       * to even, 'linear' weighs the 2x2 pixels around it, 'cubic' the 4x4 (Keys, a = -0.75). The
       * padding applies to each pixel read: 'zeros' reads 0 outside the map, 'border' the nearest
       * edge pixel, 'reflection' the pixel mirrored at the borders. A NaN point samples NaN; one
       * past 2^22 pixels (infinity too) is pinned there (onnxruntime leaves both undefined).
       */
      kind: 'gridsample';
      params: { mode: 'linear' | 'nearest' | 'cubic'; padding: 'zeros' | 'border' | 'reflection'; alignCorners: boolean };
    };
