#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-endings.sh: honest endings.  A write that fails after the seal
# (summary.txt cannot be written) is an error with its own status, not a
# warning and exit 0; a write error on standard output is an error (74).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

D=$TAP_TMP/s
check "setup: an openssl KEK and answers" azure_live "$D"
pins "$D/pins" 3 40
mkdir -p "$D/out/summary.txt"	# a directory where the summary goes
"$KEYRITE" run "$CER/azure-byok.yaml" --state "$D/state" --out "$D/out" \
    --media "$D/media" --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins" \
    >"$TAP_TMP/out" 2>"$TAP_TMP/err"
rc=$?
if [ $rc -ne 0 ]; then ok "a failure after the seal exits non-zero ($rc)"; else
	not_ok "a failure after the seal exits non-zero"; fi
output_has 'the log is sealed, but: .*summary\.txt' "it names the real error"
if grep -q '^keyrite: warning' "$TAP_TMP/err"; then not_ok "not a bare warning"; else ok "not a bare warning"; fi
expect_status 3 "the log itself is sealed and valid" "$KEYRITE" audit verify "$D/out/azure-byok.log"

if [ -w /dev/full ]; then
	"$KEYRITE" audit verify "$D/out/azure-byok.log" >/dev/full 2>"$TAP_TMP/err"
	rc=$?
	if [ $rc -eq 74 ]; then ok "audit verify to a full stdout exits 74"; else
		not_ok "audit verify to a full stdout exits 74 (got $rc)"; fi
	if grep -q 'standard output' "$TAP_TMP/err"; then ok "and says so"; else
		not_ok "and says so"; diag "$(cat "$TAP_TMP/err")"; fi
	"$KEYRITE" audit transcript "$D/out/azure-byok.log" >/dev/full 2>/dev/null
	rc=$?
	if [ $rc -eq 74 ]; then ok "audit transcript to a full stdout exits 74"; else
		not_ok "audit transcript to a full stdout exits 74 (got $rc)"; fi
	"$KEYRITE" audit show "$D/out/azure-byok.log" >/dev/full 2>/dev/null
	rc=$?
	if [ $rc -eq 74 ]; then ok "audit show to a full stdout exits 74"; else
		not_ok "audit show to a full stdout exits 74 (got $rc)"; fi
	"$KEYRITE" rehearse "$CER/azure-byok.yaml" --batch "$EX/azure-byok.answers.yaml" \
	    --keep "$TAP_TMP/full" $FAST >/dev/full 2>"$TAP_TMP/err"
	rc=$?
	if [ $rc -eq 74 ]; then ok "a rehearsal whose stdout is full exits 74"; else
		not_ok "a rehearsal whose stdout is full exits 74 (got $rc)"; diag "$(tail -3 "$TAP_TMP/err")"; fi
else
	ok "# SKIP /dev/full is not writable here"
fi
done_testing
