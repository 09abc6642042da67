// Host-to-host copies of tensors: the staging copies of a run (a host input into the
// context's pinned staging buffer, a staged output into the memory the caller gets), and the
// cpu backend's copies in and out. One thread copies at about 5-10 GB/s, which for a batch of
// images (19 MB at ViT-B/16 batch 32) or a transformer's hidden states (12.6 MB at BERT-base
// batch 32) costs more than the model's GPU time; copies of at least kParallelCopyBytes are
// split over the process pool (thread_pool.h), in chunks of at least kCopyChunkBytes, on at
// most kCopyThreads threads (memory bandwidth, not cores, bounds a copy).
#pragma once

#include <cstddef>

namespace hybridrt {

constexpr size_t kParallelCopyBytes = size_t{2} << 20;
constexpr size_t kCopyChunkBytes = size_t{1} << 20;
constexpr int kCopyThreads = 8;

// memcpy(dst, src, bytes), split over at most `threads` threads (and kCopyThreads) where
// large; the ranges must not overlap. The cpu backend passes its own thread count, so that an
// engine built for one thread copies on one.
void CopyHostMemory(void* dst, const void* src, size_t bytes, int threads = 0);

// One range of CopyHostRanges.
struct HostRange {
  void* dst;
  const void* src;
  size_t bytes;
};

// Every range copied, split over the threads as one copy of their summed bytes would be
// (CopyHostMemory is the one-range case): many small tensors (a KV cache's 24 inputs of
// 0.4 MB) share the threads instead of one thread each.
void CopyHostRanges(const HostRange* ranges, size_t count, int threads = 0);

}  // namespace hybridrt
