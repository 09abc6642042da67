// Names of error codes as the TypeScript side expects them (HybridError codes), and Error's key
// function (error.h: why it is out of line).
#include "src/util/error.h"

namespace hybridrt {

Error::~Error() = default;

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNative: return "NATIVE";
    case ErrorCode::kPlan: return "PLAN";
    case ErrorCode::kInput: return "INPUT";
    case ErrorCode::kDisposed: return "DISPOSED";
    case ErrorCode::kBackend: return "BACKEND";
    case ErrorCode::kShape: return "SHAPE";
  }
  return "NATIVE";
}

}  // namespace hybridrt
