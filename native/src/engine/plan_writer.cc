// Serializes an engine's contents to plan bytes (layout in plan_format.h).
#include "src/engine/plan.h"
#include "src/engine/plan_format.h"
#include "src/util/byte_io.h"
#include "src/util/checksum.h"

namespace hybridrt {

namespace {

void PutIds(ByteWriter& w, const std::vector<int32_t>& ids) {
  w.Put<uint32_t>(static_cast<uint32_t>(ids.size()));
  for (int32_t id : ids) w.Put<int32_t>(id);
}

void PutParam(ByteWriter& w, const std::string& key, const ParamValue& v) {
  w.PutString(key);
  w.Put<uint8_t>(static_cast<uint8_t>(v.type));
  switch (v.type) {
    case ParamValue::Type::kNumber: w.Put<double>(v.number); break;
    case ParamValue::Type::kNumbers:
      w.Put<uint32_t>(static_cast<uint32_t>(v.numbers.size()));
      for (double d : v.numbers) w.Put<double>(d);
      break;
    case ParamValue::Type::kBool: w.Put<uint8_t>(v.boolean ? 1 : 0); break;
    case ParamValue::Type::kString: w.PutString(v.string); break;
  }
}

// Writes tag and a placeholder size; returns where the size goes.
size_t BeginSection(ByteWriter& w, uint32_t tag) {
  w.Put<uint32_t>(tag);
  size_t at = w.size();
  w.Put<uint64_t>(0);
  return at;
}

void EndSection(ByteWriter& w, size_t at) { w.PatchAt<uint64_t>(at, w.size() - at - 8); }

}  // namespace

std::vector<uint8_t> WritePlan(const PlanContents& plan) {
  const Network& net = plan.network;
  ByteWriter w;
  w.PutBytes(kPlanMagic, 8);
  w.Put<uint32_t>(kPlanFormatVersion);
  w.Put<uint32_t>(0);
  w.Put<uint64_t>(0);  // checksum, patched below
  w.Put<uint64_t>(0);  // payload size, patched below
  w.PutString(plan.backend);
  w.PutString(plan.device_arch);
  w.Put<uint32_t>(kNumSections);

  size_t s = BeginSection(w, kSectionTags[0]);
  w.Put<uint32_t>(net.format_version);
  w.PutString(net.name);
  PutIds(w, net.inputs);
  PutIds(w, net.outputs);
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[1]);
  w.Put<uint32_t>(static_cast<uint32_t>(net.tensors.size()));
  for (const TensorInfo& t : net.tensors) {
    w.PutString(t.name);
    w.Put<uint8_t>(static_cast<uint8_t>(t.dtype));
    w.Put<uint32_t>(static_cast<uint32_t>(t.shape.size()));
    for (int64_t d : t.shape) w.Put<int64_t>(d);
  }
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[2]);
  w.Put<uint32_t>(static_cast<uint32_t>(net.layers.size()));
  for (const Layer& l : net.layers) {
    w.Put<uint8_t>(static_cast<uint8_t>(l.kind));
    w.PutString(l.name);
    PutIds(w, l.inputs);
    PutIds(w, l.outputs);
    w.Put<uint32_t>(static_cast<uint32_t>(l.params.values().size()));
    for (const auto& [key, value] : l.params.values()) PutParam(w, key, value);
  }
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[3]);
  uint32_t constants = 0;
  for (const Layer& l : net.layers) constants += l.kind == LayerKind::kConstant;
  w.Put<uint32_t>(constants);
  uint64_t blob = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].kind != LayerKind::kConstant) continue;
    w.Put<uint32_t>(static_cast<uint32_t>(i));
    w.Put<uint64_t>(blob);
    w.Put<uint64_t>(net.weights[i].bytes);
    blob += net.weights[i].bytes;
  }
  w.Put<uint64_t>(blob);
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].kind == LayerKind::kConstant) w.PutBytes(net.weights[i].data, net.weights[i].bytes);
  }
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[4]);
  w.Put<uint64_t>(plan.memory.arena_bytes);
  w.Put<uint64_t>(plan.memory.activation_bytes);
  w.Put<uint32_t>(static_cast<uint32_t>(plan.memory.offsets.size()));
  for (int64_t o : plan.memory.offsets) w.Put<int64_t>(o);
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[5]);
  w.Put<uint32_t>(static_cast<uint32_t>(plan.tactics.size()));
  for (const std::string& t : plan.tactics) w.PutString(t);
  EndSection(w, s);

  s = BeginSection(w, kSectionTags[6]);
  w.Put<uint32_t>(static_cast<uint32_t>(net.ranges.size()));
  for (const InputRange& r : net.ranges) {
    w.Put<uint32_t>(static_cast<uint32_t>(r.min.size()));
    for (int64_t d : r.min) w.Put<int64_t>(d);
    for (int64_t d : r.max) w.Put<int64_t>(d);
  }
  EndSection(w, s);

  std::vector<uint8_t>& bytes = w.bytes();
  w.PatchAt<uint64_t>(24, bytes.size() - kPlanHeaderSize);
  w.PatchAt<uint64_t>(16, Xxh64(bytes.data() + kPlanChecksumFrom, bytes.size() - kPlanChecksumFrom));
  return std::move(bytes);
}

}  // namespace hybridrt
