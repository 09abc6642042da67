// Layer, instance and group normalization's params and rows, written once for the shape rule
// (CheckNormalizationLayer) and the cpu and cuda kernels (cpu/normalization.cc,
// cuda/normalization.cu): each normalized group of elements is one contiguous row of x (layer:
// prod(x[axis:]) elements; instance: one (n, c) plane; group: C/groups consecutive planes),
// its mean and variance taken over the row, scale and bias indexed per element (layer) or per
// channel (row r's channels are (r % groups) * per_group onwards, spatial elements each).
#pragma once

#include <cstdint>

#include "src/ir/network.h"
#include "src/ir/shape.h"

namespace hybridrt {

enum class NormMode : int { kLayer, kInstance, kGroup };

struct NormalizationParams {
  NormMode mode = NormMode::kLayer;
  int64_t axis = 0;    // layer: the first normalized dim
  int64_t groups = 1;  // group: channel groups (the param, read in every mode)
  double epsilon = 0;
};

// The layer's params (validated by the schema: present, right types).
inline NormalizationParams ReadNormalization(const Params& p) {
  const std::string& mode = p.String("mode");
  const NormMode m = mode == "layer" ? NormMode::kLayer : mode == "instance" ? NormMode::kInstance : NormMode::kGroup;
  return {m, p.Int("axis"), p.Int("groups"), p.Float("epsilon")};
}

// Plain values, so the cuda kernels take it by value.
struct NormalizationGeometry {
  int64_t rows = 0, row = 1;  // x's rows and their length
  bool layer = true;
  int64_t groups = 1, per_group = 1, spatial = 1;  // instance/group (layer: all 1)
  double eps = 0;
};

// x's rows (the params checked by CheckNormalizationLayer: the axis in range, groups dividing C).
inline NormalizationGeometry NormalizationRows(const NormalizationParams& p, const Shape& x) {
  NormalizationGeometry g;
  g.eps = p.epsilon;
  g.layer = p.mode == NormMode::kLayer;
  if (g.layer) {
    for (size_t d = p.axis; d < x.size(); ++d) g.row *= x[d];
  } else {
    const int64_t channels = x[1];
    for (size_t d = 2; d < x.size(); ++d) g.spatial *= x[d];
    g.groups = p.mode == NormMode::kInstance ? channels : p.groups;
    g.per_group = channels / g.groups;
    g.row = g.per_group * g.spatial;
  }
  g.rows = g.row == 0 ? 0 : Numel(x) / g.row;
  return g;
}

}  // namespace hybridrt
