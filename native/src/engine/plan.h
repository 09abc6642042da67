// Plans (see plan_format.h for the layout): what an engine writes and what it is rebuilt from.
// ReadPlan checks magic, version, size and checksum first, then every count, id, enum, offset
// and size while parsing, then validates the network (validator.h) and the memory plan
// (memory_planner.h) it carries; any failure is an Error(kPlan) naming the field and what
// was expected. Weights in the result view the plan's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/builder/memory_planner.h"
#include "src/ir/network.h"

namespace hybridrt {

struct PlanContents {
  std::string backend;
  std::string device_arch;
  Network network;
  MemoryPlan memory;
  std::vector<std::string> tactics;  // per layer
};

std::vector<uint8_t> WritePlan(const PlanContents& plan);
PlanContents ReadPlan(const uint8_t* data, size_t size);

}  // namespace hybridrt
