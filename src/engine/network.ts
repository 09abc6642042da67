/**
 * The network IR: what converters emit and the native builder compiles. This file is the one
 * definition of the format that crosses into C++ (native/src/ir/network.cc reads exactly these
 * objects through N-API; keep the two in step and bump NETWORK_FORMAT_VERSION on a change).
 *
 * A network is a list of tensors (static shapes) and a list of layers in topological order.
 * Every tensor is produced exactly once: by being a network input, or by one layer output.
 * Constant tensors come from `constant` layers whose `weights` view the model's own buffers.
 *
 * Semantics follow ONNX (opset 13+ forms); each layer's params are fully resolved by the
 * converter (no defaults left, no negative axes, per-dimension lists at full rank), so the
 * backends implement one meaning per field. Broadcasting is numpy-style: shapes are aligned
 * at the right, size-1 dims stretch.
 *
 * Element types per kind (the addon's layer rules enforce them: layer-outputs.ts; converters emit nothing else):
 * - float32/float16/bfloat16 only: convolution, deconvolution, matmul, softmax,
 *   normalization, resize, average pooling, and the unary ops other than those below.
 * - plus int32/int64: elementwise add/sub/mul/div/max/min/less/greater (equal also bool;
 *   and/or bool only; pow and prelu float only); unary abs/neg/relu/clip; reduce
 *   sum/max/min/prod (the other reduce ops float only).
 * - plus int8/uint8: max pooling.
 * - bool only: unary not.
 * - any engine type: shuffle, concat, split, slice, gather data, pad, select a/b, cast,
 *   unary identity; constant. Both inputs of an elementwise layer share one type.
 *
 * Builder forms: the native builder's fusion and layout passes (native/src/builder/fusion.h,
 * layout.h) rewrite a network into forms converters do not emit, which plans and
 * engine.info() show: a fused `activation` on convolution/deconvolution/matmul/elementwise,
 * a convolution's or matmul's `residual` input, the unary op 'silu', channels-last `layout: 'nhwc'`
 * convolutions and poolings, a mean's squeeze-excite tail (`excite`), a transposing cast
 * (`perm`), a depthwise convolution's `inputClip`, int8 convolutions, matmuls and adds (`quant`:
 * quant-params.ts), the `pointwise` layer (a chain of
 * elementwise, unary and cast layers as one), a `fused` param (on any layer) naming the
 * layers merged into it, and the qdq pass's note on a convolution, matmul or add it left float
 * (`notInt8`, why, and `notInt8By`, 'backend' or 'pass': native/layers/quant_form.h; engine.info()
 * gives them as the layer's `notInt8`). They are valid input too.
 */
import type { TypedArray } from '../onnx/dtype.js';
import type { Precision } from './precision.js';
import type { QuantAddParams, QuantParams } from './quant-params.js';
import type { DetectLayerSpec } from './detect-layers.js';

export const NETWORK_FORMAT_VERSION = 1;

/** Element types an engine tensor may have. Compute layers use the float types. */
export type EngineDType = 'float32' | 'float16' | 'bfloat16' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool';

export const ENGINE_DTYPES: readonly EngineDType[] = ['float32', 'float16', 'bfloat16', 'int32', 'int64', 'int8', 'uint8', 'bool'];

/** A tensor of a network being built (builder.ts), as converters and emitters hold it. */
export interface TensorRef {
  readonly id: number;
  readonly dtype: EngineDType;
  readonly shape: readonly number[];
}

export interface NetTensor {
  /** Index in `NetworkDefinition.tensors`. */
  id: number;
  /** The ONNX value name where there is one (network inputs/outputs always have one). */
  name: string;
  dtype: EngineDType;
  /** Static dimensions, every one >= 0. A scalar has shape []. */
  shape: number[];
}

