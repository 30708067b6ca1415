#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-cuts.sh: no word cut at a pane edge, at the two sizes tui-full.sh
# does not run: the current method at 80x24 (UTF-8) and the legacy one at
# 120x40 (LANG=C), each rehearsed to the end by keys and every screen
# scanned (tests/tui-cutscan.c).  Then the scanner is shown honest: a cut
# planted in a real captured screen (at a pane's right edge, across a
# border, at a pane's left edge, at the end of a step id in the list, at
# the end of the keys row) is found and named, while the same screen
# unchanged passes.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"
SCAN=$top_builddir/tests/tui-cutscan

# Current method at 80x24, UTF-8.
S=$TAP_TMP/azure
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_names
tui_drive '(generate-ec|import-az-ec)'
r=$?
if [ "$r" -eq 0 ]; then ok "azure 80x24: every prompt answered by keys, the summary shown"; else
	not_ok "azure 80x24: every prompt answered by keys (stopped: $r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "azure 80x24: the wizard exits 0"; else not_ok "azure 80x24: the wizard exits 0 (got $st)"; fi
tui_cutscan 80 azure-byok "$S/out" "azure 80x24: no word cut at a pane edge on any screen"
cp "$TAP_TMP/screens" "$TAP_TMP/screens.80"
AZ=$S/out
"$KEYRITE" audit show "$AZ/azure-byok.log" >"$TAP_TMP/show.80" 2>&1

# Legacy method at 120x40, LANG=C (ASCII marks and borders).
S=$TAP_TMP/legacy
: >"$TAP_TMP/screens"
TUI_PARAMS="subscription_id=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b"
tui_start 120 40 C "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --keep "$S" $FAST
tui_names
tui_drive 'inspect-acl'
r=$?
if [ "$r" -eq 0 ]; then ok "legacy 120x40: every prompt answered by keys, the summary shown"; else
	not_ok "legacy 120x40: every prompt answered by keys (stopped: $r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "legacy 120x40: the wizard exits 0"; else not_ok "legacy 120x40: the wizard exits 0 (got $st)"; fi
tui_cutscan 120 ncipher-byok-legacy "$S/out" "legacy 120x40: no word cut at a pane edge on any screen"
cp "$TAP_TMP/screens" "$TAP_TMP/screens.120"
LG=$S/out
"$KEYRITE" audit show "$LG/ncipher-byok-legacy.log" >"$TAP_TMP/show.120" 2>&1

