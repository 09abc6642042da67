#!/usr/bin/env bash
# The install proof (issue 17, point 3), run by .ci/run: what a user of the published package
# gets. Packs this checkout (npm pack: the tarball npm publish would upload) and its platform
# package (`npm run prebuild`'s folder, made from the addon already in build/Release), then
# installs them into empty projects under a temporary folder:
#   (a) prebuilt: both tarballs, with a PATH of node, npm and sh only (no cmake, no compiler):
#       the install step builds nothing and says which addon it takes; cpu engines run and
#       match onnxruntime (scripts/install-proof/check.mjs), and so does `hybrid-run --compare`.
#   (b) onnxruntime only: the main tarball alone (--omit=optional), the same PATH: the install
#       succeeds with its notice; compile() runs every segment on onnxruntime with the one-line
#       warning; `hybrid-run --compare` passes and warns; `--backend cpu` fails naming the addon.
#   (c) from source: the main tarball alone with the toolchain: the install step builds the
#       addon (cpu-only: HYBRIDRT_WITH_CUDA=OFF keeps the time bounded) and cpu engines run;
#       then, with the platform package added and its addon broken, the build from source is
#       still what loads, and `npm rebuild hybridrt` without --build-from-source builds nothing.
# About 6 minutes on 2 cores, most of it (c)'s build. hybridrt's dependencies come from the npm
# registry or npm's cache. KEEP=1 keeps the folder (its path is printed) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/hybridrt-install-proof.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "test-install: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi

# What CI exports for the checkout's own install must not steer the installs under test.
unset HYBRIDRT_REQUIRE_NATIVE HYBRIDRT_NATIVE HYBRIDRT_BUILD_FROM_SOURCE npm_config_build_from_source
export ONNXRUNTIME_NODE_INSTALL=skip
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_prefer_offline=true

step() { echo "== test-install: $*"; }
fail() {
  echo "test-install: FAIL: $*" >&2
  exit 1
}
# Fails unless file $1 contains the fixed string $2.
has() { grep -qF -- "$2" "$1" || fail "$(basename "$1") does not say: $2"; }

step "packing hybridrt and its platform package"
[ -f build/Release/hybridrt.node ] || fail "build/Release/hybridrt.node is missing: build the addon first (npm run build:native)"
main_tgz=$work/$(npm pack --json --pack-destination "$work" | node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0, 'utf8'))[0].filename)")
node scripts/prebuild.mjs --no-build --out "$work/prebuilds"
plat=$(node -p "require('./scripts/platform.cjs').platformPackageName()")
plat_tgz=$work/$(cd "$work/prebuilds/$plat" && npm pack --json --pack-destination "$work" | node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(0, 'utf8'))[0].filename)")
[ -f "$main_tgz" ] && [ -f "$plat_tgz" ] || fail "npm pack made no tarball"

# A PATH with node, npm, npx and sh only (npm runs install scripts through sh).
bare=$work/bare-path
mkdir -p "$bare"
for tool in node npm npx sh; do ln -s "$(command -v "$tool")" "$bare/$tool"; done
for tool in cmake c++ g++ gcc cc clang++; do
  if PATH=$bare command -v "$tool" >/dev/null 2>&1; then fail "$tool is on the stripped PATH"; fi
done

# An empty project named $1 with the check script and a model the repository ships.
project() {
  local dir=$work/$1
  mkdir -p "$dir"
  printf '{ "name": "proof-%s", "version": "1.0.0", "private": true }\n' "$1" >"$dir/package.json"
  cp "$repo/scripts/install-proof/check.mjs" "$dir/"
  cp "$repo/examples/resnet_mini.onnx" "$dir/model.onnx"
  echo "$dir"
}
model=(model.onnx input 1x3x64x64)
run_cli() { npx hybrid-run model.onnx --shape input=1x3x64x64 --threads 1 "$@"; }

step "(a) prebuilt: hybridrt and $plat, no cmake or compiler on PATH"
a=$(project a)
(cd "$a" && PATH=$bare npm install --foreground-scripts "$main_tgz" "$plat_tgz") >"$work/a-install.log" 2>&1 ||
  { cat "$work/a-install.log"; fail "(a) npm install failed"; }
