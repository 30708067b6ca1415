#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-pin-tries.sh: the last PIN try fails the step, in tmux at 80x24.
# In the azure rehearsal (the key type RSA picked from its list), at the
# first card prompt inside a step (generate-rsa, after the checkpoint of
# new-world), card 1 gets three
# wrong PINs: "2 tries left for card 1", "1 try left", then the step fails
# and the wizard shows the decision screen of a failed step with the
# reason ("card 1: 3 wrong PINs in step 'generate-rsa'") and its keys
# (r retry, e exception, a abort; letters typed in the reason field land
# there).  r retries: card 1 is no longer the
# default card, and card 1 with its right PIN is refused (the count stays
# with the step); cards 2 and 3 carry the ceremony to a sealed log, which
# records the failure and verifies.  No PIN typed shows on a screen.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

S=$TAP_TMP/azure
LOG=$S/out/azure-byok.log
SKIP_RE='(generate-ec|import-az-ec)'
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_names
# to generate-rsa (the current step is marked ▶), then its card prompt
tui_drive "$SKIP_RE" '▶ generate-rsa'
r1=$?
# its first screen: the key type, a list with the default highlighted
if [ "$r1" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -Eq '[│|] > RSA +RSA \(default\)' &&
    printf '%s\n' "$TUI_S" | grep -Eq '[│|]   AES +oct'; then
	ok "the key type is a list, the default RSA highlighted"; else
	not_ok "the key type is a list, the default RSA highlighted ($r1)"; tui_diag; fi
tui_keys Down Down
moved=no
if tui_wait '[│|] > AES +oct' 10; then moved=yes; tui_keys Up Up; fi
if [ "$moved" = yes ] && tui_wait '[│|] > RSA +RSA \(default\)' 10 && ! tui_screen | grep -q '> AES'; then
	ok "the arrows move in the key type list"; else
	not_ok "the arrows move in the key type list"; tui_diag; fi
TUI_PREV=	# the list is answered by the next drive (Enter picks RSA)
tui_drive "$SKIP_RE" 'Present a card:'
r2=$?
if [ "$r1" -eq 2 ] && [ "$r2" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q '▶ generate-rsa' &&
    printf '%s\n' "$TUI_S" | grep -q 'Card: *1 '; then
	ok "the card prompt of generate-rsa, card 1 by default"; else
	not_ok "the card prompt of generate-rsa, card 1 by default ($r1 $r2)"; tui_diag; fi

left=2
for w in bad-guess-a bad-guess-b; do
	tui_type "$w"; tui_keys Enter
	if tui_wait "card 1: wrong PIN \\($left tr(y|ies) left for card 1" 20; then
		ok "a wrong PIN: tries left for card 1: $left"; else
		not_ok "a wrong PIN: tries left for card 1: $left"; tui_diag; fi
	left=$((left - 1))
done
tui_type bad-guess-c; tui_keys Enter
if tui_wait 'r retry +e exception +a abort' 30; then
	ok "the last try: the decision screen of a failed step"; else
	not_ok "the last try: the decision screen of a failed step"; tui_diag; fi
# the right pane's text, its rows joined
right_pane() { printf '%s\n' "$1" | sed -n 's/^[^│|]*[│|] //p' | tr -s '\n ' '  '; }
if right_pane "$(tui_screen)" | grep -q "card 1: 3 wrong PINs in step 'generate-rsa'"; then
	ok "the decision screen says why: card 1: 3 wrong PINs in step 'generate-rsa'"; else
	not_ok "the decision screen says why"; tui_diag; fi
if grep -q 'bad-guess' "$TAP_TMP/screens" || tui_screen | grep -q 'bad-guess'; then
	not_ok "no PIN typed shows on a screen"; else ok "no PIN typed shows on a screen"; fi

# e opens the reason field, which takes letters (q, l, r and ? land there);
# Esc goes back to the choice.
tui_keys e
if tui_wait 'Reason for the exception' 10 && tui_type 'qlr?' &&
    tui_wait '> qlr\?' 10 && ! tui_screen | grep -q 'Quit the wizard'; then
	ok "letters typed in the exception's reason field land there"; else
	not_ok "letters typed in the exception's reason field land there"; tui_diag; fi
tui_keys C-u Escape
if tui_wait 'r  retry the step' 10; then ok "Esc goes back to retry, exception or abort"; else
	not_ok "Esc goes back to retry, exception or abort"; tui_diag; fi

# r retries the step; card 1 is refused, the others are asked.
tui_keys r
i=0
while [ "$i" -lt 200 ] && tui_screen | grep -q 'r retry'; do sleep 0.1; i=$((i + 1)); done
tui_drive "$SKIP_RE" 'Present a card:'
r=$?
if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'Card: *2 '; then
	ok "retry: the card prompt again, card 2 by default"; else
	not_ok "retry: the card prompt again, card 2 by default ($r)"; tui_diag; fi
tui_keys Tab C-u; tui_type 1; tui_keys Tab
tui_type "$(tui_pin 1)"; tui_keys Enter
if tui_wait "card 1: 3 wrong PINs in step 'generate-rsa'; it is not taken" 20; then
	ok "retry: card 1 with its right PIN is refused"; else
	not_ok "retry: card 1 with its right PIN is refused"; tui_diag; fi
check "retry: the refusal is not logged as card 1 accepted" sh -c \
    "! '$KEYRITE' audit show '$LOG' | grep -q 'card-presented .*step=generate-rsa .*card=1 .*accepted'"
tui_keys C-u
TUI_PREV=
tui_drive "$SKIP_RE"
r=$?
if [ "$r" -eq 0 ]; then ok "cards 2 and 3 carry the ceremony to its end"; else
	not_ok "cards 2 and 3 carry the ceremony to its end ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 30)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; fi

# shellcheck disable=SC2046
expect_status 0 "the log verifies (keyrite audit verify)" \
    "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$LOG"
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show" 2>&1
if grep 'step-result' "$TAP_TMP/show" | grep 'step=generate-rsa' | grep 'result=failed' |
    grep -q "card 1: 3 wrong PINs in step 'generate-rsa'"; then
	ok "the log records the failed step with its reason"; else
	not_ok "the log records the failed step with its reason"; diag "$(grep generate-rsa "$TAP_TMP/show")"; fi
if grep ' note ' "$TAP_TMP/show" | grep 'step=generate-rsa' | grep -q 'chosen: key_type is RSA'; then
	ok "the log has the key type picked"; else not_ok "the log has the key type picked"; fi
n=$(grep 'card-presented' "$TAP_TMP/show" | grep 'step=generate-rsa' | grep -c 'wrong-pin')
if [ "$n" -eq 3 ]; then ok "the log has the three wrong PINs"; else
	not_ok "the log has the three wrong PINs ($n)"; diag "$(grep generate-rsa "$TAP_TMP/show")"; fi
if grep -rq -e 'bad-guess' -e "$(tui_pin 1)" "$S/out"; then not_ok "no PIN reaches the log or the out folder"; else
	ok "no PIN reaches the log or the out folder"; fi
done_testing
