// The timing cache (TensorRT's ITimingCache): the tactic the builder chose for a layer, keyed
// by (device, layer signature), kept in a file that later builds read, so that they take the
// same tactics without timing them again. The device key (Backend::DeviceKey) names the GPU
// and library versions a timing is valid for; the signature is everything that decides a
// layer's tactic: backend, kind, params (not names), and each input's and output's dtype and
// shape, and whether it is a constant, and the tactic switches that differ from their
// defaults (TacticSwitchesKey: a choice made with HYBRIDRT_INT8_CUDNN=0, say, is not the
// choice without it; at the defaults the signature is as before).
//
// File: a text line "hybridrt-timing-cache 1", then one entry per line,
// "<device key>\t<signature>\t<tactic>". A cache is an optimization: a missing file is an
// empty cache, a file of another format or with malformed lines is read as far as it makes
// sense (bad lines are skipped), and a cached tactic the backend refuses is timed again. Save
// merges with what the file holds by then (other builds may have written to it) and replaces
// it atomically (a temporary file, then rename).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "src/engine/backend.h"
#include "src/ir/network.h"

namespace hybridrt {

class TimingCache {
 public:
  explicit TimingCache(std::string path) : path_(std::move(path)) {}

  // Reads the file (absent: empty). Never throws for the file's contents; an unreadable
  // existing file is an Error naming it.
  void Load();
  // Writes the entries, merged with the file's current ones. An Error names the file.
  void Save();

  // The cached tactic for `key`, or "" (counts a hit or a miss).
  std::string Find(const std::string& key);
  void Put(const std::string& key, const std::string& tactic);
  // The tactic Find returned was refused by the backend: count it as a miss.
  void Refused() {
    hits_--;
    misses_++;
  }

  const std::string& path() const { return path_; }
  int hits() const { return hits_; }
  int misses() const { return misses_; }
  size_t size() const { return entries_.size(); }

 private:
  static void Parse(const std::string& text, std::map<std::string, std::string>* into);

  std::string path_;
  std::map<std::string, std::string> entries_;  // "<device>\t<signature>" -> tactic
  bool dirty_ = false;
  int hits_ = 0, misses_ = 0;
};

// "<device key>\t<signature>" of a layer whose tensors have these descs (see the file comment).
std::string TimingKey(const std::string& device_key, const std::string& backend, const Layer& layer,
                      const std::vector<TensorDesc>& inputs, const std::vector<const void*>& constants,
                      const std::vector<TensorDesc>& outputs, bool ranged = false, const std::string& switches = "");

}  // namespace hybridrt
