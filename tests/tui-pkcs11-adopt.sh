#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-pkcs11-adopt.sh: the wizard's token texts, in tmux, on the
# conforming SoftHSM (tests/pkcs11-softhsm.sh), with `keyrite rehearse
# --token'.
#
# 1. Adopt: azure-byok with `adopt: true' in new-world, on a token that
#    pkcs11-tool initialised (its SO PIN 87654321, this test's own).  After
#    the new cards' PINs the wizard says it is adopting the token, names
#    its current SO PIN, that its holders type it under witness and that
#    keyrite replaces it at once; the PIN is typed twice ("PIN again:"),
#    shown as *.  The rehearsal runs to the summary, the log verifies
#    sealed and says the token was adopted, and the old SO PIN no longer
#    works.
# 2. PIN pad: SoftHSM has none, so the world's pin_pad is set between a
#    rehearsal quit at its first card prompt (which says nothing of a pad)
#    and its resume, as a token with a pad would have had it
#    (tests/pkcs11-pinpad.sh does the same in batch mode): the card prompt
#    then says the token's PIN is typed on the reader's pad when it asks;
#    the rehearsal goes on to a sealed log.
#
# No screen of either ever shows a PIN: not the SO PIN, not a card's.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

SKIP_RE='(generate-ec|import-az-ec)'
AD=$TAP_TMP/azure-adopt.yaml
awk '{ print } /^    action: new-world$/ { nw = 1 }
	nw && /^      quorum: / { print "      adopt: true"; nw = 0 }' \
	"$CER/azure-byok.yaml" >"$AD"
check "the adopting ceremony has adopt: true in new-world" \
	grep -q '^      adopt: true$' "$AD"

# ---- 1. adopt -------------------------------------------------------------
check "a token initialised outside keyrite" p11_init tuiadopt
S=$TAP_TMP/adopt
tui_start 120 40 C.UTF-8 "$KEYRITE" rehearse "$AD" --keep "$S" $FAST \
	--token "pkcs11:token=tuiadopt?module-path=$P11_LIB"
if tui_names; then ok "1: the welcome screen takes the names"; else
	not_ok "1: the welcome screen takes the names"; tui_diag; fi
tui_drive "$SKIP_RE" 'Adopting the token'
r=$?
if [ "$r" -eq 2 ]; then ok "1: after the new cards' PINs, the adopt screen"; else
	not_ok "1: after the new cards' PINs, the adopt screen ($r)"; tui_diag; fi
check "1: it names the token's current SO PIN" sh -c "printf '%s\n' \"\$1\" |
	grep -q \"Adopting the token: the current SO PIN of token 'tuiadopt'\"" - "$TUI_S"
# the sentence as wrapped in the pane, without the step list beside it
said=$(printf '%s\n' "$TUI_S" | sed -n 's/^.*[│|] //p' | tr -s ' \n' '  ')
case $said in
*"Its holders type it under witness; keyrite replaces it at once by a random PIN split onto the cards. Only they look; it shows as *."*)
	ok "1: typed by its holders under witness, replaced at once" ;;
*)	not_ok "1: typed by its holders under witness, replaced at once"; diag "$TUI_S" ;;
esac
tui_type 87654321
tui_wait 'PIN: *[*]{8}' 10
scr=$(tui_screen)
printf '%s\n=====\n' "$scr" >>"$TAP_TMP/screens"
check "1: the SO PIN shows as * while typed" sh -c \
	"printf '%s\n' \"\$1\" | grep -Eq 'PIN: *[*]{8}'" - "$scr"
tui_keys Enter
tui_next 20
printf '%s\n=====\n' "$TUI_S" >>"$TAP_TMP/screens"
check "1: then typed again (PIN again:), still the adopt screen" sh -c \
	"printf '%s\n' \"\$1\" | grep -q 'PIN again:' &&
	 printf '%s\n' \"\$1\" | grep -q 'Adopting the token'" - "$TUI_S"
