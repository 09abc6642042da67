// Device-side building blocks of the cuda kernels: float16/bfloat16 <-> float conversion
// (every float kernel computes in fp32 and rounds to nearest even on store), the fused
// activation functions with the cpu backend's exact formulas (cpu/activation.cc), grid-stride
// launch geometry, and strided N-d indexing (numpy broadcasting of up to three operands,
// dims merged where every operand walks them alike). Launches stay one kernel per layer
// with a plain 1-d grid, which keeps them simple to fuse later.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "layers/activation.h"
#include "src/ir/broadcast_dims.h"
#include "src/ir/dtype.h"
#include "src/ir/shape.h"
#include "src/util/error.h"

namespace hybridrt {
namespace cuda {

#if defined(__CUDACC__)
__device__ __forceinline__ float ToFloat(float v) { return v; }
__device__ __forceinline__ float ToFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float ToFloat(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T>
__device__ __forceinline__ T FromFloat(float v);
template <>
__device__ __forceinline__ float FromFloat<float>(float v) {
  return v;
}
template <>
__device__ __forceinline__ __half FromFloat<__half>(float v) {
  return __float2half_rn(v);
}
template <>
__device__ __forceinline__ __nv_bfloat16 FromFloat<__nv_bfloat16>(float v) {
  return __float2bfloat16_rn(v);
}
#endif

// Calls f(T{}) with T the C++ type of float dtype t.
template <typename F>
void DispatchFloat(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32: f(float{}); return;
    case DType::kFloat16: f(__half{}); return;
    case DType::kBFloat16: f(__nv_bfloat16{}); return;
    default: Fail(ErrorCode::kNative, Cat("internal: dtype ", DTypeName(t), " where a float type was expected"));
  }
}

// Calls f(T{}) with T the C++ type of numeric dtype t: int32_t, int64_t, or a float type.
template <typename F>
void DispatchNumeric(DType t, F&& f) {
  switch (t) {
    case DType::kInt32: f(int32_t{}); return;
    case DType::kInt64: f(int64_t{}); return;
    default: DispatchFloat(t, f);
  }
}

// Unsigned integer type of an element size (for kernels that only move bits).
template <int N>
struct Bits;
template <>
struct Bits<1> {
  using type = uint8_t;
};
template <>
struct Bits<2> {
  using type = uint16_t;
};
template <>
struct Bits<4> {
  using type = uint32_t;
};
template <>
struct Bits<8> {
  using type = uint64_t;
};

template <typename F>
void DispatchBits(size_t elem_size, F&& f) {
  switch (elem_size) {
    case 1: f(uint8_t{}); return;
    case 2: f(uint16_t{}); return;
    case 4: f(uint32_t{}); return;
    case 8: f(uint64_t{}); return;
    default: Fail(ErrorCode::kNative, Cat("internal: element size ", elem_size));
  }
}

// ---- launch geometry

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = int64_t{1} << 20;
inline unsigned GridFor(int64_t n) {
  int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(blocks, kMaxBlocks)));
}
// Element counts below this fit a grid-stride loop with a 32-bit int counter: its last step
// goes up to one grid's stride (GridFor: at most kMaxBlocks * kThreads) past n, which must not
// wrap past INT32_MAX into negative indices.
constexpr int64_t kInt32LoopLimit = (int64_t{1} << 31) - kMaxBlocks * kThreads;
#define HYBRIDRT_GRID_LOOP(i, n)                                                         \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

// ---- activations (UnaryOp values; kNone: no activation)

constexpr int kNoActivation = -1;
struct Act {
  int op = kNoActivation;
  float alpha = 0, beta = 0, lo = 0, hi = 0;
};

inline Act MakeAct(const Activation& a) {
  Act r;
  if (!a.enabled) return r;
  r.op = static_cast<int>(a.op);
  r.alpha = a.alpha;
  r.beta = a.beta;
  r.lo = static_cast<float>(a.min);
  r.hi = static_cast<float>(a.max);
  return r;
}

#if defined(__CUDACC__)
#include "src/ir/formulas.inc"

static_assert(static_cast<int>(UnaryOp::kSign) == kHrSign && static_cast<int>(UnaryOp::kSilu) == kHrSilu &&
                  static_cast<int>(UnaryOp::kErf) == kHrErf && static_cast<int>(UnaryOp::kNot) == kHrNot,
              "formulas.inc numbers the unary ops as UnaryOp");

