#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-signoff-resume.sh: quitting the wizard at a sign-off does not count
# the step as done (tmux, 80x24).  The rehearsal of
# tests/fixtures/front/signoff-world.yaml is quit at new-world's witness
# sign-off; the same command resumes at that sign-off (new-world is not
# run again: no new card is asked), the witness and then the custodian
# sign off, the checkpoint is cosigned and the log seals; it records both
# sign-offs after the resume and verifies.  The same for a step whose own
# run ended skipped (vault-import in a live run of
# tests/fixtures/front/skip-signoff.yaml).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

# to_witness LABEL CMD...: the wizard started with CMD is driven to the
# witness sign-off of $step, its screen titled $title.
to_witness() {
	label=$1
	shift
	: >"$TAP_TMP/screens"
	tui_start 80 24 C.UTF-8 "$@"
	tui_names
	tui_drive '' 'Sign-off by the witness'
	r=$?
	printf '%s\n' "$TUI_S" | grep -q "$title" || r=3
	check "$label ($r)" [ "$r" -eq 2 ] || tui_diag
}

# quit_resume WHAT STEP TITLE OUTDIR CMD...: CMD in the wizard is quit at
# STEP's witness sign-off (its screen titled TITLE); CMD again resumes at
# it, and the log in OUTDIR/out (the only *.log there) seals.
quit_resume() {
	what=$1 step=$2 title=$3 dir=$4
	shift 4
	to_witness "$what: $step's witness sign-off" "$@"
	tui_keys C-c
	tui_wait 'Quit the wizard' 10
	tui_keys y
	st=$(tui_exit_status 20)
	check "$what: quit at the sign-off: exit 1 (got $st)" [ "$st" = 1 ]
	log=$(ls "$dir"/out/*.log)
	"$KEYRITE" audit show "$log" >"$TAP_TMP/show1" 2>&1
	if grep ' step-result ' "$TAP_TMP/show1" | grep -q "step=$step " &&
	    ! grep ' signoff ' "$TAP_TMP/show1" | grep -q "step=$step "; then
		ok "$what: the log has $step's result and no sign-off for it"; else
		not_ok "$what: the log has $step's result and no sign-off for it"
		diag "$(cat "$TAP_TMP/show1")"; fi

	# The same command: the sign-off is asked again, the step is not rerun.
	to_witness "$what, resumed: $step's witness sign-off is asked" "$@"
	check "$what, resumed: no new card is asked" sh -c "! grep -q 'New card ' '$TAP_TMP/screens'"
	tui_keys Enter	# Walter Witness, from the names screen
	tui_wait 'Sign-off by the custodian' 20
	check "$what: then the custodian's sign-off" [ $? -eq 0 ] || tui_diag
	tui_type "Cora Custodian"; tui_keys Enter
	TUI_PREV=
	tui_drive ''
	r=$?
	[ "$r" -eq 0 ] || tui_diag
	tui_keys Enter
	st=$(tui_exit_status 20)
	check "$what: the resumed ceremony runs to the summary, the wizard exits 0 ($r, $st)" [ "$r$st" = 00 ]

	"$KEYRITE" audit show "$log" >"$TAP_TMP/show2" 2>&1
	if awk -v s="step=$step" '/ resume / { r = 1 } r && / signoff / && index($0, s) && /role=witness/ && /actor=Walter Witness/ { w = 1 }
	    w && / signoff / && index($0, s) && /role=custodian/ && /actor=Cora Custodian/ { c = 1 } END { exit !c }' "$TAP_TMP/show2"; then
		ok "$what: the log records both sign-offs after the resume"; else
		not_ok "$what: the log records both sign-offs after the resume"; diag "$(cat "$TAP_TMP/show2")"; fi
	n=$(grep ' step-start ' "$TAP_TMP/show2" | grep -c "step=$step ")
	check "$what: $step started once ($n)" [ "$n" -eq 1 ]
	# shellcheck disable=SC2046
	expect_status 0 "$what: the log verifies sealed, anchored by its minutes" \
	    "$KEYRITE" audit verify $(minutes_opts "$dir/out/summary.txt") "$log"
}

S=$TAP_TMP/sw
quit_resume rehearsal new-world 'Create the Security World' "$S" \
    "$KEYRITE" rehearse "$top_srcdir/tests/fixtures/front/signoff-world.yaml" --keep "$S" $FAST

# vault-import in a live run has no receiving vault: its run ends skipped
L=$TAP_TMP/skip
quit_resume live vault-import 'Import the package into the vault' "$L" \
    "$KEYRITE" run "$top_srcdir/tests/fixtures/front/skip-signoff.yaml" \
    --state "$L/state" --out "$L/out" --media "$L/media"
"$KEYRITE" audit show "$L/out/skip-signoff.log" >"$TAP_TMP/show3" 2>&1
if grep ' step-result ' "$TAP_TMP/show3" | grep 'step=vault-import ' | grep -q 'result=skipped'; then
	ok "live: vault-import's result is skipped"; else
	not_ok "live: vault-import's result is skipped"; diag "$(cat "$TAP_TMP/show3")"; fi
done_testing
