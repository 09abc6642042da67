// Default device-residency members of Backend (see backend.h) for backends whose device
// memory is host memory (cpu): plain aligned host buffers and memcpy, and a host-clock Timer.
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "src/engine/backend.h"
#include "src/util/aligned_buffer.h"

namespace hybridrt {

namespace {

class HostBuffer : public DeviceBuffer {
 public:
  HostBuffer(size_t bytes, std::string backend)
      : storage_(AllocateAligned(bytes, 256)), bytes_(bytes), backend_(std::move(backend)) {}
  void* data() const override { return storage_.get(); }
  size_t bytes() const override { return bytes_; }
  std::string backend() const override { return backend_; }
  void Download(void* host) const override {
    if (bytes_) std::memcpy(host, storage_.get(), bytes_);
  }

 private:
  std::shared_ptr<void> storage_;
  size_t bytes_;
  std::string backend_;
};

class HostTimer : public Timer {
 public:
  explicit HostTimer(size_t points) : at_(points) {}
  void Record(size_t point, Stream&) override { at_[point] = std::chrono::steady_clock::now(); }
  double ElapsedMs(size_t from, size_t to) const override {
    return std::chrono::duration<double, std::milli>(at_[to] - at_[from]).count();
  }

 private:
  std::vector<std::chrono::steady_clock::time_point> at_;
};

}  // namespace

std::unique_ptr<Timer> Backend::CreateTimer(size_t points) { return std::make_unique<HostTimer>(points); }

double Kernel::TacticMs() const { return std::nan(""); }

std::shared_ptr<void> Backend::AllocateHost(size_t bytes) { return AllocateAligned(bytes, 256); }

void Backend::CopyOnDevice(void* dst, const void* src, size_t bytes, Stream&) {
  if (bytes && dst != src) std::memcpy(dst, src, bytes);
}

std::shared_ptr<DeviceBuffer> Backend::AllocateBuffer(size_t bytes, Stream&) {
  return std::make_shared<HostBuffer>(bytes, Name());
}

}  // namespace hybridrt
