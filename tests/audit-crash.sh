#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-crash.sh: the writer killed with SIGKILL at random points always
# leaves a log that verifies as a valid unsealed prefix (exit 2) with at
# most a partial last line; resume cuts that line, continues the chain and
# seals, and the result verifies (exit 0) with no key file left beside it.
. "$top_srcdir/tests/lib/tap.sh"

W="$top_builddir/tests/audit-crash-writer"
trials=${AUDIT_CRASH_TRIALS:-200}
# Kill delays: one trial in ten kills the writer 0..10 ms after it starts
# (often before its first line); the others 0..40 ms after it says "ready"
# (the world is in the log, so resuming needs the quorum).
delays=$(awk -v n="$trials" -v seed="$$" 'BEGIN { srand(seed);
	for (i = 0; i < n; i++) printf "%.4f\n", (i % 10 == 0 ? -1 : 1) * rand() * (i % 10 == 0 ? 0.01 : 0.04) }')

bad_prefix=0 bad_resume=0 bad_seal=0 partials=0 empty=0 resumed=0 keys_left=0 i=0
for d in $delays; do
	i=$((i + 1))
	log="$TAP_TMP/c$i.log"
	out="$TAP_TMP/w$i.out"
	"$W" write "$log" 1000000 >"$out" &
	pid=$!
	case $d in
	-*)	d=${d#-} ;;
	*)	n=0
		while ! grep -q ready "$out" 2>/dev/null && [ $n -lt 5000 ]; do
			sleep 0.002; n=$((n + 1))
		done ;;
	esac
	sleep "$d"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$out"
	"$KEYRITE" audit verify "$log" >"$TAP_TMP/v.out" 2>&1
	st=$?
	if [ "$st" -ne 2 ]; then
		# killed before the log existed (or before its first line)
		if [ ! -e "$log" ] && [ "$st" -eq 66 ]; then
			empty=$((empty + 1)); continue
		fi
		bad_prefix=$((bad_prefix + 1))
		diag "trial $i (kill after ${d}s): verify exit $st" "$(cat "$TAP_TMP/v.out")"
		continue
	fi
	grep -q "E_PARTIAL_LINE" "$TAP_TMP/v.out" && partials=$((partials + 1))
	if ! grep -q '^UNSEALED valid prefix: [1-9]' "$TAP_TMP/v.out"; then
		empty=$((empty + 1)); rm -f "$log" "$log.key"; continue
	fi
	if ! "$W" resume "$log" >"$TAP_TMP/r.out" 2>&1; then
		bad_resume=$((bad_resume + 1))
		diag "trial $i: resume failed" "$(cat "$TAP_TMP/r.out")"
		continue
	fi
	resumed=$((resumed + 1))
	"$KEYRITE" audit verify "$log" >"$TAP_TMP/v.out" 2>&1
	st=$?
	# sealed and valid: 0, or 3 as nothing here anchors it
	if [ "$st" -ne 0 ] && [ "$st" -ne 3 ]; then
		bad_seal=$((bad_seal + 1))
		diag "trial $i: resumed log does not verify" "$(cat "$TAP_TMP/v.out")"
	fi
	# no key file, nor a temporary one from the killed writer, survives the seal
	for f in "$log".key*; do
		[ -e "$f" ] && { keys_left=$((keys_left + 1)); diag "trial $i: $f left"; }
	done
	rm -f "$log" "$log.key"
done

diag "$trials trials: $resumed resumed, $partials with a partial last line, $empty killed before the first line"
if [ "$bad_prefix" -eq 0 ]; then ok "every crash left a valid prefix ($trials trials)"; else not_ok "$bad_prefix crashes left something else"; fi
if [ "$bad_resume" -eq 0 ]; then ok "every resume succeeded ($resumed)"; else not_ok "$bad_resume resumes failed"; fi
if [ "$bad_seal" -eq 0 ]; then ok "every resumed and sealed log verifies"; else not_ok "$bad_seal resumed logs do not verify"; fi
if [ "$keys_left" -eq 0 ]; then ok "no key file left after the seal"; else not_ok "$keys_left key files left after the seal"; fi
if [ "$partials" -gt 0 ]; then ok "partial last lines were exercised ($partials)"; else not_ok "no trial hit a partial line"; fi
done_testing
