#!/bin/sh
# SPDX-License-Identifier: ISC
# pin-tries-resume.sh: quitting and resuming gives no card more PIN tries
# in a step (batch mode, a live run with PINs on --pin-fd).  The run of
# tests/fixtures/front/signoff-world.yaml makes the world, then card 1's
# PIN is wrong twice at the seal and the PIN pipe runs dry (exit 65).  The
# same command resumes (cards 1 and 2 cosign the resume): the seal runs
# again and one more wrong PIN for card 1 fails the step (exit 1, "card 1:
# 3 wrong PINs in step 'seal'"), the count rebuilt from the log.  A resume
# then refuses card 1 even with its right PIN, the progress file's count
# removed first as an attacker with the state folder would.  A wrong PIN typed at the
# resume's own card prompt (before the log can be written) is kept in the
# progress file, counted after a second quit, and logged for the step
# right after the resume; cards 2 and 3 then seal, and the log verifies.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

FIX=$top_srcdir/tests/fixtures/front/signoff-world.yaml
D=$TAP_TMP/t
LOG=$D/out/signoff-world.log
mkdir -p "$D"
answers() { # CARDS
	cat <<EOT
operator: Olivia Operator
signoff: {witness: Walter Witness, custodian: Cora Custodian}
confirm: true
cards: [$1]
EOT
}
answers 1,2 >"$D/a12.yaml"
answers 2,3 >"$D/a23.yaml"
run_it() { # ANSWERS PINFILE
	"$KEYRITE" run "$FIX" --state "$D/state" --out "$D/out" --media "$D/media" \
	    --batch "$1" --pin-fd 3 3<"$2"
}
printf '%s\n' card-pin-1 card-pin-2 card-pin-3 card-pin-1 card-pin-2 \
    wrong-pin-1 wrong-pin-1 >"$D/p1"
expect_status 65 "two wrong PINs for card 1 at the seal, then the PINs run out" \
    run_it "$D/a12.yaml" "$D/p1"
output_has "card 1: wrong PIN \(1 try left for card 1 in this step\)" "card 1 has one try left"
expect_status 2 "the log is a valid unsealed prefix" "$KEYRITE" audit verify "$LOG"

# the resume's cards 1 and 2, then one more wrong PIN for card 1 (and its
# right PIN after, which a fresh count would take)
printf '%s\n' card-pin-1 card-pin-2 wrong-pin-1 card-pin-1 card-pin-2 >"$D/p2"
expect_status 1 "resumed: one more wrong PIN fails the step" run_it "$D/a12.yaml" "$D/p2"
output_has "step 'seal' failed: card 1: 3 wrong PINs in step 'seal'" \
    "the failure names the card and the step"
output_has "card 1: wrong PIN \(0 tries left for card 1 in this step\)" \
    "the count went on from the log (0 tries left)"

# Whoever holds the state folder may edit the progress file, which is not
# signed: without its wrong_pins the count still comes from the signed log.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$LOG.progress" <<'EOF2'
import json, sys
p = sys.argv[1]
o = json.load(open(p))
o.pop("wrong_pins", None)
json.dump(o, open(p, "w"))
EOF2
	check "an edited progress file holds no wrong_pins" \
	    sh -c "! grep -q wrong_pins '$LOG.progress'"
else
	ok "an edited progress file holds no wrong_pins # SKIP no python3"
fi
printf '%s\n' card-pin-1 >"$D/p3"
expect_status 65 "a resume with card 1, its PIN right, does not take it" run_it "$D/a12.yaml" "$D/p3"
output_has "card 1: 3 wrong PINs in step 'seal'; it is not taken again" "card 1 is refused at the resume"

printf '%s\n' wrong-pin-2 >"$D/p4"
expect_status 65 "a wrong PIN for card 2 at the resume's prompt, then a quit" run_it "$D/a23.yaml" "$D/p4"
check "the progress file keeps it" grep -q '"wrong_pins"' "$LOG.progress"
if awk '/"wrong_pins"/ { w = 1 } w && /"2": 1/ { f = 1 } END { exit !f }' "$LOG.progress"; then
	ok "card 2: one wrong PIN, in the progress file"; else
	not_ok "card 2: one wrong PIN, in the progress file"; diag "$(cat "$LOG.progress")"; fi

printf '%s\n' card-pin-2 card-pin-3 card-pin-2 card-pin-3 >"$D/p5"
expect_status 0 "cards 2 and 3 resume and seal" run_it "$D/a23.yaml" "$D/p5"
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show" 2>&1
n=$(grep ' card-presented ' "$TAP_TMP/show" | grep 'step=seal ' | grep 'card=1 ' | grep -c 'outcome=wrong-pin')
check "the log holds card 1's three wrong PINs in the seal ($n)" [ "$n" -eq 3 ]
if awk '/ resume / { r = 1; f = 0 } r && / card-presented / && /step=seal / && /card=2 / && /outcome=wrong-pin/ { f = 1 } END { exit !f }' "$TAP_TMP/show"; then
	ok "card 2's wrong PIN at the resume prompt is logged after the resume"; else
	not_ok "card 2's wrong PIN at the resume prompt is logged after the resume"; diag "$(cat "$TAP_TMP/show")"; fi
# shellcheck disable=SC2046
expect_status 0 "the log verifies sealed, anchored by its minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$LOG"
done_testing
