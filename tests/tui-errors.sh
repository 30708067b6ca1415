#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-errors.sh: the wizard's error paths by keys, in tmux: a terminal
# below 80x24 gets a clear message and the wizard appears once it grows;
# a wrong parameter value shows its inline message; a resize in the middle
# of typing keeps the text; a wrong PIN shows "card N: wrong PIN" and the
# retry is accepted; Ctrl-C asks before quitting; q quits (exit 1, the log
# unsealed) and the same command resumes at the step where it stopped and
# carries the ceremony to a sealed log.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

S=$TAP_TMP/azure
tui_start 60 20 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
if tui_wait "Paused: the terminal is 60x20; the wizard needs 80x24" 20; then ok "60x20: paused, needs 80x24"; else
	not_ok "60x20: paused, needs 80x24"; tui_diag; fi
$TM resize-window -t tui -x 80 -y 24
if tui_wait 'Operator' 10; then ok "at 80x24 the welcome screen appears"; else
	not_ok "at 80x24 the welcome screen appears"; tui_diag; fi
tui_names

# A wrong value for vault_name (it must start with a letter).
tui_wait 'Parameter vault_name' 20
tui_keys C-u; tui_type "1-not-a-vault"; tui_keys Enter
if tui_wait 'does not match pattern' 10; then ok "a bad parameter shows its inline message"; else
	not_ok "a bad parameter shows its inline message"; tui_diag; fi
check "the log holds no parameter-set for the bad value" sh -c \
    "! grep -q '1-not-a-vault' '$S/out/azure-byok.log'"

# A resize while typing keeps what was typed.
tui_keys C-u; tui_type "ContosoKey"
tui_wait '> ContosoKey' 10
$TM resize-window -t tui -x 100 -y 30
if tui_wait '^ keyrite: .*REHEARSAL *$' 10 && [ "$(tui_screen | wc -l)" -ge 29 ] && \
    tui_screen | grep -q '> ContosoKey$'; then
	ok "a resize to 100x30 redraws and keeps the typed text"
else
	not_ok "a resize to 100x30 redraws and keeps the typed text"; tui_diag
fi
$TM resize-window -t tui -x 80 -y 24
tui_wait '> ContosoKey' 10
tui_type "VaultHSM"; tui_keys Enter

# Ctrl-C asks first; n goes on.
tui_wait 'Do the step, then press Enter' 20
tui_keys C-c
if tui_wait 'Quit the wizard\?' 10; then ok "Ctrl-C asks before quitting"; else
	not_ok "Ctrl-C asks before quitting"; tui_diag; fi
tui_keys n
if tui_wait 'Do the step, then press Enter' 10 && ! tui_screen | grep -q 'Quit the wizard'; then
	ok "n goes back to the step"; else not_ok "n goes back to the step"; tui_diag; fi
TUI_PREV=

# A wrong PIN, then the right one.
tui_drive '(generate-ec|import-az-ec)' 'Present a card:'
r=$?
if [ "$r" -eq 2 ]; then ok "the first card presentation"; else
	not_ok "the first card presentation ($r)"; tui_diag; fi
c=$(printf '%s\n' "$TUI_S" | sed -n 's/.*Card: *\([0-9]*\) .*/\1/p' | head -1)
tui_type "not-the-pin"; tui_keys Enter
if tui_wait "card $c: wrong PIN" 20; then ok "a wrong PIN shows 'card $c: wrong PIN'"; else
	not_ok "a wrong PIN shows 'card $c: wrong PIN'"; tui_diag; fi
tui_type "$(tui_pin "$c")"; tui_keys Enter
if tui_wait "accepted: $c" 20; then ok "the retry with the right PIN is accepted"; else
	not_ok "the retry with the right PIN is accepted"; tui_diag; fi

# Quit in the middle: at the RSA key's parameters.
TUI_PREV=
tui_drive '(generate-ec|import-az-ec)' 'Parameter key_type'
r=$?
step=$(printf '%s\n' "$TUI_S" | sed -n 's/.* step \([0-9]*\/[0-9]*\) .*/\1/p' | head -1)
if [ "$r" -eq 2 ] && [ -n "$step" ]; then ok "reached step $step"; else
	not_ok "reached the key parameters ($r)"; tui_diag; fi
