#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-progress.sh: a resume trusts the progress file only as far as the
# verified log bears it out.  A live run stops half-way (its PIN pipe
# runs dry); a parameter edited in LOG.progress is refused with exit 65
# naming the file and the parameter, and nothing is appended to the log;
# with the file as the run left it, the same command resumes to a sealed
# log that verifies with the anchors of its summary.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

D=$TAP_TMP/p
LOG=$D/out/azure-byok.log
PROG=$LOG.progress
check "setup: an openssl KEK and answers" azure_live "$D"
pins "$D/pins" 3 40
head -n 3 "$D/pins" >"$D/few"
run_it() { # PINFILE
	"$KEYRITE" run "$CER/azure-byok.yaml" --state "$D/state" --out "$D/out" \
	    --media "$D/media" --batch "$D/answers.yaml" --pin-fd 3 3<"$1"
}
expect_status 65 "the first run stops when its PINs run out" run_it "$D/few"
check "it left a progress file" test -s "$PROG"
expect_status 2 "and a valid unsealed log" "$KEYRITE" audit verify "$LOG"
cp "$PROG" "$D/progress.orig"
cp "$LOG" "$D/log.orig"

sed 's/"vault_name": "TestVault"/"vault_name": "EvilVault"/' "$D/progress.orig" >"$PROG"
if cmp -s "$PROG" "$D/progress.orig"; then
	not_ok "setup: vault_name is in the progress file"; diag "$(cat "$PROG")"
else
	ok "setup: vault_name is in the progress file"
fi
expect_status 65 "an edited parameter in the progress file is refused" run_it "$D/pins"
output_has "$PROG: parameter 'vault_name' is not the value the log records" \
    "the refusal names the file and the parameter"
check "nothing was appended to the log" cmp -s "$LOG" "$D/log.orig"

sed 's/"mode-init": "ok"/"mode-init": "skipped"/' "$D/progress.orig" >"$PROG"
expect_status 65 "an edited step status is refused" run_it "$D/pins"
output_has "step 'mode-init' is 'skipped' but the log does not say so" "the refusal names the step"

cp "$D/progress.orig" "$PROG"
expect_status 0 "with the file as the run left it, the same command resumes and seals" run_it "$D/pins"
# shellcheck disable=SC2046
expect_status 0 "the log verifies with the anchors of its summary" \
    "$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$LOG"
if grep -q EvilVault "$LOG" "$D/out"/*.byok "$D/out/summary.txt" 2>/dev/null; then
	not_ok "the edited value reached nothing"; else ok "the edited value reached nothing"; fi
done_testing
