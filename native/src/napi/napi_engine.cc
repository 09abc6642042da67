// N-API bindings of engines and execution contexts (see napi_engine.h).
//
// Ownership: an EngineWrap holds a shared_ptr<Engine>; each context's state holds a
// shared_ptr<ExecutionContext>, which holds its engine. Disposing an engine releases every
// idle context's native memory at once and a busy one's when its run settles; all of that
// bookkeeping happens on the JS thread, so it needs no locks.
#include "src/napi/napi_engine.h"

#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "src/builder/precision.h"
#include "src/engine/context.h"
#include "src/engine/engine.h"
#include "src/engine/plan_format.h"
#include "src/ir/validator.h"
#include "src/napi/napi_device_tensor.h"
#include "src/napi/napi_util.h"
#include "src/napi/network_reader.h"
#include "src/util/env_switches.h"
#include "src/util/error.h"

namespace hybridrt {

namespace {

Napi::Object TensorObject(Napi::Env env, const TensorInfo& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", t.name);
  o.Set("dtype", DTypeName(t.dtype));
  Napi::Array shape = Napi::Array::New(env, t.shape.size());
  for (size_t d = 0; d < t.shape.size(); ++d)
    shape.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(t.shape[d])));
  o.Set("shape", shape);
  return o;
}

// The build config of buildEngine/deserializeEngine, with the environment switches where it
// does not say (util/env_switches.h): the one place a build's switches are read.
BuildConfig ReadBuildConfig(const Napi::Value& v) {
  BuildConfig o;
  const EnvSwitches env = ReadEnvSwitches();
  o.tactic_switches = env.tactics;
  // NOTE: without a config object the environment's build defaults do not apply (the
  // TypeScript wrapper always passes one).
  if (v.IsUndefined() || v.IsNull()) return o;
  if (!v.IsObject()) Fail(ErrorCode::kNative, "build config must be an object");
  Napi::Object obj = v.As<Napi::Object>();
  Napi::Value backend = obj.Get("backend");
  if (!backend.IsUndefined()) {
    if (!backend.IsString()) Fail(ErrorCode::kNative, "build config: 'backend' must be a string");
    o.backend = backend.As<Napi::String>().Utf8Value();
  }
  Napi::Value threads = obj.Get("threads");
  if (!threads.IsUndefined()) {
    double t = threads.IsNumber() ? threads.As<Napi::Number>().DoubleValue() : -1;
    if (!(t >= 0 && t <= 4096) || t != static_cast<int>(t)) {
      Fail(ErrorCode::kNative, "build config: 'threads' must be an integer from 0 (every core) to 4096");
    }
    o.threads = static_cast<int>(t);
  }
  Napi::Value precisions = obj.Get("precisions");
  if (!precisions.IsUndefined()) {
    if (!precisions.IsArray()) Fail(ErrorCode::kNative, "build config: 'precisions' must be an array of strings");
    Napi::Array list = precisions.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Value p = list.Get(i);
      std::string name = p.IsString() ? p.As<Napi::String>().Utf8Value() : "";
      DType type;
      if (!PrecisionFromName(name, &type)) {
        Fail(ErrorCode::kNative,
             Cat("build config: precision '", name, "' is not one engines compute in (", PrecisionNames(), ")"));
      }
      if (type != DType::kFloat32) o.reduced_precisions.push_back(type);
    }
  }
  // fusion / layout / alias / pointwise / attention: booleans; absent: HYBRIDRT_FUSION /
  // HYBRIDRT_LAYOUT / HYBRIDRT_ALIAS / HYBRIDRT_POINTWISE / HYBRIDRT_ATTENTION ('0' or '1', for
  // measuring what each is worth), else the default.
  auto toggle = [&](const char* key, int fallback) {
    Napi::Value v = obj.Get(key);
    if (!v.IsUndefined()) {
      if (!v.IsBoolean()) Fail(ErrorCode::kNative, Cat("build config: '", key, "' must be a boolean"));
      return v.As<Napi::Boolean>().Value() ? 1 : 0;
    }
    return fallback;
  };
  o.fusion = toggle("fusion", env.fusion);
  o.layout = toggle("layout", env.layout);
  o.alias = toggle("alias", env.alias);
  o.pointwise = toggle("pointwise", env.pointwise);
  o.attention = toggle("attention", env.attention);
  Napi::Value cache = obj.Get("timingCachePath");
  if (!cache.IsUndefined()) {
    if (!cache.IsString()) Fail(ErrorCode::kNative, "build config: 'timingCachePath' must be a string");
    o.timing_cache_path = cache.As<Napi::String>().Utf8Value();
  }
  return o;
}

