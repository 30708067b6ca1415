#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-full.sh: both shipped ceremonies rehearsed by keystrokes in the real
# wizard under tmux (80x24, then 120x40), each ending with the summary, a
# sealed log (`keyrite audit verify') and the package; the terminal is
# given back (the shell prints the exit status after the wizard).  Every
# screen of both runs is scanned for a word cut at a pane edge
# (tests/tui-cutscan.c; tui-cuts.sh runs the other two sizes).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

# Legacy method at 80x24, UTF-8, for another region than the default (the
# sandbox is made for the region picked from the list).
S=$TAP_TMP/legacy
TUI_PARAMS="subscription_id=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b region=europe toolset_bag=TEB-100231 toolset_bag_read=TEB-100231 backup_bag=TEB-100232"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --keep "$S" $FAST
if tui_names; then ok "legacy: the welcome screen takes the names"; else
	not_ok "legacy: the welcome screen takes the names"; tui_diag; fi
tui_drive 'inspect-acl'
r=$?
if [ "$r" -eq 0 ]; then ok "legacy: every prompt answered by keys, the summary shown"; else
	not_ok "legacy: every prompt answered by keys (stopped: $r)"; tui_diag; fi
case $TUI_S in
*REHEARSAL*"keyrite ceremony summary (REHEARSAL)"*) ok "legacy: the summary screen says REHEARSAL" ;;
*) not_ok "legacy: the summary screen says REHEARSAL"; printf '%s\n' "$TUI_S" | sed 's/^/# /' ;;
esac
if grep -Eq 'Cosign the checkpoint after [a-z-]+: present [0-9]+ of' "$TAP_TMP/screens"; then
	ok "legacy: a checkpoint's quorum is announced as such"
else
	not_ok "legacy: a checkpoint's quorum is announced as such"
fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "legacy: the wizard exits 0"; else not_ok "legacy: the wizard exits 0 (got $st)"; tui_diag; fi
tui_restored "legacy: the terminal is restored (icanon, echo, isig)"
# shellcheck disable=SC2046
expect_status 0 "legacy: audit verify" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/ncipher-byok-legacy.log"
output_has '^PASS sealed' "legacy: the log is sealed"
output_has 'REHEARSAL' "legacy: the log is marked REHEARSAL"
for f in transcript.txt summary.txt report.md; do
	check "legacy: $f is left in out/" test -s "$S/out/$f"
done
check "legacy: the region picked is in the log" grep -q '"europe"' "$S/out/ncipher-byok-legacy.log"
check "legacy: the medium holds the Europe toolset" test -s "$S/media/KeyVault-BYOK-Tools-Europe.zip"
P=$S/out/KeyTransferPackage-ContosoFirstHSMkey
check "legacy: the .byok package" test -s "$P.byok"
check "legacy: the manifest" test -s "$P.manifest"
expect_status 0 "legacy: the sandbox vault imports the package" \
    "$KEYRITE" vault import "$S/vault" "$P.byok" --manifest "$P.manifest" --name again
if grep -q 'skipped' "$S/out/transcript.txt" 2>/dev/null || \
    "$KEYRITE" audit show "$S/out/ncipher-byok-legacy.log" 2>/dev/null | grep -q 'skipped'; then
	ok "legacy: the optional step was skipped by the s key"
else
	not_ok "legacy: the optional step was skipped by the s key"
fi

if grep -q '\${' "$TAP_TMP/screens"; then not_ok "legacy: no \${ on any screen"
	diag "$(grep -n '\${' "$TAP_TMP/screens" | head -5)"
else ok "legacy: no \${ on any screen"; fi
tui_cutscan 80 ncipher-byok-legacy "$S/out" "legacy 80x24: no word cut at a pane edge on any screen"

# Current method at 120x40, LANG=C (ASCII marks and lines).
: >"$TAP_TMP/screens"
S=$TAP_TMP/azure
TUI_PARAMS=
tui_start 120 40 C "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
if tui_names; then ok "azure: the welcome screen takes the names"; else
	not_ok "azure: the welcome screen takes the names"; tui_diag; fi
tui_drive '(generate-ec|import-az-ec)'
r=$?
if [ "$r" -eq 0 ]; then ok "azure: every prompt answered by keys, the summary shown"; else
	not_ok "azure: every prompt answered by keys (stopped: $r)"; tui_diag; fi
if awk 'length > 100 { f = 1 } END { exit !f }' "$TAP_TMP/screens"; then
	ok "azure: the screens use the 120 columns"
else
	not_ok "azure: the screens use the 120 columns"
fi
tui_keys Enter
st=$(tui_exit_status 20)
if [ "$st" = 0 ]; then ok "azure: the wizard exits 0"; else not_ok "azure: the wizard exits 0 (got $st)"; tui_diag; fi
tui_restored "azure: the terminal is restored"
# shellcheck disable=SC2046
expect_status 0 "azure: audit verify" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
output_has '^PASS sealed' "azure: the log is sealed"
check "azure: the .byok package" test -s "$S/out/ContosoFirstHSMkey.byok"
expect_status 0 "azure: the sandbox vault imports the .byok" \
    "$KEYRITE" vault import "$S/vault" "$S/out/ContosoFirstHSMkey.byok" --name again

if grep -q '\${' "$TAP_TMP/screens"; then not_ok "azure: no \${ on any screen"
	diag "$(grep -n '\${' "$TAP_TMP/screens" | head -5)"
else ok "azure: no \${ on any screen"; fi
tui_cutscan 120 azure-byok "$S/out" "azure 120x40: no word cut at a pane edge on any screen"

done_testing
