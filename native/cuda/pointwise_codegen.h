// The CUDA source of one pointwise layer (pointwise.h), for NVRTC (pointwise.cc): the
// layer's dtypes and program, and (in a static engine) its shapes, become constants of a kernel
// of its own, so the compiler sees every op as straight-line fp32 code, every parameter as a
// literal and every index division by a constant; a dynamic engine's kernel takes the sizes as
// an argument instead (PointwiseSource's size_args).
//
// Geometry: the output's dims, size-1 dims dropped and neighbours merged where every input
// walks them alike (as cuda/device_common.cuh's MakeBroadcast, for any number of inputs),
// and per input the element stride along each (0: broadcast). Each thread computes `vec`
// consecutive outputs: 8 (every tensor 2-byte) or 4, with 16- or 8-byte loads and stores,
// where the last merged dim is a multiple of it and every input is contiguous (stride 1) or
// broadcast (stride 0) along it with its other strides multiples of it (so that vector
// accesses stay aligned; arena tensors are 256-byte aligned); else 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/ir/dtype.h"
#include "layers/pointwise.h"
#include "src/ir/shape.h"

namespace hybridrt {
namespace cuda {

struct PointwiseGeometry {
  std::vector<int64_t> dims;                  // merged output dims (empty: one element)
  std::vector<std::vector<int64_t>> strides;  // per input, per merged dim
  std::vector<DType> in_types;
  DType out_type = DType::kFloat32;
  int64_t numel = 0;
  int vec = 1;        // outputs per thread
  bool wide = false;  // 64-bit indices
};

PointwiseGeometry MakePointwiseGeometry(const std::vector<Shape>& inputs, const std::vector<DType>& in_types,
                                        const Shape& out, DType out_type);

constexpr const char* kPointwiseKernelName = "hybridrt_pointwise";

// The kernel hybridrt_pointwise(const void* x0, ..., void* y, idx n), n = numel / vec,
// grid-stride over n. With `size_args` the merged dims and strides are not literals but a last
// parameter (PointwiseSizeArgs), so that the source depends only on the program, the dtypes, the
// number of merged dims, which inputs are read in vectors, vec and the index width: every shape
// of a dynamic engine that merges alike reuses one compiled kernel. Index division then uses
// host-computed magic numbers (32-bit indices) or plain division (64-bit).
std::string PointwiseSource(const PointwiseProgram& program, const PointwiseGeometry& g, bool size_args);

// The bytes of the size parameter of a `size_args` kernel at geometry `g` (empty where g has no
// merged dims: the kernel then takes none).
std::vector<uint8_t> PointwiseSizeArgs(const PointwiseGeometry& g);

}  // namespace cuda
}  // namespace hybridrt