export type UnaryOp =
  | 'identity'
  | 'relu'
  | 'leaky_relu' // alpha
  | 'elu' // alpha
  | 'selu' // alpha, gamma (as beta)
  | 'sigmoid'
  | 'hard_sigmoid' // alpha, beta: max(0, min(1, alpha*x + beta))
  | 'hard_swish' // x * max(0, min(1, x/6 + 0.5))
  | 'tanh'
  | 'softplus'
  | 'mish'
  | 'gelu' // exact (erf)
  | 'gelu_tanh' // tanh approximation
  | 'erf'
  | 'clip' // min, max (either may be -Infinity/Infinity): min(max(x, min), max), so max wins when min > max
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'reciprocal'
  | 'abs'
  | 'neg'
  | 'floor'
  | 'ceil'
  | 'sin'
  | 'cos'
  | 'round'
  | 'sign'
  | 'not' // bool -> bool
  | 'silu'; // x * sigmoid(x)

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div' // integer division truncates toward zero, as onnxruntime does
  | 'pow'
  | 'max'
  | 'min'
  | 'prelu' // a < 0 ? a * b : a
  | 'fmod' // the remainder with the dividend's sign (C's fmod and %; integers: 0 for b = 0 or -1)
  | 'mod' // integers: the remainder with the divisor's sign (Python's %; 0 for b = 0 or -1)
  | 'equal' // -> bool
  | 'less' // -> bool
  | 'greater' // -> bool
  | 'and' // bool
  | 'or'; // bool

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'sum_square' | 'l1' | 'l2' | 'log_sum_exp';

/** A fused activation applied to a layer's output (set by the builder's fusion pass). */
export interface FusedActivation {
  op: UnaryOp;
  /** Parameters as on the unary layer (see UnaryOp); min/max are clip's bounds. */
  alpha?: number;
  beta?: number;
  min?: number;
  max?: number;
}

/** Builder forms of a convolution's and a matmul's params (fusion.h, the qdq pass). */
type ProducerForms = { activation?: FusedActivation; residual?: boolean; quant?: QuantParams };

/**
 * Layers by kind. `inputs`/`outputs` are tensor ids; optional inputs are simply absent from
 * the end of the list (never -1 holes).
 */
