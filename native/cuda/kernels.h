// Factories of the cuda kernels, one per layer kind (one source file per kernel family), and
// the launchers that several kernels share.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <memory>
#include <vector>

#include "cuda/cuda_backend.h"
#include "src/engine/backend.h"
#include "src/ir/dtype.h"
#include "layers/pad.h"
#include "src/ir/shape.h"

namespace hybridrt {
namespace cuda {

std::unique_ptr<Kernel> MakeConvolution(CudaBackend* b);       // conv_cudnn.cc (cuDNN)
std::unique_ptr<Kernel> MakeQuantConvolution(CudaBackend* b);  // quant_conv.cu (the int8 form; matmuls too)
std::unique_ptr<Kernel> MakeQuantAdd(CudaBackend* b);          // quant_add.cu (the int8 add)
std::unique_ptr<Kernel> MakeDeconvolution(CudaBackend* b);     // conv_cudnn.cc (cuDNN backward data)
std::unique_ptr<Kernel> MakeMatmul(CudaBackend* b);            // matmul_cublaslt.cc (cuBLASLt)
std::unique_ptr<Kernel> MakeElementwise(CudaBackend* b);       // elementwise.cu
std::unique_ptr<Kernel> MakeSelect(CudaBackend* b);            // elementwise.cu
std::unique_ptr<Kernel> MakeUnary(CudaBackend* b);             // unary.cu
std::unique_ptr<Kernel> MakeCast(CudaBackend* b);              // cast.cu
std::unique_ptr<Kernel> MakeShapeOf(CudaBackend* b);           // shape_of.cu
std::unique_ptr<Kernel> MakeRange(CudaBackend* b);             // range.cu
std::unique_ptr<Kernel> MakeCumSum(CudaBackend* b);            // cumsum.cu
std::unique_ptr<Kernel> MakeArgMinMax(CudaBackend* b);         // arg_min_max.cu
std::unique_ptr<Kernel> MakeAttention(CudaBackend* b);         // attention.cu
std::unique_ptr<Kernel> MakeScatter(CudaBackend* b);           // scatter.cu
std::unique_ptr<Kernel> MakeTopK(CudaBackend* b);              // topk.cu
std::unique_ptr<Kernel> MakeRoiAlign(CudaBackend* b);          // roi_align.cu
std::unique_ptr<Kernel> MakeGridSample(CudaBackend* b);        // grid_sample.cu
std::unique_ptr<Kernel> MakeRecurrent(CudaBackend* b);         // recurrent.cu
std::unique_ptr<Kernel> MakeNonZero(CudaBackend* b);           // nonzero.cu (not yet run on a GPU)
std::unique_ptr<Kernel> MakeNms(CudaBackend* b);               // nms.cu (not yet run on a GPU)
std::unique_ptr<Kernel> MakePooling(CudaBackend* b);           // pooling.cu
std::unique_ptr<Kernel> MakeReduce(CudaBackend* b);            // reduce.cu
std::unique_ptr<Kernel> MakeSoftmax(CudaBackend* b);           // softmax.cu
std::unique_ptr<Kernel> MakeNormalization(CudaBackend* b);     // normalization.cu
std::unique_ptr<Kernel> MakeShuffle(CudaBackend* b);           // shuffle.cu
std::unique_ptr<Kernel> MakeConcat(CudaBackend* b);            // concat_split.cu
std::unique_ptr<Kernel> MakeSplit(CudaBackend* b);             // concat_split.cu
std::unique_ptr<Kernel> MakeSlice(CudaBackend* b);             // slice_pad.cu
std::unique_ptr<Kernel> MakePad(CudaBackend* b);               // slice_pad.cu
std::unique_ptr<Kernel> MakeGather(CudaBackend* b);            // gather.cu
std::unique_ptr<Kernel> MakeResize(CudaBackend* b);            // resize.cu
std::unique_ptr<Kernel> MakeQuantize(CudaBackend* b);          // quantize.cu
std::unique_ptr<Kernel> MakeDequantize(CudaBackend* b);        // quantize.cu
std::unique_ptr<Kernel> MakePointwise(CudaBackend* b);         // pointwise.cc (NVRTC)

// ---- shared launchers (errors are returned, for the caller to name its layer)

struct Act;
struct Strided;

// One row times N rows of K (gemv.cu): y[j] = act(alpha * (x . w[j]) + beta * c[j * c_step] + z[j])
// for j < n, w row-major [n, k]; c and z may be null. Every pointer holds float dtype t.
struct GemvArgs {
  const void* x;
  const void* w;
  const void* c;
  const void* z;
  void* y;
  int64_t k, n;
  float alpha, beta;
  int64_t c_step;  // 0: c is one value; 1: one per output
  const Act& act;
};
cudaError_t LaunchGemv(DType t, const GemvArgs& g, cudaStream_t stream);  // gemv.cu

// y[i] = act(y[i] + bias[(i / inner) % channels] + z[i]) over n elements of float dtype t
// (NCHW: inner = H*W; channels-last: inner = 1); bias and z may be null, act may be none.
cudaError_t LaunchBiasActivation(DType t, void* y, const void* bias, const void* z, int64_t n, int64_t channels,
                                 int64_t inner, const Act& act, cudaStream_t stream);  // unary.cu

// y[i] = scale * x[offset of i] (operand 0 of `s`) over n elements of float dtype t.
cudaError_t LaunchBroadcastScale(DType t, const void* x, void* y, const Strided& s, int64_t n, float scale,
                                 cudaStream_t stream);  // elementwise.cu

// y[i] = x[offset of i] (operand 0 of `s`), elements of elem_size bytes: transposes and
// broadcast expansions.
cudaError_t LaunchStridedCopy(size_t elem_size, const void* x, void* y, const Strided& s, int64_t n,
                              cudaStream_t stream);  // shuffle.cu
// The Strided walk of `in` permuted by `perm` (y dim i = x dim perm[i]); *identity when it
// is a plain copy.
Strided MakePermute(const Shape& in, const std::vector<int64_t>& perm, bool* identity);  // shuffle.cu

// A padded (or cropped) copy: per dim d, y[o] = x[crop_begin[d] + (o - pad_begin[d])] where
// that index lies in [0, kept[d]) (kept = x's dim minus both crops), else by `mode`.
struct PadGeometry {
  int nd = 0;
  PadMode mode = PadMode::kConstant;
  int64_t out[8] = {0}, kept[8] = {0}, crop_begin[8] = {0}, pad_begin[8] = {0}, stride[8] = {0};
  uint64_t fill = 0;  // the constant's bits
};
PadGeometry MakePadGeometry(const Shape& x, const Shape& y, const std::vector<int64_t>& pads_begin,
                            const std::vector<int64_t>& pads_end, PadMode mode);
cudaError_t LaunchPad(size_t elem_size, const void* x, void* y, const PadGeometry& g, int64_t n,
                      cudaStream_t stream);  // slice_pad.cu

// A depthwise convolution (groups = channels, one filter each), channels-last fp16/bf16:
// x [n, h, w, c], weights [c, k, k, 1], y [n, oh, ow, c], square kernel and stride, the same
// pad on every side, no dilation; y = act(conv(min(x, input_max)) + bias + z), bias and z
// optional.
struct DepthwiseGeometry {
  int n = 0, h = 0, w = 0, c = 0, oh = 0, ow = 0, k = 0, stride = 1, pad = 0;
  float input_max = INFINITY;  // x clipped to this as it is loaded (inputClip: layout.h)
};
// The geometry the kernel runs (native/src/builder/layout.cc, DepthwiseForOurKernel, keeps the same).
bool DepthwiseSupported(DType t, const DepthwiseGeometry& g);  // depthwise.cu
// y = min(x, hi) over n elements (a multiple of 8) of fp16/bf16: inputClip for cuDNN.
cudaError_t LaunchClipCopy(DType t, const void* x, void* y, int64_t n, float hi, cudaStream_t stream);  // depthwise.cu
cudaError_t LaunchDepthwiseNhwc(DType t, const void* x, const void* w, const void* bias, const void* z, void* y,
                                const DepthwiseGeometry& g, const Act& act, cudaStream_t stream);  // depthwise.cu

// A one-thread kernel that waits (at most about a second) until *open is non-zero: the
// StreamGate of per-layer profiles. `open` is pinned host memory mapped into the device.
cudaError_t LaunchGate(const volatile int* open, cudaStream_t stream);  // gate.cu

// Whether this addon has machine code (or PTX) for the current device: a trivial kernel's
// attributes, which fail with cudaErrorNoKernelImageForDevice otherwise.
cudaError_t ProbeKernelImage();  // unary.cu

// Fills n elements of float dtype t with a deterministic pattern in [-1, 1) (tactic timing:
// never time on zeros).
cudaError_t LaunchFillPattern(DType t, void* y, int64_t n, cudaStream_t stream);  // unary.cu

}  // namespace cuda
}  // namespace hybridrt
