// The pointwise program: parsing, checking and printing (see pointwise.h).
#include "layers/pointwise.h"

#include <cmath>
#include <cstdlib>

#include "src/ir/formulas.h"
#include "src/util/error.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

[[noreturn]] void Bad(const std::string& message) { Fail(ErrorCode::kNative, Cat("program: ", message)); }

// How many parameters (constants after the operand) a unary op takes.
int UnaryParams(UnaryOp op) {
  switch (op) {
    case UnaryOp::kLeakyRelu:
    case UnaryOp::kElu: return 1;
    case UnaryOp::kSelu:
    case UnaryOp::kHardSigmoid:
    case UnaryOp::kClip: return 2;
    default: return 0;
  }
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    parts.push_back(Trim(s.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

PointwiseOperand ParseOperand(const std::string& s, int step, const PointwiseProgram& p) {
  PointwiseOperand o;
  if (s.size() < 2) Bad(Cat("step ", step, ": operand '", s, "' is not x<i>, t<j> or c<k>"));
  switch (s[0]) {
    case 'x': o.kind = PointwiseOperand::Kind::kInput; break;
    case 't': o.kind = PointwiseOperand::Kind::kStep; break;
    case 'c': o.kind = PointwiseOperand::Kind::kConstant; break;
    default: Bad(Cat("step ", step, ": operand '", s, "' is not x<i>, t<j> or c<k>"));
  }
  char* end = nullptr;
  long v = std::strtol(s.c_str() + 1, &end, 10);
  if (*end != '\0' || v < 0 || s.find_first_not_of("0123456789", 1) != std::string::npos) {
    Bad(Cat("step ", step, ": operand '", s, "' is not x<i>, t<j> or c<k>"));
  }
  o.index = static_cast<int>(v);
  const long limit = o.kind == PointwiseOperand::Kind::kInput  ? p.num_inputs
                     : o.kind == PointwiseOperand::Kind::kStep ? step
                                                               : static_cast<long>(p.constants.size());
  if (v >= limit) {
    Bad(Cat("step ", step, ": operand '", s, "' refers to ",
            o.kind == PointwiseOperand::Kind::kInput  ? Cat("input ", v, " of ", p.num_inputs)
            : o.kind == PointwiseOperand::Kind::kStep ? Cat("step ", v, ", which does not precede it")
                                                      : Cat("constant ", v, " of ", p.constants.size())));
  }
  return o;
}

std::string OperandText(const PointwiseOperand& o) {
  const char tag = o.kind == PointwiseOperand::Kind::kInput ? 'x' : o.kind == PointwiseOperand::Kind::kStep ? 't' : 'c';
  return Cat(tag, o.index);
}

}  // namespace

PointwiseProgram ParsePointwise(const std::string& text, const std::vector<double>& constants, int num_inputs) {
  PointwiseProgram p;
  p.num_inputs = num_inputs;
  p.constants = constants;
  if (num_inputs < 1 || num_inputs > kMaxPointwiseInputs) {
    Bad(Cat("has ", num_inputs, " inputs; a pointwise layer takes 1 to ", kMaxPointwiseInputs));
  }
  std::vector<std::string> steps = SplitOn(text, ';');
  if (steps.size() > static_cast<size_t>(kMaxPointwiseSteps)) {
    Bad(Cat("has ", steps.size(), " steps; a pointwise layer takes at most ", kMaxPointwiseSteps));
  }
  std::vector<bool> input_used(num_inputs, false);
  for (size_t i = 0; i < steps.size(); ++i) {
    const int n = static_cast<int>(i);
    const std::string& s = steps[i];
    const size_t open = s.find('(');
    if (open == std::string::npos || s.back() != ')') Bad(Cat("step ", n, " '", s, "' is not op(operands)"));
    const std::string name = Trim(s.substr(0, open));
    std::vector<std::string> args = SplitOn(s.substr(open + 1, s.size() - open - 2), ',');
    PointwiseStep step;
    int op2 = -1;
    for (int b = 0; b < kNumPointwiseBinary; ++b) {
      if (name == binary::kNames[b]) op2 = b;
    }
    size_t want;
    if (op2 >= 0) {
      step.binary = true;
      step.op2 = static_cast<PointwiseBinary>(op2);
      want = 2;
    } else {
      try {
        step.act.op = ParseUnaryOp(name);
      } catch (const Error&) {
        Bad(Cat("step ", n, ": unknown op '", name, "'"));
      }
      if (step.act.op == UnaryOp::kNot) Bad(Cat("step ", n, ": 'not' takes bool tensors, not floats"));
      step.act.enabled = step.act.op != UnaryOp::kIdentity;
      want = 1 + UnaryParams(step.act.op);
    }
    if (args.size() != want) Bad(Cat("step ", n, ": ", name, " takes ", want, " operands, got ", args.size()));
    for (size_t k = 0; k < args.size(); ++k) {
      PointwiseOperand o = ParseOperand(args[k], n, p);
      if (!step.binary && k > 0 && o.kind != PointwiseOperand::Kind::kConstant) {
        Bad(Cat("step ", n, ": ", name, "'s parameter '", args[k], "' must be a constant c<k>"));
      }
      if (o.kind == PointwiseOperand::Kind::kInput) input_used[o.index] = true;
      step.args.push_back(o);
    }
    if (!step.binary) {
      auto c = [&](size_t k) { return p.constants[step.args[k].index]; };
      switch (step.act.op) {
        case UnaryOp::kLeakyRelu:
        case UnaryOp::kElu: step.act.alpha = static_cast<float>(c(1)); break;
        case UnaryOp::kSelu:
        case UnaryOp::kHardSigmoid:
          step.act.alpha = static_cast<float>(c(1));
          step.act.beta = static_cast<float>(c(2));
          break;
        case UnaryOp::kClip:
          step.act.min = c(1);
          step.act.max = c(2);
          break;
        default: break;
      }
    }
    p.steps.push_back(std::move(step));
  }
  for (int i = 0; i < num_inputs; ++i) {
    if (!input_used[i]) Bad(Cat("input x", i, " is never read"));
  }
  return p;
}

PointwiseProgram PointwiseOf(const Layer& layer) {
  std::vector<double> constants;
  if (layer.params.Has("constants")) constants = layer.params.Floats("constants");
  return ParsePointwise(layer.params.String("program"), constants, static_cast<int>(layer.inputs.size()));
}

void SetPointwiseProgram(const PointwiseProgram& prog, Params* params) {
  params->Set("program", ParamValue::String(prog.Text()));
  if (prog.constants.empty()) return;
  ParamValue c;
  c.type = ParamValue::Type::kNumbers;
  c.numbers = prog.constants;
  params->Set("constants", c);
}

std::string PointwiseProgram::Text() const {
  std::string out;
  for (const PointwiseStep& s : steps) {
    if (!out.empty()) out += ';';
    out += s.binary ? PointwiseBinaryName(s.op2) : UnaryOpName(s.act.op);
    out += '(';
    for (size_t k = 0; k < s.args.size(); ++k) out += (k ? "," : "") + OperandText(s.args[k]);
    out += ')';
  }
  return out;
}

static_assert(static_cast<int>(PointwiseBinary::kFmod) == formulas::kHrFmod &&
                  static_cast<int>(PointwiseBinary::kPrelu) == formulas::kHrPrelu &&
                  static_cast<int>(PointwiseBinary::kMax) == formulas::kHrMax,
              "formulas.inc numbers the binary ops as PointwiseBinary");

float EvalPointwiseBinary(PointwiseBinary op, float p, float q) {
  return formulas::HybridrtBinary(static_cast<int>(op), p, q);
}

// Pointwise (a builder form, pointwise.h): float inputs that each broadcast onto the float
// output's shape, and a program over them.
void CheckPointwiseLayer(const LayerCheck& c) {
  c.ExpectOutputs(1);
  c.ExpectInputs(1, kMaxPointwiseInputs);
  try {
    PointwiseOf(c.layer());
  } catch (const Error& e) {
    c.Bad(e.what());
  }
  // Derived where not given: the inputs broadcast together (each must reach the output's shape).
  Shape broadcast;
  if (!c.OutShapeKnown(0)) {
    std::vector<Shape> shapes;
    for (size_t i = 0; i < c.NumIn(); ++i) shapes.push_back(c.In(i).shape);
    if (!BroadcastShapes(shapes, &broadcast)) c.Bad("the inputs' shapes do not broadcast together");
  }
  const Shape& out = c.OutShapeKnown(0) ? c.OutShape(0) : broadcast;
  if (!IsFloat(c.OutDType(0)))
    c.Bad(Cat(c.OutLabel(0), " has dtype ", DTypeName(c.OutDType(0)), "; expected a float type"));
  for (size_t i = 0; i < c.NumIn(); ++i) {
    c.ExpectFloatInput(i);
    Shape joined;
    if (!BroadcastShapes({c.In(i).shape, out}, &joined) || joined != out) {
      c.Bad(Cat(c.InLabel(i), " of shape ", ShapeToString(c.In(i).shape), " does not broadcast to the output's shape ",
                ShapeToString(out)));
    }
  }
  c.ExpectOutput(0, c.OutDType(0), out);
}

}  // namespace hybridrt