Napi::Object TransfersObject(Napi::Env env, const TransferCounts& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hostToDeviceBytes", static_cast<double>(t.host_to_device_bytes));
  o.Set("hostToDeviceCount", static_cast<double>(t.host_to_device_count));
  o.Set("deviceToHostBytes", static_cast<double>(t.device_to_host_bytes));
  o.Set("deviceToHostCount", static_cast<double>(t.device_to_host_count));
  o.Set("deviceToDeviceBytes", static_cast<double>(t.device_to_device_bytes));
  o.Set("deviceToDeviceCount", static_cast<double>(t.device_to_device_count));
  return o;
}

// ---------------------------------------------------------------------------------------
// Execution contexts.

struct ContextState {
  std::shared_ptr<ExecutionContext> ctx;
  std::string engine_name;
  bool busy = false;
  bool disposed = false;
  bool engine_disposed = false;
  bool release_after_run = false;
  TransferCounts last_transfers;
  RunTiming last_timing;
  std::string graph_state = "warm-up";
  size_t graph_nodes = 0;
  std::vector<Shape> last_output_shapes;
  double last_prepare_ms = 0;
};

// Array of arrays of non-negative integers (run's `shapes` option), one per input.
std::vector<Shape> ReadShapes(Napi::Env env, const Napi::Value& v, size_t inputs) {
  auto bad = [&](const std::string& m) {
    return MakeJsError(env, ErrorCode::kInput, Cat("run(inputs, options): options.shapes ", m));
  };
  if (!v.IsArray()) throw bad("must be an array of shapes, one per input");
  Napi::Array arr = v.As<Napi::Array>();
  if (arr.Length() != inputs) throw bad(Cat("has ", arr.Length(), " shapes for ", inputs, " inputs"));
  std::vector<Shape> out(inputs);
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value s = arr.Get(i);
    if (!s.IsArray()) throw bad(Cat("[", i, "] must be an array of dims"));
    Napi::Array dims = s.As<Napi::Array>();
    for (uint32_t d = 0; d < dims.Length(); ++d) {
      Napi::Value x = dims.Get(d);
      double n = x.IsNumber() ? x.As<Napi::Number>().DoubleValue() : -1;
      if (!(n >= 0 && n <= 9007199254740991.0) || n != static_cast<double>(static_cast<int64_t>(n))) {
        throw bad(Cat("[", i, "][", d, "] must be a non-negative integer"));
      }
      out[i].push_back(static_cast<int64_t>(n));
    }
  }
  return out;
}

// { hostToDeviceMs, computeMs, deviceToHostMs, totalMs, layers? } of a timed run, else null.
Napi::Value TimingObject(Napi::Env env, const RunTiming& t) {
  if (!t.valid) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("hostToDeviceMs", t.host_to_device_ms);
  o.Set("computeMs", t.compute_ms);
  o.Set("deviceToHostMs", t.device_to_host_ms);
  o.Set("totalMs", t.total_ms);
  if (t.layers_valid) {
    Napi::Float64Array layers = Napi::Float64Array::New(env, t.layer_ms.size());
    for (size_t i = 0; i < t.layer_ms.size(); ++i) layers[i] = t.layer_ms[i];
    o.Set("layers", layers);
  }
  return o;
}

