// Static tensor shapes: element counts with overflow checks, row-major strides, numpy
// broadcasting, and printing for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/util/host_device.h"

namespace hybridrt {

using Shape = std::vector<int64_t>;

// Upper bound on the elements of one tensor (and on any dimension): keeps every byte count
// and offset computed from a shape far from overflow, whatever a network or plan declares.
constexpr int64_t kMaxElements = int64_t{1} << 40;

std::string ShapeToString(const Shape& shape);

// Element count; false when a dim is negative or the count exceeds kMaxElements.
bool CheckedNumel(const Shape& shape, int64_t* numel);
// Element count of a shape already checked by CheckedNumel.
int64_t Numel(const Shape& shape);

// Row-major element strides.
std::vector<int64_t> Strides(const Shape& shape);

// Whether `perm` holds each of 0..rank-1 once (so rank entries): the rule of every permutation
// param (CheckPermParam, network.h; attention's views).
bool IsPermutation(const std::vector<int64_t>& perm, size_t rank);
// `s` with its dims in the order `perm` names (out[i] = s[perm[i]]): a shuffle's or a cast's
// transpose.
Shape PermuteShape(const Shape& s, const std::vector<int64_t>& perm);

// A shape cut at one axis, as the layers that work along an axis walk it (softmax, concat,
// split, cumsum, argmin/argmax): the elements before it (outer), along it (len) and after it
// (inner). Numel(shape) == outer * len * inner.
struct AxisSplit {
  int64_t outer = 1, len = 1, inner = 1;
  // The outer * inner lines along the axis; line l's first element, its others `inner` apart.
  HYBRIDRT_HD int64_t lines() const { return outer * inner; }
  HYBRIDRT_HD int64_t LineStart(int64_t l) const { return (l / inner) * len * inner + l % inner; }
  // Bytes of one outer index's (len * inner) block of elements of `es` bytes: what concat and
  // split copy per outer index, contiguous in every part.
  size_t BlockBytes(size_t es) const { return static_cast<size_t>(len * inner) * es; }
};
inline AxisSplit SplitAtAxis(const Shape& shape, int64_t axis) {
  AxisSplit a;
  for (int64_t d = 0; d < axis; ++d) a.outer *= shape[d];
  a.len = shape[axis];
  for (size_t d = axis + 1; d < shape.size(); ++d) a.inner *= shape[d];
  return a;
}

// numpy broadcasting of several shapes (aligned at the right, size-1 dims stretch); false if
// they do not broadcast.
bool BroadcastShapes(const std::vector<Shape>& shapes, Shape* out);

}  // namespace hybridrt
