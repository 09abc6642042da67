// The int8 add (the builder's int8 form of the elementwise add, layers/quant_add.h), tactic
// `int8_add`: QuantAddRounded for every output, a and b broadcast as the float add broadcasts
// them (cpu/broadcast.h's rows). The work is cut into runs of elements, not rows, so that a
// tensor with no broadcasting (one row) is shared among the threads too. A run whose operands
// are contiguous or broadcast along it (stride 1 or 0) takes the AVX-512 or AVX2 form where
// the vector kernels are those (VectorKernel, HYBRIDRT_CPU_KERNEL): QuantAddSum's steps on 16 or
// 8 lanes, each an IEEE operation with one rounding (explicitly rounded AVX-512 intrinsics, which
// GCC does not contract into FMAs; AVX2 without "fma"), then the quantize layer's vector loop
// (QuantizeFloats, QuantizeRounded's steps), so the bits are the rule's; other runs, and the
// portable kernel, call the rule itself.
#include <algorithm>
#include <cstring>
#include <memory>

#include "cpu/broadcast.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/quant_epilogue.h"
#include "cpu/tap_sum.h"
#include "cpu/x86.h"
#include "layers/quant_add.h"

namespace hybridrt {
namespace cpu {

namespace {

// One run: n outputs y[0, n) of a (stride sa, 0 or 1 on the vector paths) and b (stride sb).
struct Run {
  const uint8_t* a;
  const uint8_t* b;
  int64_t sa, sb;
  uint8_t* y;
  int64_t n;
};

// The operands' and the output's types as flags: whether each is int8 (else uint8).
struct Types {
  bool a, b, y;
};

inline int32_t Load(const uint8_t* p, int64_t i, bool is_signed) {
  return is_signed ? static_cast<int32_t>(static_cast<int8_t>(p[i])) : static_cast<int32_t>(p[i]);
}

void RunPortable(const QuantAdd& q, Types t, const Run& r) {
  const int32_t lo = t.y ? -128 : 0, hi = t.y ? 127 : 255;
  for (int64_t i = 0; i < r.n; ++i) {
    const int32_t v = QuantAddRounded(q, Load(r.a, i * r.sa, t.a), Load(r.b, i * r.sb, t.b), lo, hi);
    r.y[i] = static_cast<uint8_t>(v);  // int8's two's complement byte where the output is int8
  }
}

#ifdef HR_X86
constexpr int kRn = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

// Up to `lanes` bytes of an operand from p (stride 1), or its one byte repeated (stride 0),
// into buf, zeros past k.
inline void Stage(const uint8_t* p, int64_t stride, int64_t k, int lanes, uint8_t* buf) {
  if (stride == 0) {
    std::memset(buf, p[0], static_cast<size_t>(lanes));
  } else {
    std::memset(buf, 0, static_cast<size_t>(lanes));
    std::memcpy(buf, p, static_cast<size_t>(k));
  }
}

__attribute__((target("avx512f"))) inline __m512 Dequantized512(const uint8_t* bytes, bool is_signed, __m512i zero,
                                                                __m512 scale) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
  const __m512i v = is_signed ? _mm512_cvtepi8_epi32(x) : _mm512_cvtepu8_epi32(x);
  return _mm512_mul_round_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(v, zero)), scale, kRn);
}

// The sums of a chunk of a run (up to kChunk lanes) into v, then QuantizeFloats: the quantize
// layer's vector loop, whose steps are QuantizeRounded's (quant_epilogue.h), so that the rounding
// has one home.
constexpr int64_t kChunk = 256;

__attribute__((target("avx512f"))) void Run512(const QuantAdd& q, Types t, const Run& r) {
  const __m512i za = _mm512_set1_epi32(q.a_zero), zb = _mm512_set1_epi32(q.b_zero);
  const __m512 sa = _mm512_set1_ps(q.a_scale), sb = _mm512_set1_ps(q.b_scale), zero = _mm512_setzero_ps();
  alignas(16) uint8_t ba[16], bb[16];
  alignas(64) float v[kChunk];
  for (int64_t c = 0; c < r.n; c += kChunk) {
    const int64_t m = std::min(kChunk, r.n - c);
    for (int64_t j = 0; j < m; j += 16) {
      const int64_t k = std::min<int64_t>(16, m - j);
      const uint8_t* pa = r.a + (c + j) * r.sa;
      const uint8_t* pb = r.b + (c + j) * r.sb;
      if (k < 16 || r.sa == 0) {
        Stage(pa, r.sa, k, 16, ba);
        pa = ba;
      }
      if (k < 16 || r.sb == 0) {
        Stage(pb, r.sb, k, 16, bb);
        pb = bb;
      }
      __m512 s = _mm512_add_round_ps(Dequantized512(pa, t.a, za, sa), Dequantized512(pb, t.b, zb, sb), kRn);
      if (q.relu) s = _mm512_mask_mov_ps(s, _mm512_cmp_ps_mask(s, zero, _CMP_LT_OQ), zero);
      _mm512_store_ps(v + j, s);  // lanes past k are sums of zeros, never read
    }
    QuantizeFloats(v, m, q.y_scale, q.y_zero, t.y ? DType::kInt8 : DType::kUInt8, r.y + c);
  }
}

