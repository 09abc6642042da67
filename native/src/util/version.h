// Version of the native engine. Plan and network format versions live with their formats
// (plan_format.h, validator.h).
#pragma once

namespace hybridrt {
constexpr const char* kNativeVersion = "0.1.0";
}  // namespace hybridrt
