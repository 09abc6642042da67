#!/usr/bin/env bash
# Issue 5's acceptance run on the GPU machine, from a clean checkout after
# ../shared/gpu/pack.sh: builds the addon with the cuda backend (one architecture: sm_90 by
# default, HYBRIDRT_CUDA_ARCHS to change it), runs the gpu test project, then the real-model
# checks (bench/gpu-models.py), then zoo models exported with PyTorch there (bench/zoo/export.py;
# ZOO_MODELS, default the recurrent and transformer ones) through `hybrid-run --backend cuda
# --compare`. Logs go to ${OUT:-/tmp}. Stages: all (default), build, plugin, test, models, zoo;
# e.g. `bash bench/gpu-check.sh build plugin test`. The plugin stage checks the cuda backend
# plugin beside the addon (docs/engine.md, "Files"): its dynamic symbols are the entry points
# alone, cuda is available, and with cuDNN off the loader's path the reason names libcudnn.
#
# The conformance tests need the ONNX test data: set ONNX_CONFORMANCE_DIR, or carry
# .conf/conformance.tar.xz (made by `bash bench/gpu-check.sh pack-conformance` here), which
# this script unpacks to /tmp/onnx-conformance.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp}
stages=${*:-all}
has() { [[ " $stages " == *" $1 "* || " $stages " == *" all "* ]]; }

if [[ " $stages " == *" pack-conformance "* ]]; then
  mkdir -p .conf
  grep -qx '/.conf/' .git/info/exclude || echo '/.conf/' >> .git/info/exclude
  tar -C ../shared/onnx-conformance -cf - node light | xz -T0 -6 > .conf/conformance.tar.xz
  ls -la .conf
  exit 0
fi

source .gpu/env.sh || exit 1
export HYBRIDRT_CUDA_ARCHS=${HYBRIDRT_CUDA_ARCHS:-90}
if [[ -z "${ONNX_CONFORMANCE_DIR:-}" && -f .conf/conformance.tar.xz ]]; then
  mkdir -p /tmp/onnx-conformance && tar -C /tmp/onnx-conformance -xJf .conf/conformance.tar.xz
  export ONNX_CONFORMANCE_DIR=/tmp/onnx-conformance
fi
status=0
if has build; then
  echo "== build ($(date -u +%H:%M:%S))"
  { time npm run build:native; } 2>&1 | tee "$out/build.log" | grep -E "hybridrt:|error|warning: |real" || status=1
  [[ -f build/Release/hybridrt.node ]] || { echo "no addon built"; exit 1; }
  npm run build:ts > "$out/build-ts.log" 2>&1 || { echo "tsc failed"; tail -20 "$out/build-ts.log"; status=1; }
fi
if has plugin; then
  echo "== plugin ($(date -u +%H:%M:%S))"
  plugin=build/Release/libhybridrt_cuda.so
  if [[ ! -f $plugin ]]; then
    echo "no cuda plugin was built ($plugin)"; status=1
  else
    readelf -d "$plugin" | grep -E "NEEDED|RUNPATH" | tee "$out/plugin.log"
    others=$(nm -D --defined-only "$plugin" | awk '{print $3}' | grep -v '^hybridrt_cuda_' | tr '\n' ' ')
    [[ -z $others ]] || { echo "the plugin exports more than its entry points: $others"; status=1; }
    query='const a = require("./build/Release/hybridrt.node"); const s = a.deviceQuery("cuda"); console.log(JSON.stringify(a.backends()), JSON.stringify(s)); process.exit(s.available ? 0 : 1)'
    node -e "$query" || { echo "cuda is not available"; status=1; }
    # env.sh puts cuDNN on the loader's path (LD_LIBRARY_PATH, and its folder in the RUNPATH of a
    # build that is not HYBRIDRT_PORTABLE): take both away, and the reason must name the library.
    # Where the system's loader cache has a cuDNN of its own, it cannot be taken away: the check
    # says so (test/engine/cuda-plugin.test.ts proves the reason with stand-in plugins anyway).
    if ldconfig -p 2>/dev/null | grep -q 'libcudnn\.so\.9'; then
      echo "without cuDNN: not checked, the system loader cache has $(ldconfig -p | grep -m1 -o '/[^ ]*libcudnn\.so\.9')"
    else
      mv /tmp/hybrid-gpu/cudnn /tmp/hybrid-gpu/cudnn.off
      reason=$(LD_LIBRARY_PATH=$CUDA_HOME/lib64 node -e 'console.log(require("./build/Release/hybridrt.node").deviceQuery("cuda").reason)')
      mv /tmp/hybrid-gpu/cudnn.off /tmp/hybrid-gpu/cudnn
      echo "without cuDNN: $reason"
      [[ $reason == *libcudnn*"cannot open shared object file"* ]] || { echo "the reason does not name libcudnn"; status=1; }
    fi
  fi
fi
if has test; then
  echo "== test/gpu ($(date -u +%H:%M:%S))"
  npx vitest run --project gpu ${GPU_TESTS:-} --reporter=dot 2>&1 | tee "$out/test-gpu.log" | tail -60 || status=1
  grep -h "precision \(fp16\|bf16\)" "$out/test-gpu.log" | sort -u > "$out/precision-errors.txt" || true
fi
if has models; then
  echo "== models ($(date -u +%H:%M:%S))"
  NODE_OPTIONS=--max-old-space-size=16384 PYTHONUNBUFFERED=1 python3 bench/gpu-models.py --out "$out" ${MODELS:+--only $MODELS} 2>&1 | tee "$out/models.log" || status=1
fi
if has zoo; then
  echo "== zoo ($(date -u +%H:%M:%S))"
  zoo=/tmp/hybrid-zoo
  python3 bench/zoo/export.py "$zoo" --only "${ZOO_MODELS:-lstm,gru_bidir,transformer_encoder}" > "$out/zoo-export.log" 2>&1 || status=1
  for f in "$zoo"/*.onnx; do
    m=$(basename "$f" .onnx)
    if node bin/hybrid-run.js "$f" --backend cuda --compare > "$out/zoo-$m.log" 2>&1; then r=pass; else r=FAIL; status=1; fi
    echo "$m: $r; $(grep -E '^Coverage|segments ' "$out/zoo-$m.log" | head -2 | tr '\n' ' ')"
  done
fi
echo "== done ($(date -u +%H:%M:%S)), status $status"
exit $status
