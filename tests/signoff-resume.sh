#!/bin/sh
# SPDX-License-Identifier: ISC
# signoff-resume.sh: a sign-off that was not given keeps its step open
# across a resume (batch mode).  The rehearsal of
# tests/fixtures/front/signoff-world.yaml stops at new-world's second
# sign-off (the answers file names the witness, not the custodian: exit
# 65).  The same command with the custodian named resumes at that
# sign-off: new-world is not run again (one world, one step-start), the
# witness is not asked again, the custodian's sign-off and the checkpoint
# are logged after the resume, and the log seals and verifies.
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
done_testing
