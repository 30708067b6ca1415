#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-valgrind.sh: one whole rehearsal by keys in the wizard under
# valgrind (memcheck): no invalid read or write, no use of uninitialised
# memory, no definite leak.  Skipped when valgrind is missing or the
# program is built with AddressSanitizer (that build checks every tmux
# test itself).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi
if grep -q '__asan_init' "$KEYRITE" 2>/dev/null; then
	echo "1..0 # SKIP built with AddressSanitizer"
	exit 0
fi
VG="$TAP_TMP/vg.log"
TUI_WRAP="valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file=$VG"
TUI_START_WAIT=300 TUI_STEP_WAIT=300
S=$TAP_TMP/azure
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$CER/azure-byok.yaml" --keep "$S" $FAST
if tui_names; then ok "valgrind: the welcome screen"; else not_ok "valgrind: the welcome screen"; tui_diag; fi
tui_drive '(generate-ec|import-az-ec)'
r=$?
if [ "$r" -eq 0 ]; then ok "valgrind: the whole rehearsal by keys"; else
	not_ok "valgrind: the whole rehearsal by keys ($r)"; tui_diag; fi
tui_keys Enter
st=$(tui_exit_status 300)
if [ "$st" = 0 ]; then ok "valgrind: exit 0, no memory error"; else
	not_ok "valgrind: exit 0, no memory error (got $st)"; sed 's/^/# /' "$VG" | head -80; fi
# "==PID==" lines are memcheck's reports; "--PID--" lines are valgrind's
# own notes (it does not know mlock2, which OpenSSL's secure heap uses).
if grep -q '^==' "$VG"; then not_ok "valgrind: nothing reported"; sed 's/^/# /' "$VG" | head -80; else
	ok "valgrind: nothing reported"; fi
# shellcheck disable=SC2046
expect_status 0 "valgrind: the log is sealed" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"

done_testing
