// An ExecutionContext: what one run needs besides the engine (TensorRT's
// IExecutionContext): its own arena (activations + workspace, sized by the engine's memory
// plan), its own stream, and the per-layer argument lists resolved against that arena. One
// run at a time per context (the binding refuses a second while one is in flight); several
// contexts of one engine run concurrently, since kernels are const and shared.
#pragma once

#include <memory>
#include <vector>

#include "src/backend.h"
#include "src/engine.h"

namespace hybridrt {

class ExecutionContext {
 public:
  explicit ExecutionContext(std::shared_ptr<Engine> engine);

  const Engine& engine() const { return *engine_; }
  const TensorInfo& input_info(size_t i) const;
  const TensorInfo& output_info(size_t i) const;

  // Copies host data into input i (the caller has checked dtype and size).
  void SetInput(size_t i, const void* host, size_t bytes);
  // Runs every layer and waits for the device. Any thread; one call at a time.
  void Execute();
  // Copies output i to host memory of output_info(i)'s byte size.
  void GetOutput(size_t i, void* host);

 private:
  const void* TensorAddress(int32_t id) const;

  std::shared_ptr<Engine> engine_;
  std::shared_ptr<void> arena_;
  uint8_t* arena_base_ = nullptr;
  std::unique_ptr<Stream> stream_;
  std::vector<KernelArgs> args_;    // per layer
  std::vector<bool> skip_;          // per layer: constants, and layers whose outputs are all empty
};

}  // namespace hybridrt
