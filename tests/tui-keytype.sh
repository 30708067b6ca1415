#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-keytype.sh: a key type other than the default, picked from the list
# in tmux at 80x24.  In the azure rehearsal the key type list shows RSA
# highlighted; the arrows move to EC and Enter picks it.  The ceremony then
# takes its EC branch: generate-ec and import-az-ec run, generate-rsa and
# import-az are recorded as not chosen, the .byok imports into the sandbox
# vault, and the log verifies sealed.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

S=$TAP_TMP/azure
LOG=$S/out/azure-byok.log
: >"$TAP_TMP/screens"
TUI_PARAMS="key_type=EC"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
tui_names
tui_drive '' 'Parameter key_type'
r1=$?
if [ "$r1" -eq 2 ] && printf '%s\n' "$TUI_S" | grep -Eq '[│|] > RSA +RSA \(default\)'; then
	ok "the key type list, RSA highlighted"; else
	not_ok "the key type list, RSA highlighted ($r1)"; tui_diag; fi
TUI_PREV=	# the list is answered by the next drive (tui_pick moves to EC)
tui_drive '' '▶ generate-ec'
r2=$?
if [ "$r2" -eq 2 ]; then ok "EC picked: the wizard is at generate-ec"; else
	not_ok "EC picked: the wizard is at generate-ec ($r2)"; tui_diag; fi
TUI_PREV=	# the curve list is answered by the next drive (P-256)
tui_drive ''
r3=$?
if [ "$r3" -eq 0 ]; then ok "the EC branch runs to the summary"; else
	not_ok "the EC branch runs to the summary ($r3)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; tui_diag; fi
# shellcheck disable=SC2046
expect_status 0 "audit verify" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$LOG"
output_has '^PASS sealed' "the log is sealed"
check "generate-ec ran" grep -q '"step":"generate-ec"' "$LOG"
check "the transcript: generate-rsa not chosen, key_type EC" \
    grep -q "step generate-rsa: not chosen: key_type is EC" "$S/out/transcript.txt"
check "the transcript: import-az (RSA) not chosen" \
    grep -q "step import-az: not chosen: key_type is EC" "$S/out/transcript.txt"
check "the .byok package" test -s "$S/out/ContosoFirstHSMkey.byok"
expect_status 0 "the sandbox vault imports the .byok" \
    "$KEYRITE" vault import "$S/vault" "$S/out/ContosoFirstHSMkey.byok" --name again
done_testing
