// HYBRIDRT_HD: a function both the host and the cuda kernels call (nvcc compiles it for both;
// plain C++ compilers see an ordinary inline function), for the rules written once for both
// backends (int_arith.h, shape.h's AxisSplit).
#pragma once

#if defined(__CUDACC__)
#define HYBRIDRT_HD __host__ __device__
#else
#define HYBRIDRT_HD
#endif
