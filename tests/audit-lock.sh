#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-lock.sh: one writer per log.  Two runs with different --state and
# one --out: the second is refused with 75 and a message naming the log;
# the first, given its PINs, goes on to a sealed log that verifies with
# the anchors of its summary.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

L=$TAP_TMP/lock
LOG=$L/out/azure-byok.log
if azure_live "$L" && mkfifo "$L/fifo"; then
	pins "$L/pins" 3 40
	# The first run waits on the pipe for its PINs, holding the log.
	"$KEYRITE" run "$CER/azure-byok.yaml" --state "$L/state" --out "$L/out" \
	    --media "$L/media" --batch "$L/answers.yaml" --pin-fd 3 3<"$L/fifo" \
	    >"$L/first.out" 2>&1 &
	first=$!
	exec 4>"$L/fifo"
	i=0
	while [ $i -lt 200 ] && ! grep -q '^\[new-world\]' "$L/first.out" 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	check "the first run started the log" test -s "$LOG"
	expect_status 75 "a second run on the same log, another state directory" \
	    "$KEYRITE" run "$CER/azure-byok.yaml" --state "$L/state2" --out "$L/out" \
	    --media "$L/media" --batch "$L/answers.yaml" --pin-fd 0
	output_has "$LOG: the log is being written by another run" "the refusal names the log"
	check "the second run made no key in its state directory" test ! -d "$L/state2/audit"
	expect_status 2 "meanwhile the log is a valid unsealed prefix" "$KEYRITE" audit verify "$LOG"
	cat "$L/pins" >&4
	exec 4>&-
	wait "$first"
	rc=$?
	if [ "$rc" -eq 0 ]; then ok "the first run completes (exit 0)"; else
		not_ok "the first run completes (exit $rc)"; diag "$(tail -20 "$L/first.out")"; fi
	# shellcheck disable=SC2046
	expect_status 0 "the log verifies, sealed and anchored" \
	    "$KEYRITE" audit verify $(minutes_opts "$L/out/summary.txt") "$LOG"
	expect_status 0 "the module's own world file anchors the cards (--world)" \
	    "$KEYRITE" audit verify --world "$L/state/local/world" "$LOG"
	output_has 'anchors: cards' "the cards are anchored"
else
	not_ok "lock test setup"
fi
done_testing
