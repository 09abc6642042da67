// The window rules shared by convolution and pooling (see window.h).
#include "layers/window.h"

#include <utility>

#include "src/ir/shape_rules.h"

namespace hybridrt {

int64_t WindowOutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t pad_begin, int64_t pad_end,
                         int64_t dilation, bool ceil_mode) {
  // NOTE: params are bounded by 2^40 (param_schema.cc), so 128-bit products cannot overflow.
  __int128 span = static_cast<__int128>(in) + pad_begin + pad_end - static_cast<__int128>(dilation) * (kernel - 1) - 1;
  if (span < 0) return -1;
  int64_t out = static_cast<int64_t>(ceil_mode ? (span + stride - 1) / stride + 1 : span / stride + 1);
  // ceilMode as ONNX: the last window must start inside the input or the begin padding.
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

void CheckWindowParams(const LayerCheck& c, const WindowParams& w, size_t spatial) {
  const std::pair<const char*, const std::vector<int64_t>*> params[] = {{"kernel", &w.kernel},
                                                                        {"strides", &w.strides},
                                                                        {"padsBegin", &w.pads_begin},
                                                                        {"padsEnd", &w.pads_end},
                                                                        {"dilations", &w.dilations}};
  for (const auto& [p, values] : params) {
    c.ExpectLength(p, spatial);
    bool pad = p[0] == 'p';
    for (int64_t v : *values) {
      if (pad ? v < 0 : v < 1) c.Bad(Cat("param '", p, "' holds ", v, "; expected ", pad ? ">= 0" : ">= 1"));
    }
  }
}

}  // namespace hybridrt
