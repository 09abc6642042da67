// The float formulas (formulas.inc) for host code: the cpu backend's kernels and the pointwise
// interpreter compute with the very text the cuda kernels compile.
#pragma once

#include <math.h>

namespace hybridrt {
namespace formulas {

#define HR_FN inline
#include "src/ir/formulas.inc"
#undef HR_FN

}  // namespace formulas
}  // namespace hybridrt
