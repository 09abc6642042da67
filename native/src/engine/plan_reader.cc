// Parses and checks plan bytes (layout in plan_format.h; guarantees in plan.h).
#include <cstring>

#include "src/engine/plan.h"
#include "src/engine/plan_format.h"
#include "src/ir/validator.h"
#include "src/util/byte_io.h"
#include "src/util/checksum.h"

namespace hybridrt {

namespace {

[[noreturn]] void Bad(const std::string& m) { Fail(ErrorCode::kPlan, Cat("plan: ", m)); }

std::string TagName(uint32_t tag) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

std::vector<int32_t> GetIds(ByteReader& r, const std::string& field) {
  uint32_t n = r.GetCount(field + " count", 4);
  std::vector<int32_t> ids(n);
  for (uint32_t i = 0; i < n; ++i) ids[i] = r.Get<int32_t>(Cat(field, "[", i, "]"));
  return ids;
}

ParamValue GetParam(ByteReader& r, const std::string& field) {
  ParamValue v;
  uint8_t type = r.Get<uint8_t>(field + " type");
  if (type > static_cast<uint8_t>(ParamValue::Type::kString))
    Bad(Cat(field, " has type code ", int(type), "; expected 0 to 3"));
  v.type = static_cast<ParamValue::Type>(type);
  switch (v.type) {
    case ParamValue::Type::kNumber: v.number = r.Get<double>(field); break;
    case ParamValue::Type::kNumbers: {
      uint32_t n = r.GetCount(field + " count", 8);
      v.numbers.resize(n);
      for (uint32_t i = 0; i < n; ++i) v.numbers[i] = r.Get<double>(Cat(field, "[", i, "]"));
      break;
    }
    case ParamValue::Type::kBool: {
      uint8_t b = r.Get<uint8_t>(field);
      if (b > 1) Bad(Cat(field, " is ", int(b), "; expected a boolean 0 or 1"));
      v.boolean = b == 1;
      break;
    }
    case ParamValue::Type::kString: v.string = r.GetString(field, 4096); break;
  }
  return v;
}

void ReadNetworkSection(ByteReader& r, Network& net) {
  net.format_version = r.Get<uint32_t>("network format version");
  net.name = r.GetString("network name");
  net.inputs = GetIds(r, "network inputs");
  net.outputs = GetIds(r, "network outputs");
}

void ReadTensors(ByteReader& r, Network& net) {
  uint32_t n = r.GetCount("tensor count", 9);
  net.tensors.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string f = Cat("tensors[", i, "]");
    TensorInfo& t = net.tensors[i];
    t.name = r.GetString(f + ".name");
    uint8_t dtype = r.Get<uint8_t>(f + ".dtype");
    if (dtype >= kNumDTypes) Bad(Cat(f, ".dtype is ", int(dtype), "; expected 0 to ", kNumDTypes - 1));
    t.dtype = static_cast<DType>(dtype);
    uint32_t rank = r.GetCount(f + ".rank", 8);
    if (rank > 64) Bad(Cat(f, ".rank is ", rank, "; expected at most 64"));
    for (uint32_t d = 0; d < rank; ++d) {
      int64_t v = r.Get<int64_t>(Cat(f, ".shape[", d, "]"));
      if (v < 0 || v > kMaxElements) Bad(Cat(f, ".shape[", d, "] is ", v, "; expected 0 to 2^40"));
      t.shape.push_back(v);
    }
  }
}

void ReadLayers(ByteReader& r, Network& net) {
  uint32_t n = r.GetCount("layer count", 17);
  net.layers.resize(n);
  net.weights.assign(n, WeightView{});
  for (uint32_t i = 0; i < n; ++i) {
    std::string f = Cat("layers[", i, "]");
    Layer& l = net.layers[i];
    uint8_t kind = r.Get<uint8_t>(f + ".kind");
    if (kind >= kNumLayerKinds) Bad(Cat(f, ".kind is ", int(kind), "; expected 0 to ", kNumLayerKinds - 1));
    l.kind = static_cast<LayerKind>(kind);
    l.name = r.GetString(f + ".name");
    l.inputs = GetIds(r, f + ".inputs");
    l.outputs = GetIds(r, f + ".outputs");
    uint32_t np = r.GetCount(f + " param count", 9);
    for (uint32_t k = 0; k < np; ++k) {
      std::string key = r.GetString(Cat(f, ".params[", k, "] key"), 256);
      if (l.params.Has(key)) Bad(Cat(f, " has param '", key, "' twice"));
      l.params.Set(key, GetParam(r, Cat(f, ".params.", key)));
    }
  }
}

void ReadWeights(ByteReader& r, Network& net) {
  uint32_t n = r.GetCount("weight count", 20);
  struct Entry {
    uint32_t layer;
    uint64_t offset, bytes;
  };
  std::vector<Entry> entries(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string f = Cat("weights[", i, "]");
    entries[i].layer = r.Get<uint32_t>(f + ".layer");
    entries[i].offset = r.Get<uint64_t>(f + ".offset");
    entries[i].bytes = r.Get<uint64_t>(f + ".bytes");
  }
  uint64_t blob_size = r.Get<uint64_t>("weight blob size");
  if (blob_size != r.left())
    Bad(Cat("weight blob size is ", blob_size, "; the section holds ", r.left(), " more bytes"));
  const uint8_t* blob = r.GetBytes(blob_size, "weight blob");
  std::vector<bool> seen(net.layers.size(), false);
  for (uint32_t i = 0; i < n; ++i) {
    const Entry& e = entries[i];
    std::string f = Cat("weights[", i, "]");
    if (e.layer >= net.layers.size())
      Bad(Cat(f, ".layer is ", e.layer, "; the plan has ", net.layers.size(), " layers"));
    if (net.layers[e.layer].kind != LayerKind::kConstant)
      Bad(Cat(f, " belongs to ", LayerLabel(net.layers[e.layer]), ", not a constant"));
    if (seen[e.layer]) Bad(Cat(f, ": layer ", e.layer, " has weights twice"));
    seen[e.layer] = true;
    if (e.offset > blob_size || e.bytes > blob_size - e.offset) {
      Bad(Cat(f, " spans [", e.offset, ", +", e.bytes, "), outside the blob of ", blob_size, " bytes"));
    }
    net.weights[e.layer] = {blob + e.offset, static_cast<size_t>(e.bytes)};
  }
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].kind == LayerKind::kConstant && !seen[i])
      Bad(Cat(LayerLabel(net.layers[i]), " has no weights entry"));
  }
}

