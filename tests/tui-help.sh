#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-help.sh: F1 answers on every screen of the wizard, in tmux at 80x24.
# A legacy rehearsal with the tampered-toolset fault is driven by keys to
# its end; F1 is pressed on the first screen of each kind (the names, the
# welcome, a parameter field, a pick list, a step to do, an optional step,
# a sign-off, a confirmation, a new card's PIN and its repetition, a card
# presentation), on the decision screen of the failed step and in its
# reason field, in the log view, the note and the quit dialogs, and on
# the final summary: each time the help appears, says what the screen is
# for and names the keys that act on it, and Esc brings the same screen
# back.  A second run aborts at the failure: F1 on the failure screen too.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

L=$CER/ncipher-byok-legacy.yaml
S=$TAP_TMP/legacy
TUI_PARAMS="subscription_id=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"

# help_says REGEX DESC: the last help screen (tui_help_at) matched.
help_says() {
	if printf '%s\n' "$TUI_HELP_S" | tr '\n' ' ' | grep -Eq -- "$1"; then ok "$2"; else
		not_ok "$2"; printf '%s\n' "$TUI_HELP_S" | sed 's/^/# /'; fi
}

tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$L" --scenario tampered-toolset --keep "$S" $FAST
tui_wait 'Operator' 60
TUI_S=$(tui_settled 10)
tui_help_at "F1 on the names screen"
help_says 'Keys on this screen: type the names' "the names screen's help names its keys"
tui_type "Alice Operator"; tui_keys Enter; tui_type "Walter Witness"; tui_keys Enter
tui_wait 'Enter begin' 60
TUI_S=$(tui_settled 10)
tui_help_at "F1 on the welcome screen"
TUI_PREV=$TUI_S
tui_keys Enter

TUI_HELP_EACH=1
tui_drive 'inspect-acl' 'Result: FAILED'
r=$?
if [ "$r" -eq 2 ]; then ok "the tampered toolset fails its step"; else
	not_ok "the tampered toolset fails its step ($r)"; tui_diag; fi
tui_help_at "F1 on the decision screen"
help_says 'This screen: step verify-toolset failed' "the decision screen's help says which step failed"
help_says 'r retries the step' "the decision screen's help explains r, e and a"
help_says 'Keys on this screen: r retry +e exception +a abort' "the decision screen's help names its keys"
tui_keys e
tui_wait 'Reason for the exception' 10
tui_type "rehearsal: checked by hand"
TUI_S=$(tui_settled 10)
tui_help_at "F1 in the exception's reason field"
help_says 'Keys on this screen: Enter record' "the reason field's help names its keys"
if printf '%s\n' "$TUI_S" | grep -q '> rehearsal: checked by hand'; then
	ok "the reason typed is still there after help"; else
	not_ok "the reason typed is still there after help"; fi
TUI_PREV=$TUI_S
tui_keys Enter
tui_wait 'Sign-off by the witness' 20

# The log view, the note and the quit dialogs (from outside the field).
tui_keys Escape l
tui_wait 'Esc or l back' 10
TUI_S=$(tui_settled 10)
tui_help_at "F1 in the log view"
help_says 'This screen: the whole event log' "the log view's help says what it is"
tui_keys Escape
tui_wait 'Sign-off by the witness' 10
tui_keys n
tui_wait 'A note on step' 10
TUI_S=$(tui_settled 10)
tui_help_at "F1 in the note dialog"
help_says 'Keys on this screen: Enter keep +Esc cancel' "the note dialog's help names its keys"
tui_keys Escape
tui_keys q
tui_wait 'Quit the wizard' 10
TUI_S=$(tui_settled 10)
tui_help_at "F1 in the quit dialog"
help_says 'Keys on this screen: y quit +n or Esc go on' "the quit dialog's help names its keys"
tui_keys n
tui_wait 'Sign-off by the witness' 10
TUI_PREV=
# the tampered toolset fails its carry and install too: exceptions
while tui_drive 'inspect-acl' 'Result: FAILED'; r=$?; [ "$r" -eq 2 ]; do
	tui_keys e
	tui_wait 'Reason for the exception' 10
	tui_type "rehearsal: checked by hand"; tui_keys Enter
done
if [ "$r" -eq 0 ]; then ok "the rehearsal goes on to the summary"; else
	not_ok "the rehearsal goes on to the summary ($r)"; tui_diag; fi
TUI_HELP_EACH=
for k in param pick ack optional signoff confirm new-pin new-pin-again card; do
	if grep -qx "$k" "$TAP_TMP/help-kinds" 2>/dev/null; then ok "a $k screen was met and probed"; else
		not_ok "a $k screen was met and probed"; fi
done
tui_help_at "F1 on the summary screen"
help_says 'This screen: the end of the ceremony' "the summary's help says what it is"
help_says 'Keys on this screen: Up/Down/PgUp/PgDn scroll +Enter or q leave' "the summary's help names its keys"
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; fi

# The failure screen: abort at the failed step.
S=$TAP_TMP/aborted
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$L" --scenario tampered-toolset --keep "$S" $FAST
tui_names
tui_drive 'inspect-acl' 'Result: FAILED'
tui_keys a
tui_wait 'Abort the ceremony' 10
tui_keys y
if tui_wait 'The ceremony cannot go on' 20; then ok "abort: the failure screen"; else
	not_ok "abort: the failure screen"; tui_diag; fi
TUI_S=$(tui_settled 10)
tui_help_at "F1 on the failure screen"
help_says 'This screen: the ceremony stopped for good' "the failure screen's help says what it is"
help_says 'Keys on this screen: Enter or q: leave the wizard' "the failure screen's help names its keys"
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "the aborted ceremony exits 1"; else not_ok "the aborted ceremony exits 1 (got $st)"; fi

# keyrite(1) lists the keys exactly as the wizard shows them: every
# "key action" of every keys row seen above is in the manual's text.
if [ -n "${MANDOC:-}" ] && command -v "$MANDOC" >/dev/null 2>&1; then
	"$MANDOC" -Tascii "$top_srcdir/man/keyrite.1" | col -b | tr -s ' \n\t' '   ' >"$TAP_TMP/man.txt"
	sed 's/^ *//; s/ *$//; s/   */\n/g' "$TAP_TMP/keyrows" | grep -v '^$' | sort -u >"$TAP_TMP/phrases"
	missing=
	while IFS= read -r ph; do
		grep -qF -- "$ph" "$TAP_TMP/man.txt" || missing="$missing [$ph]"
	done <"$TAP_TMP/phrases"
	if [ -z "$missing" ] && [ -s "$TAP_TMP/phrases" ]; then
		ok "keyrite(1) has every key the wizard shows ($(wc -l <"$TAP_TMP/phrases") key phrases)"; else
		not_ok "keyrite(1) has every key the wizard shows; missing:$missing"; fi
else
	echo "ok $((tap_n + 1)) # SKIP no mandoc to render keyrite(1)"; tap_n=$((tap_n + 1))
fi

done_testing
