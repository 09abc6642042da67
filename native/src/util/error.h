// Errors of the native engine. Every failure that a network, a plan or an input can cause is
// an Error with a code (mapped to a HybridError code by src/engine/engine.ts) and a one-line
// message naming the layer and tensor involved. The N-API layer catches these (and
// std::bad_alloc) at every entry point, so nothing else ever reaches JavaScript as a crash.
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

namespace hybridrt {

enum class ErrorCode {
  kNative,    // a malformed network, an unsupported layer, an internal failure
  kPlan,      // a plan that is truncated, altered or of another version
  kInput,     // a bad feed: count, dtype, size, or data a layer cannot take (gather indices)
  kDisposed,  // use of a disposed engine or context
  kBackend,   // a backend that this addon or machine does not have
  kShape,     // input shapes outside what an engine was built for
};

const char* ErrorCodeName(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  // Out of line (error.cc) as the class's key function: its vtable and type_info are emitted
  // once, in the addon, and the cuda plugin, which throws Errors that the core catches, uses
  // those (cuda_plugin.h) instead of a copy of its own.
  ~Error() override;
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// Concatenates anything streamable: Cat("layer '", name, "': ", n, " inputs").
template <typename... Args>
std::string Cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

// What gather and scatter kernels of both backends say of an index outside [-extent, extent).
inline std::string IndexOutOfRange(int64_t value, int64_t position, int64_t extent) {
  return Cat("index ", value, " at position ", position, " of the indices is out of range for a dim of ", extent,
             " (valid: ", -extent, " to ", extent - 1, ")");
}

[[noreturn]] inline void Fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace hybridrt
