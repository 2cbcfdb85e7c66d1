#!/usr/bin/env bash
# A packager's view: a Release build (with -Werror here, to keep the code
# free of the warnings optimising compilers add), installed to a scratch
# prefix that is then moved, so the binary can only find its data beside
# itself; the installed copy scans the example application.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DPRIVFLOW_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-release -j"$(nproc)"
cmake --install build-release --prefix "$work/p1" >/dev/null
mv "$work/p1" "$work/p2"
cmake -S fixtures/example-app -B "$work/example" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
status=0
env -u PRIVFLOW_DATADIR PATH=/usr/bin:/bin "$work/p2/bin/privflow" --version
env -u PRIVFLOW_DATADIR PATH=/usr/bin:/bin "$work/p2/bin/privflow" scan -p "$work/example" \
	--root fixtures/example-app --policy bundled:facturi --no-db --format json -o "$work/report.json" || status=$?
if [ "$status" -ne 1 ]; then
	echo "release-check: the installed copy exited $status (expected 1: findings)" >&2
	exit 1
fi
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$work/report.json")
echo "release-check: the installed Release build scanned the example app: $n findings"
[ "$n" -gt 10 ]
