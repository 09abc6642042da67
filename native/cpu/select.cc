// Select (ONNX Where): y = cond ? a : b with three-way broadcasting, any dtype of a/b.
#include <algorithm>
#include <memory>

#include "cpu/broadcast.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

template <typename T>
void Rows(const Broadcast& bc, const uint8_t* c, const T* a, const T* b, T* y, int64_t r0, int64_t r1) {
  const int64_t n = bc.row_length(), sc = bc.inner_stride(0), sa = bc.inner_stride(1), sb = bc.inner_stride(2);
  bc.ForRows(r0, r1, [&](int64_t row, const int64_t* offs) {
    const uint8_t* pc = c + offs[0];
    const T* pa = a + offs[1];
    const T* pb = b + offs[2];
    T* py = y + row * n;
    for (int64_t i = 0; i < n; ++i) py[i] = pc[i * sc] ? pa[i * sa] : pb[i * sb];
  });
}

class SelectKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    bc_ = std::make_unique<Broadcast>(out_[0].shape, std::vector<Shape>{in_[0].shape, in_[1].shape, in_[2].shape});
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const Broadcast& bc = *bc_;
    const uint8_t* c = static_cast<const uint8_t*>(args.inputs[0]);
    Par(bc.rows(), std::max<int64_t>(1, kElementGrain / std::max<int64_t>(bc.row_length(), 1)),
        [&](int64_t r0, int64_t r1) {
          switch (DTypeSize(out_[0].dtype)) {
            case 1:
              Rows(bc, c, static_cast<const uint8_t*>(args.inputs[1]), static_cast<const uint8_t*>(args.inputs[2]),
                   static_cast<uint8_t*>(args.outputs[0]), r0, r1);
              break;
            case 2:
              Rows(bc, c, static_cast<const uint16_t*>(args.inputs[1]), static_cast<const uint16_t*>(args.inputs[2]),
                   static_cast<uint16_t*>(args.outputs[0]), r0, r1);
              break;
            case 4:
              Rows(bc, c, static_cast<const uint32_t*>(args.inputs[1]), static_cast<const uint32_t*>(args.inputs[2]),
                   static_cast<uint32_t*>(args.outputs[0]), r0, r1);
              break;
            default:
              Rows(bc, c, static_cast<const uint64_t*>(args.inputs[1]), static_cast<const uint64_t*>(args.inputs[2]),
                   static_cast<uint64_t*>(args.outputs[0]), r0, r1);
              break;
          }
        });
  }

 private:
  std::unique_ptr<Broadcast> bc_;
};

}  // namespace

std::unique_ptr<Kernel> MakeSelect() { return std::make_unique<SelectKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
