// N-API bindings of execution contexts (see napi_context.h). `run` executes off the JS thread
// (a PromiseWorker) and settles a Promise; `runSync` executes the same job on the calling
// thread and returns the outputs (src/engine/run-placement.ts chooses, for small cpu runs that
// the two thread hops would otherwise dominate). Both take their arguments through one parser
// (ContextWrap::Prepare) and their outputs through one RunJob. The job runs the context and
// takes its outputs (the context is busy meanwhile); the binding's own state (ContextState) is
// only touched on the JS thread.
#include "src/napi/napi_context.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "src/engine/context.h"
#include "src/engine/engine.h"
#include "src/napi/napi_device_tensor.h"
#include "src/napi/napi_util.h"
#include "src/util/error.h"
#include "src/util/host_copy.h"

namespace hybridrt {

namespace {

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

// Host outputs up to this size are copied on the JS thread, in Result, into an ArrayBuffer of
// the runtime's own; larger ones on the thread that runs the job (RunJob::Run).
constexpr size_t kSmallOutputBytes = size_t{64} << 10;

// One run of a context, started by Prepare: Run (a worker thread, or the JS thread for
// runSync), then Result (JS thread) where Run succeeded, then Settled (JS thread) always.
class RunJob {
 public:
  // `held`: the host input arrays a staged context reads during Run (context.h), kept alive
  // until the job is destroyed (on the JS thread, as references must be).
  RunJob(std::shared_ptr<ContextState> state, std::vector<Napi::ObjectReference> held)
      : state_(std::move(state)), ctx_(state_->ctx), held_(std::move(held)) {}

  // The outputs leave the context here, on the job's thread: device ones as they are, large
  // host ones as the staging buffer they are in where the context lends it (a staged context:
  // no copy at all), else copied into malloc'd memory that the JS arrays then own (external array buffers),
  // so that the copy does not hold the JS thread (on a worker), and steady-state runs reuse freed memory
  // instead of faulting in a fresh zeroed ArrayBuffer (~2 ms for a 12.6 MB output). Small host
  // outputs stay in the context until Result copies them: an external buffer costs the JS
  // thread more to make (~10 us) than such a copy, and the worker's malloc of memory the
  // runtime frees only at its next GC faults in a fresh page on most runs (~10 us here). The
  // context is still this run's then (busy until Settled). The time this takes is the run's
  // `runMs`, on either thread: what a run would hold the JS thread for, were it run there.
  void Run() {
    const auto t0 = std::chrono::steady_clock::now();
    ctx_->Execute();
    const size_t n = ctx_->engine().network().outputs.size();
    device_.resize(n);
    host_.resize(n);
    lent_.resize(n);
    std::vector<size_t> copied;  // large host outputs not lent: copied together, on the copy threads
    std::vector<void*> into;
    for (size_t i = 0; i < n; ++i) {
      device_[i] = ctx_->TakeOutput(i);
      if (device_[i]) continue;
      const size_t bytes = ctx_->output_bytes(i);
      if (bytes <= kSmallOutputBytes) continue;
      if ((lent_[i] = ctx_->LendOutput(i))) continue;
      host_[i].reset(std::malloc(bytes));
      if (!host_[i]) throw std::bad_alloc();
      copied.push_back(i);
      into.push_back(host_[i].get());
    }
    ctx_->GetOutputs(copied, into);
    run_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  Napi::Value Result(Napi::Env env) {
    const Network& net = ctx_->engine().network();
    state_->last_transfers = ctx_->transfers();
    state_->last_timing = ctx_->timing();
    state_->last_run_ms = run_ms_;
    state_->graph_state = ctx_->graph_state();
    state_->graph_nodes = ctx_->graph_nodes();
    Napi::Array out = Napi::Array::New(env, net.outputs.size());
    state_->last_output_shapes.clear();
    for (size_t i = 0; i < net.outputs.size(); ++i) {
      // A data-dependent output's shape is the run's (context.h: output_shape).
      const TensorInfo& t = ctx_->output_info(i);
      const Shape& shape = ctx_->output_shape(i);
      state_->last_output_shapes.push_back(shape);
      if (device_[i]) {
        out.Set(static_cast<uint32_t>(i), WrapDeviceBuffer(env, {std::move(device_[i]), t.dtype, shape}));
        continue;
      }
      const size_t n = static_cast<size_t>(Numel(shape));
      Napi::ArrayBuffer buf = HostBuffer(env, i, n * DTypeSize(t.dtype));
      out.Set(static_cast<uint32_t>(i), MakeTypedArray(env, t.dtype, n, buf, Cat("output '", t.name, "'")));
    }
    return out;
  }
  void Settled() {
    state_->busy = false;
    state_->graph_state = ctx_->graph_state();
    if (state_->release_after_run) state_->ctx.reset();
  }

 private:
  // An ArrayBuffer over host output i: the staging buffer the context lent, else a copy of a
  // small output out of the context, else the worker's memory; each where the runtime allows
  // external buffers, else a copy of it.
  Napi::ArrayBuffer HostBuffer(Napi::Env env, size_t i, size_t bytes) {
    if (lent_[i]) {
      // The staging buffer itself (ExecutionContext::LendOutput): the array holds a reference,
      // dropped when it is collected, and the context stages later runs elsewhere until then.
      auto* hold = new std::shared_ptr<void>(std::move(lent_[i]));
      napi_value value;
      if (napi_create_external_arraybuffer(
              env, hold->get(), bytes, [](napi_env, void*, void* h) { delete static_cast<std::shared_ptr<void>*>(h); },
              hold, &value) == napi_ok) {
        return Napi::ArrayBuffer(env, value);
      }
      Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
      CopyHostMemory(buf.Data(), hold->get(), bytes);
      delete hold;
      return buf;
    }
    if (!host_[i]) {
      Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
      if (bytes) ctx_->GetOutput(i, buf.Data());
      return buf;
    }
    void* data = host_[i].get();
    napi_value value;
    if (napi_create_external_arraybuffer(
            env, data, bytes, [](napi_env, void* p, void*) { std::free(p); }, nullptr, &value) == napi_ok) {
      host_[i].release();
      return Napi::ArrayBuffer(env, value);
    }
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
    CopyHostMemory(buf.Data(), data, bytes);
    return buf;
  }
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  std::shared_ptr<ContextState> state_;
  std::shared_ptr<ExecutionContext> ctx_;
  std::vector<Napi::ObjectReference> held_;
  std::vector<std::shared_ptr<DeviceBuffer>> device_;
  std::vector<std::unique_ptr<void, Free>> host_;
  std::vector<std::shared_ptr<void>> lent_;  // staging buffers lent by the context (staged host outputs)
  double run_ms_ = 0;
};

class RunWorker : public PromiseWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<ContextState> state, std::vector<Napi::ObjectReference> held)
      : PromiseWorker(env), job_(std::move(state), std::move(held)) {}