has "$work/a-install.log" "hybridrt: using the prebuilt addon of $plat"
if grep -q "native addon was not built" "$work/a-install.log"; then fail "(a) the install step tried to build"; fi
[ ! -e "$a/node_modules/hybridrt/build" ] || fail "(a) the install step built the addon"
[ -f "$a/node_modules/$plat/hybridrt.node" ] || fail "(a) $plat was not installed"
(cd "$a" && PATH=$bare node check.mjs "${model[@]}" engines) || fail "(a) cpu engines"
(cd "$a" && PATH=$bare run_cli --backend cpu --compare) >"$work/a-cli.log" 2>&1 || { cat "$work/a-cli.log"; fail "(a) hybrid-run --compare"; }
grep -qE "logits +PASS" "$work/a-cli.log" || { cat "$work/a-cli.log"; fail "(a) hybrid-run --compare did not pass"; }

step "(b) onnxruntime only: hybridrt alone (--omit=optional), no cmake or compiler on PATH"
b=$(project b)
(cd "$b" && PATH=$bare npm install --foreground-scripts --omit=optional "$main_tgz") >"$work/b-install.log" 2>&1 ||
  { cat "$work/b-install.log"; fail "(b) npm install failed"; }
has "$work/b-install.log" "hybridrt: the native addon was not built: cmake was not found on PATH"
has "$work/b-install.log" "no prebuilt addon for this platform ($plat) is installed"
has "$work/b-install.log" "npm rebuild hybridrt --build-from-source"
[ ! -e "$b/node_modules/$plat" ] || fail "(b) $plat was installed"
(cd "$b" && PATH=$bare node check.mjs "${model[@]}" onnxruntime) || fail "(b) onnxruntime-only compile"
(cd "$b" && PATH=$bare run_cli --compare) >"$work/b-cli.out" 2>"$work/b-cli.err" || { cat "$work/b-cli.out" "$work/b-cli.err"; fail "(b) hybrid-run --compare"; }
grep -qE "logits +PASS" "$work/b-cli.out" || fail "(b) hybrid-run --compare did not pass"
[ "$(wc -l <"$work/b-cli.err")" = 1 ] || { cat "$work/b-cli.err"; fail "(b) hybrid-run printed more than the one-line warning"; }
has "$work/b-cli.err" "hybrid-run: warning: engines are unavailable, so every segment runs on onnxruntime: native addon not found"
if (cd "$b" && PATH=$bare run_cli --backend cpu) >"$work/b-cpu.log" 2>&1; then fail "(b) --backend cpu ran without an addon"; fi
has "$work/b-cpu.log" "backend 'cpu' needs hybridrt's native addon, which is unavailable"

step "(c) from source: hybridrt alone with the toolchain (the install step builds the addon)"
c=$(project c)
(cd "$c" && HYBRIDRT_WITH_CUDA=OFF npm install --foreground-scripts --omit=optional "$main_tgz") >"$work/c-install.log" 2>&1 ||
  { tail -40 "$work/c-install.log"; fail "(c) npm install failed"; }
[ -f "$c/node_modules/hybridrt/build/Release/hybridrt.node" ] || { tail -40 "$work/c-install.log"; fail "(c) the install step did not build the addon"; }
(cd "$c" && node check.mjs "${model[@]}" engines) || fail "(c) cpu engines"
(cd "$c" && npm install "$plat_tgz") >"$work/c-add.log" 2>&1 || { cat "$work/c-add.log"; fail "(c) adding $plat failed"; }
echo "not an addon" >"$c/node_modules/$plat/hybridrt.node"
(cd "$c" && node check.mjs "${model[@]}" engines) || fail "(c) the build from source is not what loads beside $plat"
(cd "$c" && npm rebuild hybridrt --foreground-scripts) >"$work/c-rebuild.log" 2>&1 || { cat "$work/c-rebuild.log"; fail "(c) npm rebuild hybridrt"; }
has "$work/c-rebuild.log" "hybridrt: keeping the addon built from source"

step "passed: (a) prebuilt, (b) onnxruntime only, (c) from source"
