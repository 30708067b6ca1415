#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-screens.sh: key screens of the wizard compared with the committed
# captures in tests/screens/ (80x24 with UTF-8, and 120x40 under LANG=C
# for the ASCII fallback), with the clock fixed by KEYRITE_TEST_CLOCK.
#
# What is masked before comparing, because it changes from run to run or
# with the ceremony files: every run of 8 or more lowercase hex digits
# (hashes, the ceremony file's SHA-256, the genesis fingerprint, the log
# origin's random suffix, the sandbox KEK's kid) becomes XXXXXXXX, the
# test's temporary directory becomes <TMP> and the ceremonies directory
# <CEREMONIES>.  Trailing blanks are dropped.
# TUI_UPDATE_SCREENS=1 rewrites the captures instead of comparing.
. "$top_srcdir/tests/lib/tap.sh"
# The fixed clock (KEYRITE_TEST_CLOCK) needs a build with the test hooks.
if [ "${KR_TEST_HOOKS:-no}" != yes ]; then
	echo "1..0 # SKIP needs the fixed test clock: configure --enable-test-hooks (as CI's sanitizer build and distcheck do)"
	exit 0
fi
. "$top_srcdir/tests/lib/tui-lib.sh"
SCREENS="$top_srcdir/tests/screens"

mask() {
	sed -E "s#$CER#<CEREMONIES>#g; s#$TAP_TMP#<TMP>#g; s/[0-9a-f]{8,}/XXXXXXXX/g; s/[[:space:]]+\$//"
}

# shot NAME: compares the settled screen with tests/screens/NAME.txt.
shot() {
	if ! s=$(tui_settled 20); then not_ok "screen $1: did not settle"; tui_diag; return; fi
	printf '%s\n' "$s" | mask >"$TAP_TMP/$1.txt"
	if [ -n "${TUI_UPDATE_SCREENS:-}" ]; then
		cp "$TAP_TMP/$1.txt" "$SCREENS/$1.txt"
		ok "screen $1 (capture updated)"
	elif diff -u "$SCREENS/$1.txt" "$TAP_TMP/$1.txt" >"$TAP_TMP/diff"; then
		ok "screen $1 matches"
	else
		not_ok "screen $1 matches"; sed 's/^/# /' "$TAP_TMP/diff"
	fi
}

S=$TAP_TMP/a
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_wait 'Operator' 20
tui_type "Alice Operator"; tui_keys Enter; tui_type "Walter Witness"; tui_keys Enter
tui_wait 'Enter begin' 20
shot welcome
tui_keys Enter
tui_wait 'Parameter vault_name' 20
shot main-param
tui_keys F1
tui_wait 'Keys' 10
shot help
tui_keys Escape
tui_wait 'Parameter vault_name' 10
tui_keys Escape q
tui_wait 'Quit the wizard' 10
shot quit
tui_keys n
tui_wait 'j/k scroll' 10
TUI_PREV=
tui_drive '(generate-ec|import-az-ec)' 'New card 1 of'
tui_type "abc"
tui_wait 'PIN: *\*\*\*' 10
shot card-new
tui_keys C-u
TUI_PREV=
tui_drive '(generate-ec|import-az-ec)' 'Present a card:'
tui_type "wrong"; tui_keys Enter
tui_wait 'wrong PIN' 20
shot card-wrong-pin
TUI_PREV=
tui_drive '(generate-ec|import-az-ec)' 'Sign-off by the witness'
shot signoff
TUI_PREV=
tui_drive '(generate-ec|import-az-ec)'
shot summary
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; fi

# 120x40 under LANG=C: ASCII marks and lines.
S=$TAP_TMP/b
tui_start 120 40 C "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --keep "$S" $FAST
tui_names
tui_wait 'Do the step, then press Enter' 20
shot ascii-120x40
if tui_screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"; then
	not_ok "LANG=C: nothing but ASCII on the screen"
else
	ok "LANG=C: nothing but ASCII on the screen"
fi
tui_keys C-c
tui_wait 'Quit the wizard' 10
tui_keys y
st=$(tui_exit_status 20)
if [ "$st" = 1 ]; then ok "quit: exit 1"; else not_ok "quit: exit 1 (got $st)"; fi

done_testing
