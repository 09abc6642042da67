// The environment switches (see env_switches.h).
#include "src/util/env_switches.h"

#include <cstdlib>

#include "src/util/error.h"

namespace hybridrt {

namespace {

// The variable's value; "" when unset.
std::string Env(const char* name) {
  const char* e = std::getenv(name);
  return e ? e : "";
}

int Toggle(const char* name) {
  const std::string e = Env(name);
  return e.empty() ? -1 : e == "0" ? 0 : 1;
}

}  // namespace

EnvSwitches ReadEnvSwitches() {
  EnvSwitches s;
  s.fusion = Toggle("HYBRIDRT_FUSION");
  s.layout = Toggle("HYBRIDRT_LAYOUT");
  s.alias = Toggle("HYBRIDRT_ALIAS");
  s.pointwise = Toggle("HYBRIDRT_POINTWISE");
  s.attention = Toggle("HYBRIDRT_ATTENTION");
  s.qdq = Toggle("HYBRIDRT_QDQ");
  s.int8_depthwise = Toggle("HYBRIDRT_INT8_DEPTHWISE");
  s.tactics.conv_tactic = Env("HYBRIDRT_CONV_TACTIC");
  s.tactics.attention_tactic = Env("HYBRIDRT_ATTENTION_TACTIC");
  s.tactics.matmul_tactic = Env("HYBRIDRT_MATMUL_TACTIC");
  s.tactics.fused_graph_configs = std::atoi(Env("HYBRIDRT_FUSED_GRAPH_CONFIGS").c_str());
  s.tactics.log = Env("HYBRIDRT_TACTIC_LOG") == "1";
  s.tactics.cudnn_graph = Env("HYBRIDRT_CUDNN_GRAPH") != "0";
  s.tactics.cudnn_cba = Env("HYBRIDRT_CUDNN_CBA") != "0";
  s.tactics.int8_cudnn = Env("HYBRIDRT_INT8_CUDNN") != "0";
  s.tactics.int8_cublaslt = Env("HYBRIDRT_INT8_CUBLASLT") != "0";
  s.tactics.depthwise = Env("HYBRIDRT_DEPTHWISE") != "0";
  s.cuda_graphs = Env("HYBRIDRT_CUDA_GRAPHS") != "0";
  s.lend_outputs = Env("HYBRIDRT_LEND_OUTPUTS") != "0";
  s.stage_waves = Env("HYBRIDRT_STAGE_WAVES") != "0";
  s.overlap_outputs = Env("HYBRIDRT_OVERLAP_OUTPUTS") != "0";
  s.cpu_kernel = Env("HYBRIDRT_CPU_KERNEL");
  return s;
}

std::string TacticSwitchesKey(const TacticSwitches& t) {
  const TacticSwitches d;
  std::string key;
  const auto add = [&key](const char* name, const std::string& value) {
    key += Cat(key.empty() ? "" : " ", name, "=", value);
  };
  if (t.conv_tactic != d.conv_tactic) add("conv_tactic", t.conv_tactic);
  if (t.attention_tactic != d.attention_tactic) add("attention_tactic", t.attention_tactic);
  if (t.matmul_tactic != d.matmul_tactic) add("matmul_tactic", t.matmul_tactic);
  if (t.fused_graph_configs != d.fused_graph_configs) add("fused_graph_configs", Cat(t.fused_graph_configs));
  if (t.cudnn_graph != d.cudnn_graph) add("cudnn_graph", Cat(t.cudnn_graph));
  if (t.cudnn_cba != d.cudnn_cba) add("cudnn_cba", Cat(t.cudnn_cba));
  if (t.depthwise != d.depthwise) add("depthwise", Cat(t.depthwise));
  if (t.int8_cudnn != d.int8_cudnn) add("int8_cudnn", Cat(t.int8_cudnn));
  if (t.int8_cublaslt != d.int8_cublaslt) add("int8_cublaslt", Cat(t.int8_cublaslt));
  return key;
}

std::string DescribeEnvSwitches(const EnvSwitches& s) {
  const TacticSwitches& t = s.tactics;
  // Not the tactic log (it only prints) nor CUDA graphs or lending (a context's choice, not the plan's).
  return Cat("fusion=", s.fusion, " layout=", s.layout, " alias=", s.alias, " pointwise=", s.pointwise,
             " attention=", s.attention, " qdq=", s.qdq, " int8_depthwise=", s.int8_depthwise,
             " conv_tactic=", t.conv_tactic, " attention_tactic=", t.attention_tactic,
             " matmul_tactic=", t.matmul_tactic, " fused_graph_configs=", t.fused_graph_configs,
             " cudnn_graph=", t.cudnn_graph, " cudnn_cba=", t.cudnn_cba, " int8_cudnn=", t.int8_cudnn,
             " int8_cublaslt=", t.int8_cublaslt, " depthwise=", t.depthwise, " cpu_kernel=", s.cpu_kernel);
}

}  // namespace hybridrt
