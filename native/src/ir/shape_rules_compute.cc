// Rules of the compute layer kinds: convolution, deconvolution, matmul, elementwise, unary,
// pooling, reduce, softmax, normalization, quantize, dequantize (see shape_rules.h).
#include <algorithm>

#include "src/ir/arg_order.h"
#include "src/ir/attention.h"
#include "src/ir/binary_op.h"
#include "src/ir/convolution.h"
#include "src/ir/cumsum.h"
#include "src/ir/matmul.h"
#include "src/ir/normalization.h"
#include "src/ir/pooling.h"
#include "src/ir/pointwise.h"
#include "src/ir/quant_form.h"
#include "src/ir/quantize.h"
#include "src/ir/reduce_op.h"
#include "src/ir/shape_rules.h"
#include "src/ir/softmax.h"

namespace hybridrt {

namespace {

// kernel/strides/pads/dilations: one entry per spatial dim, kernel/strides/dilations >= 1,
// pads >= 0.
void CheckWindowParams(const LayerCheck& c, const WindowParams& w, size_t spatial) {
  const std::pair<const char*, const std::vector<int64_t>*> params[] = {{"kernel", &w.kernel},
                                                                        {"strides", &w.strides},
                                                                        {"padsBegin", &w.pads_begin},
                                                                        {"padsEnd", &w.pads_end},
                                                                        {"dilations", &w.dilations}};
  for (const auto& [p, values] : params) {
    c.ExpectLength(p, spatial);
    bool pad = p[0] == 'p';
    for (int64_t v : *values) {
      if (pad ? v < 0 : v < 1) c.Bad(Cat("param '", p, "' holds ", v, "; expected ", pad ? ">= 0" : ">= 1"));
    }
  }
}

void CheckActivation(const LayerCheck& c, DType out_dtype) {
  if (!c.params().Has("activation.op")) return;
  if (!IsFloat(out_dtype)) c.Bad(Cat("a fused activation needs a float output, not ", DTypeName(out_dtype)));
  CheckUnaryParams(c, "activation.", out_dtype);
}

void CheckConvolution(const LayerCheck& c, bool deconv) {
  // A residual (a builder form: fusion.h) is the last input: y = act(conv + bias + residual).
  const ConvolutionParams p = ReadConvolution(c.params());
  const bool residual = !deconv && p.residual;
  const bool nhwc = !deconv && p.nhwc;
  c.ExpectInputs(residual ? 3 : 2, residual ? 4 : 3);
  c.ExpectOutputs(1);
  c.ExpectRank(0, nhwc ? 4 : 3, nhwc ? 4 : 5);
  const bool quant = !deconv && IsQuantForm(c.params());  // the int8 form: its dtypes below
  if (!quant) c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn() && !quant; ++i) c.ExpectSameDType(i, 0);
  if (nhwc) c.ExpectRank(1, 4, 4);
  const Shape x = nhwc ? FromNhwc(c.In(0).shape) : c.In(0).shape;
  const Shape w = nhwc ? FromNhwc(c.In(1).shape) : c.In(1).shape;  // stored [M, kh, kw, C/groups]
  const size_t bias = residual ? (c.NumIn() == 4 ? 2 : 0) : (c.NumIn() == 3 ? 2 : 0);
  size_t spatial = x.size() - 2;
  const WindowParams& wp = p.window;
  CheckWindowParams(c, wp, spatial);
  if (w.size() != x.size()) c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; expected rank ", x.size()));
  const int64_t groups = p.groups;
  if (groups < 1) c.Bad(Cat("param 'groups' is ", groups, "; expected >= 1"));
  const std::vector<int64_t>& kernel = wp.kernel;
  for (size_t d = 0; d < spatial; ++d) {
    if (w[2 + d] != kernel[d]) {
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; param 'kernel' says ", ShapeToString(kernel)));
    }
  }
  int64_t channels = x[1];
  if (channels % groups != 0) c.Bad(Cat("input channels ", channels, " are not divisible by groups ", groups));
  int64_t out_channels;
  if (!deconv) {
    out_channels = w[0];
    if (w[1] != channels / groups) {
      c.Bad(
          Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; dim 1 must be channels/groups = ", channels / groups));
    }
    if (out_channels % groups != 0)
      c.Bad(Cat("output channels ", out_channels, " are not divisible by groups ", groups));
  } else {
    if (w[0] != channels)
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(w), "; dim 0 must be channels = ", channels));
    out_channels = w[1] * groups;
    c.ExpectLength("outputPadding", spatial);
    for (int64_t v : p.output_padding) {
      if (v < 0) c.Bad(Cat("param 'outputPadding' holds ", v, "; expected >= 0"));
    }
  }
  if (bias && c.In(bias).shape != Shape{out_channels}) {
    c.Bad(Cat(c.InLabel(bias), " has shape ", ShapeToString(c.In(bias).shape), "; expected [", out_channels, "]"));
  }
  Shape out = {x[0], out_channels};
  const std::vector<int64_t>&strides = wp.strides, &pb = wp.pads_begin, &pe = wp.pads_end, &dil = wp.dilations;
  for (size_t d = 0; d < spatial; ++d) {
    int64_t o;
    if (!deconv) {
      o = WindowOutputSize(x[2 + d], kernel[d], strides[d], pb[d], pe[d], dil[d], false);
      if (o < 0) c.Bad(Cat("spatial dim ", d, ": the dilated kernel is larger than the padded input"));
    } else {
      const int64_t op = p.output_padding[d];
      __int128 full = static_cast<__int128>(strides[d]) * (x[2 + d] - 1) + op +
                      static_cast<__int128>(dil[d]) * (kernel[d] - 1) + 1 - pb[d] - pe[d];
      if (x[2 + d] == 0) full = 0;
      if (full < 0) c.Bad(Cat("spatial dim ", d, ": the pads remove more than the whole output"));
      if (full > kMaxElements) c.Bad(Cat("spatial dim ", d, ": the output is too large"));
      o = static_cast<int64_t>(full);
    }
    out.push_back(o);
  }
  if (nhwc) out = ToNhwc(out);
  const DType y = quant ? CheckQuantForm(c, out_channels) : c.In(0).dtype;
  c.ExpectOutput(0, y, out);
  if (residual && c.In(c.NumIn() - 1).shape != out) {
    c.Bad(Cat(c.InLabel(c.NumIn() - 1), " (the residual) has shape ", ShapeToString(c.In(c.NumIn() - 1).shape),
              "; expected the output's ", ShapeToString(out)));
  }
  CheckActivation(c, quant ? DType::kFloat32 : c.In(0).dtype);
}

