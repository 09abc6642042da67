// Byte views and alias groups (see alias.h).
#include "src/builder/alias.h"

#include "layers/shuffle.h"

namespace hybridrt {

namespace {

// Whether permuting `shape` by `perm` keeps the non-unit dims in their order (then the
// row-major bytes do not move: unit dims contribute no stride).
bool KeepsOrder(const Shape& shape, const std::vector<int64_t>& perm) {
  if (perm.size() != shape.size()) return false;
  int64_t last = -1;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(shape.size())) return false;
    if (shape[p] == 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

}  // namespace

bool IsByteView(const Network& net, const Layer& layer) {
  // A reshape to a computed target (a second input) is a view too: its target only sizes it.
  if (layer.kind != LayerKind::kShuffle || layer.inputs.empty() || layer.inputs.size() > 2 || layer.outputs.size() != 1)
    return false;
  const int32_t xi = layer.inputs[0], yi = layer.outputs[0];
  const int32_t n = static_cast<int32_t>(net.tensors.size());
  if (xi < 0 || xi >= n || yi < 0 || yi >= n) return false;
  const TensorInfo& x = net.tensors[xi];
  const TensorInfo& y = net.tensors[yi];
  int64_t nx = 0, ny = 0;
  if (x.dtype != y.dtype || !CheckedNumel(x.shape, &nx) || !CheckedNumel(y.shape, &ny) || nx != ny || nx == 0)
    return false;
  ShuffleShapes s;
  std::string why;
  if (!ShuffleShapesOf(ReadShuffleParams(layer, x.shape.size()), x.shape, &s, &why)) return false;
  return KeepsOrder(x.shape, s.first_perm) && KeepsOrder(s.reshaped, s.second_perm);
}

std::vector<int32_t> AliasRoots(const Network& net) {
  std::vector<int32_t> root(net.tensors.size(), -1);
  for (int32_t id : net.inputs) root[id] = id;
  for (const Layer& l : net.layers) {
    if (l.kind == LayerKind::kConstant) continue;
    for (int32_t id : l.outputs) root[id] = id;
    if (IsByteView(net, l) && root[l.inputs[0]] >= 0) root[l.outputs[0]] = root[l.inputs[0]];
  }
  return root;
}

bool IsAliased(const Network& net, const std::vector<int64_t>& offsets, const Layer& layer) {
  if (!IsByteView(net, layer)) return false;
  const size_t x = static_cast<size_t>(layer.inputs[0]), y = static_cast<size_t>(layer.outputs[0]);
  return x < offsets.size() && y < offsets.size() && offsets[x] >= 0 && offsets[x] == offsets[y];
}

}  // namespace hybridrt
