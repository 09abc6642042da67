// The scatter layer's geometry (see scatter.h).
#include "layers/scatter.h"

#include <iterator>

#include "src/util/error.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

ScatterParams ReadScatterParams(const Layer& layer) {
  const Params& p = layer.params;
  ScatterParams s;
  s.nd = p.String("mode") == "nd";
  const std::string& reduction = p.String("reduction");
  int r = 0;
  while (r < static_cast<int>(std::size(kScatterReductionNames)) && reduction != kScatterReductionNames[r]) ++r;
  if (r == static_cast<int>(std::size(kScatterReductionNames))) {
    std::string names;
    for (const char* n : kScatterReductionNames) names += Cat(names.empty() ? "" : ", ", n);
    BadParam(layer, "reduction", Cat("is '", reduction, "'; expected one of ", names));
  }
  s.reduction = static_cast<ScatterReduction>(r);
  s.axis = p.Int("axis");
  return s;
}

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

std::string ReadScatterLayer(const ScatterParams& params, const Shape& data, const Shape& indices, const Shape& updates,
                             ScatterLayerParams* out) {
  out->nd = params.nd;
  out->reduction = params.reduction;
  return out->nd ? ReadScatterNdGeometry(data, indices, updates, &out->nd_geometry)
                 : ReadScatterElementsGeometry(data, indices, updates, params.axis, &out->elements);
}

// A copy of data with the updates written or combined where the indices say (scatter.h).
void CheckScatterLayer(const LayerCheck& c) {
  c.ExpectInputs(3, 3);
  c.ExpectOutputs(1);
  if (c.In(1).dtype != DType::kInt64)
    c.Bad(Cat(c.InLabel(1), " has dtype ", DTypeName(c.In(1).dtype), "; indices must be int64"));
  c.ExpectSameDType(2, 0);
  const DType t = c.In(0).dtype;
  const ScatterParams sp = ReadScatterParams(c.layer());
  if (sp.reduction != ScatterReduction::kNone && !IsNumeric(t)) {
    c.Bad(Cat("reduction '", ScatterReductionName(sp.reduction), "' does not take dtype ", DTypeName(t)));
  }
  ScatterLayerParams p;
  const std::string why = ReadScatterLayer(sp, c.In(0).shape, c.In(1).shape, c.In(2).shape, &p);
  if (!why.empty()) c.Bad(why);
  c.ExpectOutput(0, t, c.In(0).shape);
}

}  // namespace hybridrt
