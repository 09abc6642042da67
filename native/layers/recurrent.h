// The recurrent layer (network.ts 'recurrent'): ONNX's RNN, GRU or LSTM recurrence over a whole
// sequence in one direction, given the input's projection x = X W^T + Wb for every step (a
// matmul before it), in one layer where converters/recurrent.ts would otherwise unroll each step
// into a matmul, slices and pointwise layers. Read once here for the shape rule
// (recurrent.cc) and both kernels (cpu/recurrent.cc, cuda/recurrent.cu).
//
// Inputs, in this order, the optional ones present where their param says so:
//   x [S, 1, B, G*H] (float32), r [G*H, H] (ONNX's R of this direction), rb [G*H]
//   (`recurrentBias`: ONNX's Rb, added to h R^T), h0 [1, 1, B, H] (`initialH`), c0 [1, 1, B, H]
//   (`initialC`, lstm), lens [B] int32 (`sequenceLens`).
// Outputs: y [S, 1, B, H], the last state h [1, 1, B, H] and, for lstm, c [1, 1, B, H].
// G is 1 (rnn), 3 (gru: z r h), 4 (lstm: i o f c); the activations are ONNX's defaults
// (sigmoid for gates, tanh for the candidate and lstm's output). Per step t (S-1 down to 0 with
// `reverse`), g = x[t] + h R^T + rb:
//   rnn:  h = tanh(g)
//   gru:  z = sigmoid(g_z), r = sigmoid(g_r); h~ = tanh(x_h + r * (h R_h^T + rb_h)) with
//         `linearBeforeReset`, else tanh(x_h + (r * h) R_h^T + rb_h); h = (1 - z) h~ + z h
//   lstm: i, o, f = sigmoid(g_i, g_o, g_f), c~ = tanh(g_c); c = f c + i c~; h = o tanh(c)
// A step counts for batch entry b when t < lens[b]; elsewhere h and c keep their values and
// y[t, b] is 0 (onnxruntime's reading, for both directions); a row of length 0 ends with h and
// c zero, not h0 and c0 (onnxruntime's Y_h and Y_c). Absent h0 and c0 are zeros.
#pragma once

#include <cstdint>

#include "src/ir/network.h"
#include "src/ir/shape.h"
#include "src/util/host_device.h"

namespace hybridrt {

enum class RecurrentCell : uint8_t { kRnn, kGru, kLstm };

struct RecurrentParams {
  RecurrentCell cell = RecurrentCell::kLstm;
  bool reverse = false, linear_before_reset = false;
  bool recurrent_bias = false, initial_h = false, initial_c = false, sequence_lens = false;
};

// Where each input is (-1: absent) and how many there are.
struct RecurrentInputs {
  int x = 0, r = 1, rb = -1, h0 = -1, c0 = -1, lens = -1;
  int count = 2;
};

struct RecurrentGeometry {
  int64_t steps = 0, batch = 0, hidden = 0, gates = 0;  // gates: G (1, 3 or 4)
  int64_t width() const { return gates * hidden; }      // G*H: a step's row of x and of r's rows
};

inline int RecurrentGateCount(RecurrentCell cell) {
  return cell == RecurrentCell::kRnn ? 1 : cell == RecurrentCell::kGru ? 3 : 4;
}

// The layer's params (present and typed: the schema); combinations a cell does not have
// (linearBeforeReset but gru, initialC but lstm) are a BadParam.
inline RecurrentParams ReadRecurrentParams(const Layer& layer) {
  const Params& p = layer.params;
  RecurrentParams r;
  const std::string& cell = p.String("cell");
  r.cell = cell == "rnn" ? RecurrentCell::kRnn : cell == "gru" ? RecurrentCell::kGru : RecurrentCell::kLstm;
  r.reverse = p.Bool("reverse");
  r.linear_before_reset = p.Bool("linearBeforeReset");
  r.recurrent_bias = p.Bool("recurrentBias");
  r.initial_h = p.Bool("initialH");
  r.initial_c = p.Bool("initialC");
  r.sequence_lens = p.Bool("sequenceLens");
  if (r.linear_before_reset && r.cell != RecurrentCell::kGru) BadParam(layer, "linearBeforeReset", "is for gru only");
  if (r.initial_c && r.cell != RecurrentCell::kLstm) BadParam(layer, "initialC", "is for lstm only");
  return r;
}

inline RecurrentInputs RecurrentInputIndices(const RecurrentParams& p) {
  RecurrentInputs in;
  if (p.recurrent_bias) in.rb = in.count++;
  if (p.initial_h) in.h0 = in.count++;
  if (p.initial_c) in.c0 = in.count++;
  if (p.sequence_lens) in.lens = in.count++;
  return in;
}

inline int RecurrentOutputCount(const RecurrentParams& p) { return p.cell == RecurrentCell::kLstm ? 3 : 2; }

// x [S, 1, B, G*H] and r [G*H, H] (the rule has checked them).
inline RecurrentGeometry ReadRecurrentGeometry(const RecurrentParams& p, const Shape& x, const Shape& r) {
  RecurrentGeometry g;
  g.steps = x[0];
  g.batch = x[2];
  g.hidden = r[1];
  g.gates = RecurrentGateCount(p.cell);
  return g;
}

// The step that iteration k of a sequence of `steps` runs (reversed: from the end), for the
// host and the cuda kernel alike.
HYBRIDRT_HD inline int64_t RecurrentStepOf(bool reverse, int64_t steps, int64_t k) {
  return reverse ? steps - 1 - k : k;
}
inline int64_t RecurrentStep(const RecurrentParams& p, const RecurrentGeometry& g, int64_t k) {
  return RecurrentStepOf(p.reverse, g.steps, k);
}

}  // namespace hybridrt
