// XXH64 (Yann Collet's xxHash, 64-bit, seed 0): the plan checksum. Fast enough to hash
// hundreds of MB of weights at load, and every single-bit change of the input changes it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hybridrt {

uint64_t Xxh64(const void* data, size_t size, uint64_t seed = 0);

}  // namespace hybridrt
