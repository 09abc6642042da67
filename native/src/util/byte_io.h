// Little-endian byte writing and bounds-checked reading for plans. ByteReader never reads
// past its end: every read names the field it is reading, and running short is an Error
// (kPlan) saying which field, at which offset, how many bytes it needed and how many were left.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "src/util/error.h"

namespace hybridrt {

class ByteWriter {
 public:
  template <typename T>
  void Put(T v) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(&v);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void PutBytes(const void* data, size_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
  }
  void PutString(const std::string& s) {
    Put<uint32_t>(static_cast<uint32_t>(s.size()));
    PutBytes(s.data(), s.size());
  }
  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }
  // Overwrites a value written earlier (a length known only later).
  template <typename T>
  void PatchAt(size_t offset, T v) {
    std::memcpy(bytes_.data() + offset, &v, sizeof(T));
  }

 private:
  std::vector<uint8_t> bytes_;
};

class ByteReader {
 public:
  // `base` is the offset of data[0] in the whole plan, for messages.
  ByteReader(const uint8_t* data, size_t size, size_t base = 0) : data_(data), size_(size), base_(base) {}

  size_t pos() const { return pos_; }
  size_t left() const { return size_ - pos_; }
  size_t offset() const { return base_ + pos_; }

  void Need(size_t n, const std::string& field) const {
    if (n > left()) {
      Fail(ErrorCode::kPlan, Cat("plan: truncated: reading ", field, " needs ", n, " bytes at offset ", offset(),
                                 ", only ", left(), " left"));
    }
  }
  template <typename T>
  T Get(const std::string& field) {
    Need(sizeof(T), field);
    T v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  const uint8_t* GetBytes(size_t n, const std::string& field) {
    Need(n, field);
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  std::string GetString(const std::string& field, size_t max_len = 1 << 20) {
    uint32_t n = Get<uint32_t>(field + " length");
    if (n > max_len) Fail(ErrorCode::kPlan, Cat("plan: ", field, " length ", n, " exceeds the limit of ", max_len));
    const uint8_t* p = GetBytes(n, field);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  // A count of records, each at least `min_record` bytes: refused before anything is
  // allocated when the remaining bytes cannot hold that many.
  uint32_t GetCount(const std::string& field, size_t min_record) {
    uint32_t n = Get<uint32_t>(field);
    if (min_record && n > left() / min_record) {
      Fail(ErrorCode::kPlan, Cat("plan: ", field, " is ", n, " at offset ", offset() - 4, ", but only ", left(),
                                 " bytes follow (", min_record, " or more per entry)"));
    }
    return n;
  }
  // A sub-reader over the next n bytes.
  ByteReader Sub(size_t n, const std::string& field) {
    Need(n, field);
    ByteReader r(data_ + pos_, n, offset());
    pos_ += n;
    return r;
  }
  void ExpectEnd(const std::string& what) const {
    if (left() != 0)
      Fail(ErrorCode::kPlan, Cat("plan: ", what, " has ", left(), " unexpected trailing bytes at offset ", offset()));
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
};

}  // namespace hybridrt
