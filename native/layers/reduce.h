// The reduce layer's ops (network.ts `reduce`, param `op`), typed params (ReadReduce) and its
// backend-neutral geometry: one numbering and name table for the param schema and both
// backends' kernels, the params read once for the shape rule and the kernels, and how the
// reduced axes turn the input into rows (the kept axes first, then the reduced ones, each
// row `length` elements long), which both backends transpose by.
//
// A row may be empty (a reduced dim of 0, e.g. boxes counted at run time): every op then gives
// what onnxruntime gives, its identity (ONNX's rule for an empty set; mean, which ONNX leaves
// undefined, gives 0 as onnxruntime does): sum, mean, sum_square, l1, l2 0; prod 1; max the
// lowest value (-inf for floats), min the highest (+inf); log_sum_exp -inf.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "layers/activation.h"
#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/error.h"

namespace hybridrt {
namespace reduce {

enum Op : int { kSum, kMean, kMax, kMin, kProd, kSumSquare, kL1, kL2, kLogSumExp };

inline constexpr const char* kNames[] = {"sum", "mean", "max", "min", "prod", "sum_square", "l1", "l2", "log_sum_exp"};
inline constexpr int kCount = static_cast<int>(std::size(kNames));
static_assert(kCount == kLogSumExp + 1, "a name per op");

// The op a param names; an unknown name is an Error(kNative) (the schema admits kNames only).
inline Op Parse(const std::string& s) {
  for (int i = 0; i < kCount; ++i) {
    if (s == kNames[i]) return static_cast<Op>(i);
  }
  Fail(ErrorCode::kNative, Cat("unknown reduce op '", s, "'"));
}

struct Rows {
  std::vector<bool> reduced;  // per input axis
  std::vector<int64_t> perm;  // the kept axes in order, then the reduced ones
  int64_t length = 1;         // elements per row: the product of the reduced dims
};

// The rows of reducing `x` over `axes` (each in range, as the shape rule checked).
inline Rows RowsOf(const Shape& x, const std::vector<int64_t>& axes) {
  Rows r;
  r.reduced.assign(x.size(), false);
  for (int64_t a : axes) r.reduced[a] = true;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!r.reduced[d]) r.perm.push_back(static_cast<int64_t>(d));
  }
  for (size_t d = 0; d < x.size(); ++d) {
    if (r.reduced[d]) {
      r.perm.push_back(static_cast<int64_t>(d));
      r.length *= x[d];
    }
  }
  return r;
}

}  // namespace reduce

// The reduce layer's typed params, read once for its shape rule (CheckReduceLayer), the builder's
// passes and the cpu and cuda kernels (cpu/reduce.cc, cuda/reduce.cu).
struct ReduceParams {
  reduce::Op op = reduce::kSum;
  std::vector<int64_t> axes;  // sorted, unique, in range (the shape rule checks)
  bool keep_dims = false;
  // Builder form (fusion.h): a squeeze-excite tail on a mean over the spatial dims, two fully
  // connected layers with activations excite1 and excite2; with excite_scale the output is x
  // times that gate.
  bool excite = false, excite_scale = false;
  Activation excite1, excite2;
  // The excite tail's x is channels-last (axes [1, 2], layout.h; else [2, 3]).
  bool nhwc() const { return axes == std::vector<int64_t>{1, 2}; }
};

// The prefixes of the excite tail's two activations.
constexpr const char* kExcite1 = "excite1.";
constexpr const char* kExcite2 = "excite2.";

// The layer's params (validated by the schema: present, right types).
inline ReduceParams ReadReduce(const Params& p) {
  ReduceParams r;
  r.op = reduce::Parse(p.String("op"));
  r.axes = p.Ints("axes");
  r.keep_dims = p.Bool("keepDims");
  r.excite = p.Has("excite") && p.Bool("excite");
  r.excite_scale = p.Has("exciteScale") && p.Bool("exciteScale");
  if (r.excite) {
    r.excite1 = ReadActivation(p, kExcite1);
    r.excite2 = ReadActivation(p, kExcite2);
  }
  return r;
}

// The builder forms the passes write: the reduced axes (layout.h moves them to the channels-last
// spatial dims), the excite tail (fusion.h; its activations go under kExcite1 and kExcite2:
// CopyActivation), and the scale by its gate.
inline void SetReduceAxes(Params* p, const std::vector<int64_t>& axes) { p->Set("axes", ParamValue::Numbers(axes)); }
inline void SetExcite(Params* p) { p->Set("excite", ParamValue::Bool(true)); }
inline void SetExciteScale(Params* p) { p->Set("exciteScale", ParamValue::Bool(true)); }

// The reduction's rows (x transposed by rows.perm, rows.length elements a row) and how many it
// writes: one per output element, or with excite_scale (the output x-shaped, the gate one value
// a row) one per row of x.
struct ReduceGeometry {
  ReduceParams params;
  reduce::Rows rows;
  int64_t out_rows = 0;
};

inline ReduceGeometry ReduceGeometryOf(const Params& p, const Shape& x, int64_t y_numel) {
  ReduceGeometry g;
  g.params = ReadReduce(p);
  g.rows = reduce::RowsOf(x, g.params.axes);
  g.out_rows = g.params.excite_scale ? Numel(x) / std::max<int64_t>(g.rows.length, 1) : y_numel;
  return g;
}

}  // namespace hybridrt