__device__ __forceinline__ float Activate(const Act& a, float v) {
  return HybridrtUnary(a.op, v, a.alpha, a.beta, a.lo, a.hi);
}
#endif

// ---- strided N-d indexing

constexpr int kMaxDims = 8;

// Output dims (merged) and, per operand, the element stride along each (0: broadcast).
struct Strided {
  int nd = 1;
  int64_t dims[kMaxDims] = {1};
  int64_t stride[3][kMaxDims] = {{0}};
};

// numpy broadcasting of up to three operand shapes onto `out` (src/ir/broadcast_dims.h).
inline Strided MakeBroadcast(const Shape& out, const std::vector<Shape>& operands) {
  const int num = static_cast<int>(operands.size());
  const MergedBroadcast merged = MergeBroadcastDims(out, operands);
  const std::vector<int64_t>& dims = merged.dims;
  const std::vector<std::vector<int64_t>>& st = merged.strides;
  Strided r;
  if (dims.empty()) return r;
  if (dims.size() > static_cast<size_t>(kMaxDims)) {
    Fail(ErrorCode::kNative,
         Cat("broadcasting over ", dims.size(), " distinct dims; the cuda backend handles ", kMaxDims));
  }
  r.nd = static_cast<int>(dims.size());
  for (int d = 0; d < r.nd; ++d) {
    r.dims[d] = dims[d];
    for (int k = 0; k < num; ++k) r.stride[k][d] = st[k][d];
  }
  return r;
}

#if defined(__CUDACC__)
// Element offsets of operands [0, K) for output element i.
template <int K>
__device__ __forceinline__ void StridedOffsets(const Strided& s, int64_t i, int64_t* off) {
  for (int k = 0; k < K; ++k) off[k] = 0;
  for (int d = s.nd - 1; d >= 0; --d) {
    const int64_t n = s.dims[d];
    const int64_t idx = d == 0 ? i : i % n;
    i = d == 0 ? 0 : i / n;
    for (int k = 0; k < K; ++k) off[k] += idx * s.stride[k][d];
  }
}

// The same in 32-bit arithmetic, for tensors under 2^31 elements (Fits32): 64-bit division
// costs several times more than 32-bit.
template <int K>
__device__ __forceinline__ void StridedOffsets32(const Strided& s, int i, int* off) {
  for (int k = 0; k < K; ++k) off[k] = 0;
  for (int d = s.nd - 1; d >= 0; --d) {
    const int n = static_cast<int>(s.dims[d]);
    const int idx = d == 0 ? i : i % n;
    i = d == 0 ? 0 : i / n;
    for (int k = 0; k < K; ++k) off[k] += idx * static_cast<int>(s.stride[k][d]);
  }
}
#endif

// 8 consecutive 2-byte elements (fp16/bf16) as one 16-byte access: half-precision kernels
// reach the memory bandwidth only with wide loads.
template <typename T>
struct alignas(16) Vec8 {
  T v[8];
};

inline bool Aligned16(const void* p) { return p == nullptr || reinterpret_cast<uintptr_t>(p) % 16 == 0; }

// The widest unit (16, 8 or 4 bytes, else elem_size itself) in which a copy of elem_size-byte
// elements may move: `run` (in elements: the gcd of a contiguous run's length and the strides
// between runs) a whole number of units and both addresses unit-aligned. Copies of 2-byte
// elements reach the memory bandwidth only 16 bytes a thread (shuffle.cu, gather.cu).
inline size_t WidestUnit(size_t elem_size, int64_t run, const void* x, const void* y) {
  for (size_t unit : {size_t{16}, size_t{8}, size_t{4}}) {
    if (unit <= elem_size) break;
    if (run % static_cast<int64_t>(unit / elem_size) == 0 && reinterpret_cast<uintptr_t>(x) % unit == 0 &&
        reinterpret_cast<uintptr_t>(y) % unit == 0) {
      return unit;
    }
  }
  return elem_size;
}

// Whether n output elements and every operand offset of `s` fit in 32-bit arithmetic.
inline bool Fits32(const Strided& s, int64_t n, int operands) {
  if (n >= kInt32LoopLimit) return false;
  for (int k = 0; k < operands; ++k) {
    int64_t span = 0;
    for (int d = 0; d < s.nd; ++d) span += (s.dims[d] - 1) * s.stride[k][d];
    if (span >= (int64_t{1} << 31)) return false;
  }
  return true;
}

}  // namespace cuda
}  // namespace hybridrt
