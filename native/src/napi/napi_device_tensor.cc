// DeviceTensor objects and toDevice() (see napi_device_tensor.h).
#include "src/napi/napi_device_tensor.h"

#include <map>
#include <mutex>

#include "src/napi/napi_util.h"

namespace hybridrt {

namespace {

// One backend instance and stream per backend name for uploads outside any engine; a
// process-wide singleton, deliberately never destroyed (static destructors run after the
// CUDA driver may have unloaded).
struct Uploader {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Stream> stream;
  std::mutex mutex;
};

Uploader& UploaderFor(const std::string& name) {
  static std::mutex mutex;
  static auto* uploaders = new std::map<std::string, std::unique_ptr<Uploader>>();
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Uploader>& u = (*uploaders)[name];
  if (!u) {
    auto made = std::make_unique<Uploader>();
    made->backend = CreateBackend(name, BackendOptions{1});
    made->stream = made->backend->CreateStream();
    u = std::move(made);
  }
  return *u;
}

Napi::Array ShapeArray(Napi::Env env, const Shape& shape) {
  Napi::Array a = Napi::Array::New(env, shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    a.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(shape[d])));
  return a;
}

class DownloadWorker : public PromiseWorker {
 public:
  DownloadWorker(Napi::Env env, DeviceTensorRef ref)
      : PromiseWorker(env), ref_(std::move(ref)), n_(static_cast<size_t>(Numel(ref_.shape))) {
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, ref_.buffer->bytes());
    dst_ = buf.Data();
    buf_ = Napi::Persistent(buf);
  }

 private:
  void Run() override {
    if (ref_.buffer->bytes()) ref_.buffer->Download(dst_);
  }
  Napi::Value Result(Napi::Env env) override {
    return MakeTypedArray(env, ref_.dtype, n_, buf_.Value(), "a downloaded device tensor");
  }
  DeviceTensorRef ref_;
  size_t n_;
  void* dst_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> buf_;
};

class UploadWorker : public PromiseWorker {
 public:
  UploadWorker(Napi::Env env, std::string backend, Napi::TypedArray data, DType dtype, Shape shape)
      : PromiseWorker(env), backend_(std::move(backend)), data_ref_(Napi::Persistent(data)) {
    ref_.dtype = dtype;
    ref_.shape = std::move(shape);
    src_ = static_cast<const uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    bytes_ = data.ByteLength();
  }

 private:
  void Run() override {
    Uploader& u = UploaderFor(backend_);
    std::lock_guard<std::mutex> lock(u.mutex);
    ref_.buffer = u.backend->AllocateBuffer(bytes_, *u.stream);
    if (bytes_) u.backend->CopyToDevice(ref_.buffer->data(), src_, bytes_, *u.stream);
    u.backend->Synchronize(*u.stream);
  }
  Napi::Value Result(Napi::Env env) override { return WrapDeviceBuffer(env, std::move(ref_)); }

  std::string backend_;
  Napi::Reference<Napi::TypedArray> data_ref_;
  const uint8_t* src_ = nullptr;
  size_t bytes_ = 0;
  DeviceTensorRef ref_;
};

class DeviceTensorWrap : public Napi::ObjectWrap<DeviceTensorWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "DeviceTensor",
        {InstanceMethod<&DeviceTensorWrap::Download>("download"), InstanceMethod<&DeviceTensorWrap::Dispose>("dispose"),
         InstanceAccessor<&DeviceTensorWrap::DTypeOf>("dtype"), InstanceAccessor<&DeviceTensorWrap::ShapeOf>("shape"),
         InstanceAccessor<&DeviceTensorWrap::Bytes>("bytes"), InstanceAccessor<&DeviceTensorWrap::BackendOf>("backend"),
         InstanceAccessor<&DeviceTensorWrap::Disposed>("disposed")});
  }

  explicit DeviceTensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceTensorWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw MakeJsError(info.Env(), ErrorCode::kNative,
                        "device tensors come from runs (outputLocation 'device') or toDevice()");
    }
    ref_ = *info[0].As<Napi::External<DeviceTensorRef>>().Data();
    backend_ = ref_.buffer ? ref_.buffer->backend() : "";
    bytes_ = ref_.buffer ? ref_.buffer->bytes() : 0;
  }

  const DeviceTensorRef& ref() const { return ref_; }

 private:
  Napi::Value Download(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!ref_.buffer) return Rejected(env, {ErrorCode::kDisposed, "device tensor was disposed"});
    auto* worker = new DownloadWorker(env, ref_);
    Napi::Promise p = worker->Promise();
    worker->Queue();
    return p;
  }
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    ref_.buffer.reset();
    return info.Env().Undefined();
  }
  Napi::Value DTypeOf(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), DTypeName(ref_.dtype)); }
  Napi::Value ShapeOf(const Napi::CallbackInfo& info) { return ShapeArray(info.Env(), ref_.shape); }
  Napi::Value Bytes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(bytes_));
  }
  Napi::Value BackendOf(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), backend_); }
  Napi::Value Disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !ref_.buffer); }

  DeviceTensorRef ref_;
  std::string backend_;
  size_t bytes_ = 0;
};

}  // namespace

