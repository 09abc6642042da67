// Version of the native engine and of the plan format it writes and reads.
#pragma once

namespace hybridrt {
constexpr const char* kNativeVersion = "0.1.0";
}  // namespace hybridrt
