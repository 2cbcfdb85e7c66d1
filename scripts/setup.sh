#!/usr/bin/env bash
# Installs what privflow needs to build, test and run on Debian 12
# (as root, or with sudo). Idempotent: packages already there are kept.
set -euo pipefail

packages=(
	build-essential cmake pkg-config git
	libclang-14-dev llvm-14-dev clang-14 clang
	# libFuzzer's runtime for scripts/fuzz.sh (clang only recommends it)
	libclang-rt-14-dev
	libsqlite3-dev libjansson-dev libgraphviz-dev graphviz
	python3
	# tests/cli/checks_integrations.py: the CI files (YAML) and GitLab's
	# SAST report schema (when python3 is Debian's; pyenv's has its own)
	python3-yaml python3-jsonschema
	# the example application and the fixtures include these headers
	libcurl4-openssl-dev libssl-dev libcrypt-dev
	# a cross-target fixture (--target=x86_64-w64-mingw32, as a MinGW build)
	mingw-w64-x86-64-dev
	# the HTML report test (headless Chromium)
	chromium
	# benchmarks
	time
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# SARIF validation needs npm; a machine may have Node.js from elsewhere
# (nodesource bundles npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all build and test dependencies are installed"