void CheckMatmul(const LayerCheck& c) {
  // A residual (a builder form: fusion.h) is the last input: y = alpha a b + beta c + residual.
  const MatmulParams p = ReadMatmul(c.params());
  const bool residual = p.residual;
  c.ExpectInputs(residual ? 3 : 2, residual ? 4 : 3);
  c.ExpectOutputs(1);
  const size_t num_c = c.NumIn() - (residual ? 1 : 0);  // inputs a, b and c
  const bool quant = IsQuantForm(c.params());           // the int8 form: its dtypes below
  if (!quant) c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn() && !quant; ++i) c.ExpectSameDType(i, 0);
  Shape a = c.In(0).shape;
  Shape b = c.In(1).shape;
  if (a.empty() || b.empty()) c.Bad("inputs a and b must have rank >= 1");
  const bool ta = p.trans_a, tb = p.trans_b;
  if (ta && a.size() < 2) c.Bad("param 'transA' needs input a of rank >= 2");
  if (tb && b.size() < 2) c.Bad("param 'transB' needs input b of rank >= 2");
  bool a_vec = a.size() == 1;
  bool b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  if (ta) std::swap(a[a.size() - 1], a[a.size() - 2]);
  if (tb) std::swap(b[b.size() - 1], b[b.size() - 2]);
  int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], n = b.back();
  if (k != kb) {
    c.Bad(Cat("inner dimensions differ: a ", ShapeToString(c.In(0).shape), " and b ", ShapeToString(c.In(1).shape),
              " give K = ", k, " and ", kb));
  }
  Shape batch;
  if (!BroadcastShapes({Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2)}, &batch)) {
    c.Bad(Cat("batch dims of ", ShapeToString(c.In(0).shape), " and ", ShapeToString(c.In(1).shape),
              " do not broadcast"));
  }
  Shape out = batch;
  if (!a_vec) out.push_back(m);
  if (!b_vec) out.push_back(n);
  if (num_c == 3) {
    Shape bc;
    if (!BroadcastShapes({c.In(2).shape, out}, &bc) || bc != out) {
      c.Bad(Cat(c.InLabel(2), " has shape ", ShapeToString(c.In(2).shape), ", which does not broadcast to ",
                ShapeToString(out)));
    }
  }
  if (residual && (quant || c.In(c.NumIn() - 1).shape != out)) {
    c.Bad(Cat(c.InLabel(c.NumIn() - 1), " (the residual) has shape ", ShapeToString(c.In(c.NumIn() - 1).shape),
              "; expected the output's ", ShapeToString(out), quant ? " (and no int8 form)" : ""));
  }
  if (quant) CheckInt8Matmul(c, p, num_c == 3);
  const DType y = quant ? CheckQuantForm(c, n) : c.In(0).dtype;
  c.ExpectOutput(0, y, out);
  CheckActivation(c, quant ? DType::kFloat32 : c.In(0).dtype);
}

