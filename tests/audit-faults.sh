#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-faults.sh: I/O faults injected with strace at points spread over a
# whole legacy rehearsal: write fails with ENOSPC, fsync and fdatasync with
# EIO, rename with EIO.  Each faulted run exits 74 (an I/O error) and
# leaves a log that verifies as a valid prefix or sealed; the same command
# without the fault then resumes to a sealed log that verifies with the
# anchors of its summary.  The points are the k-th calls of each system
# call, k spread over the counts of one clean run, and one while the
# sandbox is built.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	echo "1..0 # SKIP strace is not installed"; exit 0
fi
if ! strace -f -qq -o /dev/null -e inject=fsync:error=EIO:when=1 true 2>/dev/null; then
	echo "1..0 # SKIP strace cannot trace here (ptrace not permitted)"; exit 0
fi
# LeakSanitizer cannot run under ptrace (it stops the process with exit 1),
# so a sanitizer build checks leaks everywhere but here.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

ANS="$EX/ncipher-byok-legacy.answers.yaml"
rehearse() { # DIR [STRACE ARGS...]
	d=$1; shift
	"$@" "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --batch "$ANS" \
	    --keep "$d" $FAST
}

# One clean run, counting the calls.
rehearse "$TAP_TMP/clean" strace -f -qq -c -o "$TAP_TMP/counts" \
    -e trace=write,fsync,fdatasync,rename >"$TAP_TMP/clean.out" 2>&1
check "a clean rehearsal under strace" test -s "$TAP_TMP/clean/out/summary.txt"
# strace -c: "% time  seconds  usecs/call  calls  [errors]  syscall"
count() { awk -v s="$1" '$NF == s { print $4 }' "$TAP_TMP/counts"; }

# POINTS: "syscall error k" lines, k spread over each call's count.
: >"$TAP_TMP/points"
for spec in "fdatasync EIO 6" "fsync EIO 5" "rename EIO 5" "write ENOSPC 5"; do
	set -- $spec
	n=$(count "$1")
	if [ -z "$n" ] || [ "$n" -lt "$3" ]; then
		not_ok "strace counted $1 ($n calls)"; continue
	fi
	i=1
	while [ $i -le "$3" ]; do
		echo "$1 $2 $((n * i / ($3 + 1) + 1))" >>"$TAP_TMP/points"
		i=$((i + 1))
	done
done
# And one early, while the sandbox is built: no half-made --keep folder
# may refuse the rerun.
echo "fsync EIO 3" >>"$TAP_TMP/points"
np=$(wc -l <"$TAP_TMP/points")
if [ "$np" -ge 20 ]; then ok "$np fault points spread over the run"; else not_ok "only $np fault points"; fi

j=0
while read -r sc err k; do
	j=$((j + 1))
	D=$TAP_TMP/f$j
	what="$sc $err at call $k"
	rehearse "$D" strace -f -qq -o /dev/null -e trace="$sc" \
	    -e inject="$sc":error="$err":when="$k" >"$D.out" 2>&1
	rc=$?
	if [ $rc -eq 74 ]; then ok "$what: exit 74"; else
		not_ok "$what: exit 74 (got $rc)"; diag "$(tail -5 "$D.out")"; fi
	log=$D/out/ncipher-byok-legacy.log
	if [ -e "$log" ]; then
		"$KEYRITE" audit verify "$log" >"$D.v" 2>&1
		v=$?
	else
		v=none
	fi
	case $v in
	0|2|3|none) ok "$what: the log verifies as a prefix or sealed ($v)" ;;
	*) not_ok "$what: the log verifies as a prefix or sealed ($v)"; diag "$(cat "$D.v")" ;;
	esac
	if [ "$v" = 0 ] || [ "$v" = 3 ]; then
		check "$what: sealed, the summary is there" test -s "$D/out/summary.txt"
		continue
	fi
	rehearse "$D" >"$D.again" 2>&1
	rc=$?
	# shellcheck disable=SC2046
	if [ $rc -eq 0 ] && "$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") \
	    "$log" >"$D.v2" 2>&1; then
		ok "$what: the same command resumes to a sealed, anchored log"
	else
		not_ok "$what: the same command resumes to a sealed, anchored log (exit $rc)"
		diag "$(tail -5 "$D.again")" "$(cat "$D.v2" 2>/dev/null)"
	fi
	rm -rf "$D"
done <"$TAP_TMP/points"
done_testing
