// Integer arithmetic as the engine defines it (network.ts: BinaryOp), in one place for the cpu
// kernels (cpu/elementwise.cc), the cuda kernels (cuda/elementwise.cu: these are host and
// device functions there) and the host evaluation of shape tensors (shape_values.cc): add,
// sub and mul wrap in two's complement; division truncates toward zero, x / 0 is 0 and
// INT_MIN / -1 wraps to INT_MIN (onnxruntime traps on both; an engine must not). The two
// remainders: fmod's takes the dividend's sign (C's %), mod's the divisor's (Python's, ONNX
// Mod with fmod=0); either is 0 for a divisor of 0 or -1 (as numpy gives).
#pragma once

#include <type_traits>

#include "src/util/host_device.h"

namespace hybridrt {

template <typename T>
HYBRIDRT_HD T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename T>
HYBRIDRT_HD T WrapSub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename T>
HYBRIDRT_HD T WrapMul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}
template <typename T>
HYBRIDRT_HD T IntDiv(T a, T b) {
  if (b == 0) return 0;
  if (b == -1) return WrapSub<T>(0, a);
  return a / b;
}

template <typename T>
HYBRIDRT_HD T IntFmod(T a, T b) {
  return b == 0 || b == -1 ? T(0) : static_cast<T>(a % b);
}
template <typename T>
HYBRIDRT_HD T IntMod(T a, T b) {
  const T r = IntFmod(a, b);
  return r != 0 && ((r < 0) != (b < 0)) ? static_cast<T>(r + b) : r;
}

}  // namespace hybridrt
