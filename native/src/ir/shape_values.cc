// Host values of shape tensors (see shape_values.h).
#include "src/ir/shape_values.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "layers/activation.h"
#include "layers/elementwise.h"
#include "src/ir/broadcast_dims.h"
#include "layers/cast.h"
#include "layers/concat_split.h"
#include "layers/gather.h"
#include "src/ir/int_arith.h"
#include "layers/range.h"
#include "layers/reduce.h"
#include "src/ir/shape.h"
#include "layers/shuffle.h"
#include "layers/slice.h"

namespace hybridrt {

namespace {

bool IsIntegral(DType t) { return t == DType::kInt64 || t == DType::kInt32 || t == DType::kBool; }

// For each output element (row-major), the offset in each input.
std::vector<std::vector<int64_t>> BroadcastOffsets(const std::vector<Shape>& ins, const Shape& out) {
  const int64_t n = Numel(out);
  std::vector<std::vector<int64_t>> offs(ins.size(), std::vector<int64_t>(n));
  std::vector<std::vector<int64_t>> st;
  for (const Shape& s : ins) st.push_back(BroadcastStrides(s, out.size()));
  std::vector<int64_t> idx(out.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < ins.size(); ++k) {
      int64_t o = 0;
      for (size_t d = 0; d < out.size(); ++d) o += idx[d] * st[k][d];
      offs[k][i] = o;
    }
    for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) break;
      idx[d] = 0;
    }
  }
  return offs;
}

// The engine's integer rules (int_arith.h) in the output's width: int32 tensors wrap at 32 bits.
template <typename T>
bool BinaryAs(binary::Op op, T a, T b, int64_t* y) {
  if (op == binary::kAdd) *y = WrapAdd(a, b);
  else if (op == binary::kSub) *y = WrapSub(a, b);
  else if (op == binary::kMul) *y = WrapMul(a, b);
  else if (op == binary::kDiv) *y = IntDiv(a, b);
  else return false;
  return true;
}

bool Binary(binary::Op op, DType dtype, int64_t a, int64_t b, int64_t* y) {
  if (op == binary::kAdd || op == binary::kSub || op == binary::kMul || op == binary::kDiv) {
    return dtype == DType::kInt32 ? BinaryAs<int32_t>(op, static_cast<int32_t>(a), static_cast<int32_t>(b), y)
                                  : BinaryAs<int64_t>(op, a, b, y);
  }
  if (op == binary::kMax) *y = std::max(a, b);
  else if (op == binary::kMin) *y = std::min(a, b);
  else if (op == binary::kEqual) *y = a == b;
  else if (op == binary::kLess) *y = a < b;
  else if (op == binary::kGreater) *y = a > b;
  else if (op == binary::kAnd) *y = a && b;
  else if (op == binary::kOr) *y = a || b;
  else return false;
  return true;
}

}  // namespace

const std::vector<int64_t>* ShapeValues::Find(int32_t id) const {
  auto it = values_.find(id);
  return it == values_.end() ? nullptr : &it->second;
}