tui_type 87654321
tui_keys Enter
# on once the adopt screen is gone (the engine adopts the token)
i=0
while [ $i -lt 300 ] && tui_screen | grep -q 'Adopting the token'; do
	sleep 0.2; i=$((i + 1)); done
tui_drive "$SKIP_RE"
r=$?
if [ "$r" -eq 0 ]; then ok "1: the rehearsal runs to the summary"; else
	not_ok "1: the rehearsal runs to the summary ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "1: the wizard exits 0"; else not_ok "1: the wizard exits 0 (got $st)"; tui_diag; fi
# shellcheck disable=SC2046
expect_status 0 "1: the log verifies sealed" \
	"$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
"$KEYRITE" audit show "$S/out/azure-byok.log" >"$TAP_TMP/show" 2>&1
check "1: the log says the token was adopted" grep -q 'token adopted: the SO PIN entered was replaced' \
	"$TAP_TMP/show"
if pkcs11-tool --module "$P11_LIB" --token-label tuiadopt --login --login-type so \
    --so-pin 87654321 -O >/dev/null 2>&1; then
	not_ok "1: the old SO PIN no longer works"
else ok "1: the old SO PIN no longer works"; fi
check "1: no screen showed the SO PIN" sh -c "! grep -q 87654321 '$TAP_TMP/screens'"
check "1: nor a card's PIN" sh -c "! grep -q 'tui-card-pin' '$TAP_TMP/screens'"

# ---- 2. PIN pad ---------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
	mv "$TAP_TMP/screens" "$TAP_TMP/screens.adopt"
	S=$TAP_TMP/pad
	URI="pkcs11:token=tuipad?module-path=$P11_LIB"
	# to_card DESC: the rehearsal (started or resumed) up to its next
	# card prompt
	to_card() {
		tui_start 120 40 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
			--keep "$S" $FAST --token "$URI"
		tui_names
		tui_drive "$SKIP_RE" 'Present a card:'
		r=$?
		if [ "$r" -eq 2 ]; then ok "$1"; else not_ok "$1 ($r)"; tui_diag; fi
	}
	to_card "2: the first card prompt after new-world"
	check "2: it says nothing of a PIN pad (the token has none)" sh -c \
		"! printf '%s\n' \"\$1\" | grep -q 'PIN pad'" - "$TUI_S"
	tui_keys Escape q
	tui_wait 'Quit the wizard' 10
	tui_keys y
	st=$(tui_exit_status 20)
	check "2: the wizard quits there (exit $st)" [ "$st" = 1 ]
	W=$(find "$S" -name token-world | head -1)
	check "2: the world was made" test -n "$W"
	p11_world_pad "$W" flip
	check "2: the world now says pin_pad" grep -q '"pin_pad": *true' "$W"
	to_card "2: resumed, the card prompt again"
	check "2: the token's PIN is typed on the reader's pad, never here" sh -c \
		"printf '%s\n' \"\$1\" | grep -q \"PIN pad: the token's PIN is typed on the reader's pad when it asks.\"" \
		- "$TUI_S"
	check "2: the card's own PIN is still asked (the cards are keyrite's)" sh -c \
		"printf '%s\n' \"\$1\" | grep -q 'Card: .* PIN:'" - "$TUI_S"
	TUI_PREV=
	tui_drive "$SKIP_RE"
	r=$?
	if [ "$r" -eq 0 ]; then ok "2: the rehearsal runs to the summary"; else
		not_ok "2: the rehearsal runs to the summary ($r)"; tui_diag; fi
	tui_keys Enter
	st=$(tui_exit_status 20)
	check "2: the wizard exits 0 (got $st)" [ "$st" = 0 ]
	# shellcheck disable=SC2046
	expect_status 0 "2: the log verifies sealed" "$KEYRITE" audit verify \
		$(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
	check "2: no screen showed a card's PIN" sh -c "! grep -q 'tui-card-pin' '$TAP_TMP/screens'"
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do ok "# SKIP no python3 (Debian package python3): it rewrites the world's checksum"; done
fi
done_testing