# The scanner itself: cuts planted in a real screen.
# first_screen FILE REGEX: the number of the first screen matching.
first_screen() {
	awk -v re="$2" 'BEGIN { s = 1 } /^=====$/ { s++; next }
	    $0 ~ re { print s; exit }' "$1"
}
# plant FILE SCREEN ROW LINE: that screen alone, its row ROW (from 0)
# replaced by LINE, into $TAP_TMP/planted.
plant() {
	awk -v n="$2" -v r="$3" -v l="$4" 'BEGIN { s = 1; i = 0 }
	    /^=====$/ { if (s == n) { print; exit } s++; i = 0; next }
	    s == n { print (i == r ? l : $0); i++ }' "$1" >"$TAP_TMP/planted"
}
scan80() {
	"$SCAN" 80 "$TAP_TMP/planted" "$top_srcdir/ceremonies/azure-byok.yaml" \
	    "$TAP_TMP/show.80" "$AZ/transcript.txt" "$AZ/summary.txt" "$AZ/report.md" \
	    -c "$top_srcdir"/ui/*.c "$top_srcdir"/src/*.c >"$TAP_TMP/found"
}
scan120() {
	"$SCAN" 120 "$TAP_TMP/planted" "$top_srcdir/ceremonies/ncipher-byok-legacy.yaml" \
	    "$TAP_TMP/show.120" "$LG/transcript.txt" "$LG/summary.txt" "$LG/report.md" \
	    -c "$top_srcdir"/ui/*.c "$top_srcdir"/src/*.c >"$TAP_TMP/found"
}
# planted_found DESC WORD: the scan failed and named WORD.
planted_found() {
	if [ "$1" -eq 1 ] && grep -q "$3'\$" "$TAP_TMP/found"; then ok "$2"; else
		not_ok "$2 (status $1)"; sed 's/^/# /' "$TAP_TMP/found"; fi
}

n=$(first_screen "$TAP_TMP/screens.80" 'Do the step, then press Enter')
if [ -n "$n" ]; then ok "a main screen at 80x24 to plant in (screen $n)"; else
	not_ok "a main screen at 80x24 to plant in"; n=1; fi
# the row above the keys, unchanged: the control
plant "$TAP_TMP/screens.80" "$n" 99 ""
scan80; r=$?
if [ "$r" -eq 0 ]; then ok "the 80x24 screen as captured has no cut"; else
	not_ok "the 80x24 screen as captured has no cut"; sed 's/^/# /' "$TAP_TMP/found"; fi
# a sentence cut at the screen's right margin (the log pane)
plant "$TAP_TMP/screens.80" "$n" 20 "$(printf ' %78s' 'the card number is 1 to the number of cards in the se')"
scan80; planted_found $? "a word cut at the right edge is found (80x24, UTF-8 screen)" se
plant "$TAP_TMP/screens.80" "$n" 20 "$(printf ' %78s' 'the card number is 1 to the number of cards in the set')"
scan80; r=$?
if [ "$r" -eq 0 ]; then ok "the same sentence whole at the edge passes"; else
	not_ok "the same sentence whole at the edge passes"; sed 's/^/# /' "$TAP_TMP/found"; fi

# the keys row cut in the middle of a key's name ("F1" left as "F")
plant "$TAP_TMP/screens.80" "$n" 23 ' Up/Down/PgUp/PgDn scroll   Enter or q leave (the summary is printed again)   F'
scan80; planted_found $? "a key name cut at the end of the keys row is found" F

n=$(first_screen "$TAP_TMP/screens.120" 'Do the step, then press Enter')
if [ -n "$n" ]; then ok "a main screen at 120x40 to plant in (screen $n)"; else
	not_ok "a main screen at 120x40 to plant in"; n=1; fi
row=$(awk -v n="$n" 'BEGIN { s = 1; i = 0 } /^=====$/ { s++; i = 0; next }
    s == n { if (i > 4 && substr($0, 31, 1) == "|") { print i; exit } i++ }' "$TAP_TMP/screens.120")
if [ -n "$row" ]; then ok "a row of the step list and its border (row $row)"; else
	not_ok "a row of the step list and its border"; row=5; fi
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%s|%s' ' . carry-package-to-the-connec' 'ted workstation')"
scan120; r=$?
if [ "$r" -eq 1 ] && grep -q 'a word across a border' "$TAP_TMP/found"; then
	ok "a word across a border is found (120x40, ASCII screen)"; else
	not_ok "a word across a border is found (status $r)"; sed 's/^/# /' "$TAP_TMP/found"; fi
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%-30s| %s' ' . new-world' 'mber of cards in the set')"
scan120; planted_found $? "a word cut at a pane's left edge is found" mber
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%-30s| %s' ' . carry-package-to-the-connec' 'Carry the package')"
scan120; planted_found $? "a step id cut at the list's right edge is found" connec
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%-30s| %87s' ' . new-world' 'the card number is 1 to the number of cards in the se')"
scan120; planted_found $? "a word cut at the right edge is found (120x40, ASCII screen)" se
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%-30s| %87s' ' . new-world' 'the card number is 1 to the number of cards in the set')"
scan120; r=$?
if [ "$r" -eq 0 ]; then ok "the same sentence whole at the right edge passes (120x40)"; else
	not_ok "the same sentence whole at the right edge passes (120x40)"; sed 's/^/# /' "$TAP_TMP/found"; fi
plant "$TAP_TMP/screens.120" "$n" "$row" "$(printf '%-30s| %87s' ' . new-world' 'a hash broken at the edge: 3bb3729fa2e26dba91d22290e')"
scan120; planted_found $? "a hash broken at the edge is found" 3bb3729fa2e26dba91d22290e

done_testing
