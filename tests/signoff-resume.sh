#!/bin/sh
# SPDX-License-Identifier: ISC
# signoff-resume.sh: a sign-off that was not given keeps its step open
# across a resume (batch mode), for a step that succeeded and for one
# whose run ended skipped (at the end).  The rehearsal of
# tests/fixtures/front/signoff-world.yaml stops at new-world's second
# sign-off (the answers file names the witness, not the custodian: exit
# 65).  The same command with the custodian named resumes at that
# sign-off: new-world is not run again (one world, one step-start), the
# witness is not asked again, the custodian's sign-off and the checkpoint
# are logged after the resume, and the log seals and verifies.  The cards
# are asked once after the resume: the two that cosign the resume cosign
# the pending checkpoint too (they were asked twice before).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

FIX=$top_srcdir/tests/fixtures/front/signoff-world.yaml
K=$TAP_TMP/k
LOG=$K/out/signoff-world.log
cat >"$TAP_TMP/a1.yaml" <<'EOF'
operator: Olivia Operator
signoff: {witness: Walter Witness}
confirm: true
cards: [1, 2]
pins: ['rehearse-card-1', 'rehearse-card-2', 'rehearse-card-3']
EOF
sed 's/^signoff: .*/signoff: {witness: Walter Witness, custodian: Cora Custodian}/' \
    "$TAP_TMP/a1.yaml" >"$TAP_TMP/a2.yaml"

# count EVENT STEP: entries of the log with that event for that step
count() {
	"$KEYRITE" audit show "$LOG" 2>/dev/null | grep " $1 " | grep -c "step=$2 "
}

expect_status 65 "the first run stops at new-world's custodian sign-off" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/a1.yaml" --keep "$K" $FAST
output_has "step 'new-world' needs a sign-off by role 'custodian'" "it names the step and the role"
expect_status 2 "the log is a valid unsealed prefix" "$KEYRITE" audit verify "$LOG"
check "the world was made once" [ "$(count step-result new-world)" -eq 1 ]
check "the witness signed off, the custodian did not" \
    [ "$(count signoff new-world)" -eq 1 ]

expect_status 0 "the same command, the custodian named, resumes and seals" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/a2.yaml" --keep "$K" $FAST
output_has "resumed the log after step 'new-world', whose sign-off the log does not hold: it is asked now" \
    "the resume says the sign-off is asked"
output_has '^\[new-world\] signed off for custodian by Cora Custodian' "the custodian signs off"
# the prompts for cards before the seal step's own: the resume's K only
n=$(sed '/^\[seal\] /,$d' "$TAP_TMP/out" | grep -c 'presenting card')
if [ "$n" -eq 2 ] && ! grep -q '^\[new-world\] presenting card' "$TAP_TMP/out"; then
	ok "the cards are asked once for the resume and its pending checkpoint (2 prompts)"; else
	not_ok "the cards are asked once for the resume and its pending checkpoint ($n prompts)"
	diag "$(cat "$TAP_TMP/out")"; fi
output_has '^\[new-world\] checkpoint: checkpoint cosigned' "the checkpoint is cosigned by the resume's cards"
if grep -q 'signed off for witness' "$TAP_TMP/out"; then
	not_ok "the witness, who signed off, is not asked again"; else
	ok "the witness, who signed off, is not asked again"; fi
check "new-world did not run again (one step-start, one result)" \
    [ "$(count step-start new-world)" -eq 1 ] && [ "$(count step-result new-world)" -eq 1 ]
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show" 2>&1
if awk '/ resume/ { r = 1 } r && / signoff / && /step=new-world/ && /role=custodian/ { f = 1 } END { exit !f }' "$TAP_TMP/show"; then
	ok "the log records the custodian's sign-off after the resume"; else
	not_ok "the log records the custodian's sign-off after the resume"; diag "$(cat "$TAP_TMP/show")"; fi
if awk '/ signoff / && /role=custodian/ { s = 1 } s && /checkpoint/ { f = 1 } END { exit !f }' "$TAP_TMP/show"; then
	ok "and the checkpoint after it"; else
	not_ok "and the checkpoint after it"; diag "$(cat "$TAP_TMP/show")"; fi
# shellcheck disable=SC2046
expect_status 0 "the log verifies sealed, anchored by its minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$K/out/summary.txt") "$LOG"

# A step whose own run ends "skipped" (vault-import in a live run, which
# has no receiving vault) is saved as done before its sign-offs too: the
# live run of tests/fixtures/front/skip-signoff.yaml stops at its
# custodian sign-off and the same command resumes there, without running
# the step again.
SK=$top_srcdir/tests/fixtures/front/skip-signoff.yaml
L=$TAP_TMP/skip
SLOG=$L/out/skip-signoff.log
sed '/^cards:/d; /^pins:/d' "$TAP_TMP/a1.yaml" >"$TAP_TMP/s1.yaml"
sed '/^cards:/d; /^pins:/d' "$TAP_TMP/a2.yaml" >"$TAP_TMP/s2.yaml"
expect_status 65 "a live run stops at the skipped vault-import's custodian sign-off" \
    "$KEYRITE" run "$SK" --state "$L/state" --out "$L/out" --batch "$TAP_TMP/s1.yaml"
output_has "no receiving vault: the import is done with the commands shown" "the step was skipped by its run"
check "the progress file holds the skipped step" grep -q '"vault-import": "skipped"' "$SLOG.progress"
expect_status 0 "the same command, the custodian named, resumes and seals" \
    "$KEYRITE" run "$SK" --state "$L/state" --out "$L/out" --batch "$TAP_TMP/s2.yaml"
output_has "resumed the log after step 'vault-import', whose sign-off the log does not hold: it is asked now" \
    "the resume goes on at the skipped step's sign-off"
output_has '^\[vault-import\] signed off for custodian by Cora Custodian' "the custodian signs off"
"$KEYRITE" audit show "$SLOG" >"$TAP_TMP/sshow" 2>&1
starts=$(grep ' step-start ' "$TAP_TMP/sshow" | grep -c 'step=vault-import ')
witnesses=$(grep ' signoff ' "$TAP_TMP/sshow" | grep -c 'role=witness')
check "vault-import did not run again, its witness signed off once ($starts, $witnesses)" \
    [ "$starts$witnesses" = 11 ]
check "the log records the custodian's sign-off after the resume" awk \
    '/ resume / { r = 1 } r && / signoff / && /step=vault-import/ && /role=custodian/ { f = 1 } END { exit !f }' \
    "$TAP_TMP/sshow"
# shellcheck disable=SC2046
expect_status 0 "the log verifies sealed, anchored by its minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$L/out/summary.txt") "$SLOG"
done_testing
