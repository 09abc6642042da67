// One scalar (a pad value, a fill) as the bytes of an element of a given dtype: floats
// rounded to the dtype, integers truncated toward zero and saturated, bool as value != 0; and
// a bound (a clip's min or max, possibly infinite) as a value of a numeric type.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "src/ir/dtype.h"

namespace hybridrt {

// A bound saturated at T's limits (a clip of int32 tensors by -inf..6 clips by INT32_MIN..6).
template <typename T>
T ClampBound(double v) {
  if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

inline std::vector<uint8_t> ElementBytes(DType t, double v) {
  std::vector<uint8_t> b(DTypeSize(t));
  auto put = [&](auto x) { std::memcpy(b.data(), &x, sizeof(x)); };
  // Truncated toward zero and saturated at the type's limits, as cast.cc does.
  auto as_int = [&](double lo, double hi) -> int64_t {
    if (std::isnan(v)) return 0;
    if (v >= hi) return static_cast<int64_t>(hi);
    if (v <= lo) return static_cast<int64_t>(lo);
    return static_cast<int64_t>(std::trunc(v));
  };
  switch (t) {
    case DType::kFloat32: put(static_cast<float>(v)); break;
    case DType::kFloat16: put(FloatToHalf(static_cast<float>(v))); break;
    case DType::kBFloat16: put(FloatToBFloat16(static_cast<float>(v))); break;
    case DType::kInt32: put(static_cast<int32_t>(as_int(-2147483648.0, 2147483647.0))); break;
    case DType::kInt64: put(as_int(-9223372036854775808.0, 9223372036854774784.0)); break;
    case DType::kInt8: put(static_cast<int8_t>(as_int(-128, 127))); break;
    case DType::kUInt8: put(static_cast<uint8_t>(as_int(0, 255))); break;
    case DType::kBool: put(static_cast<uint8_t>(v != 0)); break;
  }
  return b;
}

}  // namespace hybridrt
