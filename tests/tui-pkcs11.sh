#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-pkcs11.sh: the wizard drives the current-method ceremony on a token:
# `keyrite rehearse ceremonies/azure-byok.yaml --token URI' on a fresh
# token of the conforming SoftHSM (tests/pkcs11-softhsm.sh), answered by
# keys in tmux at 80x24, to the summary and a sealed log; the mode and
# backup steps show as not applicable, the token holds the key, sensitive
# (pkcs11-tool, not logged in, sees only its public half) and the sandbox
# vault imports the .byok.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

S=$TAP_TMP/azure
URI="pkcs11:token=wizard?module-path=$P11_LIB"
TUI_PARAMS=
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" \
	$FAST --token "$URI"
if tui_names; then ok "the welcome screen takes the names"; else
	not_ok "the welcome screen takes the names"; tui_diag; fi
tui_drive '(generate-ec|import-az-ec)'
r=$?
if [ "$r" -eq 0 ]; then ok "every prompt answered by keys, the summary shown"; else
	not_ok "every prompt answered by keys (stopped: $r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "the wizard exits 0"; else not_ok "the wizard exits 0 (got $st)"; tui_diag; fi
tui_restored "the terminal is restored"
LOG=$S/out/azure-byok.log
# shellcheck disable=SC2046
expect_status 0 "audit verify, anchored by the minutes" \
	"$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$LOG"
output_has '^PASS sealed' "the log is sealed"
check "the wizard showed the mode steps as not applicable on the token" \
	grep -q 'not applicable: this run drives the pkcs11' "$TAP_TMP/screens"
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show" 2>&1
check "the log records the KEK made on the token by the SO" \
	grep -q 'keyrite-kek:contosokey made on the token by the SO' "$TAP_TMP/show"
pkcs11-tool --module "$P11_LIB" --token-label wizard --list-objects \
	>"$TAP_TMP/objs" 2>&1
check "the token holds the key's public half and the KEK" sh -c "
	grep -q 'label: *keyrite:contosokey\$' '$TAP_TMP/objs' &&
	grep -q 'label: *keyrite-kek:contosokey\$' '$TAP_TMP/objs'"
if grep -q 'Private Key Object' "$TAP_TMP/objs"; then
	not_ok "its private half is a private object (not listed without login)"
else ok "its private half is a private object (not listed without login)"; fi
check "the .byok" test -s "$S/out/ContosoFirstHSMkey.byok"
expect_status 0 "the sandbox vault imports the .byok made by the token" \
	"$KEYRITE" vault import "$S/vault" "$S/out/ContosoFirstHSMkey.byok" --name again
done_testing
