// Gather along an axis ('default': ONNX Gather; 'elements': GatherElements; 'nd': GatherND, its
// geometry in layers/gather_nd.h), any data dtype,
// int32/int64 indices, negative indices counting from the end. Every index is checked
// before anything is copied; one outside [-n, n) is an Error (kInput) naming the layer, the
// index and its position.
#include <algorithm>
#include <cstring>

#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "layers/gather.h"

namespace hybridrt {
namespace cpu {

namespace {

class GatherKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const Shape& data = in_[0].shape;
    wide_ = in_[1].dtype == DType::kInt64;
    es_ = DTypeSize(in_[0].dtype);
    const GatherParams p = ReadGather(params());
    nd_ = p.mode == GatherMode::kNd;
    if (nd_) {
      Shape out;
      const std::string why = ReadGatherNdGeometry(data, in_[1].shape, p.axis, &g_, &out);
      if (!why.empty()) Bad(ErrorCode::kNative, why);
      return;
    }
    axis_ = p.axis;
    elements_ = p.mode == GatherMode::kElements;
    const AxisSplit split = SplitAtAxis(data, axis_);
    axis_len_ = split.len;
    outer_ = split.outer;
    inner_ = split.inner;
    num_idx_ = in_[1].numel;
    data_strides_ = Strides(data);
    idx_shape_ = in_[1].shape;
    wide_ = in_[1].dtype == DType::kInt64;
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    auto index = [&](int64_t i) -> int64_t {
      return wide_ ? static_cast<const int64_t*>(args.inputs[1])[i] : static_cast<const int32_t*>(args.inputs[1])[i];
    };
    if (nd_) return GatherNd(x, y, index);
    for (int64_t i = 0; i < num_idx_; ++i) {
      const int64_t v = index(i);
      if (v < -axis_len_ || v >= axis_len_) {
        Bad(ErrorCode::kInput, IndexOutOfRange(v, i, axis_len_));
      }
    }
    auto fix = [&](int64_t v) { return v < 0 ? v + axis_len_ : v; };
    if (!elements_) {
      const size_t block = static_cast<size_t>(inner_) * es_;
      Par(outer_ * num_idx_, std::max<int64_t>(1, 64 * 1024 / std::max<int64_t>(static_cast<int64_t>(block), 1)),
          [&](int64_t p0, int64_t p1) {
            for (int64_t p = p0; p < p1; ++p) {
              const int64_t o = p / num_idx_, i = p % num_idx_;
              std::memcpy(y + p * block, x + (o * axis_len_ + fix(index(i))) * block, block);
            }
          });
      return;
    }
    // GatherElements: walk the output (= indices shape) row by row.
    const int nd = static_cast<int>(idx_shape_.size());
    const int64_t last = nd ? idx_shape_[nd - 1] : 1;
    const int64_t rows = last ? num_idx_ / last : 0;
    Par(rows, std::max<int64_t>(1, 16 * 1024 / std::max<int64_t>(last, 1)), [&](int64_t r0, int64_t r1) {
      std::vector<int64_t> idx(nd, 0);
      for (int64_t r = r0; r < r1; ++r) {
        int64_t rem = r, base = 0;
        for (int d = nd - 2; d >= 0; --d) {
          idx[d] = rem % idx_shape_[d];
          rem /= idx_shape_[d];
          if (d != axis_) base += idx[d] * data_strides_[d];
        }
        for (int64_t j = 0; j < last; ++j) {
          const int64_t p = r * last + j;
          int64_t off = base + fix(index(p)) * data_strides_[axis_];
          if (nd - 1 != axis_) off += j * data_strides_[nd - 1];
          std::memcpy(y + p * es_, x + off * es_, es_);
        }
      }
    });
  }

 private:
  // Every tuple's indices are checked first; then each tuple's slice is copied.
  template <typename Index>
  void GatherNd(const uint8_t* x, uint8_t* y, const Index& index) const {
    const int64_t tuples = g_.batch * g_.tuples;
    for (int64_t t = 0; t < tuples; ++t) {
      for (int j = 0; j < g_.k; ++j) {
        const int64_t v = index(t * g_.k + j), n = g_.dims[j];
        if (v < -n || v >= n) {
          Bad(ErrorCode::kInput, IndexOutOfRange(v, t * g_.k + j, n));
        }
      }
    }
    const size_t block = static_cast<size_t>(g_.slice) * es_;
    Par(tuples, std::max<int64_t>(1, 64 * 1024 / std::max<int64_t>(static_cast<int64_t>(block), 1)),
        [&](int64_t t0, int64_t t1) {
          for (int64_t t = t0; t < t1; ++t) {
            int64_t off = (t / g_.tuples) * g_.batch_stride;
            for (int j = 0; j < g_.k; ++j) {
              const int64_t v = index(t * g_.k + j);
              off += (v < 0 ? v + g_.dims[j] : v) * g_.strides[j];
            }
            std::memcpy(y + t * block, x + off * es_, block);
          }
        });
  }

  int64_t axis_ = 0, axis_len_ = 0, outer_ = 1, inner_ = 1, num_idx_ = 0;
  bool elements_ = false, wide_ = false, nd_ = false;
  GatherNdGeometry g_;
  size_t es_ = 4;
  std::vector<int64_t> data_strides_;
  Shape idx_shape_;
};

}  // namespace

std::unique_ptr<Kernel> MakeGather() { return std::make_unique<GatherKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
