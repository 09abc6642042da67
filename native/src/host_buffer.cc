// Default device-residency members of Backend (see backend.h) for backends whose device
// memory is host memory (cpu): plain aligned host buffers and memcpy.
#include <cstring>

#include "src/aligned_buffer.h"
#include "src/backend.h"

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

}  // namespace

std::shared_ptr<void> Backend::AllocateHost(size_t bytes) { return AllocateAligned(bytes, 256); }

void Backend::CopyOnDevice(void* dst, const void* src, size_t bytes, Stream&) {
  if (bytes && dst != src) std::memcpy(dst, src, bytes);
}

std::shared_ptr<DeviceBuffer> Backend::AllocateBuffer(size_t bytes, Stream&) {
  return std::make_shared<HostBuffer>(bytes, Name());
}

}  // namespace hybridrt
