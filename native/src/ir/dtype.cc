// DType names and sizes; float16/bfloat16 conversions by bit manipulation (portable, exact
// round-to-nearest-even, NaN stays NaN).
#include "src/ir/dtype.h"

#include <cstring>

namespace hybridrt {

namespace {
constexpr const char* kNames[kNumDTypes] = {"float32", "float16", "bfloat16", "int32",
                                            "int64",   "int8",    "uint8",    "bool"};
constexpr size_t kSizes[kNumDTypes] = {4, 2, 2, 4, 8, 1, 1, 1};
}  // namespace

size_t DTypeSize(DType t) { return kSizes[static_cast<int>(t)]; }
const char* DTypeName(DType t) { return kNames[static_cast<int>(t)]; }

bool ParseDType(const std::string& name, DType* out) {
  for (int i = 0; i < kNumDTypes; ++i) {
    if (name == kNames[i]) {
      *out = static_cast<DType>(i);
      return true;
    }
  }
  return false;
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | mant << 13 | (mant ? 0x400000u : 0);
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  uint32_t exp = (x >> 23) & 0xff;
  uint32_t mant = x & 0x7fffff;
  if (exp == 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    int shift = 14 - e;
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = static_cast<uint32_t>(e) << 10 | mant >> 13;
  uint32_t rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) ++half;
  return static_cast<uint16_t>(sign | half);
}

uint16_t FloatToBFloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

void HalfBufferToFloat(DType src_type, const void* src, float* dst, int64_t n) {
  const uint16_t* s = static_cast<const uint16_t*>(src);
  if (src_type == DType::kBFloat16) {
    for (int64_t i = 0; i < n; ++i) dst[i] = BFloat16ToFloat(s[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = HalfToFloat(s[i]);
  }
}

void FloatToHalfBuffer(const float* src, DType dst_type, void* dst, int64_t n) {
  uint16_t* d = static_cast<uint16_t*>(dst);
  if (dst_type == DType::kBFloat16) {
    for (int64_t i = 0; i < n; ++i) d[i] = FloatToBFloat16(src[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) d[i] = FloatToHalf(src[i]);
  }
}

}  // namespace hybridrt
