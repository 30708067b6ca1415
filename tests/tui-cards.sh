#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-cards.sh: the card screens of the wizard in tmux at 80x24.
#   - a new card's screen names its holder (new-world's `holders') and says
#     the PIN rule before the PIN is typed: the rehearsal's minimum (4) and
#     a live run's (8, in a live run of tests/fixtures/front/live-world.yaml);
#     a PIN shorter than that is refused at once, before it is typed twice;
#   - the checkpoint after new-world is announced on a screen of its own
#     ("Cosign the checkpoint after new-world: present 2 of 3 cards", and
#     why), before the card panel;
#   - a card prompt names the holder of the card in the field;
#   - wrong PINs: "2 tries left for card 1", then 1, then 0; the focus is
#     back in the PIN field after each error (what is typed next shows as
#     *, the card number stays); no PIN typed ever shows on a screen.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

S=$TAP_TMP/azure
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_names
tui_drive '(generate-ec|import-az-ec)' 'New card 1 of'
r=$?
if [ "$r" -eq 2 ]; then ok "the first new card's screen"; else not_ok "the first new card's screen ($r)"; tui_diag; fi
case $TUI_S in *"held by Ann"*) ok "the new card's screen names its holder" ;;
*) not_ok "the new card's screen names its holder"; printf '%s\n' "$TUI_S" | sed 's/^/# /' ;; esac
if printf '%s\n' "$TUI_S" | sed -n 's/^[^│|]*[│|] //p' | tr -s '\n ' '  ' | grep -q 'at least 4 characters in this rehearsal'; then
	ok "the rehearsal's PIN rule is shown before the PIN is typed"; else
	not_ok "the rehearsal's PIN rule is shown before the PIN is typed"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
tui_type "abc"; tui_keys Enter
if tui_wait 'too short: the PIN needs at least 4 characters' 10 && ! tui_screen | grep -q 'PIN again:'; then
	ok "a PIN below the minimum is refused before it is typed twice"; else
	not_ok "a PIN below the minimum is refused before it is typed twice"; tui_diag; fi
TUI_PREV=

tui_drive '(generate-ec|import-az-ec)' 'Cosign the checkpoint after new-world'
r=$?
if [ "$r" -eq 2 ]; then ok "the checkpoint after new-world is announced"; else
	not_ok "the checkpoint after new-world is announced ($r)"; tui_diag; fi
# the right pane's text, its rows joined
right_pane() { printf '%s\n' "$1" | sed -n 's/^[^│|]*[│|] //p' | tr -s '\n ' '  '; }
if right_pane "$TUI_S" | grep -q 'Cosign the checkpoint after new-world: present 2 of 3 cards'; then
	ok "the announcement says which step and how many cards"; else
	not_ok "the announcement says which step and how many cards"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
case $TUI_S in *"Present a card:"*) not_ok "the announcement is a screen of its own (no card panel yet)" ;;
*) ok "the announcement is a screen of its own (no card panel yet)" ;; esac
case $TUI_S in *"Why:"*) ok "the announcement says why" ;;
*) not_ok "the announcement says why"; printf '%s\n' "$TUI_S" | sed 's/^/# /' ;; esac
tui_keys Enter
if tui_wait 'Present a card: card 1 of 2 needed' 10; then ok "Enter opens the card panel"; else
	not_ok "Enter opens the card panel"; tui_diag; fi
if tui_wait 'Card 1 is held by Ann' 10; then ok "the card prompt names the holder of the card"; else
	not_ok "the card prompt names the holder of the card"; tui_diag; fi

# Wrong PINs: the tries left, the focus back in the PIN field.
left=2 card=1
for w in wrong-one wrong-two wrong-three; do
	# after the last try the default card moves on to card 2
	[ "$left" -eq 0 ] && card=2
	tui_type "$w"; tui_keys Enter
	if tui_wait "card 1: wrong PIN \\($left tr(y|ies) left for card 1" 20; then
		ok "wrong PIN: $left tries left for card 1"; else
		not_ok "wrong PIN: $left tries left for card 1"; tui_diag; fi
	if tui_screen | grep -q 'wrong-'; then not_ok "no PIN typed shows on the screen"; tui_diag; else
		ok "no PIN typed shows on the screen"; fi
	tui_type "xy"
	if tui_wait "Card: +$card +PIN: +\\*\\*( |\$)" 10; then ok "the focus is back in the PIN field (card $card, the PIN shows **)"; else
		not_ok "the focus is back in the PIN field"; tui_diag; fi
	tui_keys C-u
	left=$((left - 1))
done
tui_keys C-c
tui_wait 'Quit the wizard' 10
tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "quit: exit 1"; else not_ok "quit: exit 1 (got $st)"; fi

# A live run: the PIN rule of a live run before the PIN is typed.
T=$TAP_TMP/live
mkdir -m 700 "$T"
tui_start 80 24 C.UTF-8 "$KEYRITE" run "$top_srcdir/tests/fixtures/front/live-world.yaml" \
    --state "$T/state" --out "$T/out" --media "$T"
i=0
while [ "$i" -lt 300 ] && [ ! -s "$TUI_STATUS" ] && ! tui_screen | grep -q 'Operator'; do
	sleep 0.1; i=$((i + 1))
done
if [ ! -s "$TUI_STATUS" ] && tui_screen | grep -q 'Operator'; then
	tui_names
	tui_drive '' 'New card 1 of'
	r=$?
	if [ "$r" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -q 'LIVE'; then ok "live: the first new card's screen"; else
		not_ok "live: the first new card's screen ($r)"; tui_diag; fi
	if printf '%s\n' "$TUI_S" | grep -q 'The PIN: at least 8 characters\.' &&
	    ! printf '%s\n' "$TUI_S" | grep -q 'rehearsal'; then
		ok "live: the 8-character rule is shown before the PIN is typed"; else
		not_ok "live: the 8-character rule is shown before the PIN is typed"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
	case $TUI_S in *"held by Ann Smith"*) ok "live: the new card's screen names its holder" ;;
	*) not_ok "live: the new card's screen names its holder" ;; esac
	tui_type "seven77"; tui_keys Enter
	if tui_wait 'too short: the PIN needs at least 8 characters' 10; then
		ok "live: a 7-character PIN is refused at once"; else
		not_ok "live: a 7-character PIN is refused at once"; tui_diag; fi
	tui_keys C-c
	tui_wait 'Quit the wizard' 10
	tui_keys y
	tui_exit_status 20 >/dev/null
else
	echo "ok $((tap_n + 1)) # SKIP a live run cannot start here (exit $(cat "$TUI_STATUS" 2>/dev/null))"
	tap_n=$((tap_n + 1))
fi

done_testing
