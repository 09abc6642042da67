// The x86 preamble of the cpu kernels' vector paths: where the compiler targets x86-64 (GCC or
// Clang), <immintrin.h> and HR_X86, which the kernels test before their AVX2/AVX-512 code (run
// only where the CPU has it: cpu/kernels.h). GCC 12 warns that the unmasked AVX-512 intrinsics
// read an uninitialized register: they pass _mm512_undefined_ps() (and its kin) as the unused
// merge source; the warning is off from here to the end of the including file.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HR_X86 1
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
