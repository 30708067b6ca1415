#!/bin/sh
# SPDX-License-Identifier: ISC
# memlock.sh: with no locked memory (`ulimit -l 0', and without
# CAP_IPC_LOCK when run as root) a live run refuses to start with exit 71,
# the reason and the fix, and writes nothing; a rehearsal warns on the
# screen and in its log, and completes.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

# nolock CMD...: CMD with RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK.
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null 2>&1; then
		echo "1..0 # SKIP root without setpriv: CAP_IPC_LOCK cannot be dropped"
		exit 0
	fi
	nolock() { (ulimit -l 0 && exec setpriv --inh-caps=-ipc_lock \
	    --bounding-set=-ipc_lock "$@"); }
else
	nolock() { (ulimit -l 0 && exec "$@"); }
fi

D=$TAP_TMP/live
check "setup: an openssl KEK and answers" azure_live "$D"
pins "$D/pins" 3 40
expect_status 71 "a live run without locked memory" nolock "$KEYRITE" run \
    "$CER/azure-byok.yaml" --state "$D/state" --out "$D/out" --media "$D/media" \
    --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
output_has "the secure heap cannot be locked in memory" "the reason"
output_has "ulimit -l 2048" "the fix"
check "no log was started" test ! -e "$D/out/azure-byok.log"

S=$TAP_TMP/reh
expect_status 0 "a rehearsal without locked memory" nolock "$KEYRITE" rehearse \
    "$CER/azure-byok.yaml" --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST
output_has "the secure heap is not locked in memory" "the rehearsal warns on the screen"
check "and in its log" grep -q "the secure heap is not locked in memory" "$S/out/azure-byok.log"

done_testing