class RunWorker : public PromiseWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<ContextState> state)
      : PromiseWorker(env), state_(std::move(state)), ctx_(state_->ctx) {}

 private:
  void Run() override { ctx_->Execute(); }
  Napi::Value Result(Napi::Env env) override {
    const Network& net = ctx_->engine().network();
    state_->last_transfers = ctx_->transfers();
    state_->last_timing = ctx_->timing();
    state_->graph_state = ctx_->graph_state();
    state_->graph_nodes = ctx_->graph_nodes();
    Napi::Array out = Napi::Array::New(env, net.outputs.size());
    state_->last_output_shapes.clear();
    for (size_t i = 0; i < net.outputs.size(); ++i) {
      const TensorInfo& t = ctx_->output_info(i);
      state_->last_output_shapes.push_back(t.shape);
      std::shared_ptr<DeviceBuffer> device = ctx_->TakeOutput(i);
      if (device) {
        out.Set(static_cast<uint32_t>(i), WrapDeviceBuffer(env, {std::move(device), t.dtype, t.shape}));
        continue;
      }
      size_t n = static_cast<size_t>(Numel(t.shape));
      Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n * DTypeSize(t.dtype));
      ctx_->GetOutput(i, buf.Data());
      out.Set(static_cast<uint32_t>(i), MakeTypedArray(env, t.dtype, n, buf, Cat("output '", t.name, "'")));
    }
    return out;
  }
  void Settled() override {
    state_->busy = false;
    state_->graph_state = ctx_->graph_state();
    if (state_->release_after_run) state_->ctx.reset();
  }

  std::shared_ptr<ContextState> state_;
  std::shared_ptr<ExecutionContext> ctx_;
};

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "ExecutionContext",
        {InstanceMethod<&ContextWrap::Run>("run"), InstanceMethod<&ContextWrap::Dispose>("dispose"),
         InstanceAccessor<&ContextWrap::Busy>("busy"), InstanceAccessor<&ContextWrap::Transfers>("transfers"),
         InstanceAccessor<&ContextWrap::Timing>("timing"), InstanceAccessor<&ContextWrap::GraphState>("graph"),
         InstanceAccessor<&ContextWrap::GraphNodes>("graphNodes"),
         InstanceAccessor<&ContextWrap::OutputShapes>("outputShapes"),
         InstanceAccessor<&ContextWrap::PrepareMs>("prepareMs"), InstanceAccessor<&ContextWrap::Disposed>("disposed")});
  }

  explicit ContextWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw MakeJsError(info.Env(), ErrorCode::kNative, "execution contexts come from engine.createContext()");
    }
    state_ = *info[0].As<Napi::External<std::shared_ptr<ContextState>>>().Data();
  }

 private:
  std::shared_ptr<ContextState> Usable(Napi::Env env) {
    if (!state_ || state_->disposed) throw MakeJsError(env, ErrorCode::kDisposed, "execution context was disposed");
    if (state_->engine_disposed) {
      throw MakeJsError(env, ErrorCode::kDisposed,
                        Cat("engine '", state_->engine_name, "' of this execution context was disposed"));
    }
    return state_;
  }

  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::shared_ptr<ContextState> state = Usable(env);
    if (state->busy) {
      throw MakeJsError(env, ErrorCode::kNative,
                        "a run is already in flight on this execution context; use one context per concurrent run");
    }
    ExecutionContext& ctx = *state->ctx;
    const Network& net = ctx.engine().network();
    if (info.Length() < 1 || !info[0].IsArray()) {
      throw MakeJsError(env, ErrorCode::kInput,
                        "run(inputs): inputs must be an array of typed arrays or device tensors in binding order");
    }
    std::vector<bool> on_device = ReadOutputLocations(env, info.Length() > 1 ? info[1] : env.Undefined(), ctx);
    TimingMode timing = ReadTiming(env, info.Length() > 1 ? info[1] : env.Undefined());
    Napi::Array inputs = info[0].As<Napi::Array>();
    if (inputs.Length() != net.inputs.size()) {
      std::string names;
      for (size_t i = 0; i < net.inputs.size(); ++i) names += (i ? ", " : "") + ctx.input_info(i).name;
      throw MakeJsError(
          env, ErrorCode::kInput,
          Cat("engine '", net.name, "' takes ", net.inputs.size(), " inputs (", names, "), got ", inputs.Length()));
    }
    std::vector<DeviceTensorRef> device_inputs(inputs.Length());
    // The run's shapes: options.shapes, else each device tensor's own and the declared shape of
    // a host input. A new shape takes (or makes) the engine's instance for it, on this thread.
    {
      Napi::Value given =
          info.Length() > 1 && info[1].IsObject() ? info[1].As<Napi::Object>().Get("shapes") : env.Undefined();
      std::vector<Shape> shapes;
      if (!given.IsUndefined()) {
        shapes = ReadShapes(env, given, net.inputs.size());
      } else {
        shapes = ctx.engine().declared_input_shapes();
        for (uint32_t i = 0; IsDynamic(net) && i < inputs.Length(); ++i) {
          Napi::Value v = inputs.Get(i);
          if (IsDeviceTensor(env, v)) shapes[i] = Guard(env, [&] { return GetDeviceTensor(v); }).shape;
        }
      }
      Guard(env, [&] { ctx.SetInputShapes(shapes); });
      state->last_prepare_ms = ctx.last_prepare_ms();
    }
    for (uint32_t i = 0; i < inputs.Length(); ++i) {
      const TensorInfo& t = ctx.input_info(i);
      Napi::Value v = inputs.Get(i);
      if (IsDeviceTensor(env, v)) {
        device_inputs[i] = Guard(env, [&] { return GetDeviceTensor(v); });
        CheckDeviceInput(env, ctx, t, device_inputs[i]);
        continue;
      }
      napi_typedarray_type want = StorageOf(t.dtype);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want) {
        std::string got =
            v.IsTypedArray() ? StorageName(v.As<Napi::TypedArray>().TypedArrayType()) : "not a typed array";
        throw MakeJsError(
            env, ErrorCode::kInput,
            Cat("input '", t.name, "': expected ", StorageName(want), " (", DTypeName(t.dtype), "), got ", got));
      }
      Napi::TypedArray arr = v.As<Napi::TypedArray>();
      int64_t n = Numel(t.shape);
      if (static_cast<int64_t>(arr.ElementLength()) != n) {
        throw MakeJsError(env, ErrorCode::kInput,
                          Cat("input '", t.name, "': expected ", n, " elements (shape ", ShapeToString(t.shape),
                              "), got ", arr.ElementLength()));
      }
    }
    return Guard(env, [&]() -> Napi::Value {
      for (uint32_t i = 0; i < inputs.Length(); ++i) {
        if (device_inputs[i].buffer) {
          ctx.BindInput(i, device_inputs[i].buffer);
          continue;
        }
        Napi::TypedArray arr = inputs.Get(i).As<Napi::TypedArray>();
        const uint8_t* data = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
        ctx.SetInput(i, data, arr.ByteLength());
      }
      for (size_t o = 0; o < on_device.size(); ++o) ctx.SetOutputOnDevice(o, on_device[o]);
      ctx.SetTiming(timing);
      auto* worker = new RunWorker(env, state);
      Napi::Promise p = worker->Promise();
      state->busy = true;
      worker->Queue();
      return p;
    });
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (state_ && !state_->disposed) {
      state_->disposed = true;
      if (state_->busy) {
        state_->release_after_run = true;
      } else {
        state_->ctx.reset();
      }
    }
    return info.Env().Undefined();
  }

  // run(inputs, { outputLocation }): 'host' (default) or 'device' for every output, or one
  // of them per output.
  static std::vector<bool> ReadOutputLocations(Napi::Env env, const Napi::Value& options, const ExecutionContext& ctx) {
    const size_t n = ctx.engine().network().outputs.size();
    std::vector<bool> out(n, false);
    if (options.IsUndefined() || options.IsNull()) return out;
    auto bad = [&]() {
      throw MakeJsError(
          env, ErrorCode::kInput,
          Cat("run(inputs, options): options.outputLocation must be 'host', 'device', or an array of ", n, " of them"));
    };
    if (!options.IsObject()) bad();
    Napi::Value loc = options.As<Napi::Object>().Get("outputLocation");
    auto one = [&](const Napi::Value& v) -> bool {
      std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
      if (s != "host" && s != "device") bad();
      return s == "device";
    };
    if (loc.IsUndefined()) return out;
    if (loc.IsArray()) {
      Napi::Array a = loc.As<Napi::Array>();
      if (a.Length() != n) bad();
      for (uint32_t i = 0; i < n; ++i) out[i] = one(a.Get(i));
    } else {
      out.assign(n, one(loc));
    }
    return out;
  }

  // run(inputs, { timing }): 'off' (default), 'coarse' (copies and layers as a whole) or
  // 'layers' (every layer too).
  static TimingMode ReadTiming(Napi::Env env, const Napi::Value& options) {
    if (!options.IsObject()) return TimingMode::kOff;
    Napi::Value v = options.As<Napi::Object>().Get("timing");
    if (v.IsUndefined()) return TimingMode::kOff;
    std::string s = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
    if (s == "off") return TimingMode::kOff;
    if (s == "coarse") return TimingMode::kCoarse;
    if (s == "layers") return TimingMode::kLayers;
    throw MakeJsError(env, ErrorCode::kInput,
                      "run(inputs, options): options.timing must be 'off', 'coarse' or 'layers'");
  }

  static void CheckDeviceInput(Napi::Env env, const ExecutionContext& ctx, const TensorInfo& t,
                               const DeviceTensorRef& d) {
    const std::string backend = ctx.engine().backend().Name();
    if (d.buffer->backend() != backend) {
      throw MakeJsError(env, ErrorCode::kInput,
                        Cat("input '", t.name, "': a device tensor of backend '", d.buffer->backend(),
                            "' cannot feed a ", backend, " engine (download it first)"));
    }
    if (d.dtype != t.dtype || d.shape != t.shape) {
      throw MakeJsError(env, ErrorCode::kInput,
                        Cat("input '", t.name, "': expected ", DTypeName(t.dtype), " ", ShapeToString(t.shape),
                            ", got a device tensor of ", DTypeName(d.dtype), " ", ShapeToString(d.shape)));
    }
  }

  Napi::Value Transfers(const Napi::CallbackInfo& info) {
    return TransfersObject(info.Env(), state_ ? state_->last_transfers : TransferCounts{});
  }

  Napi::Value Timing(const Napi::CallbackInfo& info) {
    return state_ ? TimingObject(info.Env(), state_->last_timing) : info.Env().Null();
  }
  Napi::Value GraphNodes(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), state_ ? static_cast<double>(state_->graph_nodes) : 0);
  }
  Napi::Value GraphState(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), state_ ? state_->graph_state : "off");
  }

  // Each output's shape in the last run (a dynamic engine's vary with the inputs').
  Napi::Value OutputShapes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env);
    if (!state_) return out;
    for (const Shape& s : state_->last_output_shapes) {
      Napi::Array dims = Napi::Array::New(env, s.size());
      for (size_t d = 0; d < s.size(); ++d) dims.Set(static_cast<uint32_t>(d), static_cast<double>(s[d]));
      out.Set(out.Length(), dims);
    }
    return out;
  }
  // Milliseconds the last run spent preparing the engine for new shapes (0: none met).
  Napi::Value PrepareMs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), state_ ? state_->last_prepare_ms : 0);
  }
  Napi::Value Busy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), state_ && state_->busy); }
  Napi::Value Disposed(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), !state_ || state_->disposed || state_->engine_disposed);
  }

  std::shared_ptr<ContextState> state_;
};