void CheckElementwise(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  c.ExpectSameDType(1, 0);
  const binary::Op op = binary::Read(c.params());
  DType t = c.In(0).dtype;
  const bool is_compare = binary::IsCompare(op);
  bool ok;
  if (op == binary::kAnd || op == binary::kOr) {
    ok = t == DType::kBool;
  } else if (op == binary::kEqual) {
    ok = IsFloat(t) || t == DType::kInt32 || t == DType::kInt64 || t == DType::kBool;
  } else if (op == binary::kPow || op == binary::kPrelu) {
    ok = IsFloat(t);
  } else if (op == binary::kMod) {
    ok = t == DType::kInt32 || t == DType::kInt64;
  } else {
    ok = IsFloat(t) || t == DType::kInt32 || t == DType::kInt64;
  }
  if (!ok) c.Bad(Cat("op '", binary::Name(op), "' does not take dtype ", DTypeName(t)));
  Shape out;
  if (!BroadcastShapes({c.In(0).shape, c.In(1).shape}, &out)) {
    c.Bad(Cat("shapes ", ShapeToString(c.In(0).shape), " and ", ShapeToString(c.In(1).shape), " do not broadcast"));
  }
  DType out_type = is_compare ? DType::kBool : t;
  c.ExpectOutput(0, out_type, out);
  CheckActivation(c, out_type);
}

// Pointwise (a builder form, pointwise.h): float inputs that each broadcast onto the float
// output's shape, and a program over them.
void CheckPointwise(const LayerCheck& c) {
  c.ExpectOutputs(1);
  c.ExpectInputs(1, kMaxPointwiseInputs);
  try {
    PointwiseOf(c.layer());
  } catch (const Error& e) {
    c.Bad(e.what());
  }
  // Derived where not given: the inputs broadcast together (each must reach the output's shape).
  Shape broadcast;
  if (!c.OutShapeKnown(0)) {
    std::vector<Shape> shapes;
    for (size_t i = 0; i < c.NumIn(); ++i) shapes.push_back(c.In(i).shape);
    if (!BroadcastShapes(shapes, &broadcast)) c.Bad("the inputs' shapes do not broadcast together");
  }
  const Shape& out = c.OutShapeKnown(0) ? c.OutShape(0) : broadcast;
  if (!IsFloat(c.OutDType(0)))
    c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(c.OutDType(0)), "; expected a float type"));
  for (size_t i = 0; i < c.NumIn(); ++i) {
    c.ExpectFloatInput(i);
    Shape joined;
    if (!BroadcastShapes({c.In(i).shape, out}, &joined) || joined != out) {
      c.Bad(Cat(c.InLabel(i), " of shape ", ShapeToString(c.In(i).shape), " does not broadcast to the output's shape ",
                ShapeToString(out)));
    }
  }
  c.ExpectOutput(0, c.OutDType(0), out);
}