void ReadMemory(ByteReader& r, PlanContents& plan) {
  plan.memory.arena_bytes = r.Get<uint64_t>("arena bytes");
  plan.memory.activation_bytes = r.Get<uint64_t>("activation bytes");
  uint32_t n = r.GetCount("memory plan count", 8);
  plan.memory.offsets.resize(n);
  for (uint32_t i = 0; i < n; ++i) plan.memory.offsets[i] = r.Get<int64_t>(Cat("memory offsets[", i, "]"));
}

void ReadTactics(ByteReader& r, PlanContents& plan) {
  uint32_t n = r.GetCount("tactic count", 4);
  plan.tactics.resize(n);
  for (uint32_t i = 0; i < n; ++i) plan.tactics[i] = r.GetString(Cat("tactics[", i, "]"), 256);
}

void ReadRanges(ByteReader& r, Network& net) {
  uint32_t n = r.GetCount("range count", 4);
  net.ranges.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t rank = r.GetCount(Cat("ranges[", i, "] rank"), 16);
    for (Shape* s : {&net.ranges[i].min, &net.ranges[i].max}) {
      for (uint32_t d = 0; d < rank; ++d) {
        int64_t v = r.Get<int64_t>(Cat("ranges[", i, "] dim ", d));
        if (v < 0 || v > kMaxElements) Bad(Cat("ranges[", i, "] dim ", d, " is ", v, "; dims are 0 to ", kMaxElements));
        s->push_back(v);
      }
    }
  }
}

}  // namespace

PlanContents ReadPlan(const uint8_t* data, size_t size) {
  ByteReader head(data, size);
  const uint8_t* magic = head.GetBytes(8, "magic");
  if (std::memcmp(magic, kPlanMagic, 8) != 0)
    Bad("not a hybridrt plan (the first 8 bytes are not the magic 'HYBRTPLN')");
  uint32_t version = head.Get<uint32_t>("format version");
  if (version != kPlanFormatVersion) {
    Bad(Cat("format version ", version, "; this build reads version ", kPlanFormatVersion, " (rebuild the engine)"));
  }
  uint32_t reserved = head.Get<uint32_t>("reserved field");
  if (reserved != 0) Bad(Cat("reserved field is ", reserved, "; expected 0"));
  uint64_t checksum = head.Get<uint64_t>("checksum");
  uint64_t payload = head.Get<uint64_t>("payload size");
  if (payload != size - kPlanHeaderSize) {
    Bad(Cat(payload > size - kPlanHeaderSize ? "truncated" : "has trailing bytes", ": the header says ",
            payload + kPlanHeaderSize, " bytes, got ", size));
  }
  uint64_t actual = Xxh64(data + kPlanChecksumFrom, size - kPlanChecksumFrom);
  if (actual != checksum) {
    Bad(Cat("checksum mismatch (stored ", std::hex, checksum, ", computed ", actual, "): the plan is corrupted"));
  }
  PlanContents plan;
  ByteReader r = head.Sub(head.left(), "payload");
  plan.backend = r.GetString("backend name", 64);
  plan.device_arch = r.GetString("device architecture", 256);
  uint32_t sections = r.Get<uint32_t>("section count");
  if (sections != kNumSections) Bad(Cat("section count is ", sections, "; expected ", kNumSections));
  for (uint32_t s = 0; s < kNumSections; ++s) {
    uint32_t tag = r.Get<uint32_t>(Cat("section ", s, " tag"));
    if (tag != kSectionTags[s])
      Bad(Cat("section ", s, " is '", TagName(tag), "'; expected '", TagName(kSectionTags[s]), "'"));
    uint64_t len = r.Get<uint64_t>(Cat("section ", TagName(tag), " size"));
    if (len > r.left()) Bad(Cat("truncated: section ", TagName(tag), " claims ", len, " bytes, ", r.left(), " left"));
    ByteReader body = r.Sub(static_cast<size_t>(len), Cat("section ", TagName(tag)));
    switch (s) {
      case 0: ReadNetworkSection(body, plan.network); break;
      case 1: ReadTensors(body, plan.network); break;
      case 2: ReadLayers(body, plan.network); break;
      case 3: ReadWeights(body, plan.network); break;
      case 4: ReadMemory(body, plan); break;
      case 5: ReadTactics(body, plan); break;
      case 6: ReadRanges(body, plan.network); break;
    }
    body.ExpectEnd(Cat("section ", TagName(tag)));
  }
  r.ExpectEnd("the plan");
  try {
    ValidateNetwork(plan.network);
  } catch (const Error& e) {
    Bad(Cat("invalid network: ", e.what()));
  }
  VerifyMemoryPlan(plan.network, plan.memory);
  if (plan.tactics.size() != plan.network.layers.size()) {
    Bad(Cat("has ", plan.tactics.size(), " tactics for ", plan.network.layers.size(), " layers"));
  }
  return plan;
}

}  // namespace hybridrt
