# SPDX-License-Identifier: ISC
# tap.sh: a few TAP helpers for the shell tests.  Source it, call plan or
# let done_testing count, then ok/not_ok/check.
tap_n=0
tap_failed=0
: "${KEYRITE:=${top_builddir:-.}/keyrite}"
: "${top_srcdir:=.}"

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check DESC COMMAND...: ok when the command succeeds.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_status WANT DESC COMMAND...: runs the command, compares its exit status.
expect_status() {
	want=$1; desc=$2; shift 2
	"$@" >"$TAP_TMP/out" 2>"$TAP_TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"; else
		not_ok "$desc (exit $got, wanted $want)"; diag "stdout:" "$(cat "$TAP_TMP/out")" "stderr:" "$(cat "$TAP_TMP/err")"; fi
}

# output_has PATTERN DESC: the last expect_status's stdout+stderr matches (grep -E).
output_has() {
	if cat "$TAP_TMP/out" "$TAP_TMP/err" | grep -Eq -- "$1"; then ok "$2"; else
		not_ok "$2"; diag "wanted /$1/ in:" "$(cat "$TAP_TMP/out" "$TAP_TMP/err")"; fi
}

done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keyrite-test.XXXXXX")
trap 'rm -rf "$TAP_TMP"' EXIT

# The anchors of a summary.txt as `keyrite audit verify' options, the way a
# witness copies them from the minutes (groups joined, cards card 1 first):
#   "$KEYRITE" audit verify $(minutes_opts DIR/summary.txt) LOG
minutes_opts() {
	awk '
	/^genesis fingerprint \(--expect-genesis\)/ { want = "g"; next }
	/^card [0-9]+ fingerprint \(--expect-cards/ { want = "c"; next }
	/^seal fingerprint \(--expect-seal\)/ { want = "s"; next }
	want != "" {
		v = $0; gsub(/ /, "", v)
		if (want == "g") g = v
		else if (want == "s") s = v
		else c = (c == "" ? v : c "," v)
		want = ""
	}
	END {
		if (g != "") printf "--expect-genesis %s ", g
		if (c != "") printf "--expect-cards %s ", c
		if (s != "") printf "--expect-seal %s", s
		print ""
	}' "$1"
}
