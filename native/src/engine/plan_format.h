// The plan: an engine serialized to bytes. One definition of the layout, used by
// plan_writer.cc and plan_reader.cc. All integers little-endian; strings are a u32 length
// and UTF-8 bytes.
//
//   offset 0   magic "HYBRTPLN" (8 bytes)
//          8   u32 plan format version (kPlanFormatVersion)
//         12   u32 reserved, 0
//         16   u64 checksum: XXH64 of every byte from offset 24 to the end
//         24   u64 payload size: the plan's total size minus 32
//         32   string backend ("cpu"), string device architecture
//              u32 section count, then sections: u32 tag, u64 body size, body
//
// Sections, each exactly once and in this order:
//   NETW  u32 network format version, string name, u32 n + i32 input ids, u32 n + i32 output ids
//   TENS  u32 n; per tensor: string name, u8 dtype, u32 rank, i64 dims[rank]
//   LAYR  u32 n; per layer: u8 kind, string name, u32 n + i32 inputs, u32 n + i32 outputs,
//         u32 n params; per param: string key, u8 type, then f64 | u32 n + f64[n] | u8 | string
//   WGHT  u32 n; per constant: u32 layer index, u64 offset, u64 bytes; then u64 blob size, blob
//   MEMP  u64 arena bytes, u64 activation bytes, u32 n, i64 offset per tensor (-1: not in arena)
//   TACT  u32 n; per layer: string tactic
//   RANG  u32 n (0: static, else one per input); per input: u32 rank, i64 min[rank], i64 max[rank]
#pragma once

#include <cstdint>

namespace hybridrt {

constexpr char kPlanMagic[8] = {'H', 'Y', 'B', 'R', 'T', 'P', 'L', 'N'};
constexpr uint32_t kPlanFormatVersion = 2;  // 2: RANG (input ranges)
constexpr size_t kPlanHeaderSize = 32;
constexpr size_t kPlanChecksumFrom = 24;

constexpr uint32_t Tag(const char (&s)[5]) {
  return static_cast<uint32_t>(s[0]) | static_cast<uint32_t>(s[1]) << 8 | static_cast<uint32_t>(s[2]) << 16 |
         static_cast<uint32_t>(s[3]) << 24;
}
constexpr uint32_t kSectionTags[] = {Tag("NETW"), Tag("TENS"), Tag("LAYR"), Tag("WGHT"),
                                     Tag("MEMP"), Tag("TACT"), Tag("RANG")};
constexpr uint32_t kNumSections = 7;

}  // namespace hybridrt
