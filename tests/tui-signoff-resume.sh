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

FIX=$top_srcdir/tests/fixtures/front/signoff-world.yaml
S=$TAP_TMP/sw
LOG=$S/out/signoff-world.log
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$FIX" --keep "$S" $FAST
tui_names
tui_drive '' 'Sign-off by the witness'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'Create the Security World'; then
	ok "new-world's witness sign-off"; else not_ok "new-world's witness sign-off ($r)"; tui_diag; fi
tui_keys C-c
tui_wait 'Quit the wizard' 10
tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "quit at the sign-off: exit 1"; else not_ok "quit at the sign-off: exit 1 (got $st)"; fi
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show1" 2>&1
if grep ' step-result ' "$TAP_TMP/show1" | grep -q 'step=new-world' &&
    ! grep ' signoff ' "$TAP_TMP/show1" | grep -q 'step=new-world'; then
	ok "the log has new-world's result and no sign-off for it"; else
	not_ok "the log has new-world's result and no sign-off for it"; diag "$(cat "$TAP_TMP/show1")"; fi

# The same command: the sign-off is asked again, the step is not rerun.
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$FIX" --keep "$S" $FAST
tui_names
tui_drive '' 'Sign-off by the witness'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'Create the Security World'; then
	ok "resumed: new-world's witness sign-off is asked"; else
	not_ok "resumed: new-world's witness sign-off is asked ($r)"; tui_diag; fi
if grep -q 'New card ' "$TAP_TMP/screens"; then not_ok "resumed: no new card is asked (new-world is not run again)"; else
	ok "resumed: no new card is asked (new-world is not run again)"; fi
tui_keys Enter	# Walter Witness, from the names screen
if tui_wait 'Sign-off by the custodian' 20; then ok "then the custodian's sign-off"; else
	not_ok "then the custodian's sign-off"; tui_diag; fi
tui_type "Cora Custodian"; tui_keys Enter
TUI_PREV=
tui_drive ''
r=$?
if [ "$r" -eq 0 ]; then ok "the resumed ceremony runs to the summary"; else
	not_ok "the resumed ceremony runs to the summary ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; fi

"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show2" 2>&1
if awk '/ resume / { r = 1 } r && / signoff / && /step=new-world/ && /role=witness/ && /actor=Walter Witness/ { w = 1 }
    w && / signoff / && /step=new-world/ && /role=custodian/ && /actor=Cora Custodian/ { c = 1 } END { exit !c }' "$TAP_TMP/show2"; then
	ok "the log records both sign-offs after the resume"; else
	not_ok "the log records both sign-offs after the resume"; diag "$(cat "$TAP_TMP/show2")"; fi
n=$(grep ' step-start ' "$TAP_TMP/show2" | grep -c 'step=new-world ')
if [ "$n" -eq 1 ]; then ok "new-world started once"; else not_ok "new-world started once ($n)"; fi
# shellcheck disable=SC2046
expect_status 0 "the log verifies sealed, anchored by its minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$LOG"
# A step whose own run ends skipped (vault-import in a live run: no
# receiving vault) keeps its sign-offs across a quit too: the live run of
# tests/fixtures/front/skip-signoff.yaml is quit at vault-import's witness
# sign-off; the same command resumes there (the step does not run again)
# and seals.
SK=$top_srcdir/tests/fixtures/front/skip-signoff.yaml
L=$TAP_TMP/skip
SLOG=$L/out/skip-signoff.log
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" run "$SK" --state "$L/state" --out "$L/out" --media "$L/media"
tui_names
tui_drive '' 'Sign-off by the witness'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'Import the package into the vault'; then
	ok "live: the skipped vault-import's witness sign-off"; else
	not_ok "live: the skipped vault-import's witness sign-off ($r)"; tui_diag; fi
tui_keys C-c
tui_wait 'Quit the wizard' 10
tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "live: quit at the sign-off: exit 1"; else not_ok "live: quit at the sign-off: exit 1 (got $st)"; fi
"$KEYRITE" audit show "$SLOG" >"$TAP_TMP/sshow1" 2>&1
if grep ' step-result ' "$TAP_TMP/sshow1" | grep 'step=vault-import' | grep -q 'no receiving vault' &&
    ! grep ' signoff ' "$TAP_TMP/sshow1" | grep -q 'step=vault-import'; then
	ok "live: the log has vault-import's skipped result and no sign-off for it"; else
	not_ok "live: the log has vault-import's skipped result and no sign-off for it"; diag "$(cat "$TAP_TMP/sshow1")"; fi

: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" run "$SK" --state "$L/state" --out "$L/out" --media "$L/media"
tui_names
tui_drive '' 'Sign-off by the witness'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'Import the package into the vault'; then
	ok "live, resumed: vault-import's witness sign-off is asked"; else
	not_ok "live, resumed: vault-import's witness sign-off is asked ($r)"; tui_diag; fi
tui_keys Enter	# Walter Witness, from the names screen
if tui_wait 'Sign-off by the custodian' 20; then ok "live: then the custodian's sign-off"; else
	not_ok "live: then the custodian's sign-off"; tui_diag; fi
tui_type "Cora Custodian"; tui_keys Enter
TUI_PREV=
tui_drive ''
r=$?
if [ "$r" -eq 0 ]; then ok "live: the resumed ceremony runs to the summary"; else
	not_ok "live: the resumed ceremony runs to the summary ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "live: the wizard exits 0"; else not_ok "live: the wizard exits 0 (got $st)"; fi
"$KEYRITE" audit show "$SLOG" >"$TAP_TMP/sshow2" 2>&1
n=$(grep ' step-start ' "$TAP_TMP/sshow2" | grep -c 'step=vault-import ')
if [ "$n" -eq 1 ]; then ok "live: vault-import started once"; else not_ok "live: vault-import started once ($n)"; fi
if awk '/ resume / { r = 1 } r && / signoff / && /step=vault-import/ && /role=witness/ { w = 1 }
    w && / signoff / && /step=vault-import/ && /role=custodian/ && /actor=Cora Custodian/ { c = 1 } END { exit !c }' "$TAP_TMP/sshow2"; then
	ok "live: the log records both sign-offs after the resume"; else
	not_ok "live: the log records both sign-offs after the resume"; diag "$(cat "$TAP_TMP/sshow2")"; fi
# shellcheck disable=SC2046
expect_status 0 "live: the log verifies sealed, anchored by its minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$L/out/summary.txt") "$SLOG"

done_testing
