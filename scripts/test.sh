#!/usr/bin/env bash
# Builds privflow and runs the whole test suite with CTest: unit tests of
# the engine, golden fixtures, the example application, SARIF validation,
# the HTML report in headless Chromium, the documentation's examples.
# PRIVFLOW_SANITIZE=1 builds with AddressSanitizer + UBSan into
# build-asan/ instead of build/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
dir=build
opts=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DPRIVFLOW_WERROR=ON)
if [ "${PRIVFLOW_SANITIZE:-0}" = 1 ]; then
	dir=build-asan
	opts=(-DCMAKE_BUILD_TYPE=Debug -DPRIVFLOW_SANITIZE=ON -DPRIVFLOW_WERROR=ON)
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
cmake -S . -B "$dir" "${opts[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
cd "$dir"
ctest --output-on-failure -j"$(nproc)"
