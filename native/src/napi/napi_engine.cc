// N-API bindings of engines (see napi_engine.h; the contexts they create: napi_context.h).
//
// Ownership: an EngineWrap holds a shared_ptr<Engine>; each context's state holds a
// shared_ptr<ExecutionContext>, which holds its engine. Disposing an engine releases every
// idle context's native memory at once and a busy one's when its run settles; all of that
// bookkeeping happens on the JS thread, so it needs no locks.
#include "src/napi/napi_engine.h"

#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "src/builder/precision.h"
#include "src/builder/qdq_fusion.h"
#include "src/engine/context.h"
#include "src/engine/engine.h"
#include "src/engine/plan_format.h"
#include "src/ir/fused_names.h"
#include "layers/quant_form.h"
#include "layers/window.h"
#include "src/ir/validator.h"
#include "src/napi/napi_context.h"
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
  // An optional integer from 0 to 4096 (the TypeScript side has checked it; this guards the cast).
  auto small_count = [&](const char* key, const char* meaning, int* out) {
    Napi::Value v = obj.Get(key);
    if (v.IsUndefined()) return;
    const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= 4096) || d != static_cast<int>(d)) {
      Fail(ErrorCode::kNative, Cat("build config: '", key, "' must be ", meaning));
    }
    *out = static_cast<int>(d);
  };
  small_count("threads", "an integer from 0 (every core) to 4096", &o.threads);
  small_count("device", "a device ordinal, an integer from 0", &o.device);
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
  // fusion / layout / alias / pointwise / attention / qdq: booleans; absent: HYBRIDRT_FUSION /
  // HYBRIDRT_LAYOUT / HYBRIDRT_ALIAS / HYBRIDRT_POINTWISE / HYBRIDRT_ATTENTION / HYBRIDRT_QDQ ('0' or '1', for
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
  o.qdq = toggle("qdq", env.qdq);
  o.int8_depthwise = env.int8_depthwise;         // the environment only (build_config.h)
  Napi::Value kernels = obj.Get("int8Kernels");  // a test hook (build_config.h int8_kernels)
  if (!kernels.IsUndefined()) {
    o.int8_kernels = kernels.IsString() ? kernels.As<Napi::String>().Utf8Value() : "";
    if (!Int8KernelsOf(o.int8_kernels).any) {
      Fail(ErrorCode::kNative, "build config: 'int8Kernels' must name a backend with int8 kernels ('cpu', 'cuda')");
    }
  }
  Napi::Value cache = obj.Get("timingCachePath");
  if (!cache.IsUndefined()) {
    if (!cache.IsString()) Fail(ErrorCode::kNative, "build config: 'timingCachePath' must be a string");
    o.timing_cache_path = cache.As<Napi::String>().Utf8Value();
  }
  return o;
}

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
    const EnvSwitches env_switches = ReadEnvSwitches();  // read now: they apply to contexts made after they are set
    options.cuda_graphs = env_switches.cuda_graphs;
    options.lend_outputs = env_switches.lend_outputs;
    options.stage_waves = env_switches.stage_waves;
    options.overlap_outputs = env_switches.overlap_outputs;
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
    o.Set("device", engine->device());
    o.Set("planFormatVersion", kPlanFormatVersion);
    o.Set("networkFormatVersion", kNetworkFormatVersion);
    Napi::Array inputs = Napi::Array::New(env, net.inputs.size());
    for (size_t i = 0; i < net.inputs.size(); ++i)
      inputs.Set(static_cast<uint32_t>(i), TensorObject(env, net.tensors[net.inputs[i]]));
    o.Set("inputs", inputs);
    Napi::Array outputs = Napi::Array::New(env, net.outputs.size());
    for (size_t i = 0; i < net.outputs.size(); ++i) {
      Napi::Object t = TensorObject(env, net.tensors[net.outputs[i]]);
      // A data-dependent output (network.h): the dim each run sizes (ctx.outputShapes).
      for (const Layer& l : net.layers) {
        if (DataDependentLayer(l.kind) && l.outputs[0] == net.outputs[i])
          t.Set("dataDependentDim", DataDependentDim(l.kind));
      }
      outputs.Set(static_cast<uint32_t>(i), t);
    }
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
      if (const std::optional<std::string> fused_names = FusedNames(p)) {
        const std::string& names = *fused_names;
        Napi::Array fused = Napi::Array::New(env);
        size_t start = 0;
        for (size_t end; (end = names.find('|', start)) != std::string::npos; start = end + 1) {
          fused.Set(fused.Length(), names.substr(start, end - start));
        }
        fused.Set(fused.Length(), names.substr(start));
        l.Set("fusedFrom", fused);
      }
      if (ReadNhwc(p)) l.Set("layout", "nhwc");  // the layout pass's mark (layers/window.h)
      if (p.Has(kNotInt8)) {
        Napi::Object why = Napi::Object::New(env);
        why.Set("by", p.Has(kNotInt8By) ? p.String(kNotInt8By) : std::string(kNotInt8ByPass));
        why.Set("reason", p.String(kNotInt8));
        l.Set("notInt8", why);
      }
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
    build.Set("int8Layers", b.passes.int8_layers);
    build.Set("quantizeFolded", b.passes.quantize_folded);
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
  // The device ordinal (default 0); the caller has checked it is a non-negative integer.
  const int device = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
  DeviceStatus s = QueryDevice(backend, device);
  Napi::Object o = Napi::Object::New(env);
  o.Set("backend", backend);
  o.Set("available", s.available);
  o.Set("arch", s.arch);
  o.Set("description", s.description);
  o.Set("devices", s.devices);
  if (!s.available) o.Set("reason", s.reason);
  return o;
}

}  // namespace

void InitEngineBindings(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->engine_ctor = Napi::Persistent(EngineWrap::Define(env));
  data->context_ctor = Napi::Persistent(DefineContext(env));
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
