// Cast between every pair of engine dtypes. Each element goes through one intermediate:
// float (from float32/float16/bfloat16) or int64 (from integers and bool), then to the
// target: floats round to nearest even, float -> integer truncates toward zero and
// saturates at the target's limits (NaN -> 0), integer -> integer wraps like a C++ cast,
// anything -> bool is x != 0.
#include <cstring>
#include <memory>

#include "cpu/half_convert.h"
#include "cpu/kernel_base.h"
#include "cpu/transpose.h"
#include "cpu/kernels.h"
#include "layers/cast.h"

namespace hybridrt {
namespace cpu {

namespace {

constexpr int64_t kChunk = 2048;

void LoadFloat(DType t, const void* src, int64_t n, float* out) {
  switch (t) {
    case DType::kFloat32: std::memcpy(out, src, static_cast<size_t>(n) * 4); break;
    default: WidenHalf(t, src, out, n); break;
  }
}

template <typename T>
void LoadIntAs(const void* src, int64_t n, int64_t* out) {
  const T* s = static_cast<const T*>(src);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(s[i]);
}

void LoadInt(DType t, const void* src, int64_t n, int64_t* out) {
  switch (t) {
    case DType::kInt32: LoadIntAs<int32_t>(src, n, out); break;
    case DType::kInt64: std::memcpy(out, src, static_cast<size_t>(n) * 8); break;
    case DType::kInt8: LoadIntAs<int8_t>(src, n, out); break;
    case DType::kUInt8: LoadIntAs<uint8_t>(src, n, out); break;
    case DType::kBool: {
      const uint8_t* s = static_cast<const uint8_t*>(src);
      for (int64_t i = 0; i < n; ++i) out[i] = s[i] != 0;
      break;
    }
    default: break;
  }
}

template <typename T>
void StoreTruncated(const float* v, int64_t n, void* dst) {
  T* d = static_cast<T*>(dst);
  for (int64_t i = 0; i < n; ++i) d[i] = SaturatedInt<T>(v[i]);
}

template <typename T>
void StoreInts(const int64_t* v, int64_t n, void* dst) {
  T* d = static_cast<T*>(dst);
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<T>(v[i]);
}

void StoreFromInt(DType t, const int64_t* v, int64_t n, void* dst) {
  switch (t) {
    case DType::kInt32: StoreInts<int32_t>(v, n, dst); break;
    case DType::kInt64: std::memcpy(dst, v, static_cast<size_t>(n) * 8); break;
    case DType::kInt8: StoreInts<int8_t>(v, n, dst); break;
    case DType::kUInt8: StoreInts<uint8_t>(v, n, dst); break;
    case DType::kBool: {
      uint8_t* d = static_cast<uint8_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = v[i] != 0;
      break;
    }
    default: {
      float f[kChunk];
      for (int64_t i = 0; i < n; ++i) f[i] = static_cast<float>(v[i]);
      if (t == DType::kFloat32) {
        std::memcpy(dst, f, static_cast<size_t>(n) * 4);
      } else {
        NarrowToHalf(f, t, dst, n);
      }
    }
  }
}

void StoreFromFloat(DType t, const float* v, int64_t n, void* dst) {
  switch (t) {
    case DType::kFloat32: std::memcpy(dst, v, static_cast<size_t>(n) * 4); break;
    case DType::kFloat16:
    case DType::kBFloat16: NarrowToHalf(v, t, dst, n); break;
    case DType::kBool: {
      uint8_t* d = static_cast<uint8_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = v[i] != 0;
      break;
    }
    case DType::kInt32: StoreTruncated<int32_t>(v, n, dst); break;
    case DType::kInt64: StoreTruncated<int64_t>(v, n, dst); break;
    case DType::kInt8: StoreTruncated<int8_t>(v, n, dst); break;
    case DType::kUInt8: StoreTruncated<uint8_t>(v, n, dst); break;
  }
}

// With `perm` (a builder form, layout.h) the input is transposed into the workspace first.
class CastKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const CastParams p = ReadCast(params());
    if (!p.has_perm) return;
    transpose_ = std::make_unique<Transpose>(in_[0].shape, p.perm, DTypeSize(in_[0].dtype));
    if (transpose_->identity()) transpose_.reset();
  }

 public:
  size_t WorkspaceBytes() const override { return transpose_ ? in_[0].bytes : 0; }

  void Enqueue(const KernelArgs& args, Stream&) const override {
    const DType from = in_[0].dtype, to = out_[0].dtype;
    const size_t fs = DTypeSize(from), ts = DTypeSize(to);
    const uint8_t* x = static_cast<const uint8_t*>(args.inputs[0]);
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    if (transpose_) {
      transpose_->Run(x, args.workspace, threads_);
      x = static_cast<const uint8_t*>(args.workspace);
    }
    if (from == to) {
      std::memcpy(y, x, in_[0].bytes);
      return;
    }
    Par(in_[0].numel, kElementGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; i += kChunk) {
        const int64_t n = std::min<int64_t>(kChunk, e - i);
        if (IsFloat(from)) {
          float f[kChunk];
          LoadFloat(from, x + i * fs, n, f);
          StoreFromFloat(to, f, n, y + i * ts);
        } else {
          int64_t w[kChunk];
          LoadInt(from, x + i * fs, n, w);
          StoreFromInt(to, w, n, y + i * ts);
        }
      }
    });
  }

 private:
  std::unique_ptr<Transpose> transpose_;
};

}  // namespace

std::unique_ptr<Kernel> MakeCast() { return std::make_unique<CastKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