Napi::Function DefineDeviceTensor(Napi::Env env) { return DeviceTensorWrap::Define(env); }

Napi::Object WrapDeviceBuffer(Napi::Env env, DeviceTensorRef ref) {
  auto* data = env.GetInstanceData<AddonData>();
  return data->device_tensor_ctor.New({Napi::External<DeviceTensorRef>::New(env, &ref)});
}

bool IsDeviceTensor(Napi::Env env, const Napi::Value& v) {
  if (!v.IsObject()) return false;
  auto* data = env.GetInstanceData<AddonData>();
  return v.As<Napi::Object>().InstanceOf(data->device_tensor_ctor.Value());
}

DeviceTensorRef GetDeviceTensor(const Napi::Value& v) {
  const DeviceTensorRef& ref = DeviceTensorWrap::Unwrap(v.As<Napi::Object>())->ref();
  if (!ref.buffer) Fail(ErrorCode::kDisposed, "device tensor was disposed");
  return ref;
}

Napi::Value ToDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    if (info.Length() < 4 || !info[0].IsString() || !info[1].IsTypedArray() || !info[2].IsString() ||
        !info[3].IsArray()) {
      Fail(ErrorCode::kInput,
           "toDevice(backend, data, dtype, shape): expected a backend name, a typed array, a dtype and a shape");
    }
    std::string backend = info[0].As<Napi::String>().Utf8Value();
    DType dtype;
    if (!ParseDType(info[2].As<Napi::String>().Utf8Value(), &dtype)) {
      Fail(ErrorCode::kInput, Cat("toDevice: unknown dtype '", info[2].As<Napi::String>().Utf8Value(), "'"));
    }
    Napi::Array dims = info[3].As<Napi::Array>();
    Shape shape;
    for (uint32_t d = 0; d < dims.Length(); ++d) {
      Napi::Value v = dims.Get(d);
      double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(x >= 0) || x != static_cast<double>(static_cast<int64_t>(x)))
        Fail(ErrorCode::kInput, "toDevice: shape must hold non-negative integers");
      shape.push_back(static_cast<int64_t>(x));
    }
    int64_t n;
    if (!CheckedNumel(shape, &n))
      Fail(ErrorCode::kInput, Cat("toDevice: shape ", ShapeToString(shape), " is too large"));
    Napi::TypedArray data = info[1].As<Napi::TypedArray>();
    if (data.TypedArrayType() != StorageOf(dtype)) {
      Fail(ErrorCode::kInput, Cat("toDevice: a ", DTypeName(dtype), " tensor needs a ", StorageName(StorageOf(dtype)),
                                  ", got ", StorageName(data.TypedArrayType())));
    }
    if (static_cast<int64_t>(data.ElementLength()) != n) {
      Fail(ErrorCode::kInput,
           Cat("toDevice: shape ", ShapeToString(shape), " has ", n, " elements, the data ", data.ElementLength()));
    }
    DeviceStatus status = QueryDevice(backend);
    if (!status.available) Fail(ErrorCode::kBackend, Cat("backend '", backend, "' is not available: ", status.reason));
    auto* worker = new UploadWorker(env, backend, data, dtype, std::move(shape));
    Napi::Promise p = worker->Promise();
    worker->Queue();
    return p;
  } catch (...) {
    return Rejected(env, CaptureCurrent());
  }
}

}  // namespace hybridrt