// ---------------------------------------------------------------------------------------
// Engines.

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "Engine",
        {InstanceMethod<&EngineWrap::Serialize>("serialize"),
         InstanceMethod<&EngineWrap::CreateContext>("createContext"), InstanceMethod<&EngineWrap::Info>("info"),
         InstanceMethod<&EngineWrap::Dispose>("dispose"), InstanceAccessor<&EngineWrap::Disposed>("disposed")});
  }

  static Napi::Object NewInstance(Napi::Env env, std::shared_ptr<Engine> engine) {
    auto* data = env.GetInstanceData<AddonData>();
    return data->engine_ctor.New({Napi::External<std::shared_ptr<Engine>>::New(env, &engine)});
  }

  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      throw MakeJsError(info.Env(), ErrorCode::kNative, "engines come from buildEngine() or deserializeEngine()");
    }
    engine_ = *info[0].As<Napi::External<std::shared_ptr<Engine>>>().Data();
  }

 private:
  std::shared_ptr<Engine> Usable(Napi::Env env) {
    if (!engine_) throw MakeJsError(env, ErrorCode::kDisposed, "engine was disposed");
    return engine_;
  }

  Napi::Value Serialize(const Napi::CallbackInfo& info) {
    std::shared_ptr<Engine> engine = Usable(info.Env());
    return Guard(info.Env(), [&]() -> Napi::Value {
      std::vector<uint8_t> bytes = engine->Serialize();
      Napi::Uint8Array out = Napi::Uint8Array::New(info.Env(), bytes.size());
      if (!bytes.empty()) std::memcpy(out.Data(), bytes.data(), bytes.size());
      return out;
    });
  }

  Napi::Value CreateContext(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::shared_ptr<Engine> engine = Usable(env);
    auto state = std::make_shared<ContextState>();
    state->engine_name = engine->network().name;
    ContextOptions options;
    options.cuda_graphs = ReadEnvSwitches().cuda_graphs;  // read now: it applies to contexts made after it is set
    state->ctx = Guard(env, [&] { return std::make_shared<ExecutionContext>(engine, options); });
    state->graph_state = state->ctx->graph_state();
    contexts_.push_back(state);
    auto* data = env.GetInstanceData<AddonData>();
    return data->context_ctor.New({Napi::External<std::shared_ptr<ContextState>>::New(env, &state)});
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::shared_ptr<Engine> engine = Usable(env);
    const Network& net = engine->network();
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", net.name);
    o.Set("backend", engine->backend().Name());
    o.Set("deviceArch", engine->backend().DeviceArch());
    o.Set("threads", engine->threads());
    o.Set("planFormatVersion", kPlanFormatVersion);
    o.Set("networkFormatVersion", kNetworkFormatVersion);
    Napi::Array inputs = Napi::Array::New(env, net.inputs.size());
    for (size_t i = 0; i < net.inputs.size(); ++i)
      inputs.Set(static_cast<uint32_t>(i), TensorObject(env, net.tensors[net.inputs[i]]));
    o.Set("inputs", inputs);
    Napi::Array outputs = Napi::Array::New(env, net.outputs.size());
    for (size_t i = 0; i < net.outputs.size(); ++i)
      outputs.Set(static_cast<uint32_t>(i), TensorObject(env, net.tensors[net.outputs[i]]));
    o.Set("outputs", outputs);
    if (!net.ranges.empty()) {
      Napi::Array ranges = Napi::Array::New(env, net.ranges.size());
      auto dims = [&](const Shape& s) {
        Napi::Array a = Napi::Array::New(env, s.size());
        for (size_t d = 0; d < s.size(); ++d) a.Set(static_cast<uint32_t>(d), static_cast<double>(s[d]));
        return a;
      };
      for (size_t i = 0; i < net.ranges.size(); ++i) {
        Napi::Object r = Napi::Object::New(env);
        r.Set("min", dims(net.ranges[i].min));
        r.Set("max", dims(net.ranges[i].max));
        ranges.Set(static_cast<uint32_t>(i), r);
      }
      o.Set("ranges", ranges);
      o.Set("instancesMade", static_cast<double>(engine->instances_made()));
    }
    Napi::Array layers = Napi::Array::New(env, net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i) {
      Napi::Object l = Napi::Object::New(env);
      l.Set("name", net.layers[i].name);
      l.Set("kind", LayerKindName(net.layers[i].kind));
      l.Set("tactic", engine->tactics()[i]);
      const double tms = engine->tactic_ms()[i];
      if (tms == tms) l.Set("tacticMs", tms);
      l.Set("precision", engine->precisions()[i].precision);
      if (!engine->precisions()[i].note.empty()) l.Set("precisionNote", engine->precisions()[i].note);
      const Params& p = net.layers[i].params;
      if (p.Has("fused")) {
        const std::string& names = p.String("fused");
        Napi::Array fused = Napi::Array::New(env);
        size_t start = 0;
        for (size_t end; (end = names.find('|', start)) != std::string::npos; start = end + 1) {
          fused.Set(fused.Length(), names.substr(start, end - start));
        }
        fused.Set(fused.Length(), names.substr(start));
        l.Set("fusedFrom", fused);
      }
      if (p.Has("layout")) l.Set("layout", p.String("layout"));
      layers.Set(static_cast<uint32_t>(i), l);
    }
    o.Set("layers", layers);
    const BuildStats& b = engine->build_stats();
    Napi::Object build = Napi::Object::New(env);
    build.Set("ms", b.build_ms);
    Napi::Object fusions = Napi::Object::New(env);
    fusions.Set("attention", b.passes.fusions.attention);
    fusions.Set("silu", b.passes.fusions.silu);
    fusions.Set("matmulBias", b.passes.fusions.matmul_bias);
    fusions.Set("activation", b.passes.fusions.activation);
    fusions.Set("residual", b.passes.fusions.residual);
    fusions.Set("excite", b.passes.fusions.excite);
    fusions.Set("pointwise", b.passes.fusions.pointwise);
    build.Set("fusions", fusions);
    build.Set("nhwcLayers", b.passes.nhwc_layers);
    build.Set("layoutTransposes", b.passes.layout_transposes);
    if (!b.timing_cache.empty()) {
      Napi::Object tc = Napi::Object::New(env);
      tc.Set("path", b.timing_cache);
      tc.Set("hits", b.cache_hits);
      tc.Set("misses", b.cache_misses);
      build.Set("timingCache", tc);
    }
    o.Set("build", build);
    Napi::Object mem = Napi::Object::New(env);
    mem.Set("arenaBytes", static_cast<double>(engine->memory().arena_bytes));
    mem.Set("activationBytes", static_cast<double>(engine->memory().activation_bytes));
    mem.Set("workspaceBytes", static_cast<double>(engine->workspace_bytes()));
    mem.Set("weightBytes", static_cast<double>(engine->weight_bytes()));
    mem.Set("maxArenaBytes", static_cast<double>(engine->max_arena_bytes()));
    o.Set("memory", mem);
    return o;
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (engine_) {
      engine_->Dispose();
      for (auto& weak : contexts_) {
        std::shared_ptr<ContextState> s = weak.lock();
        if (!s) continue;
        s->engine_disposed = true;
        if (s->busy) {
          s->release_after_run = true;
        } else {
          s->ctx.reset();
        }
      }
      contexts_.clear();
      engine_.reset();
    }
    return info.Env().Undefined();
  }

  Napi::Value Disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !engine_); }

  std::shared_ptr<Engine> engine_;
  std::vector<std::weak_ptr<ContextState>> contexts_;
};

