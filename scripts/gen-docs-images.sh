#!/bin/sh
# Regenerates the images of docs/reports.md from the example application:
#   docs/images/example-app-datamap.svg   the data map (privflow --format svg)
#   docs/images/example-app-overview.svg  its overview (--graph-overview)
#   docs/images/example-app-report.png    the top of the HTML report, as
#                                         headless Chromium renders it
#   docs/images/example-app-record.png    one purpose of the record of processing
#   docs/images/example-app-disclosure.png  the disclosure grading
#   docs/images/example-app-purpose-map.png the map of one purpose
#   docs/images/example-app-inventory.png the data inventory
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
cd "$here" # the report names the policy as it is given: relative
"$privflow" scan -p "$tmp/ex" --root fixtures/example-app \
	--policy rules/facturi.policy.json --no-db --fail-on never \
	--format html,svg --out-dir "$tmp/out"
mkdir -p "$here/docs/images"
cp "$tmp/out/privflow.svg" "$here/docs/images/example-app-datamap.svg"
"$privflow" scan -p "$tmp/ex" --root fixtures/example-app \
	--policy rules/facturi.policy.json --no-db --fail-on never \
	--format svg --graph-overview -o "$here/docs/images/example-app-overview.svg"

# shot FILE.png WIDTH,HEIGHT [CSS [SED]]: the report, with CSS added (what
# to hide) and edited by SED
shot() {
	sed -e "s|</head>|<style>${3:-}</style></head>|" -e "${4:-}" "$tmp/out/privflow.html" \
		>"$tmp/shot.html"
	"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run \
		--user-data-dir="$tmp/profile" --hide-scrollbars --window-size="$2" \
		--screenshot="$here/docs/images/$1" "file://$tmp/shot.html" 2>/dev/null
}
only() { echo "header,nav,main>section:not(#$1){display:none}"; }
shot example-app-report.png 1280,1600
shot example-app-inventory.png 1280,1100 "$(only inventory)"
shot example-app-record.png 1280,1300 "$(only processing) article.activity~article.activity{display:none}"
shot example-app-disclosure.png 1280,1500 "$(only disclosure)"
shot example-app-purpose-map.png 1280,720 \
	"$(only data-map) #data-map>p,#data-map>figure,details.map:not(#map-4){display:none}" \
	's#<details class="map" id="map-4">#<details class="map" id="map-4" open>#' 
echo "gen-docs-images: wrote docs/images/example-app-{datamap,overview}.svg and" \
	"example-app-{report,inventory,record,disclosure,purpose-map}.png"
