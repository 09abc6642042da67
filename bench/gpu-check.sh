#!/usr/bin/env bash
# Issue 5's acceptance run on the GPU machine, from a clean checkout after
# ../shared/gpu/pack.sh: builds the addon with the cuda backend (one architecture: sm_90 by
# default, HYBRIDRT_CUDA_ARCHS to change it), runs the gpu test project, then the real-model
# checks (bench/gpu-models.py), then zoo models exported with PyTorch there (bench/zoo/export.py;
# ZOO_MODELS, default the recurrent and transformer ones) through `hybrid-run --backend cuda
# --compare`. Logs go to ${OUT:-/tmp}. Stages: all (default), build, test, models, zoo; e.g.
# `bash bench/gpu-check.sh build test`.
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
