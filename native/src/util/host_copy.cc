// See host_copy.h.
#include "src/util/host_copy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "src/util/thread_pool.h"

namespace hybridrt {

void CopyHostMemory(void* dst, const void* src, size_t bytes, int threads) {
  if (bytes < kParallelCopyBytes || threads == 1) {
    if (bytes) std::memcpy(dst, src, bytes);
    return;
  }
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  ParallelFor(std::min({threads > 0 ? threads : kCopyThreads, kCopyThreads, HardwareThreads()}),
              static_cast<int64_t>(bytes), static_cast<int64_t>(kCopyChunkBytes),
              [&](int64_t begin, int64_t end) { std::memcpy(d + begin, s + begin, static_cast<size_t>(end - begin)); });
}

}  // namespace hybridrt
