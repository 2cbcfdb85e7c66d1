#!/usr/bin/env bash
# Gathers the seed corpora of the fuzz harnesses into OUT/<target>/ from
# what the repository already holds (nothing is copied into fuzz/):
#
#   policy   rules/*.json, fixtures/**/*.policy.json, fixtures/**/case.json,
#            fixtures/bad-*/*
#   catalog  rules/*.json, fixtures/**/*.catalog.json, fixtures/**/case.json,
#            fixtures/bad-*/*
#   compdb   the compile_commands.json of fixtures/example-app (configured
#            with CMake), fixtures/**/compile_commands.json, fixtures/bad-*/*
#   store    stores recorded by scanning fixtures/report-injection and the
#            example application, as written and compacted (512-byte pages,
#            no WAL: small inputs for the fuzzer)
#   ir       IR written by pf_tu_write (fuzz_ir_replay --write-seeds): a
#            hand-built TU and the TUs of a few fixtures
#
# plus fuzz/seeds/<target>/ (hand-written seeds) and
# fuzz/regressions/<target>/ (inputs that once crashed).
#
# usage: fuzz/seeds.sh BUILD_DIR OUT_DIR
#   BUILD_DIR holds privflow and fuzz/fuzz_ir_replay (any build).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR OUT_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
out=$2
rm -rf "$out"
mkdir -p "$out"/{policy,catalog,compdb,store,ir}
out=$(cd "$out" && pwd)
src=$PWD

# copy FILE... into DIR, each under a name made of its path (a/b.json ->
# a_b.json), so that files of the same name do not overwrite each other
put() {
	local dir=$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		cp "$f" "$dir/$(printf '%s' "$f" | tr '/ ' '__')"
	done
}

shopt -s nullglob globstar
for t in policy catalog compdb store ir; do
	put "$out/$t" fuzz/seeds/"$t"/* fuzz/regressions/"$t"/*
done
put "$out/policy" rules/*.json fixtures/**/*.policy.json fixtures/**/case.json fixtures/bad-*/*
put "$out/catalog" rules/*.json fixtures/**/*.catalog.json fixtures/**/case.json fixtures/bad-*/*
put "$out/compdb" fixtures/**/compile_commands.json fixtures/bad-*/*

# The example application's compilation database.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S fixtures/example-app -B "$tmp/example-app" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cp "$tmp/example-app/compile_commands.json" "$out/compdb/example-app.compile_commands.json"

# Stores: a scan of the injection fixture (markup and control characters
# in names, strings and policy sentences) and of the example application.
inj=fixtures/report-injection
(cd "$inj" && "$build/privflow" scan ./*.c --policy injection.policy.json --root . \
	--db "$tmp/report-injection.db" --fail-on never -q -o /dev/null)
"$build/privflow" scan -p "$tmp/example-app" --root fixtures/example-app \
	--policy rules/facturi.policy.json --db "$tmp/example-app.db" --fail-on never -q -o /dev/null
for db in report-injection example-app; do
	cp "$tmp/$db.db" "$out/store/$db.db"
	cp "$tmp/$db.db" "$out/store/$db.small.db"
	python3 - "$out/store/$db.small.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = DELETE")
c.execute("PRAGMA page_size = 512")
c.execute("VACUUM")
c.close()
EOF
done

# IR: small fixtures (few system headers, so small TUs) and the injection one.
"$build/fuzz/fuzz_ir_replay" --write-seeds "$out/ir" \
	"$inj/main.c" \
	fixtures/cleartext-transport-curl-http/sync.c \
	fixtures/forbidden-storage-crossfile-journal/*.c \
	fixtures/undeclared-category-ok-vendor-sysheader/*.c >/dev/null

for t in policy catalog compdb store ir; do
	printf 'seeds: %-8s %4d files\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