tui_keys Escape q
tui_wait 'Quit the wizard\?' 10
tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "q then y quits with status 1"; else not_ok "q then y quits with status 1 (got $st)"; fi
tui_restored "after a quit the terminal is restored"
expect_status 2 "the log is a valid unsealed prefix" "$KEYRITE" audit verify "$S/out/azure-byok.log"

# Start again: resumes where it stopped.
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_names
if tui_wait 'Resume the ceremony' 20; then ok "the resumed log asks the quorum to cosign"; else
	not_ok "the resumed log asks the quorum to cosign"; tui_diag; fi
tui_drive '(generate-ec|import-az-ec)' 'Parameter '
r=$?
step2=$(printf '%s\n' "$TUI_S" | sed -n 's/.* step \([0-9]*\/[0-9]*\) .*/\1/p' | head -1)
if [ "$r" -eq 2 ] && [ "$step2" = "$step" ]; then ok "resumed at step $step"; else
	not_ok "resumed at step $step (got '$step2', $r)"; tui_diag; fi
if printf '%s\n' "$TUI_S" | grep -q '✓ new-world'; then ok "earlier steps are marked done"; else
	not_ok "earlier steps are marked done"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
TUI_PREV=
tui_keys Enter
tui_drive '(generate-ec|import-az-ec)'
r=$?
if [ "$r" -eq 0 ]; then ok "the resumed ceremony runs to the summary"; else
	not_ok "the resumed ceremony runs to the summary ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; fi
# shellcheck disable=SC2046
expect_status 0 "audit verify: the resumed log" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
output_has '^PASS sealed' "the resumed log is sealed"
check "the package" test -s "$S/out/ContosoFirstHSMkey.byok"

# SIGTERM in the middle: the terminal is restored, the status says so.
S2=$TAP_TMP/term
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S2" $FAST
tui_names
tui_wait 'Parameter vault_name' 20
pid=$(pgrep -f "keyrite rehearse $CER/azure-byok.yaml --keep $S2" | head -1)
if [ -n "$pid" ]; then kill -TERM "$pid"; fi
st=$(tui_exit_status 20)
if [ "$st" = 143 ]; then ok "SIGTERM ends the wizard (exit 143)"; else not_ok "SIGTERM ends the wizard (exit 143, got $st)"; fi
tui_restored "after SIGTERM the terminal is restored"

# A failed step: retry, then an exception with a reason.
S3=$TAP_TMP/tampered
TUI_PARAMS="subscription_id=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b toolset_bag=TEB-100231 toolset_bag_read=TEB-100231 backup_bag=TEB-100232"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --scenario tampered-toolset --keep "$S3" $FAST
tui_names
tui_drive 'inspect-acl' 'Result: FAILED'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'SHA-256 does'; then
	ok "a tampered toolset: Result: FAILED and the reason"; else
	not_ok "a tampered toolset: Result: FAILED and the reason ($r)"; tui_diag; fi
if printf '%s\n' "$TUI_S" | grep -Eq '(✗|x) verify-toolset'; then ok "the step is marked failed"; else
	not_ok "the step is marked failed"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
tui_keys r
sleep 0.5
if tui_wait 'r  retry the step' 20; then ok "r retries: the step fails again and asks again"; else
	not_ok "r retries: the step fails again and asks again"; tui_diag; fi
tui_keys e
tui_wait 'Reason for the exception' 10
tui_type "rehearsal: the toolset was checked by hand"; tui_keys Enter
if tui_wait 'Sign-off by the witness' 20 && tui_screen | grep -q '! verify-toolset'; then
	ok "e with a reason goes on, the step marked as an exception"; else
	not_ok "e with a reason goes on, the step marked as an exception"; tui_diag; fi
check "the reason is in the log" grep -q 'the toolset was checked by hand' "$S3/out/ncipher-byok-legacy.log"
tui_keys C-c; tui_wait 'Quit the wizard' 10; tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "quit after the exception: exit 1"; else not_ok "quit after the exception: exit 1 (got $st)"; fi

done_testing
