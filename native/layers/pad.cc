// The rule of the pad layer (see pad.h).
#include "layers/pad.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

void CheckPadLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 1);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  c.ExpectLength("padsBegin", x.size());
  c.ExpectLength("padsEnd", x.size());
  const PadParams p = ReadPad(c.params());
  const std::vector<int64_t>&pb = p.pads_begin, &pe = p.pads_end;
  const bool constant = p.mode == PadMode::kConstant;
  Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    // Negative pads crop first; the mode then pads what is left.
    const int64_t kept = PadAxisOf(x[d], pb[d], pe[d]).kept;
    if (kept < 0) c.Bad(Cat("dim ", d, ": pads ", pb[d], ", ", pe[d], " crop more than the input's ", x[d]));
    int64_t o = x[d] + pb[d] + pe[d];
    if (!constant && kept == 0 && o > 0) {
      c.Bad(Cat("dim ", d, ": mode '", kPadModeNames[static_cast<int>(p.mode)],
                "' cannot pad a dim with nothing left after cropping"));
    }
    out.push_back(o);
  }
  c.ExpectOutput(0, c.In(0).dtype, out);
}

}  // namespace hybridrt
