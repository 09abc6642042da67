// DeviceTensor: a tensor left in a backend's memory by a run (outputLocation 'device') or
// uploaded with toDevice(), that another engine's run takes as an input without a copy
// through the host. The JS object holds a shared DeviceBuffer (backend.h) with its dtype and
// shape; dispose() or garbage collection lets go of it (a run using it keeps it alive until
// the run ends). src/engine/device-tensor.ts is the typed wrapper.
#pragma once

#include <napi.h>

#include <memory>

#include "src/engine/backend.h"

namespace hybridrt {

struct DeviceTensorRef {
  std::shared_ptr<DeviceBuffer> buffer;
  DType dtype = DType::kFloat32;
  Shape shape;
};

Napi::Function DefineDeviceTensor(Napi::Env env);
Napi::Object WrapDeviceBuffer(Napi::Env env, DeviceTensorRef ref);
bool IsDeviceTensor(Napi::Env env, const Napi::Value& v);
// The tensor behind a DeviceTensor object; an Error(kDisposed) once it was disposed.
DeviceTensorRef GetDeviceTensor(const Napi::Value& v);
// toDevice(backend, data, dtype, shape): uploads a typed array; resolves with a DeviceTensor.
Napi::Value ToDevice(const Napi::CallbackInfo& info);

}  // namespace hybridrt
