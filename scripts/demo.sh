#!/usr/bin/env bash
# The main job: installs the dependencies, builds privflow, and scans the
# bundled example application (fixtures/example-app) with the bundled
# policy (rules/facturi.policy.json). Findings are printed; every report
# format is written to out/ (privflow.txt, .json, .sarif, .md, .html,
# .svg, .dot) and the facts to out/privflow.db.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPRIVFLOW_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
cmake -S fixtures/example-app -B build/example-app -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null

mkdir -p out
status=0
./build/privflow scan -p build/example-app --root fixtures/example-app \
	--policy rules/facturi.policy.json --db out/privflow.db --fail-on never || status=$?
formats=$(./build/privflow scan --help | sed -n 's/^formats: //p' | tr -d ' ')
./build/privflow report --db out/privflow.db --policy rules/facturi.policy.json \
	--format "$formats" --out-dir out --fail-on never
echo
echo "demo: reports written to out/: $(cd out && ls privflow.* | tr '\n' ' ')"
exit $status
