// Integer arithmetic as the engine defines it (network.ts: BinaryOp), in one place for the cpu
// kernels (cpu/elementwise.cc) and the host evaluation of shape tensors (shape_values.cc): add,
// sub and mul wrap in two's complement; division truncates toward zero, x / 0 is 0 and
// INT_MIN / -1 wraps to INT_MIN (onnxruntime traps on both; an engine must not).
#pragma once

#include <type_traits>

namespace hybridrt {

template <typename T>
T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}
template <typename T>
T WrapSub(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
}
template <typename T>
T WrapMul(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
}
template <typename T>
T IntDiv(T a, T b) {
  if (b == 0) return 0;
  if (b == -1) return WrapSub<T>(0, a);
  return a / b;
}

}  // namespace hybridrt
