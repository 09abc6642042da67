// NonZero (ONNX NonZero): the int64 indices of x's nonzero elements in row-major order, written
// as [rank, count] at the run's count into the output allocated at the bound (network.h:
// DataDependentLayer), the count through KernelArgs::count. Any engine type, read by its bits:
// a float is zero where every bit but the sign is (so -0 is zero and NaN is not), halves alike.
// Chunks of x are counted in parallel, then each writes its indices from its prefix.
#include <vector>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kChunk = 64 * 1024;

template <typename T>
void Count(const T* x, T mask, int64_t begin, int64_t end, int64_t* count) {
  int64_t c = 0;
  for (int64_t i = begin; i < end; ++i) c += (x[i] & mask) != 0;
  *count = c;
}

template <typename T>
void Write(const T* x, T mask, int64_t begin, int64_t end, int64_t at, int64_t total, const Shape& dims, int64_t* y) {
  const size_t rank = dims.size();
  std::vector<int64_t> coord(rank);
  int64_t rest = begin;
  for (size_t d = rank; d-- > 0;) {
    coord[d] = rest % dims[d];
    rest /= dims[d];
  }
  for (int64_t i = begin; i < end; ++i) {
    if ((x[i] & mask) != 0) {
      for (size_t d = 0; d < rank; ++d) y[static_cast<int64_t>(d) * total + at] = coord[d];
      ++at;
    }
    for (size_t d = rank; d-- > 0;) {  // the next element's coordinates
      if (++coord[d] < dims[d]) break;
      coord[d] = 0;
    }
  }
}

class NonZeroKernel : public CpuKernel {
 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    switch (DTypeSize(in_[0].dtype)) {
      case 1: return Run<uint8_t>(args, 0xff);
      case 2: return Run<uint16_t>(args, IsFloat(in_[0].dtype) ? 0x7fff : 0xffff);
      case 4: return Run<uint32_t>(args, in_[0].dtype == DType::kFloat32 ? 0x7fffffffu : 0xffffffffu);
      default: return Run<uint64_t>(args, ~uint64_t{0});
    }
  }

 private:
  template <typename T>
  void Run(const KernelArgs& args, T mask) const {
    const auto* x = static_cast<const T*>(args.inputs[0]);
    auto* y = static_cast<int64_t*>(args.outputs[0]);
    const int64_t n = in_[0].numel;
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    std::vector<int64_t> counts(static_cast<size_t>(chunks) + 1, 0);
    Par(chunks, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) Count(x, mask, c * kChunk, std::min(n, (c + 1) * kChunk), &counts[c + 1]);
    });
    for (int64_t c = 0; c < chunks; ++c) counts[c + 1] += counts[c];
    const int64_t total = counts[chunks];
    Par(chunks, 1, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) {
        Write(x, mask, c * kChunk, std::min(n, (c + 1) * kChunk), counts[c], total, in_[0].shape, y);
      }
    });
    *args.count = total;
  }
};

}  // namespace

std::unique_ptr<Kernel> MakeNonZero() { return std::make_unique<NonZeroKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
