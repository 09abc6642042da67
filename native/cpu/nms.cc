// NonMaxSuppression (ONNX NonMaxSuppression, nms.h): per (batch, class), in parallel, the
// candidates above the score threshold sorted by score (equal scores by lower index), each kept
// unless it overlaps one kept before, up to maxOutputBoxesPerClass; then the [batch, class, box]
// rows in batch and class order, written at the run's count into the output allocated at the
// bound (network.h: DataDependentDim), the count through KernelArgs::count.
#include <algorithm>
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/nms.h"

namespace hybridrt {
namespace cpu {

namespace {

class NmsKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    batches_ = in_[0].shape[0];
    boxes_ = in_[0].shape[1];
    classes_ = in_[1].shape[1];
    const NmsParams p = ReadNms(params());
    per_class_ = NmsKeptPerClass(p, boxes_);
    iou_ = p.iou;
    has_score_ = p.has_score;
    score_ = p.score;
    center_ = p.center;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const auto* boxes = static_cast<const float*>(args.inputs[0]);
    const auto* scores = static_cast<const float*>(args.inputs[1]);
    const int64_t lines = batches_ * classes_;
    // Per (batch, class): the boxes kept, in selection order.
    std::vector<std::vector<int64_t>> kept(static_cast<size_t>(lines));
    if (per_class_ > 0) {
      Par(lines, 1, [&](int64_t begin, int64_t end) {
        std::vector<int64_t> order;
        std::vector<NmsBox> chosen;
        for (int64_t line = begin; line < end; ++line) {
          const float* s = scores + line * boxes_;
          const float* b = boxes + (line / classes_) * boxes_ * 4;
          order.clear();
          for (int64_t i = 0; i < boxes_; ++i)
            if (!has_score_ || s[i] > score_) order.push_back(i);
          std::sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return NmsBefore(s[i], i, s[j], j); });
          chosen.clear();
          auto& out = kept[static_cast<size_t>(line)];
          for (int64_t i : order) {
            const NmsBox box = NmsCorners(b + 4 * i, center_);
            bool keep = true;
            for (const NmsBox& k : chosen) {
              if (NmsSuppresses(k, box, iou_)) {
                keep = false;
                break;
              }
            }
            if (!keep) continue;
            chosen.push_back(box);
            out.push_back(i);
            if (static_cast<int64_t>(out.size()) == per_class_) break;
          }
        }
      });
    }
    auto* y = static_cast<int64_t*>(args.outputs[0]);
    int64_t count = 0;
    for (int64_t line = 0; line < lines; ++line) {
      for (int64_t i : kept[static_cast<size_t>(line)]) {
        y[3 * count] = line / classes_;
        y[3 * count + 1] = line % classes_;
        y[3 * count + 2] = i;
        ++count;
      }
    }
    *args.count = count;
  }

 private:
  int64_t batches_ = 0, boxes_ = 0, classes_ = 0, per_class_ = 0;
  float iou_ = 0, score_ = 0;
  bool has_score_ = false, center_ = false;
};

}  // namespace

std::unique_ptr<Kernel> MakeNms() { return std::make_unique<NmsKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
