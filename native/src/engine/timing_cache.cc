// The timing cache file (see timing_cache.h).
#include "src/engine/timing_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "src/ir/fused_names.h"
#include "layers/quant_form.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

constexpr const char* kHeader = "hybridrt-timing-cache 1";
// A cache holds one line per layer signature: far below this. A larger file is not one.
constexpr off_t kMaxCacheBytes = 256 << 20;

// The file's text where `path` is a timing cache, "" where it does not exist; anything else
// (another file, a FIFO, a device, a folder) fails, so that a cache path given by mistake
// never reads forever and is never overwritten.
std::string ReadCacheFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return "";
    Fail(ErrorCode::kNative, Cat("timing cache '", path, "' cannot be read"));
  }
  if (!S_ISREG(st.st_mode)) Fail(ErrorCode::kNative, Cat("timing cache '", path, "' is not a regular file"));
  if (st.st_size == 0) return "";
  if (st.st_size > kMaxCacheBytes) {
    Fail(ErrorCode::kNative,
         Cat("timing cache '", path, "' is not a timing cache (", st.st_size, " bytes); refusing to overwrite it"));
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) Fail(ErrorCode::kNative, Cat("timing cache '", path, "' cannot be read"));
  std::ostringstream text;
  text << f.rdbuf();
  std::string s = text.str();
  if (s.compare(0, std::string(kHeader).size() + 1, std::string(kHeader) + "\n") != 0) {
    Fail(ErrorCode::kNative, Cat("timing cache '", path, "' is not a timing cache (it does not start with '", kHeader,
                                 "'); refusing to overwrite it"));
  }
  return s;
}

// Keys are one line of tab-separated fields: no tabs or newlines inside a field.
std::string Clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string Num(double v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

std::string Desc(const TensorDesc& d, bool constant) {
  return Cat(DTypeName(d.dtype), ShapeToString(d.shape), constant ? "c" : "");
}

}  // namespace

std::string TimingKey(const std::string& device_key, const std::string& backend, const Layer& layer,
                      const std::vector<TensorDesc>& inputs, const std::vector<const void*>& constants,
                      const std::vector<TensorDesc>& outputs, bool ranged, const std::string& switches) {
  std::string sig = Cat(backend, " ", LayerKindName(layer.kind));
  if (ranged) sig += " ranged";  // a dynamic engine's layer: its kernel may choose otherwise (KernelSetup::ranged)
  for (const auto& [key, v] : layer.params.values()) {
    // Notes (the fused layers' names, why the qdq pass left it float): not what decides a tactic.
    if (key == kFusedParam || key == kNotInt8 || key == kNotInt8By) continue;
    sig += " " + key + "=";
    switch (v.type) {
      case ParamValue::Type::kNumber: sig += Num(v.number); break;
      case ParamValue::Type::kBool: sig += v.boolean ? "true" : "false"; break;
      case ParamValue::Type::kString: sig += v.string; break;
      case ParamValue::Type::kNumbers:
        for (size_t i = 0; i < v.numbers.size(); ++i) sig += (i ? "," : "") + Num(v.numbers[i]);
        break;
    }
  }
  sig += " in";
  for (size_t i = 0; i < inputs.size(); ++i) sig += " " + Desc(inputs[i], i < constants.size() && constants[i]);
  sig += " out";
  for (const TensorDesc& d : outputs) sig += " " + Desc(d, false);
  if (!switches.empty()) sig += " switches " + switches;
  return Clean(device_key) + "\t" + Clean(sig);
}

void TimingCache::Parse(const std::string& text, std::map<std::string, std::string>* into) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return;  // another format: nothing usable
  while (std::getline(in, line)) {
    const size_t a = line.find('\t');
    const size_t b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos || line.find('\t', b + 1) != std::string::npos || b + 1 >= line.size()) continue;
    (*into)[line.substr(0, b)] = line.substr(b + 1);
  }
}

void TimingCache::Load() { Parse(ReadCacheFile(path_), &entries_); }

void TimingCache::Save() {
  if (!dirty_) return;
  // Read again: another build may have written it since Load, and it must still be a cache.
  std::map<std::string, std::string> merged;
  Parse(ReadCacheFile(path_), &merged);
  for (const auto& [k, v] : entries_) merged[k] = v;
  const std::string tmp = Cat(path_, ".tmp", getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) Fail(ErrorCode::kNative, Cat("timing cache '", path_, "' cannot be written (", tmp, ")"));
    f << kHeader << "\n";
    for (const auto& [k, v] : merged) f << k << "\t" << Clean(v) << "\n";
    if (!f.flush()) Fail(ErrorCode::kNative, Cat("timing cache '", path_, "': writing ", tmp, " failed"));
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::remove(tmp.c_str());
    Fail(ErrorCode::kNative, Cat("timing cache '", path_, "' cannot be replaced"));
  }
  dirty_ = false;
}

std::string TimingCache::Find(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    misses_++;
    return "";
  }
  hits_++;
  return it->second;
}

void TimingCache::Put(const std::string& key, const std::string& tactic) {
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second == tactic) return;
  entries_[key] = tactic;
  dirty_ = true;
}

}  // namespace hybridrt
