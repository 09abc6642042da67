// Shared N-API helpers (see napi_util.h).
#include "src/napi/napi_util.h"

#include <new>

namespace hybridrt {

Napi::Error MakeJsError(Napi::Env env, ErrorCode code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, ErrorCodeName(code)));
  return e;
}

Captured CaptureCurrent() {
  try {
    throw;
  } catch (const Error& e) {
    return {e.code(), e.what()};
  } catch (const std::bad_alloc&) {
    return {ErrorCode::kNative, "out of memory"};
  } catch (const std::exception& e) {
    return {ErrorCode::kNative, e.what()};
  } catch (...) {
    return {ErrorCode::kNative, "unknown native error"};
  }
}

Napi::Promise Rejected(Napi::Env env, const Captured& c) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(MakeJsError(env, c.code, c.message).Value());
  return d.Promise();
}

napi_typedarray_type StorageOf(DType t) {
  switch (t) {
    case DType::kFloat32: return napi_float32_array;
    case DType::kFloat16:
    case DType::kBFloat16: return napi_uint16_array;
    case DType::kInt32: return napi_int32_array;
    case DType::kInt64: return napi_bigint64_array;
    case DType::kInt8: return napi_int8_array;
    case DType::kUInt8:
    case DType::kBool: return napi_uint8_array;
  }
  return napi_uint8_array;
}

const char* StorageName(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_float32_array: return "Float32Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float64_array: return "Float64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "a typed array";
  }
}

Napi::Value MakeTypedArray(Napi::Env env, DType t, size_t n, Napi::ArrayBuffer buf, const std::string& what) {
  napi_value arr;
  napi_status s = napi_create_typedarray(env, StorageOf(t), n, buf, 0, &arr);
  if (s != napi_ok) Fail(ErrorCode::kNative, Cat("could not create the typed array of ", what));
  return Napi::Value(env, arr);
}

}  // namespace hybridrt
