// 64-byte aligned host memory for the GEMMs' packed panels (sgemm.cc, igemm.cc): blocks owned
// by a shared_ptr, and per-thread scratch grown on demand and kept for the thread's life.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <new>

namespace hybridrt {
namespace cpu {

// An aligned block of at least `bytes` (at least 64), freed with free().
template <typename T>
std::shared_ptr<T> AlignedBlock(size_t bytes) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, std::max<size_t>(bytes, 64)) != 0) throw std::bad_alloc();
  return std::shared_ptr<T>(static_cast<T*>(p), [](T* q) { std::free(q); });
}

// The calling thread's scratch slot `slot` (one per buffer a GEMM holds at once: kScratch*;
// the attention kernel's block of scores, around its GEMMs; the lanes kernel's row of sums and
// its band of padded input; the blocked product's B kept across tiles, sgemm.cc), at
// least `bytes`.
enum ScratchSlot {
  kSgemmA,
  kSgemmB,
  kSgemmKeptB,
  kIgemmB,
  kIgemmC,
  kAttentionScores,
  kLanesRow,
  kLanesBand,
  kScratchSlots
};
inline void* ThreadScratch(size_t bytes, ScratchSlot slot) {
  struct Buf {
    void* p = nullptr;
    size_t n = 0;
    ~Buf() { std::free(p); }
  };
  thread_local Buf bufs[kScratchSlots];
  Buf& b = bufs[slot];
  if (b.n < bytes) {
    std::free(b.p);
    b.p = nullptr;
    b.n = 0;
    if (posix_memalign(&b.p, 64, bytes) != 0) throw std::bad_alloc();
    b.n = bytes;
  }
  return b.p;
}

}  // namespace cpu
}  // namespace hybridrt
