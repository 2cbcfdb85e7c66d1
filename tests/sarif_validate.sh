#!/bin/sh
# Validates a SARIF file with Microsoft's official SARIF validator
# (@microsoft/sarif-multitool, from npm): the JSON schema plus the SARIF
# best-practice rules. Passes only when the validator reports no error and
# no warning (notes, such as "no code snippets", are allowed).
#
#   tests/sarif_validate.sh FILE.sarif
#
# The validator is looked up in $PF_SARIF_TOOL_DIR (an npm prefix; CTest
# sets it inside the build tree; default ~/.cache/privflow/sarif-multitool)
# and installed there with npm when missing. Exit: 0 valid, 1 invalid or validator unusable, 2 bad
# usage, 77 (CTest skip) only when the validator is absent and npm too.
set -u

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 FILE.sarif (an existing file)" >&2
	exit 2
fi
sarif=$1
tool_dir=${PF_SARIF_TOOL_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/privflow/sarif-multitool}
tool_version=${PF_SARIF_TOOL_VERSION:-5.7.0}

find_tool() {
	for t in "$tool_dir"/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool \
	         "$tool_dir"/node_modules/@microsoft/sarif-multitool-darwin/Sarif.Multitool; do
		if [ -f "$t" ]; then
			echo "$t"
			return 0
		fi
	done
	return 1
}

tool=$(find_tool)
if [ -z "$tool" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "$0: npm not found: cannot install the SARIF validator (skipped)" >&2
		exit 77
	fi
	mkdir -p "$tool_dir" || exit 1
	# Parallel tests share the folder: one installs, the others wait.
	(
		command -v flock >/dev/null 2>&1 && flock 9
		if ! find_tool >/dev/null; then
			npm install --no-audit --no-fund --prefix "$tool_dir" \
				"@microsoft/sarif-multitool@$tool_version" >"$tool_dir/npm.log" 2>&1 ||
				{ cat "$tool_dir/npm.log" >&2; exit 1; }
		fi
	) 9>"$tool_dir/.lock" || { echo "$0: npm install of the SARIF validator failed" >&2; exit 1; }
	tool=$(find_tool) || { echo "$0: validator not found under $tool_dir after npm install" >&2; exit 1; }
fi
# npm may not run the package's postinstall (which sets the mode).
[ -x "$tool" ] || chmod u+x "$tool" || exit 1

# A .NET program: run without ICU where the system has none.
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT

out=$("$tool" validate --level "Error;Warning;Note" "$sarif" 2>&1)
rc=$?
errors=$(printf '%s\n' "$out" | grep -c ': error [A-Z]*[0-9]*:')
warnings=$(printf '%s\n' "$out" | grep -c ': warning [A-Z]*[0-9]*:')
diags=$(printf '%s\n' "$out" | grep -c ': \(error\|warning\|note\) [A-Z]*[0-9]*:')

fail=
[ "$rc" -eq 0 ] || fail="the validator exited with status $rc"
[ "$errors" -eq 0 ] && [ "$warnings" -eq 0 ] ||
	fail="$errors error(s), $warnings warning(s)"
# The validator silently reports nothing on a log it cannot deserialise
# (an unknown enum value, say), while every privflow log draws a few notes
# (rule ids without numbers, no snippets): silence means it did not look.
[ -n "$fail" ] || [ "$diags" -gt 0 ] ||
	fail="the validator reported nothing at all (a log it could not read?)"

if [ -n "$fail" ]; then
	printf '%s\n' "$out" >&2
	echo "$0: $sarif: $fail" >&2
	exit 1
fi
echo "$sarif: valid SARIF 2.1.0 ($(printf '%s\n' "$out" | grep -c ': note ') note(s))"
exit 0
