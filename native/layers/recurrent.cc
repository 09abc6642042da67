// The rule of the recurrent layer (recurrent.h): a whole sequence of ONNX's RNN, GRU or LSTM
// recurrence in one direction, from the input's projection.
#include "layers/recurrent.h"

#include "src/ir/shape_rules.h"

namespace hybridrt {

// x [S, 1, B, G*H] and r [G*H, H] float32, rb [G*H], h0 and c0 [1, 1, B, H] float32, lens [B]
// int32 where the params say they are present (recurrent.h); outputs y [S, 1, B, H], h [1, 1,
// B, H] and, for lstm, c [1, 1, B, H].
void CheckRecurrentLayer(const LayerCheck& c) {
  const RecurrentParams p = ReadRecurrentParams(c.layer());
  const RecurrentInputs in = RecurrentInputIndices(p);
  c.ExpectInputs(in.count, in.count);
  c.ExpectOutputs(RecurrentOutputCount(p));
  auto expect = [&](int i, DType dtype, const Shape& shape) {
    const TensorInfo& t = c.In(i);
    if (t.dtype != dtype || t.shape != shape)
      c.Bad(Cat(c.InLabel(i), " is ", DTypeName(t.dtype), " ", ShapeToString(t.shape), "; expected ", DTypeName(dtype),
                " ", ShapeToString(shape)));
  };
  const Shape& x = c.In(in.x).shape;
  const Shape& r = c.In(in.r).shape;
  if (r.size() != 2 || r[1] < 1) c.Bad(Cat(c.InLabel(in.r), " has shape ", ShapeToString(r), "; expected [G*H, H]"));
  const RecurrentGeometry g = ReadRecurrentGeometry(p, x.size() == 4 ? x : Shape{0, 1, 0, 0}, r);
  if (x.size() != 4 || x[1] != 1 || x[0] < 1)
    c.Bad(Cat(c.InLabel(in.x), " has shape ", ShapeToString(x), "; expected [steps >= 1, 1, batch, G*H]"));
  expect(in.r, DType::kFloat32, {g.width(), g.hidden});
  expect(in.x, DType::kFloat32, {g.steps, 1, g.batch, g.width()});
  if (in.rb >= 0) expect(in.rb, DType::kFloat32, {g.width()});
  const Shape state{1, 1, g.batch, g.hidden};
  if (in.h0 >= 0) expect(in.h0, DType::kFloat32, state);
  if (in.c0 >= 0) expect(in.c0, DType::kFloat32, state);
  if (in.lens >= 0) expect(in.lens, DType::kInt32, {g.batch});
  c.ExpectOutput(0, DType::kFloat32, {g.steps, 1, g.batch, g.hidden});
  for (int o = 1; o < RecurrentOutputCount(p); ++o) c.ExpectOutput(o, DType::kFloat32, state);
}

}  // namespace hybridrt