 private:
  void Run() override { job_.Run(); }
  Napi::Value Result(Napi::Env env) override { return job_.Result(env); }
  void Settled() override { job_.Settled(); }

  RunJob job_;
};

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "ExecutionContext",
        {InstanceMethod<&ContextWrap::Run>("run"), InstanceMethod<&ContextWrap::RunSync>("runSync"),
         InstanceMethod<&ContextWrap::Dispose>("dispose"), InstanceAccessor<&ContextWrap::RunMs>("runMs"),
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

  // run(inputs, options): a Promise of the outputs, the run on a libuv worker thread.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<Napi::ObjectReference> held;
    std::shared_ptr<ContextState> state = Prepare(info, held);
    return Guard(env, [&]() -> Napi::Value {
      auto* worker = new RunWorker(env, state, std::move(held));
      Napi::Promise p = worker->Promise();
      state->busy = true;
      worker->Queue();
      return p;
    });
  }

  // runSync(inputs, options): the outputs, the run on this thread; errors are thrown.
  Napi::Value RunSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<Napi::ObjectReference> held;
    std::shared_ptr<ContextState> state = Prepare(info, held);
    RunJob job(state, std::move(held));
    state->busy = true;
    struct Settle {
      RunJob& job;
      ~Settle() { job.Settled(); }
    } settle{job};
    return Guard(env, [&] {
      job.Run();
      return job.Result(env);
    });
  }

  // Checks run's arguments and binds the inputs and options to the context (which must not be
  // busy); throws a JS error naming what is wrong. `held` receives a reference to each host
  // input a staged context reads later (ExecutionContext::SetInput).
  std::shared_ptr<ContextState> Prepare(const Napi::CallbackInfo& info, std::vector<Napi::ObjectReference>& held) {
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
      for (size_t i = 0; i < net.inputs.size(); ++i) names += (i ? ", " : "") + net.tensors[net.inputs[i]].name;
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
    Guard(env, [&] {
      for (uint32_t i = 0; i < inputs.Length(); ++i) {
        if (device_inputs[i].buffer) {
          ctx.BindInput(i, device_inputs[i].buffer);
          continue;
        }
        Napi::TypedArray arr = inputs.Get(i).As<Napi::TypedArray>();
        const uint8_t* data = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
        ctx.SetInput(i, data, arr.ByteLength());
        if (ctx.staged() && arr.ByteLength()) held.push_back(Napi::Persistent(arr.As<Napi::Object>()));
      }
      for (size_t o = 0; o < on_device.size(); ++o) ctx.SetOutputOnDevice(o, on_device[o]);
      ctx.SetTiming(timing);
    });
    return state;
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
  // Milliseconds the last run spent executing (RunJob::Run), on whichever thread ran it.
  Napi::Value RunMs(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), state_ ? state_->last_run_ms : 0);
  }
  Napi::Value Busy(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), state_ && state_->busy); }
  Napi::Value Disposed(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), !state_ || state_->disposed || state_->engine_disposed);
  }

  std::shared_ptr<ContextState> state_;
};

}  // namespace

Napi::Function DefineContext(Napi::Env env) { return ContextWrap::Define(env); }

}  // namespace hybridrt
