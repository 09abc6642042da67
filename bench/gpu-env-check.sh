#!/usr/bin/env bash
# Prints what the GPU machine has that the cuda backend depends on (driver, CUDA, cuDNN,
# cuBLASLt, PyTorch), then builds the addon there. Run on the GPU machine from the repo root
# after `source .gpu/env.sh`. Writes its log to ${OUT:-/tmp}/gpu-env.log.
set -uo pipefail
log=${OUT:-/tmp}/gpu-env.log
{
  echo "== nvidia-smi"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  echo "== nvcc"; nvcc --version | tail -2
  echo "== CUDA libs"; ls "${CUDA_HOME:-/usr/local/cuda}"/lib64 | grep -E 'cublas|nvrtc|cudart' | head -20
  echo "== cuDNN root ${CUDNN_ROOT:-none}"; ls "${CUDNN_ROOT:-/nonexistent}/lib" 2>/dev/null | head -20
  grep -E '#define CUDNN_(MAJOR|MINOR|PATCHLEVEL)' "${CUDNN_ROOT:-/nonexistent}"/include/cudnn_version.h 2>/dev/null
  echo "== python"; python3 -c 'import torch, torchvision, onnx, onnxruntime; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "tv", torchvision.__version__, "onnx", onnx.__version__, "ort", onnxruntime.__version__)'
  python3 -c 'import timm, transformers; print("timm", timm.__version__, "transformers", transformers.__version__)'
  echo "== cmake $(cmake --version | head -1), node $(node --version)"
} 2>&1 | tee "$log"
