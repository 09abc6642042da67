// The shared machinery of the builder's rewrite passes (see net_rewrite.h).
#include "src/builder/net_rewrite.h"

#include <optional>
#include <string>

#include "src/ir/fused_names.h"
#include "src/util/error.h"

namespace hybridrt {

RewriteWork::RewriteWork(const Network& n) : net(n), alive(n.layers.size(), true) {
  is_output.assign(net.tensors.size(), false);
  for (int32_t id : net.outputs) is_output[id] = true;
  Index();
}

void RewriteWork::Index() {
  producer.assign(net.tensors.size(), -1);
  uses.assign(net.tensors.size(), 0);
  reader.assign(net.tensors.size(), -1);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!alive[i]) continue;
    for (int32_t id : net.layers[i].outputs) producer[id] = static_cast<int64_t>(i);
    for (int32_t id : net.layers[i].inputs) {
      uses[id]++;
      reader[id] = static_cast<int64_t>(i);
    }
  }
}

// From the index, not a scan of the layers: the fusion rules ask it of every layer, and a scan
// made a chain of 50,000 activations take 12 s to build (the fuzzer's deep-chain case).
int64_t RewriteWork::SoleReader(int32_t id) const { return is_output[id] || uses[id] != 1 ? -1 : reader[id]; }

void NoteFused(Layer& into, const Layer& from) {
  AppendFused(&into.params, from.name);
  if (const std::optional<std::string> names = FusedNames(from.params)) AppendFused(&into.params, *names);
}

Network Compact(const RewriteWork& w) {
  Network out;
  out.format_version = w.net.format_version;
  out.name = w.net.name;
  std::vector<int32_t> remap(w.net.tensors.size(), -1);
  auto keep = [&](int32_t id) {
    if (remap[id] < 0) {
      remap[id] = static_cast<int32_t>(out.tensors.size());
      out.tensors.push_back(w.net.tensors[id]);
    }
  };
  for (int32_t id : w.net.inputs) keep(id);
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    if (!w.alive[i]) continue;
    for (int32_t id : w.net.layers[i].outputs) keep(id);
  }
  for (int32_t id : w.net.inputs) out.inputs.push_back(remap[id]);
  for (int32_t id : w.net.outputs) out.outputs.push_back(remap[id]);
  for (size_t i = 0; i < w.net.layers.size(); ++i) {
    if (!w.alive[i]) continue;
    Layer l = w.net.layers[i];
    for (int32_t& id : l.inputs) {
      if (remap[id] < 0)
        Fail(ErrorCode::kNative, Cat("internal: fusion left ", LayerLabel(l), " reading a removed tensor"));
      id = remap[id];
    }
    for (int32_t& id : l.outputs) id = remap[id];
    out.layers.push_back(std::move(l));
    out.weights.push_back(w.net.weights[i]);
  }
  return out;
}

}  // namespace hybridrt
