// The int8 GEMM of the int8 convolution and matmul (quant_conv.cc, quant_matmul.cc, the
// builder's int8 form: layers/quant_form.h): C(i,j) = sum_k A(i,k) B(k,j) in int32, A int8
// (the weights, packed once), B uint8 (the activations, shifted to uint8 by the caller's
// packer), each finished tile of C handed to an epilogue (dequantize or requantize) while it
// is in cache. Sums are exact: no int16 intermediate saturates, so every path gives the same
// bits (|sum| < 2^31 holds for k <= kMaxInt8Products, layers/quant_form.h).
//
// The micro-kernel is chosen at run time as the SGEMM's is (sgemm.h): AVX-512 VNNI
// (igemm_avx512.cc: vpdpbusd, 8 x 32 tiles), AVX2 (igemm_avx2.cc: bytes widened to int16,
// vpmaddwd, 4 x 8) or portable C++ (4 x 8); HYBRIDRT_CPU_KERNEL=avx512|avx2|portable forces
// one as it forces the SGEMM's (avx512 is the VNNI kernel here, where the CPU has VNNI).
//
// Packed layouts, k in groups of 4 (zero past k): A in MR-row panels, panel p holding for each
// group g the MR x 4 bytes A(p MR + r, 4g + t) at (g MR + r) 4 + t; B in NR-column panels,
// panel q holding for each group the NR x 4 bytes B(4g + t, q NR + j) at (g NR + j) 4 + t (a
// column's four k side by side, what one 32-bit lane of vpdpbusd reads).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace hybridrt {
namespace cpu {

// C[mr x nr] (int32, row stride ldc) = the sums over `groups` k-groups of panels pa and pb.
using IgemmMicroKernel = void (*)(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c, int64_t ldc, int mr,
                                  int nr);
void IgemmKernelPortable(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c, int64_t ldc, int mr, int nr);
void IgemmKernelAvx2(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c, int64_t ldc, int mr, int nr);
void IgemmKernelVnni(int64_t groups, const int8_t* pa, const uint8_t* pb, int32_t* c, int64_t ldc, int mr, int nr);
// One column (n = 1: a batch-1 classifier, a squeeze-excite convolution over one position),
// where the tile kernels would compute 16 columns to keep one: C[0, 8 panels) = the sums of
// `panels` consecutive MR512-row panels of A (pa: the first) against the column b (groups x 4
// bytes in k order, zeros past k), 8 per panel.
void IgemmGemvVnni(int64_t groups, const int8_t* pa, int64_t panels, const uint8_t* b, int32_t* c);
constexpr int kIgemmMR = 4, kIgemmNR = 8;         // portable and AVX2
constexpr int kIgemmMR512 = 8, kIgemmNR512 = 32;  // AVX-512 VNNI

// The kernel in use: "avx512vnni", "avx2" or "portable".
const char* IgemmKernelName();

// A (m x k, A(i,k) = a[i rs + k cs]) packed for the kernel in use, with each row's sum (the
// zero-point correction: sum_k (x_k - z) w_k = sum_k x_k w_k - z rowsum).
struct PackedInt8 {
  static PackedInt8 Pack(int64_t m, int64_t k, const int8_t* a, int64_t rs, int64_t cs);
  int64_t m = 0, k = 0, groups = 0;
  int mr = 0;
  std::vector<int32_t> row_sums;
  std::shared_ptr<int8_t> data;
};

// Writes columns [j0, j0 + nc) of B, all of k, as ceil(nc / nr) panels of groups x nr x 4
// bytes each (columns past nc: any value).
using Int8PanelPacker = std::function<void(int64_t j0, int64_t nc, int nr, uint8_t* out)>;
// Rows [i0, i0 + rows) x columns [j0, j0 + cols) of C: c (row stride ldc) holds them.
using Int8TileEpilogue =
    std::function<void(int64_t i0, int64_t j0, int64_t rows, int64_t cols, const int32_t* c, int64_t ldc)>;

// With n = 1 on the VNNI kernel the one column is packed with nr = 1 (its bytes in k order) and
// the tiles handed to `finish` are blocks of rows of that column (cols 1, ldc 1).
void Igemm(const PackedInt8& a, int64_t n, const Int8PanelPacker& pack_b, const Int8TileEpilogue& finish, int threads);

// Igemm whose tiles are requantized in the micro-kernel's registers (quant_requant.h: row i of
// C, column j, into q.y + i q.stride + j), with no int32 tile stored for an epilogue to read
// again: on the VNNI kernel, n > 1. false where it does not apply (nothing done): the caller
// runs Igemm with its epilogue.
struct Int8Requant;
bool IgemmRequant(const PackedInt8& a, int64_t n, const Int8PanelPacker& pack_b, const Int8Requant& q, int threads);
// The VNNI tile kernel's form of it: the tile of rows [i0, i0 + mr), columns [j0, j0 + nr).
void IgemmKernelVnniRequant(int64_t groups, const int8_t* pa, const uint8_t* pb, int mr, int nr, const Int8Requant& q,
                            int64_t i0, int64_t j0);

// A packer's last step: four rows of B (rows[t] + j for j in [0, nc); nullptr: a row past k)
// into k-group g's place in every panel (out: the block's first panel), each byte xor `flip`
// (0x80 turns int8 into uint8 + 128).
void InterleaveGroup(const uint8_t* const rows[4], int64_t nc, int nr, int64_t groups, int64_t g, uint8_t flip,
                     uint8_t* out);
// Its AVX-512 form for nr = kIgemmNR512 (the VNNI kernel's, whose CPUs have AVX-512 BW): the
// columns [0, returned) of [0, nc), a multiple of 64.
int64_t InterleaveGroup512(const uint8_t* const rows[4], int64_t nc, int64_t groups, int64_t g, uint8_t flip,
                           uint8_t* out);

}  // namespace cpu
}  // namespace hybridrt
