#!/bin/sh
# Regenerates the images of docs/reports.md from the example application:
#   docs/images/example-app-datamap.svg   the data map (privflow --format svg)
#   docs/images/example-app-report.png    the top of the HTML report, as
#                                         headless Chromium renders it
# Usage: scripts/gen-docs-images.sh [BUILD_DIR]   (default: build)
# Needs a built privflow, cmake and chromium. Review the result as a diff.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
privflow=$build/privflow
chromium=${PF_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -x "$privflow" ] || { echo "gen-docs-images: no $privflow: build first" >&2; exit 2; }
[ -n "$chromium" ] || { echo "gen-docs-images: chromium not found (apt-get install chromium)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$here/fixtures/example-app" -B "$tmp/ex" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
"$privflow" scan -p "$tmp/ex" --root "$here/fixtures/example-app" \
	--policy "$here/rules/facturi.policy.json" --no-db --fail-on never \
	--format html,svg --out-dir "$tmp/out"
mkdir -p "$here/docs/images"
cp "$tmp/out/privflow.svg" "$here/docs/images/example-app-datamap.svg"
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run \
	--user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1280,1600 \
	--screenshot="$here/docs/images/example-app-report.png" \
	"file://$tmp/out/privflow.html" 2>/dev/null
echo "gen-docs-images: wrote docs/images/example-app-datamap.svg and docs/images/example-app-report.png"