void ShapeValues::Evaluate(const Network& net, size_t index, const std::vector<TensorInfo>& tensors) {
  const Layer& l = net.layers[index];
  if (l.outputs.size() != 1) return;
  const TensorInfo& y = tensors[l.outputs[0]];
  const int64_t n = Numel(y.shape);
  if (!IsIntegral(y.dtype) || n > kMaxElements) return;
  std::vector<const std::vector<int64_t>*> in;
  for (int32_t id : l.inputs) in.push_back(Find(id));
  const bool all_known = std::all_of(in.begin(), in.end(), [](const auto* v) { return v != nullptr; });
  const auto shape_of = [&](size_t i) -> const Shape& { return tensors[l.inputs[i]].shape; };
  std::vector<int64_t> out;
  switch (l.kind) {
    case LayerKind::kConstant: {
      const WeightView& w = net.weights[index];
      const size_t size = DTypeSize(y.dtype);
      if (!w.data || w.bytes != static_cast<size_t>(n) * size) return;
      for (int64_t i = 0; i < n; ++i) {
        if (y.dtype == DType::kInt64) {
          int64_t v;
          std::memcpy(&v, w.data + i * 8, 8);
          out.push_back(v);
        } else if (y.dtype == DType::kInt32) {
          int32_t v;
          std::memcpy(&v, w.data + i * 4, 4);
          out.push_back(v);
        } else {
          out.push_back(w.data[i] != 0);
        }
      }
      break;
    }
    case LayerKind::kShape: out.assign(shape_of(0).begin(), shape_of(0).end()); break;
    case LayerKind::kShuffle: {
      if (!in[0]) return;
      const ShuffleParams p = ReadShuffleParams(l, shape_of(0).size());
      if (p.has_first_perm || p.has_second_perm) return;
      out = *in[0];  // a reshape keeps row-major order
      break;
    }
    case LayerKind::kCast:
      if (!all_known || ReadCast(l.params).has_perm) return;
      for (int64_t v : *in[0]) {
        // As the cast kernels: to bool is x != 0, to int32 wraps.
        out.push_back(y.dtype == DType::kBool ? v != 0 : y.dtype == DType::kInt32 ? static_cast<int32_t>(v) : v);
      }
      break;
    case LayerKind::kUnary: {
      if (!all_known) return;
      const UnaryOp op = ReadActivation(l.params, "").op;
      for (int64_t v : *in[0]) {
        if (op == UnaryOp::kIdentity) out.push_back(v);
        else if (op == UnaryOp::kNeg) out.push_back(-v);
        else if (op == UnaryOp::kAbs) out.push_back(v < 0 ? -v : v);
        else if (op == UnaryOp::kNot) out.push_back(!v);
        else return;
      }
      break;
    }
    case LayerKind::kElementwise: {
      if (!all_known) return;
      const auto offs = BroadcastOffsets({shape_of(0), shape_of(1)}, y.shape);
      const binary::Op op = binary::Read(l.params);
      for (int64_t i = 0; i < n; ++i) {
        int64_t v;
        if (!Binary(op, tensors[l.inputs[0]].dtype, (*in[0])[offs[0][i]], (*in[1])[offs[1][i]], &v)) return;
        out.push_back(v);
      }
      break;
    }
    case LayerKind::kSelect: {
      if (!all_known) return;
      const auto offs = BroadcastOffsets({shape_of(0), shape_of(1), shape_of(2)}, y.shape);
      for (int64_t i = 0; i < n; ++i) out.push_back((*in[0])[offs[0][i]] ? (*in[1])[offs[1][i]] : (*in[2])[offs[2][i]]);
      break;
    }
    case LayerKind::kConcat: {
      if (!all_known) return;
      const int64_t axis = ReadConcatSplit(l.params).axis;
      const AxisSplit split = SplitAtAxis(y.shape, axis);
      const int64_t outer = split.outer, inner = split.inner;
      for (int64_t o = 0; o < outer; ++o) {
        for (size_t k = 0; k < in.size(); ++k) {
          const int64_t chunk = shape_of(k)[axis] * inner;
          out.insert(out.end(), in[k]->begin() + o * chunk, in[k]->begin() + (o + 1) * chunk);
        }
      }
      break;
    }
    case LayerKind::kGather: {
      if (!all_known) return;
      const GatherParams p = ReadGather(l.params);
      if (p.mode != GatherMode::kDefault) return;
      const AxisSplit split = SplitAtAxis(shape_of(0), p.axis);
      const int64_t outer = split.outer, inner = split.inner, len = split.len;
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t k : *in[1]) {
          if (k < 0) k += len;
          if (k < 0 || k >= len) return;  // the kernel reports it at run time
          out.insert(out.end(), in[0]->begin() + (o * len + k) * inner, in[0]->begin() + (o * len + k + 1) * inner);
        }
      }
      break;
    }
    case LayerKind::kSlice: {
      if (!all_known || l.inputs.size() != 1 || shape_of(0).size() != 1) return;  // plain 1-D slices
      const SliceParams p = ReadSliceParams(l, 1);
      const int64_t start = p.starts[0], step = p.steps[0];
      for (int64_t i = 0; i < n; ++i) {
        const int64_t k = start + i * step;
        if (k < 0 || k >= static_cast<int64_t>(in[0]->size())) return;
        out.push_back((*in[0])[k]);
      }
      break;
    }
    case LayerKind::kRange: {
      // n follows the bounds (the derivation resolved it into y's shape); the values do too.
      if (!all_known) return;
      const RangeParams r = l.inputs.empty() ? ReadRange(l.params) : RangeParams{(*in[0])[0], (*in[2])[0]};
      for (int64_t i = 0; i < n; ++i) out.push_back(RangeValue(r.start, r.delta, i));
      break;
    }
    case LayerKind::kReduce: {
      if (!all_known) return;
      const ReduceParams r = ReadReduce(l.params);
      const reduce::Op op = r.op;
      if (r.excite || (op != reduce::kSum && op != reduce::kProd && op != reduce::kMax && op != reduce::kMin)) return;
      const Shape& x = shape_of(0);
      const std::vector<bool> reduced = reduce::RowsOf(x, r.axes).reduced;
      // Each input element's output index: its coordinates along the kept dims.
      Shape kept;
      for (size_t d = 0; d < x.size(); ++d) kept.push_back(reduced[d] ? 1 : x[d]);
      const auto offs = BroadcastOffsets({kept}, x);
      std::vector<bool> seen(n, false);
      out.assign(n, 0);
      for (size_t i = 0; i < in[0]->size(); ++i) {
        const int64_t o = offs[0][i], v = (*in[0])[i];
        if (!seen[o]) out[o] = v;
        else if (op == reduce::kSum) out[o] += v;
        else if (op == reduce::kProd) out[o] *= v;
        else if (op == reduce::kMax) out[o] = std::max(out[o], v);
        else out[o] = std::min(out[o], v);
        seen[o] = true;
      }
      // An empty row gives the op's identity (reduce.h): 0, 1, the lowest or highest value.
      const bool i32 = y.dtype == DType::kInt32;
      const int64_t lowest = i32 ? std::numeric_limits<int32_t>::lowest() : std::numeric_limits<int64_t>::lowest();
      const int64_t highest = i32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
      for (int64_t o = 0; o < n; ++o) {
        if (!seen[o]) out[o] = op == reduce::kSum ? 0 : op == reduce::kProd ? 1 : op == reduce::kMax ? lowest : highest;
      }
      break;
    }
    default: return;
  }
  if (static_cast<int64_t>(out.size()) != n) return;
  if (y.dtype == DType::kInt32) {
    for (int64_t& v : out) v = static_cast<int32_t>(v);  // int32 tensors hold 32 bits
  }
  values_[l.outputs[0]] = std::move(out);
}

}  // namespace hybridrt
