// Every tensor's shape at given input shapes: the layer rules (shape_rules.h) in derive mode,
// layer by layer. This is the run-time shape computation of a dynamic engine (engine.h), so a
// shape at run time comes from the same rules the validator checked the declared shapes with,
// not from a copy of them.
//
// A shuffle with a second input (a reshape to a computed target) takes its shape from that
// target's value, evaluated on the host with the other shape tensors (shape_values.h); a slice
// or range with computed parameters (computed_layers.h) takes them and its shape from theirs.
// Kinds whose output a rule reads rather than derives keep the declared value: the shape of
// slice and resize except along the dims they keep whole (a slice: start 0, step 1; a resize:
// scale 1; its input's size), which follow the input; the dtype of every output. The compiler builds dynamic engines
// only from networks whose shapes these derivations reproduce at the ends of each range (it asks this code: the addon's
// deriveShapes, src/compiler/shape-views.ts).
#pragma once

#include <map>
#include <vector>

#include "src/ir/network.h"

namespace hybridrt {

// Per tensor id; constants keep their declared shapes. A violation (an input of the wrong rank,
// a reshape whose element count no longer matches) is an Error naming the layer. `resolved`, if
// given, receives per layer index the plain layer each computed one is at these shapes
// (computed_layers.h): what the engine gives kernels in its place.
std::vector<TensorInfo> DeriveNetworkShapes(const Network& net, const std::vector<Shape>& input_shapes,
                                            std::map<size_t, Layer>* resolved = nullptr);

// Where `shapes` leaves the network's ranges: "input 'x' dim 0 is 40; the engine takes 1 to 32",
// or empty when every input is in range (a static network takes its declared shapes only).
std::string OutOfRange(const Network& net, const std::vector<Shape>& shapes);

}  // namespace hybridrt