class BuildWorker : public PromiseWorker {
 public:
  BuildWorker(Napi::Env env, std::shared_ptr<Engine> engine) : PromiseWorker(env), engine_(std::move(engine)) {}

 private:
  void Run() override { engine_->PrepareKernels(); }
  Napi::Value Result(Napi::Env env) override { return EngineWrap::NewInstance(env, engine_); }
  std::shared_ptr<Engine> engine_;
};

// Reads a plan on a worker thread. The bytes are copied on the JS thread, or, where the caller
// lends them (a buffer no other code holds: load() read it from a file), read where they lie:
// the reference keeps them alive until the worker is done (a 100 MB plan's copy cost 0.3 s).
class DeserializeWorker : public PromiseWorker {
 public:
  DeserializeWorker(Napi::Env env, std::vector<uint8_t> bytes, BuildConfig config)
      : PromiseWorker(env),
        bytes_(std::move(bytes)),
        data_(bytes_.data()),
        size_(bytes_.size()),
        config_(std::move(config)) {}
  DeserializeWorker(Napi::Env env, Napi::Uint8Array lent, BuildConfig config)
      : PromiseWorker(env),
        lent_(Napi::Persistent(lent)),
        data_(lent.Data()),
        size_(lent.ByteLength()),
        config_(std::move(config)) {}

