// Element types of engine tensors (the EngineDType strings of src/engine/network.ts), their
// sizes, and the float16/bfloat16 <-> float32 conversions (round to nearest even) that the
// cpu backend uses to run half-precision tensors through fp32 kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace hybridrt {

// NOTE: the numeric values are written into plans; append, never renumber.
enum class DType : uint8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kBFloat16 = 2,
  kInt32 = 3,
  kInt64 = 4,
  kInt8 = 5,
  kUInt8 = 6,
  kBool = 7,
};
constexpr int kNumDTypes = 8;

size_t DTypeSize(DType t);
const char* DTypeName(DType t);
bool ParseDType(const std::string& name, DType* out);
inline bool IsFloat(DType t) { return t == DType::kFloat32 || t == DType::kFloat16 || t == DType::kBFloat16; }
inline bool IsHalf(DType t) { return t == DType::kFloat16 || t == DType::kBFloat16; }
inline bool IsInteger(DType t) {
  return t == DType::kInt32 || t == DType::kInt64 || t == DType::kInt8 || t == DType::kUInt8;
}

float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);
inline float BFloat16ToFloat(uint16_t b) {
  uint32_t x = static_cast<uint32_t>(b) << 16;
  float f;
  __builtin_memcpy(&f, &x, 4);
  return f;
}
uint16_t FloatToBFloat16(float f);

// Bulk conversions between a float16/bfloat16 buffer and float32.
void HalfBufferToFloat(DType src_type, const void* src, float* dst, int64_t n);
void FloatToHalfBuffer(const float* src, DType dst_type, void* dst, int64_t n);

}  // namespace hybridrt
