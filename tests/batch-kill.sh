#!/bin/sh
# SPDX-License-Identifier: ISC
# batch-kill.sh: SIGKILL during a live run (azure-byok, openssl KEK, PINs
# on --pin-fd), then the same command again: it resumes, completes, and the
# log verifies sealed with its resume entries.
#
# Inside steps the kill is exact: the PINs come through a pipe that holds
# only k of them, so the run waits inside the step that asks for the next
# one (new-world before and after the world is made, generate-key and
# package at their checkpoints, the seal).  At step boundaries the kill
# follows the step's first line on standard output.  Every card has the
# same PIN so that a resumed run may ask for cards in any order.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

B=$TAP_TMP/base
azure_live "$B" || { not_ok "setup"; done_testing; exit 1; }
i=0
while [ $i -lt 60 ]; do echo "same-pin-for-all"; i=$((i + 1)); done >"$TAP_TMP/pins"

# fresh DIR: a new state and output directory sharing the base's KEK.
fresh() {
	rm -rf "$1"; mkdir -p "$1"
	cp -R "$B/media" "$1/media"
}

# run_it DIR: the run, in this shell's process (callers background it in
# a subshell that execs, so that $! is keyrite itself).
run_it() {
	exec "$KEYRITE" run "$CER/azure-byok.yaml" --state "$1/state" --out "$1/out" \
	    --media "$1/media" --batch "$B/answers.yaml" --pin-fd 3
}

finish() { # DIR DESC
	(run_it "$1") 3<"$TAP_TMP/pins" >"$1/rerun.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "$2: the rerun completes"; else
		not_ok "$2: the rerun completes (exit $rc)"; diag "$(tail -20 "$1/rerun.out")"; fi
	# shellcheck disable=SC2046
	if "$KEYRITE" audit verify $(minutes_opts "$1/out/summary.txt") \
	    "$1/out/azure-byok.log" >"$1/verify.out" 2>&1 &&
	    grep -q '^PASS sealed' "$1/verify.out"; then ok "$2: the log verifies sealed"; else
		not_ok "$2: the log verifies sealed"; diag "$(cat "$1/verify.out")"; fi
	if grep -q '"type":"resume"' "$1/out/azure-byok.log"; then ok "$2: the log has a resume entry"; else
		not_ok "$2: the log has a resume entry"; fi
	check "$2: the .byok is there" test -s "$1/out/TestKey.byok"
}

# Exact points: the run blocks waiting for PIN k+1.
for k in 0 3 5 7 9; do
	D=$TAP_TMP/pin$k
	fresh "$D"
	mkfifo "$D/fifo"
	( exec 4>"$D/fifo"; head -n "$k" "$TAP_TMP/pins" >&4; exec sleep 60 ) &
	holder=$!
	(run_it "$D") 3<"$D/fifo" >"$D/first.out" 2>&1 &
	pid=$!
	# wait until the k PINs are used and the run is waiting for more
	n=0
	while [ $n -lt 200 ]; do
		used=$(grep -c 'PIN entered\|PIN hidden' "$D/first.out" 2>/dev/null)
		[ "${used:-0}" -ge "$k" ] && break
		sleep 0.05; n=$((n + 1))
	done
	sleep 0.5
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	where=$(grep '^\[' "$D/first.out" | tail -1 | sed 's/\].*//; s/^\[//')
	finish "$D" "killed waiting for PIN $((k + 1)) (in ${where:-start})"
done

# Step boundaries: killed as soon as the step's first line appears.
for step in check-offline backup-world import-kek carry-package; do
	D=$TAP_TMP/at-$step
	fresh "$D"
	(run_it "$D") 3<"$TAP_TMP/pins" >"$D/first.out" 2>&1 &
	pid=$!
	n=0
	while [ $n -lt 3000 ] && ! grep -q "^\[$step\]" "$D/first.out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01; n=$((n + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	finish "$D" "killed at the start of $step"
done

done_testing