 private:
  void Run() override {
    try {
      engine_ = Engine::Deserialize(data_, size_, config_);
    } catch (const Error& e) {
      // Whatever a plan makes fail is the plan's fault, except a backend this addon lacks.
      if (e.code() == ErrorCode::kNative) Fail(ErrorCode::kPlan, Cat("plan: ", e.what()));
      throw;
    }
    bytes_.clear();
    bytes_.shrink_to_fit();
  }
  Napi::Value Result(Napi::Env env) override { return EngineWrap::NewInstance(env, engine_); }
  void Settled() override { lent_.Reset(); }
  std::vector<uint8_t> bytes_;
  Napi::Reference<Napi::Uint8Array> lent_;
  const uint8_t* data_;
  size_t size_;
  BuildConfig config_;
  std::shared_ptr<Engine> engine_;
};

Napi::Value BuildEngine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Engine> engine;
  try {
    Network net = ReadNetwork(info[0]);
    BuildConfig config = ReadBuildConfig(info[1]);
    engine = Engine::Load(net, config);
  } catch (const Napi::Error& e) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Reject(e.Value());
    return d.Promise();
  } catch (...) {
    return Rejected(env, CaptureCurrent());
  }
  auto* worker = new BuildWorker(env, engine);
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

// deserializeEngine(bytes, config, lend): with lend true the caller promises that no other
// code holds `bytes` (nothing detaches or writes them) until the promise settles.
Napi::Value DeserializeEngine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DeserializeWorker* worker = nullptr;
  try {
    if (info.Length() < 1 || !info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      Fail(ErrorCode::kPlan, "deserializeEngine(bytes): bytes must be a Uint8Array");
    }
    Napi::Uint8Array arr = info[0].As<Napi::Uint8Array>();
    BuildConfig config = ReadBuildConfig(info[1]);
    const bool lend = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    worker = lend ? new DeserializeWorker(env, arr, std::move(config))
                  : new DeserializeWorker(env, std::vector<uint8_t>(arr.Data(), arr.Data() + arr.ByteLength()),
                                          std::move(config));
  } catch (const Napi::Error& e) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Reject(e.Value());
    return d.Promise();
  } catch (...) {
    return Rejected(env, CaptureCurrent());
  }
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