void CheckPooling(const LayerCheck& c) {
  const PoolingParams p = ReadPooling(c.params());
  const bool nhwc = p.nhwc;
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  c.ExpectRank(0, nhwc ? 4 : 3, nhwc ? 4 : 5);
  DType t = c.In(0).dtype;
  if (!IsFloat(t) && !(p.max && (t == DType::kInt8 || t == DType::kUInt8))) {
    c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(t), "; expected a float type", p.max ? " or int8/uint8" : ""));
  }
  const Shape x = nhwc ? FromNhwc(c.In(0).shape) : c.In(0).shape;
  size_t spatial = x.size() - 2;
  CheckWindowParams(c, p.window, spatial);
  const std::vector<int64_t>&k = p.window.kernel, &s = p.window.strides, &pb = p.window.pads_begin,
        &pe = p.window.pads_end, &dil = p.window.dilations;
  const bool ceil_mode = p.ceil_mode;
  Shape out = {x[0], x[1]};
  for (size_t d = 0; d < spatial; ++d) {
    // A window made only of padding has no value to pool (an average over none): pads must be
    // smaller than the dilated window. ONNX's rule, pads < kernel_shape, is stricter under
    // dilation; the converter applies it (converters/pool.ts). 128-bit: params reach 2^40.
    const __int128 span = static_cast<__int128>(dil[d]) * (k[d] - 1) + 1;
    if (pb[d] >= span || pe[d] >= span) {
      c.Bad(Cat("pads in spatial dim ", d, " are not smaller than the window ", static_cast<int64_t>(span)));
    }
    int64_t o = WindowOutputSize(x[2 + d], k[d], s[d], pb[d], pe[d], dil[d], ceil_mode);
    if (o < 0) c.Bad(Cat("spatial dim ", d, ": the dilated kernel is larger than the padded input"));
    out.push_back(o);
  }
  c.ExpectOutput(0, c.In(0).dtype, nhwc ? ToNhwc(out) : out);
}

// The excite tail of a mean over the spatial dims of x [N, C, H, W] (axes 2, 3) or
// [N, H, W, C] (axes 1, 2): inputs w1 [Cr, C], b1 [Cr], w2 [C, Cr], b2 [C] of x's dtype.
void CheckExcite(const LayerCheck& c, const ReduceParams& r) {
  c.ExpectInputs(5, 5);
  const Shape& x = c.In(0).shape;
  const bool nchw = r.axes == std::vector<int64_t>{2, 3}, nhwc = r.nhwc();
  if (r.op != reduce::kMean || x.size() != 4 || !(nchw || nhwc) || !r.keep_dims) {
    c.Bad("an excite tail follows a mean over the spatial dims of a 4-d tensor (axes [2, 3] or [1, 2], keepDims)");
  }
  if (!IsFloat(c.In(0).dtype)) c.Bad(Cat("an excite tail takes float tensors, not ", DTypeName(c.In(0).dtype)));
  const int64_t ch = nchw ? x[1] : x[3];
  const int64_t cr = c.In(1).shape.empty() ? 0 : c.In(1).shape[0];
  const Shape want[] = {{cr, ch}, {cr}, {ch, cr}, {ch}};
  for (int k = 1; k <= 4; ++k) {
    if (c.In(k).dtype != c.In(0).dtype) c.Bad(Cat("input ", k, " must be ", DTypeName(c.In(0).dtype)));
    if (c.In(k).shape != want[k - 1]) {
      c.Bad(Cat("input ", k, " has shape ", ShapeToString(c.In(k).shape), "; expected ", ShapeToString(want[k - 1])));
    }
  }
}

