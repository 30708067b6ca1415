#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-keys.sh: keys that never surprise, in the real wizard under tmux.
# Below 80x24 (70x20) the wizard is paused: it says Ctrl-C leaves and no
# other key reaches a field; at 80x24 letters and ? typed into every kind
# of text field land in the field (names, a parameter, a sign-off, the
# card number refuses them, a PIN shows only *); F1 answers on every
# screen; s on a required step says why; a region is picked from a list
# with the default highlighted; Ctrl-C twice leaves a paused wizard.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

L=$CER/ncipher-byok-legacy.yaml
S=$TAP_TMP/legacy

# Paused at 70x20: keys do nothing, the screen says how to leave.
tui_start 70 20 C.UTF-8 "$KEYRITE" rehearse "$L" --keep "$S" $FAST
if tui_wait 'Paused: the terminal is 70x20' 20 && tui_screen | grep -q 'Ctrl-C leaves'; then
	ok "70x20: paused, says Ctrl-C leaves"; else not_ok "70x20: paused, says Ctrl-C leaves"; tui_diag; fi
tui_type "Mallory"; tui_keys Enter F1 q y
sleep 0.5
$TM resize-window -t tui -x 80 -y 24
if tui_wait 'Operator' 10 && ! tui_screen | grep -q 'Mallory' && ! tui_screen | grep -q 'Help'; then
	ok "70x20: no key reached the wizard (the operator field is empty at 80x24)"
else
	not_ok "70x20: no key reached the wizard"; tui_diag
fi

# F1 on the names screen, then letters and ? in the name fields.
tui_keys F1
if tui_wait 'Keys' 10; then ok "F1 on the names screen shows the help"; else
	not_ok "F1 on the names screen shows the help"; tui_diag; fi
tui_keys Escape
tui_wait 'Operator' 10
tui_type "Ann l?sq"; tui_keys Enter
tui_type "Walter Witnessl"
if tui_wait 'Ann l\?sq' 10 && tui_wait 'Walter Witnessl' 10; then
	ok "letters and ? typed in the name fields land there"; else
	not_ok "letters and ? typed in the name fields land there"; tui_diag; fi
tui_keys Enter
tui_wait 'Enter begin' 20
tui_keys F1
if tui_wait 'Keys' 10; then ok "F1 on the welcome screen shows the help"; else
	not_ok "F1 on the welcome screen shows the help"; tui_diag; fi
tui_keys Escape
tui_wait 'Enter begin' 10
TUI_PREV=$(tui_settled 5)
tui_keys Enter

# A required step: s says why it cannot be skipped; F1 on the main screen.
tui_wait 'Do the step, then press Enter' 20
tui_keys s
if tui_wait "is required and cannot be skipped" 10; then ok "s on a required step says why"; else
	not_ok "s on a required step says why"; tui_diag; fi
tui_keys F1
if tui_wait 'Keys' 10; then ok "F1 on the main screen shows the help"; else
	not_ok "F1 on the main screen shows the help"; tui_diag; fi
tui_keys Escape
tui_wait 'Do the step, then press Enter' 10

# A parameter's text field takes letters (no quit, no log, no help).
TUI_PREV=
tui_drive '' 'Parameter subscription_id'
tui_type "lq?n"
if tui_wait '> lq\?n' 10 && ! tui_screen | grep -q 'Quit the wizard'; then
	ok "letters and ? typed in a parameter field land there"; else
	not_ok "letters and ? typed in a parameter field land there"; tui_diag; fi
tui_keys F1
if tui_wait 'Keys' 10; then ok "F1 in a parameter field shows the help"; else
	not_ok "F1 in a parameter field shows the help"; tui_diag; fi
tui_keys Escape
tui_keys C-u; tui_type "0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"; tui_keys Enter

# The region is picked from a list, the default highlighted.
TUI_PREV=
tui_drive '' 'Parameter region'
if printf '%s\n' "$TUI_S" | grep -Eq '[│|] > unitedstates +North America \(default\)'; then
	ok "the region list highlights the default, with its description"; else
	not_ok "the region list highlights the default, with its description"; tui_diag; fi
if tui_pick europe; then ok "Down moves the highlight to europe"; else
	not_ok "Down moves the highlight to europe"; tui_diag; fi
tui_keys F1
if tui_wait 'Keys' 10; then ok "F1 on a list shows the help"; else
	not_ok "F1 on a list shows the help"; tui_diag; fi
tui_keys Escape
tui_wait 'Up/Down choose' 10
TUI_PREV=$(tui_settled 5)
tui_keys Enter
if tui_next 30 && ! printf '%s\n' "$TUI_S" | grep -q 'Parameter region'; then
	ok "Enter picks the region"; else not_ok "Enter picks the region"; tui_diag; fi

# A sign-off field takes letters.
TUI_PREV=
tui_drive '' 'Sign-off by the '
tui_keys C-u; tui_type "Walter l"
if tui_wait '> Walter l$' 10 && ! tui_screen | grep -q 'Quit the wizard'; then
	ok "a letter typed in a sign-off field lands there"; else
	not_ok "a letter typed in a sign-off field lands there"; tui_diag; fi
tui_keys C-u; tui_type "Walter Witness"; tui_keys Enter

# A new card's PIN shows only *; the card number takes digits only.
TUI_PREV=
tui_drive '' 'New card 1 of'
tui_type "secret-lq"
if tui_wait 'PIN: +\*{9}' 10 && ! tui_screen | grep -q 'secret'; then
	ok "a PIN shows only *"; else not_ok "a PIN shows only *"; tui_diag; fi
tui_keys C-u

# Paused again: Ctrl-C once asks, twice leaves (exit 1, log unsealed).
$TM resize-window -t tui -x 70 -y 20
tui_wait 'Paused' 10
tui_keys C-c
if tui_wait 'Press Ctrl-C again to leave' 10; then ok "paused: the first Ctrl-C asks"; else
	not_ok "paused: the first Ctrl-C asks"; tui_diag; fi
tui_keys C-c
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "paused: the second Ctrl-C leaves (exit 1)"; else
	not_ok "paused: the second Ctrl-C leaves (exit 1, got $st)"; fi
tui_restored "the terminal is restored"
expect_status 2 "the log is a valid unsealed prefix" "$KEYRITE" audit verify "$S/out/ncipher-byok-legacy.log"

done_testing
