#!/usr/bin/env bash
# The engine and kernel tests (test/engine: every layer kind against onnxruntime, the conv
# geometries drawn at random, plans, concurrency, NaN semantics) against an addon built with
# AddressSanitizer and UndefinedBehaviorSanitizer: a read or write outside a buffer, or
# undefined behaviour, fails the run even where the answer happens to be right.
# Builds into build-sanitize/ (the normal addon stays as it is); CI runs it after npm test.
#   bash scripts/test-sanitizers.sh [vitest file filters...]
set -euo pipefail
cd "$(dirname "$0")/.."

HYBRIDRT_SANITIZE=ON node scripts/build-native.mjs

# node itself is not instrumented: the sanitizer runtimes are preloaded. Leak checking is off
# (V8 and onnxruntime keep allocations to the end of the process by design).
asan=$(g++ -print-file-name=libasan.so)
ubsan=$(g++ -print-file-name=libubsan.so)
export LD_PRELOAD="$asan:$ubsan"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_odr_violation=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export HYBRIDRT_NATIVE="$PWD/build-sanitize/Release/hybridrt.node"
npx vitest run --project unit "${@:-test/engine}"
