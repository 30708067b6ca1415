#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-backup.sh: `backup what: key' on a token.  The key made on a
# PKCS#11 token is sensitive and never leaves it, so the backup step
# refuses `what: key' there.  azure-byok with its backup-key step on both
# engines (the shipped one runs it on the software module only), run live
# on a fresh token in batch mode: the run fails at backup-key (exit 1), the
# message names the step and the runbook's file:line:col of `what: key',
# nothing is written for it (the backup folder holds only the world record
# backup-world copied; the log holds no artifact of backup-key and records
# it failed), and the log up to there is valid (not sealed).
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

BK=$TAP_TMP/azure-key.yaml
awk '/^  - id: backup-key$/ { bk = 1 } /^  - id: package$/ { bk = 0 }
	bk && /^    engines: \[soft\]$/ { next } { print }' \
	"$CER/azure-byok.yaml" >"$BK"
line=$(grep -n '^      what: key$' "$BK" | cut -d: -f1)
if [ -n "$line" ] && ! awk '/^  - id: backup-key$/,/^      what: key$/' "$BK" |
    grep -q 'engines:'; then
	ok "the test's ceremony runs backup-key (what: key) on both engines"
else not_ok "the test's ceremony runs backup-key (what: key) on both engines"; fi

D=$TAP_TMP/live
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
( cd "$D" && "$KEYRITE" run "$BK" --token "pkcs11:token=bk?module-path=$P11_LIB" \
    --state "$D/state" --out "$D/out" --media "$D/media" \
    --batch answers.yaml --pin-fd 3 3<"$D/pins" >"$D/run.out" 2>&1 )
rc=$?
check "the run fails at backup-key (exit $rc)" [ $rc -eq 1 ]
if grep -q "^keyrite: step 'backup-key' failed: $BK:$line:13: backup what: key: a key on a PKCS#11 token is sensitive and never leaves it as a file; nothing was written; back up the world record (what: world), or run this step on the software module only (engines: \[soft\])$" \
    "$D/run.out"; then
	ok "the message names the step, the runbook's file:line:col and why"
else
	not_ok "the message names the step, the runbook's file:line:col and why"
	diag "$(tail -5 "$D/run.out")"
fi
check "the steps before it ran (the world was backed up)" \
	test -s "$D/out/backup/token-world"
check "nothing else is in the backup folder" \
	[ "$(ls -A "$D/out/backup")" = token-world ]
"$KEYRITE" audit show "$D/out/azure-byok.log" >"$D/show" 2>&1
check "the log records backup-key as failed, with the message" grep -q \
	"step-result *step=backup-key .*detail=\"$BK:$line:13: backup what: key: .*result=failed" "$D/show"
check "and nothing else of it (no artifact): its start and its result" \
	[ "$(grep -c 'step=backup-key ' "$D/show")" -eq 2 ]
expect_status 2 "the log up to there is valid, not sealed (exit 2)" \
	"$KEYRITE" audit verify "$D/out/azure-byok.log"
output_has '^UNSEALED valid prefix' "said so by audit verify"
done_testing
