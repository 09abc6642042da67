// The elementwise layer's ops (network.ts `elementwise`, param `op`): one numbering and one
// name table for the param schema, both backends' kernels and the pointwise programs. The
// float ops come first, numbered as formulas.inc's HybridrtBinaryOp (kernels pass them on as
// the int it switches on); the first kNumFloat are the ones a pointwise program takes.
#pragma once

#include <iterator>
#include <string>

#include "src/ir/network.h"
#include "src/util/error.h"

namespace hybridrt {
namespace binary {

enum Op : int { kAdd, kSub, kMul, kDiv, kPow, kMax, kMin, kPrelu, kFmod, kMod, kEqual, kLess, kGreater, kAnd, kOr };

inline constexpr const char* kNames[] = {"add",  "sub", "mul",   "div",  "pow",     "max", "min", "prelu",
                                         "fmod", "mod", "equal", "less", "greater", "and", "or"};
inline constexpr int kCount = static_cast<int>(std::size(kNames));
// add .. fmod: computed in float by formulas.inc (and the only ones pointwise programs hold).
inline constexpr int kNumFloat = kFmod + 1;
static_assert(kCount == kOr + 1, "a name per op");

inline const char* Name(Op op) { return kNames[op]; }

// The op a param names; an unknown name is an Error(kNative) (the schema admits kNames only).
inline Op Parse(const std::string& s) {
  for (int i = 0; i < kCount; ++i) {
    if (s == kNames[i]) return static_cast<Op>(i);
  }
  Fail(ErrorCode::kNative, Cat("unknown binary op '", s, "'"));
}

inline bool IsCompare(Op op) { return op == kEqual || op == kLess || op == kGreater; }

// The elementwise layer's op, read once for its shape rule (CheckElementwiseLayer) and the cpu and
// cuda kernels (validated by the schema).
inline Op Read(const Params& p) { return Parse(p.String("op")); }

}  // namespace binary
}  // namespace hybridrt
