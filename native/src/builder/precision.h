// Reduced precision: the builder's rewrite of a network so that its float layers run in
// float16 or bfloat16 (ChooseReducedPrecision of BuildConfig::reduced_precisions), TensorRT-style. The rewrite is a
// plain network-to-network transform, so that everything after it (validation, memory planning by storage dtype,
// kernels, plans) sees an ordinary network:
// - a layer that may run in reduced precision (KeepFp32Reason is empty) reads and writes
//   the reduced type: its float32 activations are stored in it (half the arena), its float32
//   weights are converted once at build time;
// - a layer the policy keeps in fp32 reads fp32 versions of its inputs;
// - data-movement layers (shuffle, concat, slice, gather, pad, nearest resize, select,
//   identity, cast) move whatever type their data already has;
// - cast layers are inserted where a tensor is needed in the other type (named
//   "<tensor>:to_fp16" etc.), including at the network's float32 inputs and outputs, so that
//   the engine's external contract (names, dtypes, shapes) is the original network's.
// Kernels compute in fp32 internally where accumulation matters (convolution, matmul,
// reductions, softmax, normalization statistics), so the policy only keeps layers whose
// reduced-precision range is known to break (see KeepFp32Reason).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

struct PrecisionRewrite {
  Network net;
  // Weights of converted constants, viewed by `net` (the rest view the source network's).
  std::vector<std::shared_ptr<std::vector<uint8_t>>> owned;
};

// The precision vocabulary of builds: "fp32", "fp16", "bf16" and their types, the one table
// the binding reads names through and reports write them from. False for any other name, "int8"
// included: int8 layers come from the qdq pass folding a Q/DQ model (qdq_fusion.h), whatever
// the precisions (src/engine/precision.ts's floatPrecisions leaves int8 out of a build's list).
bool PrecisionFromName(const std::string& name, DType* type);
const char* PrecisionName(DType t);
// Every precision name engines compute in, comma-separated ("fp32, fp16, bf16"): for messages.
std::string PrecisionNames();

// Which reduced type the float layers take, of those a build allows besides fp32
// (BuildConfig::reduced_precisions); kFloat32 where none is allowed.
DType ChooseReducedPrecision(const std::vector<DType>& allowed);

// `half` is DType::kFloat16 or DType::kBFloat16.
PrecisionRewrite ApplyReducedPrecision(const Network& net, DType half);

// Why `layer` (a float layer of `net`) must stay fp32 when `half` is allowed; "" if it may
// run in `half`.
std::string KeepFp32Reason(const Network& net, const Layer& layer, DType half);

// The precision each layer of a built network computes in ("fp32", "fp16", "bf16"; for a
// layer without float tensors, its output's dtype name), with a note: for layers left in
// fp32 in a network that has reduced-precision layers, why; for inserted casts, what for.
struct LayerPrecision {
  std::string precision;
  std::string note;
};
std::vector<LayerPrecision> DescribePrecision(const Network& net);

}  // namespace hybridrt