// AVX2 without "fma": GCC contracts a multiply and an add of these only where it may use an FMA.
__attribute__((target("avx2"))) inline __m256 Dequantized256(const uint8_t* bytes, bool is_signed, __m256i zero,
                                                             __m256 scale) {
  const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes));
  const __m256i v = is_signed ? _mm256_cvtepi8_epi32(x) : _mm256_cvtepu8_epi32(x);
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(v, zero)), scale);
}

__attribute__((target("avx2"))) void Run256(const QuantAdd& q, Types t, const Run& r) {
  const __m256i za = _mm256_set1_epi32(q.a_zero), zb = _mm256_set1_epi32(q.b_zero);
  const __m256 sa = _mm256_set1_ps(q.a_scale), sb = _mm256_set1_ps(q.b_scale), zero = _mm256_setzero_ps();
  alignas(16) uint8_t ba[8], bb[8];
  alignas(32) float v[kChunk];
  for (int64_t c = 0; c < r.n; c += kChunk) {
    const int64_t m = std::min(kChunk, r.n - c);
    for (int64_t j = 0; j < m; j += 8) {
      const int64_t k = std::min<int64_t>(8, m - j);
      const uint8_t* pa = r.a + (c + j) * r.sa;
      const uint8_t* pb = r.b + (c + j) * r.sb;
      if (k < 8 || r.sa == 0) {
        Stage(pa, r.sa, k, 8, ba);
        pa = ba;
      }
      if (k < 8 || r.sb == 0) {
        Stage(pb, r.sb, k, 8, bb);
        pb = bb;
      }
      __m256 s = _mm256_add_ps(Dequantized256(pa, t.a, za, sa), Dequantized256(pb, t.b, zb, sb));
      if (q.relu) s = _mm256_blendv_ps(s, zero, _mm256_cmp_ps(s, zero, _CMP_LT_OQ));
      _mm256_store_ps(v + j, s);  // lanes past k are sums of zeros, never read
    }
    QuantizeFloats(v, m, q.y_scale, q.y_zero, t.y ? DType::kInt8 : DType::kUInt8, r.y + c);
  }
}
#endif

class QuantAddKernel : public CpuKernel {
 public:
  std::vector<std::string> Tactics() const override { return {"int8_add"}; }

 protected:
  void PrepareKernel() override {
    q_ = ReadQuantAdd(params());
    types_ = {in_[0].dtype == DType::kInt8, in_[1].dtype == DType::kInt8, out_[0].dtype == DType::kInt8};
    bc_ = std::make_unique<Broadcast>(out_[0].shape, std::vector<Shape>{in_[0].shape, in_[1].shape});
    vector_ = VectorKernel();
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const Broadcast& bc = *bc_;
    const int64_t n = bc.row_length(), total = bc.rows() * n;
    const uint8_t* a = static_cast<const uint8_t*>(args.inputs[0]);
    const uint8_t* b = static_cast<const uint8_t*>(args.inputs[1]);
    uint8_t* y = static_cast<uint8_t*>(args.outputs[0]);
    const int64_t sa = bc.inner_stride(0), sb = bc.inner_stride(1);
    if (total == 0) return;
    // Elements [i0, i1): the parts of the rows they cover.
    Par(total, kElementGrain, [&](int64_t i0, int64_t i1) {
      bc.ForRows(i0 / n, (i1 - 1) / n + 1, [&](int64_t row, const int64_t* offs) {
        const int64_t from = std::max(i0, row * n) - row * n, to = std::min(i1, (row + 1) * n) - row * n;
        RunOne({a + offs[0] + from * sa, b + offs[1] + from * sb, sa, sb, y + row * n + from, to - from});
      });
    });
  }

 private:
  void RunOne(const Run& r) const {
#ifdef HR_X86
    if (r.sa <= 1 && r.sb <= 1) {
      if (vector_ == SimdKernel::kAvx512) return Run512(q_, types_, r);
      if (vector_ == SimdKernel::kAvx2) return Run256(q_, types_, r);
    }
#endif
    RunPortable(q_, types_, r);
  }

  QuantAdd q_;
  Types types_{};
  std::unique_ptr<Broadcast> bc_;
  SimdKernel vector_ = SimdKernel::kPortable;
};

}  // namespace

std::unique_ptr<Kernel> MakeQuantAdd() { return std::make_unique<QuantAddKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
