// Max pooling (float32; int8/uint8) and average pooling (float32; half via HalfAdapter) over 1 to 3 spatial dims with
// strides, dilations, asymmetric pads and ceil mode. Windows are separable, so per dim and output index we precompute
// the taps that fall inside the input (max and the average's sum use only those) and, for the average's divisor, how
// many taps fall inside the input (countIncludePad false) or inside the padded extent [-padsBegin, in + padsEnd)
// (countIncludePad true; a ceil-mode window overhanging the end padding does not count the overhang), multiplied over
// dims. 2-D float pooling without dilation runs vectorized (MaxPlane2D separably, AvgPlane2D in Plane's order); 2-D
// float max and average pooling whose output is as wide as its input or its stride-2 phases ("same" pads, GoogLeNet's
// ceil-mode 3x3/2, Inception's 3x3/1 averages, DenseNet's 2x2/2) runs on the depthwise convolution's flat masked form
// instead (depthwise.h): a masked load per tap for 16 outputs at once, several short rows per vector, no per-row work;
// 3x3 and 2x2 stride-2 max pools read the input in place (pool_s2.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "cpu/depthwise.h"
#include "cpu/kernel_base.h"
#include "cpu/kernels.h"
#include "cpu/pool_s2.h"
#include "layers/pooling.h"

namespace hybridrt {
namespace cpu {

namespace {

struct Taps {
  std::vector<int64_t> first, last;  // valid taps [first, last) per output index
  std::vector<int64_t> padded;       // taps inside the padded extent per output index
  std::vector<int64_t> valid;        // taps inside the input per output index
};

class PoolingKernel : public CpuKernel {
 protected:
  void PrepareKernel() override {
    const PoolingParams p = ReadPooling(params());
    if (p.nhwc) Bad(ErrorCode::kNative, "the cpu backend pools in NCHW only (layout 'nhwc' is a cuda build's)");
    w_ = PoolingWindow(p, in_[0].shape, out_[0].shape);
    max_ = p.max;
    fast_2d_ = in_[0].dtype == DType::kFloat32 && w_.in[0] == 1 && w_.out[0] == 1 && w_.kernel[0] == 1 &&
               w_.pad[0] == 0 && w_.dilation[1] == 1 && w_.dilation[2] == 1;
    include_pad_ = p.include_pad;
    // Average pooling too: the flat form's sums with unit weights (an add per tap in tap order,
    // zero for taps in the padding: AvgPlane2D's sums), then AvgPlane2D's divisors.
    // An output narrower than the input's phases (a 'valid' window, ceil mode one short of
    // them: SqueezeNet's and Inception's 3x3/2, a 3x3/1 average behind its own Pad layer) is
    // computed as wide as them, into a buffer, and its rows copied out.
    Window wide = w_;
    if (fast_2d_ && w_.stride[2] >= 1 && w_.stride[2] <= 2) wide.out[2] = (w_.in[2] + w_.stride[2] - 1) / w_.stride[2];
    // (At most two columns or a quarter wasted: a wide window over a small output, a global one,
    // would compute its taps for every input column.)
    const int64_t waste = wide.out[2] - w_.out[2];
    // 3x3/2 max pools read the input in place instead (pool_s2.h): the flat form's split into
    // phases was most of their time.
    s2_ = fast_2d_ && max_ && MaxPoolS2Fits(w_);
    // So do 2x2/2 max pools over even widths (pool_s2.h MaxPool2x2).
    s2x2_ = fast_2d_ && max_ && !s2_ && MaxPool2x2Fits(w_);
    flat_ =
        !s2_ && !s2x2_ && fast_2d_ && waste >= 0 && waste <= std::max<int64_t>(2, w_.out[2] / 4) && DepthwiseFits(wide);
    narrow_ = flat_ && wide.out[2] > w_.out[2];
    if (flat_) flat_plan_ = MakeDepthwisePlan(wide);
    if (flat_ && !max_) ones_.assign(static_cast<size_t>(FlatRun() * flat_plan_.taps), 1.0f);
    for (int d = 0; d < 3; ++d) {
      const int64_t pad_end = w_.pad_end[d];
      Taps& t = taps_[d];
      for (int64_t o = 0; o < w_.out[d]; ++o) {
        int64_t start = o * w_.stride[d] - w_.pad[d];
        int64_t first = w_.kernel[d], last = 0, padded = 0, valid = 0;
        for (int64_t k = 0; k < w_.kernel[d]; ++k) {
          int64_t pos = start + k * w_.dilation[d];
          if (pos >= 0 && pos < w_.in[d]) {
            first = std::min(first, k);
            last = std::max(last, k + 1);
            ++valid;
          }
          if (pos >= -w_.pad[d] && pos < w_.in[d] + pad_end) ++padded;
        }
        if (first > last) first = last = 0;
        t.first.push_back(first);
        t.last.push_back(last);
        t.padded.push_back(padded);
        t.valid.push_back(valid);
      }
    }
    divisor_.clear();
    if (flat_ && !max_) {
      for (int64_t oh = 0; oh < w_.out[1]; ++oh) {
        for (int64_t ow = 0; ow < w_.out[2]; ++ow) {
          const Taps &r = taps_[1], &c = taps_[2];
          divisor_.push_back(
              static_cast<float>(include_pad_ ? r.padded[oh] * c.padded[ow] : r.valid[oh] * c.valid[ow]));
        }
      }
    }
  }

