// Shuffle shapes (see shuffle.h).
#include "layers/shuffle.h"

#include "src/util/error.h"
#include "src/ir/shape_rules.h"

namespace hybridrt {

namespace {

std::vector<int64_t> PermOrIdentity(bool given, const std::vector<int64_t>& perm, size_t rank) {
  if (given) return perm;
  std::vector<int64_t> identity(rank);
  for (size_t d = 0; d < rank; ++d) identity[d] = static_cast<int64_t>(d);
  return identity;
}

// mid and reshaped (the reshape of mid).
bool ReshapeOf(const ShuffleParams& p, const Shape& x, ShuffleShapes* out, std::string* why) {
  out->mid = x;
  if (p.has_first_perm) {
    out->mid.clear();
    for (int64_t d : p.first_perm) out->mid.push_back(d >= 0 && d < static_cast<int64_t>(x.size()) ? x[d] : 0);
  }
  if (!p.has_reshape) {
    out->reshaped = out->mid;
    return true;
  }
  return ResolveReshape(p.reshape, out->mid, p.zero_is_placeholder, "param 'reshape'", &out->reshaped, why);
}

}  // namespace

ShuffleParams ReadShuffleParams(const Layer& layer, size_t rank) {
  const Params& p = layer.params;
  ShuffleParams s;
  s.computed = layer.inputs.size() == 2;
  s.has_first_perm = p.Has("firstPerm");
  s.has_reshape = p.Has("reshape");
  s.has_second_perm = p.Has("secondPerm");
  s.zero_is_placeholder = p.Has("zeroIsPlaceholder") && p.Bool("zeroIsPlaceholder");
  if (s.computed) {
    for (const auto& [key, given] : {std::pair<const char*, bool>{"firstPerm", s.has_first_perm},
                                     {"reshape", s.has_reshape},
                                     {"secondPerm", s.has_second_perm}}) {
      if (given) BadParam(layer, key, "is given; a reshape to a computed target takes none");
    }
    return s;
  }
  if (s.has_first_perm) {
    s.first_perm = p.Ints("firstPerm");
    CheckPermParam(layer, "firstPerm", s.first_perm, rank);
  }
  if (s.has_reshape) s.reshape = p.Ints("reshape");
  if (s.has_second_perm) {
    s.second_perm = p.Ints("secondPerm");
    CheckPermParam(layer, "secondPerm", s.second_perm, s.has_reshape ? s.reshape.size() : rank);
  }
  return s;
}

bool ResolveReshape(const std::vector<int64_t>& target, const Shape& mid, bool placeholder, const char* what,
                    Shape* out, std::string* why) {
  Shape r(target.size());
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t t = target[i];
    if (t == 0 && placeholder) {
      if (i >= mid.size()) {
        *why = Cat(what, " copies dim ", i, " (a 0), but the input has rank ", mid.size());
        return false;
      }
      t = mid[i];
    } else if (t == -1) {
      if (infer >= 0) {
        *why = Cat(what, " has more than one -1");
        return false;
      }
      infer = static_cast<int>(i);
      continue;
    } else if (t < 0) {
      *why = Cat(what, " holds ", t, "; dims are >= 0, 0 (copy) or -1 (infer)");
      return false;
    }
    r[i] = t;
    int64_t next;
    if (__builtin_mul_overflow(known, t, &next)) {
      *why = Cat(what, " is too large");
      return false;
    }
    known = next;
  }
  int64_t n;
  if (!CheckedNumel(mid, &n)) {
    *why = "the input shape is too large";
    return false;
  }
  if (infer >= 0) {
    if (known == 0 || n % known != 0) {
      *why = Cat(what, " ", ShapeToString(Shape(target)), " cannot take the ", n, " elements of ", ShapeToString(mid));
      return false;
    }
    r[infer] = n / known;
  } else if (known != n) {
    *why = Cat(what, " ", ShapeToString(Shape(target)), " has ", known, " elements; the input has ", n);
    return false;
  }
  *out = r;
  return true;
}

bool ShuffleShapesOf(const ShuffleParams& p, const Shape& x, ShuffleShapes* out, std::string* why) {
  if (!ReshapeOf(p, x, out, why)) return false;
  out->first_perm = PermOrIdentity(p.has_first_perm, p.first_perm, x.size());
  out->second_perm = PermOrIdentity(p.has_second_perm, p.second_perm, out->reshaped.size());
  return true;
}

void CheckShuffleLayer(const LayerCheck& c) {
  c.ExpectInputs(1, 2);
  c.ExpectOutputs(1);
  const Shape& x = c.In(0).shape;
  const ShuffleParams p = ReadShuffleParams(c.layer(), x.size());
  if (p.computed) {
    // A reshape to a target computed at run time (a shape tensor, int32/int64 [rank]): the output
    // shape is read, as a slice's is; a dynamic engine derives it from the target's host value
    // (derive_shapes.cc). Only the element count is checked here.
    const TensorInfo& t = c.In(1);
    if ((t.dtype != DType::kInt64 && t.dtype != DType::kInt32) || t.shape.size() != 1)
      c.Bad(Cat(c.InLabel(1), " is ", DTypeName(t.dtype), ShapeToString(t.shape),
                "; a reshape target is int32/int64 [rank]"));
    if (!c.OutShapeKnown(0)) c.Bad("a reshape to a computed target needs its output shape");
    const Shape& out = c.OutShape(0);
    int64_t nx = 0, no = 0;
    if (static_cast<int64_t>(out.size()) != t.shape[0] || !CheckedNumel(x, &nx) || !CheckedNumel(out, &no) || nx != no)
      c.Bad(Cat("cannot reshape ", ShapeToString(x), " to ", ShapeToString(out), " (target of ", t.shape[0], " dims)"));
    c.ExpectOutput(0, c.In(0).dtype, out);
    return;
  }
  ShuffleShapes s;
  std::string why;
  if (!ShuffleShapesOf(p, x, &s, &why)) c.Bad(why);
  c.ExpectOutput(0, c.In(0).dtype, PermuteShape(s.reshaped, s.second_perm));
}

PermutedRead MergePermutedDims(const Shape& x, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> x_strides = Strides(x);
  PermutedRead r;
  for (int64_t p : perm) {
    const int64_t d = x[p], st = x_strides[p];
    if (d == 1) continue;
    if (!r.dims.empty() && r.strides.back() == st * d) {
      r.dims.back() *= d;
      r.strides.back() = st;
    } else {
      r.dims.push_back(d);
      r.strides.push_back(st);
    }
  }
  if (r.dims.empty()) {
    r.dims.push_back(1);
    r.strides.push_back(1);
  }
  r.identity = r.dims.size() == 1 && r.strides[0] == 1;
  return r;
}

}  // namespace hybridrt
