// The scatter layer's geometry (see scatter.h).
#include "src/ir/scatter.h"

#include "src/util/error.h"

namespace hybridrt {

namespace {

bool ParseScatterReduction(const std::string& name, ScatterReduction* out) {
  static const struct {
    const char* name;
    ScatterReduction value;
  } kNames[] = {{"none", ScatterReduction::kNone},
                {"add", ScatterReduction::kAdd},
                {"mul", ScatterReduction::kMul},
                {"max", ScatterReduction::kMax},
                {"min", ScatterReduction::kMin}};
  for (const auto& n : kNames) {
    if (name == n.name) {
      *out = n.value;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string ReadScatterNdGeometry(const Shape& data, const Shape& indices, const Shape& updates, GatherNdGeometry* g) {
  Shape expected;
  const std::string why = ReadGatherNdGeometry(data, indices, 0, g, &expected);
  if (!why.empty()) return why;
  if (updates != expected) {
    return Cat("updates have shape ", ShapeToString(updates), "; indices ", ShapeToString(indices), " into data ",
               ShapeToString(data), " take ", ShapeToString(expected));
  }
  return "";
}

std::string ReadScatterElementsGeometry(const Shape& data, const Shape& indices, const Shape& updates, int64_t axis,
                                        ScatterElementsGeometry* g) {
  const int64_t r = static_cast<int64_t>(data.size());
  if (r < 1 || r > kMaxScatterRank) return Cat("data has rank ", r, "; expected 1 to ", kMaxScatterRank);
  if (indices != updates)
    return Cat("indices ", ShapeToString(indices), " and updates ", ShapeToString(updates), " differ");
  if (static_cast<int64_t>(indices.size()) != r) return Cat("indices have rank ", indices.size(), "; data ", r);
  if (axis < 0 || axis >= r) return Cat("axis ", axis, " is out of range for rank ", r);
  *g = ScatterElementsGeometry();
  g->rank = static_cast<int>(r);
  g->axis = static_cast<int>(axis);
  g->axis_len = data[axis];
  int64_t stride = 1, count = 1;
  for (int64_t d = r - 1; d >= 0; --d) {
    if (d != axis && indices[d] > data[d]) {  // along the axis any number of updates may land
      return Cat("indices ", ShapeToString(indices), " are larger than data ", ShapeToString(data), " in dim ", d);
    }
    g->dims[d] = indices[d];
    g->data_strides[d] = stride;
    stride *= data[d];
    count *= indices[d];
  }
  g->step = 1;
  for (int64_t d = axis + 1; d < r; ++d) g->step *= indices[d];
  g->lines = indices[axis] ? count / indices[axis] : 0;
  return "";
}

std::string ReadScatterLayer(const Params& params, const Shape& data, const Shape& indices, const Shape& updates,
                             ScatterLayerParams* out) {
  out->nd = params.String("mode") == "nd";
  if (!ParseScatterReduction(params.String("reduction"), &out->reduction)) {
    return Cat("reduction '", params.String("reduction"), "' is not one of none, add, mul, max, min");
  }
  return out->nd ? ReadScatterNdGeometry(data, indices, updates, &out->nd_geometry)
                 : ReadScatterElementsGeometry(data, indices, updates, params.Int("axis"), &out->elements);
}

}  // namespace hybridrt
