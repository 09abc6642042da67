// The rule of the gather layer (see gather.h).
#include "layers/gather.h"

#include "layers/gather_nd.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckGatherLayer(const LayerCheck& c) {
  c.ExpectInputs(2, 2);
  c.ExpectOutputs(1);
  DType it = c.In(1).dtype;
  if (it != DType::kInt32 && it != DType::kInt64) {
    c.Bad(Cat(c.InLabel(1), " has dtype ", DTypeName(it), "; indices must be int32 or int64"));
  }
  const Shape& data = c.In(0).shape;
  const Shape& idx = c.In(1).shape;
  Shape out;
  const GatherParams p = ReadGather(c.params());
  if (p.mode == GatherMode::kNd) {  // axis is batch_dims (gather_nd.h)
    GatherNdGeometry g;
    const std::string why = ReadGatherNdGeometry(data, idx, p.axis, &g, &out);
    if (!why.empty()) c.Bad(why);
    c.ExpectOutput(0, c.In(0).dtype, out);
    return;
  }
  int64_t axis = c.CheckAxis(p.axis, data.size());
  if (p.mode == GatherMode::kDefault) {
    out.assign(data.begin(), data.begin() + axis);
    out.insert(out.end(), idx.begin(), idx.end());
    out.insert(out.end(), data.begin() + axis + 1, data.end());
  } else {
    if (idx.size() != data.size())
      c.Bad(Cat(c.InLabel(1), " has rank ", idx.size(), "; expected the data's ", data.size()));
    for (size_t d = 0; d < data.size(); ++d) {
      if (static_cast<int64_t>(d) != axis && idx[d] > data[d]) {
        c.Bad(Cat(c.InLabel(1), " has shape ", ShapeToString(idx), ", larger than the data ", ShapeToString(data),
                  " off the axis"));
      }
    }
    out = idx;
  }
  int64_t n;
  if (!CheckedNumel(out, &n)) c.Bad(Cat("output shape ", ShapeToString(out), " is too large"));
  c.ExpectOutput(0, c.In(0).dtype, out);
}

}  // namespace hybridrt
