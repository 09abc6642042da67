// Aligned host allocations owned by a shared_ptr (arenas, weight stores, packed buffers).
// Allocation failure is an Error, not an abort, so a huge plan or network fails cleanly.
#pragma once

#include <cstdlib>
#include <memory>

#include "src/util/error.h"

namespace hybridrt {

inline std::shared_ptr<void> AllocateAligned(size_t bytes, size_t alignment) {
  void* p = nullptr;
  size_t size = bytes == 0 ? alignment : (bytes + alignment - 1) / alignment * alignment;
  if (posix_memalign(&p, alignment, size) != 0 || !p) {
    Fail(ErrorCode::kNative, Cat("out of memory allocating ", bytes, " bytes"));
  }
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

}  // namespace hybridrt