void CheckReduce(const LayerCheck& c) {
  const ReduceParams r = ReadReduce(c.params());
  const bool scale = r.excite_scale;
  if (r.excite) {
    CheckExcite(c, r);
  } else {
    c.ExpectInputs(1, 1);
    if (scale) c.Bad("param 'exciteScale' needs 'excite'");
  }
  c.ExpectOutputs(1);
  if (scale) {  // the output is x scaled by the gate
    c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
    return;
  }
  DType t = c.In(0).dtype;
  const bool int_ok = r.op == reduce::kSum || r.op == reduce::kMax || r.op == reduce::kMin || r.op == reduce::kProd;
  if (!IsFloat(t) && !(int_ok && (t == DType::kInt32 || t == DType::kInt64))) {
    c.Bad(Cat("op '", reduce::kNames[r.op], "' does not take dtype ", DTypeName(t)));
  }
  const Shape& x = c.In(0).shape;
  const std::vector<int64_t>& axes = r.axes;
  if (axes.empty()) c.Bad("param 'axes' is empty");
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axes[i], " is out of range for rank ", x.size()));
    }
    if (i && axes[i] <= axes[i - 1]) c.Bad("param 'axes' must be sorted and unique");
  }
  const bool keep = r.keep_dims;
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (!reduced) out.push_back(x[d]);
    else if (keep) out.push_back(1);
  }
  c.ExpectOutput(0, t, out);
}

void CheckSoftmax(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  const int64_t axis = ReadSoftmaxParams(c.params()).axis;
  if (axis < 0 || axis >= static_cast<int64_t>(c.In(0).shape.size())) {
    c.Bad(Cat("axis ", axis, " is out of range for rank ", c.In(0).shape.size()));
  }
  c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
}

bool IsNumeric(DType t) { return IsFloat(t) || t == DType::kInt32 || t == DType::kInt64; }

// A running sum along the axis (exclusive: without the element itself; reverse: from the end),
// in the input's dtype (integers wrap; floats sum in fp32).
void CheckCumSum(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  if (!IsNumeric(c.In(0).dtype)) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(c.In(0).dtype)));
  ReadCumSumParams(c.layer(), c.In(0).shape.size());
  c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
}

// The index of the largest (op max) or smallest element along the axis, the first of equal
// ones (the last with lastIndex), as int64; keepDims keeps the axis as size 1.
void CheckArgMinMax(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  if (!IsNumeric(c.In(0).dtype)) c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(c.In(0).dtype)));
  const Shape& x = c.In(0).shape;
  const ArgMinMaxParams p = ReadArgMinMaxParams(c.layer(), x.size());
  if (x[p.axis] == 0) c.Bad(Cat("axis ", p.axis, " is empty: no element to pick"));
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (static_cast<int64_t>(d) != p.axis) out.push_back(x[d]);
    else if (p.keep_dims) out.push_back(1);
  }
  c.ExpectOutput(0, DType::kInt64, out);
}

// softmax(scale * q k + mask) v (attention.h), in the inputs' float dtype.
void CheckAttention(const LayerCheck& c) {
  c.ExpectInputs(3, 4);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  std::vector<Shape> shapes;
  for (size_t i = 0; i < c.NumIn(); ++i) {
    if (i) c.ExpectSameDType(i, 0);
    shapes.push_back(c.In(i).shape);
  }
  AttentionLayerParams p;
  const std::string why = ReadAttentionLayer(c.params(), shapes, &p);
  if (!why.empty()) c.Bad(why);
  c.ExpectOutput(0, c.In(0).dtype, AttentionOutputShape(shapes, ReadAttentionPerms(c.params())));
}

void CheckNormalization(const LayerCheck& c) {
  c.ExpectInputs(2, 3);
  c.ExpectOutputs(1);
  c.ExpectFloatInput(0);
  for (size_t i = 1; i < c.NumIn(); ++i) c.ExpectSameDType(i, 0);
  const Shape& x = c.In(0).shape;
  const NormalizationParams p = ReadNormalization(c.params());
  Shape param_shape;
  if (p.mode == NormMode::kLayer) {
    const int64_t axis = p.axis;
    if (axis < 0 || axis >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axis, " is out of range for rank ", x.size()));
    }
    param_shape.assign(x.begin() + axis, x.end());
  } else {
    c.ExpectRank(0, 3, 8);
    param_shape = {x[1]};
    if (p.mode == NormMode::kGroup) {
      const int64_t groups = p.groups;
      if (groups < 1 || x[1] % groups != 0) c.Bad(Cat("channels ", x[1], " are not divisible by groups ", groups));
    }
  }
  if (p.epsilon < 0) c.Bad("param 'epsilon' is negative");
  for (size_t i = 1; i < c.NumIn(); ++i) {
    if (c.In(i).shape != param_shape) {
      c.Bad(Cat(c.InLabel(i), " has shape ", ShapeToString(c.In(i).shape), "; expected ", ShapeToString(param_shape)));
    }
  }
  c.ExpectOutput(0, c.In(0).dtype, x);
}