export type LayerSpec =
  | {
      /** outputs[0] holds `weights` (a view over the model's buffer, dtype of the tensor). */
      kind: 'constant';
      params: Record<string, never>;
      weights: TypedArray;
    }
  | {
      /**
       * inputs: [x (N,C,spatial...), w (M, C/groups, k...), bias (M)?, residual?]; 1 to 3 spatial dims.
       * out[d] = floor((in[d] + padsBegin[d] + padsEnd[d] - dilation[d]*(k[d]-1) - 1) / stride[d]) + 1
       * With `residual` (a builder form) the last input z has the output's shape and dtype:
       * y = activation(conv(x, w) + bias + z). With `layout: 'nhwc'` (a builder form, 2-d
       * only) x, z and y are stored [N, H, W, C] and w [M, kh, kw, C/groups]. With
       * `inputClip` (a builder form: the layout pass moves a relu6 producer's upper clip into
       * a depthwise convolution; the cuda backend only) x is read as min(x, inputClip).
       */
      kind: 'convolution';
      params: ProducerForms & {
        kernel: number[];
        strides: number[];
        padsBegin: number[];
        padsEnd: number[];
        dilations: number[];
        groups: number;
        layout?: 'nchw' | 'nhwc';
        inputClip?: number;
      };
    }
  | {
      /**
       * inputs: [x (N,C,spatial...), w (C, M/groups, k...), bias (M)?].
       * out[d] = stride*(in-1) + outputPadding + dilation*(k-1) + 1 - padsBegin - padsEnd
       */
      kind: 'deconvolution';
      params: {
        kernel: number[];
        strides: number[];
        padsBegin: number[];
        padsEnd: number[];
        dilations: number[];
        outputPadding: number[];
        groups: number;
        activation?: FusedActivation;
      };
    }
  | {
      /**
       * inputs: [a, b, c?]. out = alpha * op(a) @ op(b) + beta * c, op = transpose of the last
       * two dims when trans* (only set on rank >= 2 operands). Ranks >= 1 with numpy matmul
       * semantics (a rank-1 `a` is a row, a rank-1 `b` a column, that dim dropped from the
       * output); batch dims broadcast. c broadcasts to the output; without c, beta is 0.
       * Builder form (fusion.h): with `residual`, a last input of the output's shape is added
       * before the activation (inputs [a, b, c?, z]).
       */
      kind: 'matmul';
      params: ProducerForms & { transA: boolean; transB: boolean; alpha: number; beta: number };
    }
  | {
      /** inputs: [a, b], broadcasting. Output dtype: bool for comparisons, else a's (`quant`: quant-params.ts). */
      kind: 'elementwise';
      params: { op: BinaryOp; activation?: FusedActivation; quant?: QuantAddParams };
    }
  | {
      /** inputs: [x]. Parameters as listed on UnaryOp; unused ones omitted. */
      kind: 'unary';
      params: { op: UnaryOp; alpha?: number; beta?: number; min?: number; max?: number };
    }
  | {
      /**
       * inputs: [x (N,C,spatial...)]. Padding cells are excluded from max, and from the
       * average's divisor unless countIncludePad. ceilMode as ONNX (a window must start inside
       * the input or the begin padding). With countIncludePad the divisor counts the window's
       * cells inside the input and its begin/end padding; cells a ceil-mode window reaches
       * beyond the end padding never count (onnxruntime's rule).
       */
      kind: 'pooling';
      params: {
        mode: 'max' | 'average';
        kernel: number[];
        strides: number[];
        padsBegin: number[];
        padsEnd: number[];
        dilations: number[];
        ceilMode: boolean;
        countIncludePad: boolean;
        /** A builder form (2-d only): x and y stored [N, H, W, C]. */
        layout?: 'nchw' | 'nhwc';
      };
    }
  | {
      /**
       * inputs: [x]. axes sorted, non-negative, non-empty; keepDims keeps them as size 1.
       * With `excite` (a builder form: a squeeze-excitation gate) the op is 'mean' over the
       * spatial dims of a 4-d x (axes [2, 3], or [1, 2] channels-last) with keepDims, inputs
       * [x, w1 (Cr, C), b1 (Cr), w2 (C, Cr), b2 (C)] of x's dtype, and the output holds
       * g = excite2(w2 excite1(w1 mean + b1) + b2) per sample and channel; with
       * `exciteScale` too, the output is x * g (x's shape), the block's gated tensor.
       */
      kind: 'reduce';
      params: {
        op: ReduceOp;
        axes: number[];
        keepDims: boolean;
        excite?: boolean;
        exciteScale?: boolean;
        excite1?: FusedActivation;
        excite2?: FusedActivation;
      };
    }
  | {
      /** inputs: [x]. Softmax (or log-softmax) along one axis. */
      kind: 'softmax';
      params: { axis: number; log: boolean };
    }
  | {
      /**
       * inputs: [x, scale, bias?].
       * - layer: normalize over dims [axis, rank); scale/bias have shape x.shape[axis:].
       * - instance: x (N,C,spatial...), normalize each (n,c) over spatial; scale/bias (C).
       * - group: x (N,C,spatial...), `groups` groups of C/groups channels, each (n,g) over
       *   its channels and spatial; scale/bias (C) (opset 21 semantics).
       * Statistics in fp32: variance = mean((x - mean)^2), y = (x-mean)/sqrt(var+eps)*scale+bias.
       */
      kind: 'normalization';
      params: { mode: 'layer' | 'instance' | 'group'; axis: number; epsilon: number; groups: number };
    }
  | {
      /**
       * inputs: [x, target?]. TensorRT's shuffle: transpose by firstPerm (identity if absent), then
       * reshape to `reshape` (absent: unchanged), then transpose by secondPerm (so with
       * secondPerm the output shape is the reshaped shape permuted). `reshape` takes one -1
       * (what the element count leaves) and, with `zeroIsPlaceholder` (TensorRT's name; ONNX's
       * allowzero 0), 0 as the dim at that index after firstPerm (else 0 is an empty dim), so
       * that a dynamic engine's reshapes follow its dims (native/layers/shuffle.h). With a second
       * input (a reshape target the model computes: int32/int64 [rank], a shape tensor) the
       * layer has no params but zeroIsPlaceholder and its output shape is the output tensor's;
       * a dynamic engine derives it from the target's value (native/src/ir/shape_values.h).
       * Elements are copied in row-major order; a pure reshape is a copy (or an alias, at the
       * builder's choice).
       */
      kind: 'shuffle';
      params: { firstPerm?: number[]; reshape?: number[]; secondPerm?: number[]; zeroIsPlaceholder?: boolean };
    }
  | {
      /** inputs: [x0, x1, ...] equal except along axis. */
      kind: 'concat';
      params: { axis: number };
    }
  | {
      /** inputs: [x]; one output per size, consecutive slices along axis. */
      kind: 'split';
      params: { axis: number; sizes: number[] };
    }
  | {
      /**
       * inputs: [x]. out[i0..ik] = x[starts[d] + i_d * steps[d]] per dim d, the output shape
       * being the output tensor's. Full rank; steps may be negative, or 0 (repeat: how Expand
       * broadcasts a size-1 dim, as TensorRT does).
       * A window the model computes reads shape tensors (int32/int64 [n]) instead of `starts`,
       * at each run's shapes (native/src/ir/computed_layers.h): inputs [x, starts, ends] slice
       * along `axes` as ONNX Slice does (steps per dim, none 0); inputs [x, target] broadcast x
       * to the right-aligned target as Expand does (steps all 1).
       */
      kind: 'slice';
      params: { starts?: number[]; steps: number[]; axes?: number[] };
    }
  | {
      /**
       * inputs: [data, indices (int32/int64)]. mode 'default': ONNX Gather along axis (out
       * shape data[:axis] + indices + data[axis+1:]); 'elements': GatherElements; 'nd': GatherND
       * with batch_dims = axis (indices [batch..., M..., k]; out shape indices[:-1] +
       * data[axis+k:]; native/layers/gather_nd.h). Negative indices count from the end;
       * out-of-range indices are a run-time error of the layer.
       */
      kind: 'gather';
      params: { axis: number; mode: 'default' | 'elements' | 'nd' };
    }
  | {
      /**
       * inputs: [x]. Pads at full rank (begin/end per dim, may be negative = crop). Negative
       * pads crop first, then the mode pads what is left (as the ONNX reference and
       * onnxruntime do): reflect mirrors without repeating the edge, wrap repeats it
       * periodically, edge repeats the border. `value` is converted to x's dtype like cast.
       */
      kind: 'pad';
      params: { mode: 'constant' | 'reflect' | 'edge' | 'wrap'; padsBegin: number[]; padsEnd: number[]; value: number };
    }
  | {
      /**
       * inputs: [x]. Output shape is the output tensor's; `scales` per dim as ONNX Resize
       * uses them in the coordinate transformation (out/in when the model gave sizes).
       * Cubic uses cubicCoeffA and excludeOutside. Per dim, with in/out the integer sizes
       * (onnxruntime's reading; ONNX's reference uses in*scale for align_corners):
       * half_pixel (o+0.5)/scale-0.5; pytorch_half_pixel the same if out > 1, else 0;
       * align_corners o*(in-1)/(out-1) (0 if out = 1); asymmetric o/scale;
       * tf_half_pixel_for_nn (o+0.5)/scale; half_pixel_symmetric
       * in/2*(1 - out/(scale*in)) + (o+0.5)/scale - 0.5. nearest rounds that coordinate by
       * nearestMode and clamps to [0, in-1]; linear clamps it to [0, in-1] first; cubic reads
       * clamped (edge) indices, or drops out-of-range taps and renormalizes (excludeOutside).
       * Dims are interpolated separably. extrapolationValue is unused (no tf_crop_and_resize).
       * `followScales` (the model gave scales, not sizes): at other input shapes of a dynamic
       * engine each output dim is trunc(float32(scale) * float32(in)), as onnxruntime sizes it;
       * without it, dims with scale 1 follow the input and the others keep the declared size.
       */
      kind: 'resize';
      params: {
        mode: 'nearest' | 'linear' | 'cubic';
        coordinateTransformation:
          'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_half_pixel_for_nn' | 'half_pixel_symmetric';
        nearestMode: 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';
        scales: number[];
        cubicCoeffA: number;
        excludeOutside: boolean;
        extrapolationValue: number;
        followScales?: boolean;
      };
    }
  | {
      /**
       * inputs: [x]; output dtype is `to` (float->int truncates toward zero and saturates at
       * the type's limits, NaN -> 0; int->int wraps; ->bool is x != 0). With `perm` (a
       * builder form: the layout pass folds a transpose into the cast next to it) the output
       * is the cast input transposed: y = transpose(cast(x), perm), of shape x.shape[perm[i]].
       */
      kind: 'cast';
      params: { to: EngineDType; perm?: number[] };
    }
  | {
      /** inputs: [cond (bool), a, b], broadcasting: cond ? a : b. */
      kind: 'select';
      params: Record<string, never>;
    }
  | {
      /**
       * inputs: [x] of any dtype. Output int64 [rank(x)]: x's dims, written at run time (a shape
       * tensor: a dynamic engine's Shape -> Gather -> Concat arithmetic sees each run's dims).
       */
      kind: 'shape';
      params: Record<string, never>;
    }
  | {
      /**
       * inputs: [start, limit, delta], int32/int64 scalars of the output's dtype (constants or
       * shape tensors): ONNX Range, y[i] = start + i * delta (wrapping) for
       * max(ceil((limit - start) / delta), 0) elements, read at each run's shapes
       * (native/src/ir/computed_layers.h); the output (dtype and 1-D shape) is given. The plain
       * form the engine resolves it to has no inputs and params start and delta ([one value]).
       */
      kind: 'range';
      params: { start?: number[]; delta?: number[] };
    }
  | {
      /**
       * inputs: [x] (float types, int32, int64). ONNX CumSum along `axis`: each output the sum
       * of the elements before it (exclusive) or up to it, counted from the end with `reverse`.
       * Floats sum in fp32, integers wrap.
       */
      kind: 'cumsum';
      params: { axis: number; exclusive: boolean; reverse: boolean };
    }
  | {
      /**
       * inputs: [x] (float types, int32, int64). ONNX ArgMax (op 'max') or ArgMin along `axis`:
       * int64 indices of the first extreme element of each line (the last with `lastIndex`);
       * keepDims keeps the axis as size 1.
       */
      kind: 'argminmax';
      params: { op: 'max' | 'min'; axis: number; keepDims: boolean; lastIndex: boolean };
    }
  | {
      /**
       * Made by the fusion pass from matmul(q, k) -> scale -> + mask -> softmax -> matmul(p, v)
       * (native/src/builder/attention_fusion.h), and by the com.microsoft Attention and
       * MultiHeadAttention converters: inputs [q [..., S, D],
       * k [..., D, T] ([..., T, D] with transK), v [..., T, Dv], mask?] (one float dtype; the
       * leading dims equal across q, k, v; the mask broadcasts onto [..., S, T]), output
       * [..., S, Dv] = softmax(scale * q k + mask) v, the softmax over T, computed in fp32;
       * `nanToZero` (a softmax followed by where(isnan(p), 0, p)): a row whose softmax is NaN
       * gives 0. `qPerm`, `kPerm`, `vPerm`: the operand above is that input transposed by the
       * permutation; `outPerm`: the output is the result transposed so (each keeps the last
       * dim last); `qSelect`, `kSelect`, `vSelect` ([axis, index]): the input has one more dim,
       * of which the operand is that entry, before the permutation (native/layers/attention.h).
       */
      kind: 'attention';
      params: {
        scale: number;
        transK: boolean;
        nanToZero?: boolean;
        qPerm?: number[];
        kPerm?: number[];
        vPerm?: number[];
        outPerm?: number[];
        qSelect?: number[];
        kSelect?: number[];
        vSelect?: number[];
      };
    }
  | {
      /**
       * inputs: [data, indices (int64), updates (data's dtype)]; the output is data with the
       * updates written ('none') or combined ('add', 'mul', 'max', 'min': integers wrap) where
       * the indices say, in the updates' order (a repeated index: the later update last).
       * mode 'nd': ONNX ScatterND (indices [..., k], updates indices[:-1] + data[k:]);
       * 'elements': ScatterElements along `axis` (indices and updates of one shape). Negative
       * indices count from the end; out-of-range ones are a run-time error (native/layers/scatter.h).
       */
      kind: 'scatter';
      params: { mode: 'nd' | 'elements'; axis: number; reduction: 'none' | 'add' | 'mul' | 'max' | 'min' };
    }
  | {
      /**
       * inputs: [x, scale, zeroPoint?]. quantize: y = saturate(round_half_even(x/scale) + zp)
       * into int8/uint8 (the output's dtype); dequantize: y = (x - zp) * scale. Per-tensor when
       * scale is a scalar (one element, rank <= 1), else per-axis along `axis` (scale of shape
       * [x.shape[axis]]); zeroPoint has the scale's shape. Quantize: x and scale float, zp the
       * output's dtype. Dequantize: x int8/uint8/int32, zp x's dtype, output the scale's dtype.
       */
      kind: 'quantize' | 'dequantize';
      params: { axis: number };
    }
  | {
      /**
       * A builder form (native/layers/pointwise.h; the builder's pointwise pass makes it from
       * chains of float elementwise, unary and cast layers): inputs [x0, x1, ...] (1 to 12,
       * float, each broadcasting onto the output's shape), one float output. `program` lists
       * steps separated by ';', each an op over operands x<i> (input i), t<j> (step j's
       * result, j earlier) and c<k> (constants[k]); the last step's result is the output, e.g.
       * 'div(x0,c0);erf(t0);add(t1,c1);mul(x0,t2);mul(t3,c2)' (GELU). Ops: the float
       * BinaryOps (two operands) and the UnaryOps but 'not' (one operand, then its parameters
       * as constants: leaky_relu(x,alpha), elu(x,alpha), selu(x,alpha,gamma),
       * hard_sigmoid(x,alpha,beta), clip(x,min,max)). Every step is computed in fp32; only the
       * output is rounded to its dtype.
       */
      kind: 'pointwise';
      params: { program: string; constants?: number[] };
    }
  | DetectLayerSpec // topk, roialign, nonzero, nms, gridsample (detect-layers.ts); recurrent (recurrent-layer.ts):
  | import('./recurrent-layer.js').RecurrentLayerSpec;
export type LayerKind = LayerSpec['kind'];

export type NetLayer = LayerSpec & {
  /** The ONNX node this layer came from (errors name it), with a suffix when one node emits several layers. */
  name: string;
  inputs: number[];
  outputs: number[];
};

export interface NetworkDefinition {
  formatVersion: number;
  name: string;
  tensors: NetTensor[];
  /** Tensor ids fed by the caller, in binding order. */
  inputs: number[];
  /** Tensor ids returned to the caller, in binding order. */
  outputs: number[];
  layers: NetLayer[];
  /**
   * Per input, the shapes a dynamic engine takes (every dim in [min, max]); the tensors' shapes
   * are the profile's opt, what tactics are timed at. Absent: static.
   */
  ranges?: Array<{ min: number[]; max: number[] }>;
}

export type { Precision } from './precision.js';
export type { QuantAddParams, QuantParams } from './quant-params.js';
export type { BuildConfig } from './build-config.js';
