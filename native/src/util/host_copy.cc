// See host_copy.h.
#include "src/util/host_copy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "src/util/thread_pool.h"

namespace hybridrt {

void CopyHostMemory(void* dst, const void* src, size_t bytes, int threads) {
  const HostRange range{dst, src, bytes};
  CopyHostRanges(&range, 1, threads);
}

void CopyHostRanges(const HostRange* ranges, size_t count, int threads) {
  size_t total = 0;
  for (size_t r = 0; r < count; ++r) total += ranges[r].bytes;
  if (total < kParallelCopyBytes || threads == 1) {
    for (size_t r = 0; r < count; ++r) {
      if (ranges[r].bytes) std::memcpy(ranges[r].dst, ranges[r].src, ranges[r].bytes);
    }
    return;
  }
  // [begin, end) of the ranges laid end to end: each range's overlap with it.
  ParallelFor(std::min({threads > 0 ? threads : kCopyThreads, kCopyThreads, HardwareThreads()}),
              static_cast<int64_t>(total), static_cast<int64_t>(kCopyChunkBytes), [&](int64_t begin, int64_t end) {
                size_t at = 0;
                for (size_t r = 0; r < count && static_cast<int64_t>(at) < end; at += ranges[r++].bytes) {
                  const int64_t lo = std::max<int64_t>(begin, static_cast<int64_t>(at));
                  const int64_t hi = std::min<int64_t>(end, static_cast<int64_t>(at + ranges[r].bytes));
                  if (lo >= hi) continue;
                  const size_t off = static_cast<size_t>(lo) - at;
                  std::memcpy(static_cast<char*>(ranges[r].dst) + off, static_cast<const char*>(ranges[r].src) + off,
                              static_cast<size_t>(hi - lo));
                }
              });
}

}  // namespace hybridrt
