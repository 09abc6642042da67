// CUDA source of a pointwise layer (see pointwise_codegen.h).
#include "cuda/pointwise_codegen.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <utility>

#include "src/ir/broadcast_dims.h"
#include "src/util/error.h"

#include "pointwise_ops_source.h"  // kPointwiseOpsSource: native/src/ir/formulas.inc as text (CMakeLists.txt)

namespace hybridrt {
namespace cuda {

namespace {

// An exact fp32 literal (hexadecimal), or the bits of an infinity or NaN.
std::string Literal(double value) {
  const float f = static_cast<float>(value);
  if (std::isnan(f)) return "__int_as_float(0x7fc00000)";
  if (std::isinf(f)) return f > 0 ? "__int_as_float(0x7f800000)" : "__int_as_float(0xff800000)";
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%af", static_cast<double>(f));
  return buf;
}

const char* LoadFn(DType t) {
  return t == DType::kFloat16 ? "hr_from_f16" : t == DType::kBFloat16 ? "hr_from_bf16" : "";
}
const char* StoreFn(DType t) { return t == DType::kFloat16 ? "hr_to_f16" : t == DType::kBFloat16 ? "hr_to_bf16" : ""; }
const char* CType(DType t) { return IsHalf(t) ? "hr_u16" : "float"; }

// The vector type of `vec` elements of `t` (16 or 8 bytes), for loads and stores.
const char* VecType(DType t, int vec) {
  const size_t bytes = DTypeSize(t) * vec;
  return bytes == 16 ? "uint4" : bytes == 8 ? "uint2" : "unsigned";
}

const char* kPrelude = R"(typedef unsigned short hr_u16;
__device__ __forceinline__ float hr_from_f16(hr_u16 h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
__device__ __forceinline__ hr_u16 hr_to_f16(float f) { hr_u16 h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }
__device__ __forceinline__ float hr_from_bf16(hr_u16 h) { return __uint_as_float(((unsigned)h) << 16); }
__device__ __forceinline__ hr_u16 hr_to_bf16(float f) { hr_u16 h; asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }
)";

}  // namespace

PointwiseGeometry MakePointwiseGeometry(const std::vector<Shape>& inputs, const std::vector<DType>& in_types,
                                        const Shape& out, DType out_type) {
  PointwiseGeometry g;
  g.in_types = in_types;
  g.out_type = out_type;
  g.numel = Numel(out);
  const size_t num = inputs.size();
  MergedBroadcast merged = MergeBroadcastDims(out, inputs);  // src/ir/broadcast_dims.h
  g.dims = std::move(merged.dims);
  g.strides = std::move(merged.strides);
  g.wide = g.numel >= (int64_t{1} << 31);
  for (size_t k = 0; k < num; ++k) g.wide |= Numel(inputs[k]) >= (int64_t{1} << 31);
  bool all_half = IsHalf(out_type);
  for (DType t : in_types) all_half &= IsHalf(t);
  const int vec = all_half ? 8 : 4;
  bool ok = !g.dims.empty() && g.numel % vec == 0 && g.dims.back() % vec == 0;
  for (size_t k = 0; ok && k < num; ++k) {
    const int64_t last = g.strides[k].back();
    ok = last == 0 || last == 1;
    for (size_t d = 0; ok && d + 1 < g.dims.size(); ++d) ok = g.strides[k][d] % vec == 0;
  }
  g.vec = ok ? vec : 1;
  return g;
}

namespace {

// A 32-bit index divided by d (< 2^31) as (umulhi(r, mul) + r) >> shift, r < 2^31 (the
// round-up method of Granlund and Montgomery).
void MagicDivisor(int64_t d, uint32_t* mul, uint32_t* shift) {
  if (d <= 0) {  // an empty dim: the kernel has no element to index (n is 0)
    *mul = *shift = 0;
    return;
  }
  uint32_t s = 0;
  while ((int64_t{1} << s) < d) ++s;
  *mul = static_cast<uint32_t>(
      ((uint64_t{1} << 32) * ((uint64_t{1} << s) - static_cast<uint64_t>(d))) / static_cast<uint64_t>(d) + 1);
  *shift = s;
}

template <typename T>
void Put(std::vector<uint8_t>* out, T v) {
  const size_t at = out->size();
  out->resize(at + sizeof(T));
  std::memcpy(out->data() + at, &v, sizeof(T));
}

}  // namespace

std::vector<uint8_t> PointwiseSizeArgs(const PointwiseGeometry& g) {
  std::vector<uint8_t> out;
  const auto idx = [&](int64_t v) {
    if (g.wide) Put<uint64_t>(&out, static_cast<uint64_t>(v));
    else Put<uint32_t>(&out, static_cast<uint32_t>(v));
  };
  for (int64_t d : g.dims) idx(d);
  for (const auto& st : g.strides)
    for (int64_t v : st) idx(v);
  std::vector<uint32_t> mul(g.dims.size()), shift(g.dims.size());
  for (size_t d = 0; d < g.dims.size(); ++d) MagicDivisor(g.dims[d], &mul[d], &shift[d]);
  for (uint32_t m : mul) Put(&out, m);
  for (uint32_t s : shift) Put(&out, s);
  return out;
}

std::string PointwiseSource(const PointwiseProgram& p, const PointwiseGeometry& g, bool size_args) {
  const int V = g.vec;
  const size_t num = g.in_types.size();
  const size_t R = g.dims.size();
  const bool args = size_args && R > 0;
  std::ostringstream s;
  s << kPrelude << kPointwiseOpsSource << "\ntypedef " << (g.wide ? "unsigned long long" : "unsigned int")
    << " hr_idx;\n";
  if (args) {
    // PointwiseSizeArgs's layout: index-width arrays first, then the 32-bit ones (no padding).
    s << "struct hr_sizes { hr_idx dims[" << R << "];";
    if (num) s << " hr_idx strides[" << num * R << "];";
    s << " unsigned mul[" << R << "]; unsigned shift[" << R << "]; };\n";
  }
  s << "\nextern \"C\" __global__ void __launch_bounds__(256) " << kPointwiseKernelName << "(";
  for (size_t k = 0; k < num; ++k) s << "const " << CType(g.in_types[k]) << "* __restrict__ x" << k << ", ";
  s << CType(g.out_type) << "* __restrict__ y, hr_idx n" << (args ? ", const hr_sizes g" : "") << ") {\n"
    << "  for (hr_idx v = (hr_idx)blockIdx.x * blockDim.x + threadIdx.x; v < n; v += (hr_idx)gridDim.x * blockDim.x) "
       "{\n"
    << "    const hr_idx i = v * " << V << ";\n    hr_idx r = i;\n";
  for (size_t k = 0; k < num; ++k) s << "    hr_idx o" << k << " = 0;\n";
  for (size_t d = R; d-- > 0;) {
    if (args) {
      s << "    { const hr_idx q = "
        << (g.wide ? Cat("r / g.dims[", d, "]") : Cat("(__umulhi(r, g.mul[", d, "]) + r) >> g.shift[", d, "]"))
        << "; const hr_idx c = r - q * g.dims[" << d << "]; r = q;";
      for (size_t k = 0; k < num; ++k) s << " o" << k << " += c * g.strides[" << k * R + d << "];";
    } else {
      s << "    { const hr_idx c = r % " << g.dims[d] << "u; r /= " << g.dims[d] << "u;";
      for (size_t k = 0; k < num; ++k) {
        if (g.strides[k][d]) s << " o" << k << " += c * " << g.strides[k][d] << "u;";
      }
    }
    s << " }\n";
  }
  s << "    (void)r;\n";
  for (size_t k = 0; k < num; ++k) {
    const DType t = g.in_types[k];
    s << "    float a" << k << "[" << V << "];\n";
    const bool vector_load = V > 1 && g.strides[k].back() == 1;
    if (vector_load) {
      s << "    { const " << VecType(t, V) << " w = *reinterpret_cast<const " << VecType(t, V) << "*>(x" << k << " + o"
        << k << "); const " << CType(t) << "* e = reinterpret_cast<const " << CType(t) << "*>(&w);"
        << " for (int j = 0; j < " << V << "; ++j) a" << k << "[j] = " << LoadFn(t) << "(e[j]); }\n";
    } else {
      s << "    { const float e = " << LoadFn(t) << "(x" << k << "[o" << k << "]); for (int j = 0; j < " << V
        << "; ++j) a" << k << "[j] = e; }\n";
    }
  }
  s << "    alignas(16) " << CType(g.out_type) << " out[" << V << "];\n#pragma unroll\n    for (int j = 0; j < " << V
    << "; ++j) {\n";
  auto operand = [&](const PointwiseOperand& o) -> std::string {
    switch (o.kind) {
      case PointwiseOperand::Kind::kInput: return Cat("a", o.index, "[j]");
      case PointwiseOperand::Kind::kStep: return Cat("t", o.index);
      case PointwiseOperand::Kind::kConstant: break;
    }
    return Literal(p.constants[o.index]);
  };
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const PointwiseStep& st = p.steps[i];
    s << "      const float t" << i << " = ";
    if (st.binary) {
      s << "HybridrtBinary(" << static_cast<int>(st.op2) << ", " << operand(st.args[0]) << ", " << operand(st.args[1])
        << ");";
    } else {
      s << "HybridrtUnary(" << static_cast<int>(st.act.op) << ", " << operand(st.args[0]) << ", "
        << Literal(st.act.alpha) << ", " << Literal(st.act.beta) << ", " << Literal(st.act.min) << ", "
        << Literal(st.act.max) << ");";
    }
    s << "  // " << (st.binary ? PointwiseBinaryName(st.op2) : UnaryOpName(st.act.op)) << "\n";
  }
  s << "      out[j] = " << StoreFn(g.out_type) << "(t" << p.steps.size() - 1 << ");\n    }\n";
  if (V > 1) {
    s << "    *reinterpret_cast<" << VecType(g.out_type, V) << "*>(y + i) = *reinterpret_cast<const "
      << VecType(g.out_type, V) << "*>(out);\n";
  } else {
    s << "    y[i] = out[0];\n";
  }
  s << "  }\n}\n";
  return s.str();
}

}  // namespace cuda
}  // namespace hybridrt