Napi::Value DeviceQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string backend = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "cpu";
  DeviceStatus s = QueryDevice(backend);
  Napi::Object o = Napi::Object::New(env);
  o.Set("backend", backend);
  o.Set("available", s.available);
  o.Set("arch", s.arch);
  o.Set("description", s.description);
  if (!s.available) o.Set("reason", s.reason);
  return o;
}

}  // namespace

void InitEngineBindings(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->engine_ctor = Napi::Persistent(EngineWrap::Define(env));
  data->context_ctor = Napi::Persistent(ContextWrap::Define(env));
  data->device_tensor_ctor = Napi::Persistent(DefineDeviceTensor(env));
  env.SetInstanceData<AddonData>(data);
  exports.Set("buildEngine", Napi::Function::New(env, BuildEngine, "buildEngine"));
  exports.Set("deserializeEngine", Napi::Function::New(env, DeserializeEngine, "deserializeEngine"));
  exports.Set("deviceQuery", Napi::Function::New(env, DeviceQuery, "deviceQuery"));
  exports.Set("toDevice", Napi::Function::New(env, ToDevice, "toDevice"));
  exports.Set("planFormatVersion", Napi::Number::New(env, kPlanFormatVersion));
  exports.Set("networkFormatVersion", Napi::Number::New(env, kNetworkFormatVersion));
}

}  // namespace hybridrt
