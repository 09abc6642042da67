// Byte views and alias groups (see alias.h).
#include "src/builder/alias.h"

#include "layers/concat_split.h"
#include "layers/shuffle.h"
#include "src/builder/memory_planner.h"

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

bool ConcatSlices(const Network& net, const Layer& layer, std::vector<uint64_t>* at) {
  at->clear();
  if (layer.kind != LayerKind::kConcat || layer.inputs.empty() || layer.outputs.size() != 1) return false;
  const int32_t n = static_cast<int32_t>(net.tensors.size());
  const int32_t yi = layer.outputs[0];
  if (yi < 0 || yi >= n) return false;
  const TensorInfo& y = net.tensors[yi];
  const int64_t axis = ReadConcatSplit(layer.params).axis;
  int64_t ny = 0;
  if (axis < 0 || axis >= static_cast<int64_t>(y.shape.size()) || !CheckedNumel(y.shape, &ny) || ny == 0) return false;
  for (int64_t d = 0; d < axis; ++d) {
    if (y.shape[d] != 1) return false;  // more than one block per input: its slices are apart
  }
  uint64_t sum = 0;
  for (int32_t xi : layer.inputs) {
    if (xi < 0 || xi >= n) return false;
    const TensorInfo& x = net.tensors[xi];
    int64_t nx = 0;
    if (x.dtype != y.dtype || !CheckedNumel(x.shape, &nx) || nx == 0) return false;
    const uint64_t bytes = static_cast<uint64_t>(nx) * DTypeSize(x.dtype);
    if (bytes % kArenaAlignment != 0) return false;
    at->push_back(sum);
    sum += bytes;
  }
  return sum == static_cast<uint64_t>(ny) * DTypeSize(y.dtype);
}

ConcatHosts PlanConcatHosts(const Network& net, const std::vector<int32_t>& root) {
  const size_t n = net.tensors.size();
  ConcatHosts h;
  h.host.assign(n, -1);
  h.at.assign(n, 0);
  std::vector<char> fixed(n, 0);  // network inputs and outputs, tensors with byte views, hosts
  for (int32_t id : net.inputs) fixed[id] = 1;
  for (int32_t id : net.outputs) fixed[id] = 1;
  for (size_t i = 0; i < n; ++i) {
    if (root[i] >= 0 && root[i] != static_cast<int32_t>(i)) fixed[i] = fixed[root[i]] = 1;
  }
  std::vector<uint64_t> at;
  for (const Layer& l : net.layers) {
    if (!ConcatSlices(net, l, &at)) continue;
    bool ok = true;
    for (size_t k = 0; k < l.inputs.size() && ok; ++k) {
      const int32_t x = l.inputs[k];
      ok = root[x] == x && !fixed[x] && h.host[x] < 0;
      for (size_t j = 0; j < k && ok; ++j) ok = l.inputs[j] != x;
    }
    if (!ok) continue;
    const int32_t y = l.outputs[0];
    fixed[y] = 1;  // a host is no concat's input
    for (size_t k = 0; k < l.inputs.size(); ++k) {
      h.host[l.inputs[k]] = y;
      h.at[l.inputs[k]] = at[k];
    }
  }
  return h;
}

bool IsAliased(const Network& net, const std::vector<int64_t>& offsets, const Layer& layer) {
  if (layer.kind == LayerKind::kConcat) {
    std::vector<uint64_t> at;
    if (!ConcatSlices(net, layer, &at)) return false;
    const size_t y = static_cast<size_t>(layer.outputs[0]);
    if (y >= offsets.size() || offsets[y] < 0) return false;
    for (size_t k = 0; k < layer.inputs.size(); ++k) {
      const size_t x = static_cast<size_t>(layer.inputs[k]);
      if (x >= offsets.size() || offsets[x] != offsets[y] + static_cast<int64_t>(at[k])) return false;
    }
    return true;
  }
  if (!IsByteView(net, layer)) return false;
  const size_t x = static_cast<size_t>(layer.inputs[0]), y = static_cast<size_t>(layer.outputs[0]);
  return x < offsets.size() && y < offsets.size() && offsets[x] >= 0 && offsets[x] == offsets[y];
}

}  // namespace hybridrt
