// The scatter layer (ONNX ScatterND and ScatterElements): its geometry, read from the shapes
// once, for the shape rule and both backends' kernels.
//
//   inputs  [data, indices (int64), updates], output data's shape and dtype: a copy of data
//           with the updates written (reduction 'none') or combined ('add', 'mul', 'max',
//           'min') where the indices say, in the order of the updates: where indices repeat,
//           the later update is written over or combined with the earlier, as onnxruntime does.
//   'nd'        indices [..., k], updates indices[:-1] + data[k:]: each tuple addresses a slice
//               of data (the geometry of GatherND with batch_dims 0, gather_nd.h).
//   'elements'  indices and updates of one shape, of data's rank and at most its dims off the
//               axis (along it, any length): each
//               update goes to its own position with the coordinate along `axis` replaced by
//               its index. Walked as lines along the axis: a line's updates are applied in order.
// Negative indices count from the end.
#pragma once

#include <cstdint>
#include <string>

#include "layers/gather_nd.h"
#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

constexpr int kMaxScatterRank = 8;

enum class ScatterReduction : uint8_t { kNone, kAdd, kMul, kMax, kMin };
// The reductions' names, in ScatterReduction's order (also what the param schema admits).
inline constexpr const char* kScatterReductionNames[] = {"none", "add", "mul", "max", "min"};
inline const char* ScatterReductionName(ScatterReduction r) { return kScatterReductionNames[static_cast<int>(r)]; }

struct ScatterElementsGeometry {
  int rank = 0, axis = 0;
  int64_t dims[kMaxScatterRank] = {};          // the updates' (and indices') dims
  int64_t data_strides[kMaxScatterRank] = {};  // data's element strides
  int64_t axis_len = 0;                        // data's dim along the axis
  int64_t lines = 0;                           // update lines along the axis
  int64_t step = 1;                            // the updates' stride along the axis

  // Line `l`'s first data offset (axis coordinate 0) and first update offset.
  HYBRIDRT_HD void Line(int64_t l, int64_t* data_base, int64_t* upd_base) const {
    int64_t d_off = 0, u_off = 0, u_stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (d != axis) {
        const int64_t c = l % dims[d];
        l /= dims[d];
        d_off += c * data_strides[d];
        u_off += c * u_stride;
      }
      u_stride *= dims[d];
    }
    *data_base = d_off;
    *upd_base = u_off;
  }
};

// Checks data, indices and updates of these shapes for mode 'nd' ('elements' with `axis`);
// returns what is wrong ("" when nothing is).
std::string ReadScatterNdGeometry(const Shape& data, const Shape& indices, const Shape& updates, GatherNdGeometry* g);
std::string ReadScatterElementsGeometry(const Shape& data, const Shape& indices, const Shape& updates, int64_t axis,
                                        ScatterElementsGeometry* g);

// The layer's typed params, read once for its shape rule (CheckScatterLayer) and both kernels
// (through ReadScatterLayer).
struct ScatterParams {
  bool nd = false;  // mode 'nd' (else 'elements')
  ScatterReduction reduction = ScatterReduction::kNone;
  int64_t axis = 0;  // mode 'elements' (ReadScatterElementsGeometry checks it against data's rank)
};
// The layer's params (present, typed and in their enums: the schema); a reduction without a name
// here is an Error naming the layer and the param.
ScatterParams ReadScatterParams(const Layer& layer);

// A layer read once, for the shape rule and both kernels: its mode, reduction and geometry.
struct ScatterLayerParams {
  bool nd = false;
  ScatterReduction reduction = ScatterReduction::kNone;
  GatherNdGeometry nd_geometry;      // mode 'nd'
  ScatterElementsGeometry elements;  // mode 'elements'
};
// The params and the geometry of data, indices and updates of these shapes; returns what is
// wrong with the shapes ("" when nothing is).
std::string ReadScatterLayer(const ScatterParams& params, const Shape& data, const Shape& indices, const Shape& updates,
                             ScatterLayerParams* out);

}  // namespace hybridrt
