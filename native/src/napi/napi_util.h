// Helpers shared by the N-API bindings (napi_engine.cc, napi_device_tensor.cc): native
// errors as JS errors with a `code`, Promise-settling workers, and the typed-array storage
// of each engine dtype.
#pragma once

#include <napi.h>

#include <string>

#include "src/ir/dtype.h"
#include "src/util/error.h"

namespace hybridrt {

// Per-environment constructors of the addon's classes.
struct AddonData {
  Napi::FunctionReference engine_ctor;
  Napi::FunctionReference context_ctor;
  Napi::FunctionReference device_tensor_ctor;
};

Napi::Error MakeJsError(Napi::Env env, ErrorCode code, const std::string& message);

struct Captured {
  ErrorCode code = ErrorCode::kNative;
  std::string message;
};

// Classifies the exception being handled (call from a catch block).
Captured CaptureCurrent();

template <typename F>
auto Guard(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    Captured c = CaptureCurrent();
    throw MakeJsError(env, c.code, c.message);
  }
}

// An AsyncWorker that settles a Promise; errors keep their code.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env) : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  virtual void Run() = 0;                         // worker thread
  virtual Napi::Value Result(Napi::Env env) = 0;  // JS thread
  virtual void Settled() {}                       // JS thread, after resolve or reject

 private:
  void Execute() final {
    try {
      Run();
    } catch (...) {
      error_ = CaptureCurrent();
      SetError(error_.message);
    }
  }
  void OnOK() final {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
      deferred_.Resolve(Guard(env, [&] { return Result(env); }));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
    Settled();
  }
  void OnError(const Napi::Error&) final {
    Napi::HandleScope scope(Env());
    deferred_.Reject(MakeJsError(Env(), error_.code, error_.message).Value());
    Settled();
  }

  Napi::Promise::Deferred deferred_;
  Captured error_;
};

Napi::Promise Rejected(Napi::Env env, const Captured& c);

napi_typedarray_type StorageOf(DType t);
const char* StorageName(napi_typedarray_type t);
// A new typed array of dtype `t`'s storage over `n` elements of `buf`.
Napi::Value MakeTypedArray(Napi::Env env, DType t, size_t n, Napi::ArrayBuffer buf, const std::string& what);

}  // namespace hybridrt
