// TopK (ONNX) along one axis: for each of the lines layers/topk.h cuts x into, its k first
// elements in that header's order (a total order, so the sort is well defined) and their int64
// indices. Half inputs are widened by the half adapter (exactly) and the values rounded back
// (exactly).
#include <algorithm>
#include <numeric>
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/topk.h"

namespace hybridrt {
namespace cpu {

namespace {

class TopKKernel : public CpuKernel {
 protected:
  void PrepareKernel() override { g_ = ReadTopK(*layer_, in_[0].shape); }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    DispatchNumeric(in_[0].dtype, [&](auto tag) { Run<decltype(tag)>(args); });
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args) const {
    const T* x = static_cast<const T*>(args.inputs[0]);
    T* values = static_cast<T*>(args.outputs[0]);
    int64_t* indices = static_cast<int64_t*>(args.outputs[1]);
    const int64_t len = g_.split.len, inner = g_.split.inner, k = g_.k;
    if (k == 0) return;
    const AxisSplit out = g_.out();
    Par(g_.split.lines(), LinesPerChunk(len), [&](int64_t l0, int64_t l1) {
      std::vector<int64_t> order(static_cast<size_t>(len));
      for (int64_t l = l0; l < l1; ++l) {
        const T* line = x + g_.split.LineStart(l);
        auto before = [&](int64_t a, int64_t b) {
          return TopKBefore(line[a * inner], a, line[b * inner], b, g_.largest);
        };
        std::iota(order.begin(), order.end(), int64_t{0});
        std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
        const int64_t o = out.LineStart(l);
        for (int64_t j = 0; j < k; ++j) {
          values[o + j * inner] = line[order[j] * inner];
          indices[o + j * inner] = order[j];
        }
      }
    });
  }

  TopKGeometry g_;
};

}  // namespace

std::unique_ptr<Kernel> MakeTopK() { return std::make_unique<TopKKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