// Per-tensor (one element, rank <= 1) or per-axis (rank 1 of x.shape[axis]) scale and zero point.
void CheckQuantParams(const LayerCheck& c) {
  const Shape& x = c.In(0).shape;
  const Shape& scale = c.In(1).shape;
  bool per_tensor = scale.size() <= 1 && Numel(scale) == 1;
  if (!per_tensor) {
    const int64_t axis = ReadQuantizeAxis(c.params());
    if (axis < 0 || axis >= static_cast<int64_t>(x.size())) {
      c.Bad(Cat("axis ", axis, " is out of range for rank ", x.size()));
    }
    if (scale != Shape{x[axis]}) {
      c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(scale), "; expected a scalar or [", x[axis], "]"));
    }
  }
  if (c.NumIn() == 3 && c.In(2).shape != scale) {
    c.Bad(Cat(c.InLabel(2), " has shape ", ShapeToString(c.In(2).shape), "; expected the scale's ",
              ShapeToString(scale)));
  }
}

void CheckQuantize(const LayerCheck& c, bool quantize) {
  c.ExpectInputs(2, 3);
  c.ExpectOutputs(1);
  CheckQuantParams(c);
  c.ExpectFloatInput(1);
  if (quantize) {
    c.ExpectFloatInput(0);
    // The output's dtype is the zero point's, where there is one; else it must be declared.
    DType out = c.NumIn() == 3 ? c.OutDTypeOr(0, c.In(2).dtype) : c.OutDType(0);
    if (out != DType::kInt8 && out != DType::kUInt8) {
      c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(out), "; expected int8 or uint8"));
    }
    if (c.NumIn() == 3 && c.In(2).dtype != out) {
      c.Bad(Cat(c.InLabel(2), " has dtype ", DTypeName(c.In(2).dtype), "; expected the output's ", DTypeName(out)));
    }
    c.ExpectOutput(0, out, c.In(0).shape);
  } else {
    DType in = c.In(0).dtype;
    if (in != DType::kInt8 && in != DType::kUInt8 && in != DType::kInt32) {
      c.Bad(Cat(c.InLabel(0), " has dtype ", DTypeName(in), "; expected int8, uint8 or int32"));
    }
    if (c.NumIn() == 3) c.ExpectSameDType(2, 0);
    c.ExpectOutput(0, c.In(1).dtype, c.In(0).shape);
  }
}

}  // namespace

void CheckComputeLayer(const LayerCheck& c) {
  switch (c.layer().kind) {
    case LayerKind::kConvolution: return CheckConvolution(c, false);
    case LayerKind::kDeconvolution: return CheckConvolution(c, true);
    case LayerKind::kMatmul: return CheckMatmul(c);
    case LayerKind::kElementwise: return CheckElementwise(c);
    case LayerKind::kUnary:
      c.ExpectInputs(1, 1);
      c.ExpectOutputs(1);
      CheckUnaryParams(c, "", c.In(0).dtype);
      c.ExpectOutput(0, c.In(0).dtype, c.In(0).shape);
      return;
    case LayerKind::kPooling: return CheckPooling(c);
    case LayerKind::kReduce: return CheckReduce(c);
    case LayerKind::kSoftmax: return CheckSoftmax(c);
    case LayerKind::kNormalization: return CheckNormalization(c);
    case LayerKind::kQuantize: return CheckQuantize(c, true);
    case LayerKind::kDequantize: return CheckQuantize(c, false);
    case LayerKind::kPointwise: return CheckPointwise(c);
    case LayerKind::kCumSum: return CheckCumSum(c);
    case LayerKind::kArgMinMax: return CheckArgMinMax(c);
    case LayerKind::kAttention: return CheckAttention(c);
    default: c.Bad("internal: not a compute layer");
  }
}

}  // namespace hybridrt