 public:
  void Enqueue(const KernelArgs& args, Stream&) const override {
    const float* x = static_cast<const float*>(args.inputs[0]);
    float* y = static_cast<float*>(args.outputs[0]);
    const int64_t planes = in_[0].shape[0] * in_[0].shape[1];
    const int64_t in_size = w_.in_size(), out_size = w_.out_size();
    const DType t = in_[0].dtype;
    if (flat_) return Flat(x, y, planes);
    if (s2_) {
      return Par(planes, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, out_size * 9)),
                 [&](int64_t p0, int64_t p1) { MaxPoolS2(w_, x + p0 * in_size, y + p0 * out_size, p1 - p0); });
    }
    if (s2x2_) {
      return Par(planes, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, in_size)),
                 [&](int64_t p0, int64_t p1) { MaxPool2x2(w_, x + p0 * in_size, y + p0 * out_size, p1 - p0); });
    }
    Par(planes, 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        if (t == DType::kInt8) {
          Plane(static_cast<const int8_t*>(args.inputs[0]) + p * in_size,
                static_cast<int8_t*>(args.outputs[0]) + p * out_size);
        } else if (t == DType::kUInt8) {
          Plane(static_cast<const uint8_t*>(args.inputs[0]) + p * in_size,
                static_cast<uint8_t*>(args.outputs[0]) + p * out_size);
        } else if (fast_2d_ && max_) {
          MaxPlane2D(x + p * in_size, y + p * out_size);
        } else if (fast_2d_) {
          AvgPlane2D(x + p * in_size, y + p * out_size);
        } else {
          Plane(x + p * in_size, y + p * out_size);
        }
      }
    });
  }

 private:
  // Planes summed or maxed per call of the flat form.
  int64_t FlatRun() const { return LinesPerChunk(flat_plan_.out_size); }

  // Runs of planes (at least kElementGrain taps per task), strided windows from their phases
  // (split into a per-thread buffer kept across runs).
  void Flat(const float* x, float* y, int64_t planes) const {
    const DepthwisePlan& d = flat_plan_;
    const bool phased = d.sh * d.sw > 1;
    const int64_t run = FlatRun(), out_h = w_.out[1], out_w = w_.out[2], out_size = w_.out_size();
    Par(planes, std::max<int64_t>(1, kElementGrain / std::max<int64_t>(1, d.out_size * d.taps)),
        [&](int64_t p0, int64_t p1) {
          thread_local std::vector<float> phases, wide;
          if (phased) phases.resize(static_cast<size_t>(std::min(run, p1 - p0) * d.in_size));
          for (int64_t p = p0; p < p1; p += run) {
            const int64_t q = std::min(p1, p + run);
            const float* xp = x + p * d.x_size;
            if (phased) {
              DepthwisePhases(d, xp, phases.data(), q - p);
              xp = phases.data();
            }
            float* yp = y + p * out_size;
            if (narrow_) {
              wide.resize(static_cast<size_t>((q - p) * d.out_size));
              yp = wide.data();
            }
            if (max_) {
              FlatMaxPlanes(d, xp, yp, q - p);
            } else {
              DepthwisePlanes(d, xp, ones_.data(), nullptr, nullptr, yp, q - p);
            }
            if (!narrow_ && max_) continue;
            // The divisors (average), the rows copied out of the wide planes (narrow_).
            for (int64_t i = 0; i < q - p; ++i) {
              const float* from = yp + i * d.out_size;
              float* to = y + (p + i) * out_size;
              for (int64_t oh = 0; oh < out_h; ++oh) {
                const float* row = from + oh * d.wp;
                float* out = to + oh * out_w;
                if (max_) {
                  std::copy(row, row + out_w, out);
                } else {
                  const float* div = divisor_.data() + oh * out_w;
                  for (int64_t ow = 0; ow < out_w; ++ow) out[ow] = row[ow] / div[ow];
                }
              }
            }
          }
        });
  }

  // NaN-propagating max, as Plane's.
  static float MaxNan(float acc, float v) { return (v > acc || v != v) ? v : acc; }

  // With stride 2, `row` split into its even columns, then its odd ones (`half` each), so that
  // the taps of a stride-2 window read contiguous floats.
  static void SplitEvenOdd(const float* row, int64_t in_w, int64_t half, float* split) {
    for (int64_t i = 0; i < in_w; ++i) split[(i & 1) * half + (i >> 1)] = row[i];
  }

  // out[ow] op= line[ow * sw + off] for the outputs [lo, hi) that tap kw reads inside the input;
  // `split` is SplitEvenOdd(line) where sw is 2.
  template <typename Op>
  void TapColumns(const float* line, const float* split, int64_t half, int64_t kw, float* out, Op op) const {
    const int64_t in_w = w_.in[2], out_w = w_.out[2], sw = w_.stride[2];
    int64_t lo, hi;
    ValidRange(in_w, out_w, sw, w_.pad[2], kw, &lo, &hi);
    const int64_t off = kw - w_.pad[2];  // output ow reads column ow * sw + off
    // Indices, not offset pointers: off may be negative beyond the buffer's start (pads),
    // though no index read is.
    if (sw == 1) {
      for (int64_t ow = lo; ow < hi; ++ow) out[ow] = op(out[ow], line[ow + off]);
    } else if (sw == 2) {
      const float* c = split + ((off & 1) ? half : 0);
      const int64_t shift = off >> 1;  // floor(off / 2)
      for (int64_t ow = lo; ow < hi; ++ow) out[ow] = op(out[ow], c[ow + shift]);
    } else {
      for (int64_t ow = lo; ow < hi; ++ow) out[ow] = op(out[ow], line[ow * sw + off]);
    }
  }

  // 2-D float max pooling without dilation, separably and vectorized: per output row, the
  // maxima of its window's input rows (a loop over contiguous columns), then per tap column the
  // maxima along the row. The same taps as Plane (taps_ and ValidRange bound both passes), so
  // the same values, a NaN in a window included; only a tie's sign of zero or NaN payload may
  // differ, the taps being visited in another order.
  void MaxPlane2D(const float* x, float* y) const {
    const int64_t in_w = w_.in[2], out_h = w_.out[1], out_w = w_.out[2], half = (in_w + 1) / 2;
    thread_local std::vector<float> scratch;
    scratch.resize(static_cast<size_t>(2 * in_w + 2));
    float* col = scratch.data();           // the window rows' maxima, per input column
    float* split = scratch.data() + in_w;  // with stride 2: col's evens, then its odds
    const float lowest = -std::numeric_limits<float>::infinity();
    auto max = [](float acc, float v) { return MaxNan(acc, v); };
    for (int64_t oh = 0; oh < out_h; ++oh) {
      std::fill(col, col + in_w, lowest);
      const int64_t h0 = oh * w_.stride[1] - w_.pad[1];
      for (int64_t kh = taps_[1].first[oh]; kh < taps_[1].last[oh]; ++kh) {
        const float* r = x + (h0 + kh) * in_w;
        for (int64_t i = 0; i < in_w; ++i) col[i] = MaxNan(col[i], r[i]);
      }
      if (w_.stride[2] == 2) SplitEvenOdd(col, in_w, half, split);
      float* out = y + oh * out_w;
      std::fill(out, out + out_w, lowest);
      for (int64_t kw = 0; kw < w_.kernel[2]; ++kw) TapColumns(col, split, half, kw, out, max);
    }
  }

  // 2-D float average pooling without dilation, vectorized along the output row: each
  // output's sum takes its window's taps in Plane's order (rows, then columns, the taps outside
  // the input left out), so the same sums, then the same divisor.
  void AvgPlane2D(const float* x, float* y) const {
    const int64_t in_w = w_.in[2], out_h = w_.out[1], out_w = w_.out[2], half = (in_w + 1) / 2;
    thread_local std::vector<float> scratch;
    scratch.resize(static_cast<size_t>(in_w + 2));
    float* split = scratch.data();  // with stride 2: the row's evens, then its odds
    auto add = [](float acc, float v) { return acc + v; };
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const int64_t h0 = oh * w_.stride[1] - w_.pad[1];
      float* out = y + oh * out_w;
      std::fill(out, out + out_w, 0.0f);
      for (int64_t kh = taps_[1].first[oh]; kh < taps_[1].last[oh]; ++kh) {
        const float* r = x + (h0 + kh) * in_w;
        if (w_.stride[2] == 2) SplitEvenOdd(r, in_w, half, split);
        for (int64_t kw = 0; kw < w_.kernel[2]; ++kw) TapColumns(r, split, half, kw, out, add);
      }
      const int64_t rows = include_pad_ ? taps_[1].padded[oh] : taps_[1].valid[oh];
      for (int64_t ow = 0; ow < out_w; ++ow) {
        const int64_t cols = include_pad_ ? taps_[2].padded[ow] : taps_[2].valid[ow];
        out[ow] = out[ow] / static_cast<float>(rows * cols);
      }
    }
  }

  template <typename T>
  void Plane(const T* x, T* y) const {
    for (int64_t od = 0; od < w_.out[0]; ++od) {
      const int64_t d0 = od * w_.stride[0] - w_.pad[0];
      for (int64_t oh = 0; oh < w_.out[1]; ++oh) {
        const int64_t h0 = oh * w_.stride[1] - w_.pad[1];
        for (int64_t ow = 0; ow < w_.out[2]; ++ow) {
          const int64_t w0 = ow * w_.stride[2] - w_.pad[2];
          // Integers only reach here for max (the validator allows nothing else).
          T acc = max_ ? (std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                               : std::numeric_limits<T>::lowest())
                       : T(0);
          for (int64_t kd = taps_[0].first[od]; kd < taps_[0].last[od]; ++kd) {
            const int64_t id = d0 + kd * w_.dilation[0];
            if (id < 0 || id >= w_.in[0]) continue;  // dilated taps can skip the input
            for (int64_t kh = taps_[1].first[oh]; kh < taps_[1].last[oh]; ++kh) {
              const int64_t ih = h0 + kh * w_.dilation[1];
              if (ih < 0 || ih >= w_.in[1]) continue;
              const T* row = x + (id * w_.in[1] + ih) * w_.in[2];
              for (int64_t kw = taps_[2].first[ow]; kw < taps_[2].last[ow]; ++kw) {
                const int64_t iw = w0 + kw * w_.dilation[2];
                if (iw < 0 || iw >= w_.in[2]) continue;
                const T v = row[iw];
                if (max_) {
                  acc = (v > acc || v != v) ? v : acc;  // v != v: NaN propagates
                } else if constexpr (std::is_floating_point_v<T>) {
                  acc += v;
                }
              }
            }
          }
          if constexpr (std::is_floating_point_v<T>) {
            if (!max_) {
              const int64_t count = include_pad_ ? taps_[0].padded[od] * taps_[1].padded[oh] * taps_[2].padded[ow]
                                                 : taps_[0].valid[od] * taps_[1].valid[oh] * taps_[2].valid[ow];
              acc = acc / static_cast<T>(count);
            }
          }
          y[(od * w_.out[1] + oh) * w_.out[2] + ow] = acc;
        }
      }
    }
  }

  Window w_{};
  bool max_ = true, include_pad_ = false, fast_2d_ = false, flat_ = false;
  bool narrow_ = false;         // flat_ over planes wider than the output (flat_plan_'s), rows copied out
  bool s2_ = false;             // 3x3/2 max pooling from the input itself (pool_s2.h)
  bool s2x2_ = false;           // 2x2/2 max pooling from the input itself (pool_s2.h)
  DepthwisePlan flat_plan_;     // flat_: the masked form's shifts and masks
  std::vector<float> ones_;     // flat_ average: unit weights for a run of planes
  std::vector<float> divisor_;  // flat_ average: each output's divisor, as AvgPlane2D's
  Taps taps_[3];
};

}  // namespace

std::unique_ptr<Kernel> MakePooling() { return std::make_unique<PoolingKernel>(); }

}  // namespace cpu
}  // namespace hybridrt
