// What the qdq pass's folds share (qdq_fusion.cc, which defines them, and qdq_add.cc): the
// constant scales and zero points of a quantize or dequantize layer, and a layer's note of why
// it stays float.
#pragma once

#include <string>
#include <vector>

#include "layers/quant_form.h"
#include "src/builder/net_rewrite.h"
#include "src/builder/qdq_fusion.h"

namespace hybridrt {
namespace qdq {

// A quantize or dequantize layer's constant scale (float32) and zero point (0 where absent).
struct Scales {
  std::vector<double> scale, zero;
};
// Whether `l`'s scale and zero point are constants (through shuffles that keep the bytes'
// order), read into `s`.
bool ReadScales(const RewriteWork& w, const Layer& l, Scales* s);

inline bool IsInt8(DType t) { return IsInt8Type(t); }  // (quant_form.h)

// Whether input `in` of `l` is a dequantize layer's output.
bool Dequantized(const RewriteWork& w, const Layer& l, size_t in);

// Why a layer stays float (quant_form.h kNotInt8, kNotInt8By).
struct NotFolded {
  const char* by = "";
  std::string reason;
};

// Drops the dequantize layers among `layers` (-1: none) that nothing reads any more.
void DropUnread(RewriteWork& w, const std::vector<int64_t>& layers);

// The element-wise add (qdq_add.cc): whether layer `l` is one the pass looks at (a float add
// that reads a dequantize), and the fold of layer i into the int8 add (layers/quant_add.h),
// FoldOne's contract: true where it folded; else, for a candidate, `why` says why not.
bool AddCandidate(const RewriteWork& w, const Layer& l);
bool FoldAdd(RewriteWork& w, size_t i, const Int8Kernels& kernels, int* quantize_folded, NotFolded* why);

}  // namespace qdq
}  // namespace hybridrt
