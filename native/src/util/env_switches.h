// The environment switches (docs/cuda.md "Switches", docs/engine.md "The cpu backend"): for
// tests and for measuring what each part is worth, not for production. ReadEnvSwitches is the
// addon's one reader of the environment, and this struct the one list of what it reads. Who
// calls it, and when (each as the switch has always been read):
// - the binding, where it reads a build config (napi_engine.cc): the build's defaults and its
//   tactic switches, which go on in BuildConfig (builder/build_config.h) and reach the kernels
//   through KernelSetup;
// - the binding, where it creates an execution context: HYBRIDRT_CUDA_GRAPHS, so that it
//   applies to the contexts made after it is set (ContextOptions, engine/context.h);
// - the binding, once when the addon loads (napi/addon.cc): HYBRIDRT_CPU_KERNEL, the cpu
//   kernels' micro-kernel form, a process-wide choice (cpu::SetKernelForm, engine/backend.h;
//   deviceQuery('cpu') names it), which the kernels read from the cpu backend, not from here.
// No file under native/cpu, native/cuda or native/layers reads the environment or calls this
// (test/repo/env-reads.test.ts).
#pragma once

#include <string>

namespace hybridrt {

// What tactic choice is told (cuda convolutions, cuda/conv_cudnn.cc): leave candidates out,
// force one, or log the timings.
struct TacticSwitches {
  // HYBRIDRT_CONV_TACTIC=<tactic>: every convolution that has this candidate takes it,
  // without the reference check (tests compare it with an independent result); "" = none.
  std::string conv_tactic;
  // HYBRIDRT_ATTENTION_TACTIC=flash|tiled|rows: every attention layer that has this candidate
  // takes it, untimed (tests hold each kernel to an independent result); "" = the fastest.
  std::string attention_tactic;
  // HYBRIDRT_MATMUL_TACTIC=gemv|lt: every matrix product that has the one-row kernel (`gemv`)
  // takes it, or none does (`lt`: cuBLASLt's timed candidates), untimed; "" = the fastest.
  std::string matmul_tactic;
  // HYBRIDRT_FUSED_GRAPH_CONFIGS=<n>: how many of a fused graph's configurations are timed
  // (0 = the kernel's default).
  int fused_graph_configs = 0;
  // HYBRIDRT_TACTIC_LOG=1: every candidate's time and verdict on stderr.
  bool log = false;
  // HYBRIDRT_CUDNN_GRAPH=0, HYBRIDRT_CUDNN_CBA=0, HYBRIDRT_DEPTHWISE=0: leave out cuDNN's graph
  // API, cuDNN's fused convolution-bias-activation call, our depthwise kernel.
  bool cudnn_graph = true;
  bool cudnn_cba = true;
  bool depthwise = true;
  // HYBRIDRT_INT8_CUDNN=0: leave out cuDNN's int8 convolutions, timed beside our int8
  // kernel's tiles where they qualify (quant_conv.cu; on by default since they won 2.5-4x per
  // layer on an H100, docs/benchmarks.md).
  bool int8_cudnn = true;
  // HYBRIDRT_INT8_CUBLASLT=0: leave out cuBLASLt's int8 GEMM, timed beside the tiles for int8
  // matmuls and 1x1 convolutions that are GEMMs (quant_gemm_lt.h).
  bool int8_cublaslt = true;
};

struct EnvSwitches {
  // HYBRIDRT_FUSION, HYBRIDRT_LAYOUT, HYBRIDRT_ALIAS, HYBRIDRT_POINTWISE, HYBRIDRT_ATTENTION:
  // the build config's `fusion`, `layout`, `alias`, `pointwise`, `attention` where it does not
  // say: -1 unset (or empty), 0 for '0', else 1.
  int fusion = -1, layout = -1, alias = -1, pointwise = -1, attention = -1;
  // HYBRIDRT_QDQ: the build config's `qdq` (Q/DQ folded into int8 layers) where it does not say.
  int qdq = -1;
  // HYBRIDRT_INT8_DEPTHWISE: the build config's int8_depthwise (0: cuda's depthwise
  // convolutions left float between their Q/DQ layers, to measure what int8 is worth there).
  int int8_depthwise = -1;
  TacticSwitches tactics;
  // HYBRIDRT_CUDA_GRAPHS=0: execution contexts run eagerly (no CUDA graphs).
  bool cuda_graphs = true;
  // HYBRIDRT_LEND_OUTPUTS=0: staged host outputs are copied out of staging, not lent (context.h).
  bool lend_outputs = true;
  // HYBRIDRT_STAGE_WAVES=0: staged host inputs are copied whole, then transferred (no overlap).
  bool stage_waves = true;
  // HYBRIDRT_OVERLAP_OUTPUTS=0: staged host outputs are copied after the layers, not while
  // later layers run (context.h).
  bool overlap_outputs = true;
  // HYBRIDRT_CPU_KERNEL=portable|avx2|avx512: the SGEMM micro-kernel (if the CPU has it);
  // "" = the best one. Read at load only (napi/addon.cc).
  std::string cpu_kernel;
};

// Reads every switch from the environment now.
EnvSwitches ReadEnvSwitches();

// The tactic switches that differ from their defaults, as one line ("int8_cudnn=1
// matmul_tactic=lt"; "" at the defaults, the log left out: it only prints): what the timing
// cache keys a layer's choice on beside the layer itself (engine/timing_cache.h), so that a
// choice made under other switches is timed again rather than reused.
std::string TacticSwitchesKey(const TacticSwitches& t);

// The switches that change what a build makes, as one line ("fusion=-1 layout=-1 ..."): what
// the engine cache keys on (src/artifact/cache.ts).
std::string DescribeEnvSwitches(const EnvSwitches& s);

}  // namespace hybridrt
