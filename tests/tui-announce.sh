#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-announce.sh: a scenario's `announce'.  By default a fault is never
# shown: the trainee meets only its consequences (the log has it).  With
# `announce: true' (for the scenario, or one fault) the wizard shows the
# fault to the trainer as it strikes, on the message row and in the log
# pane, and batch mode prints it as an event line.  Both ways, in tmux and
# in batch; lint refuses a value that is not true or false, at line:col.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

A=$top_srcdir/ceremonies/azure-byok.yaml
ANS=$top_srcdir/ceremonies/examples/azure-byok.answers.yaml
# A copy of the current method whose tampered-kek-file scenario announces.
ANN=$TAP_TMP/announce.yaml
sed '/^  tampered-kek-file:$/a\
    announce: true' "$A" >"$ANN"
if grep -q '^    announce: true$' "$ANN"; then ok "a ceremony whose scenario announces"; else
	not_ok "a ceremony whose scenario announces"; fi
expect_status 0 "lint: announce: true is accepted" "$KEYRITE" lint "$ANN"
sed 's/^    announce: true$/    announce: maybe/' "$ANN" >"$TAP_TMP/bad.yaml"
expect_status 65 "lint: announce: maybe is refused" "$KEYRITE" lint "$TAP_TMP/bad.yaml"
output_has "bad.yaml:[0-9]+:[0-9]+: expected true or false for 'announce'" "lint names the line and column"

# Batch: the event line only when announced.
expect_status 1 "batch, announced: the tampered KEK stops the ceremony" \
    "$KEYRITE" rehearse "$ANN" --scenario tampered-kek-file --batch "$ANS" --keep "$TAP_TMP/b1" $FAST
output_has '\[import-kek\] trainer: fault tampered-kek-package injected \(scenario tampered-kek-file\)' \
    "batch, announced: the fault is printed as it strikes"
expect_status 1 "batch, not announced: the tampered KEK stops the ceremony" \
    "$KEYRITE" rehearse "$A" --scenario tampered-kek-file --batch "$ANS" --keep "$TAP_TMP/b2" $FAST
if cat "$TAP_TMP/out" "$TAP_TMP/err" | grep -q 'injected'; then
	not_ok "batch, not announced: nothing names the fault"; else
	ok "batch, not announced: nothing names the fault"; fi
check "batch, not announced: the log has it for the trainer" \
    grep -q 'fault-injected' "$TAP_TMP/b2/out/azure-byok.log"

# The wizard, announced: the trainer sees the fault on the failed step.
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$ANN" --scenario tampered-kek-file --keep "$TAP_TMP/w1" $FAST
tui_names
tui_drive '(generate-ec|import-az-ec)' 'Result: FAILED'
r=$?
if [ "$r" -eq 2 ]; then ok "wizard, announced: the step fails"; else not_ok "wizard, announced: the step fails ($r)"; tui_diag; fi
if printf '%s\n' "$TUI_S" | grep -q 'trainer: fault tampered-kek-package injected'; then
	ok "wizard, announced: the fault is shown to the trainer"; else
	not_ok "wizard, announced: the fault is shown to the trainer"; printf '%s\n' "$TUI_S" | sed 's/^/# /'; fi
tui_keys q
tui_wait 'Quit the wizard' 10
tui_keys y
tui_exit_status 20 >/dev/null

# The wizard, not announced: no screen names it.
: >"$TAP_TMP/screens"
tui_start 80 24 C.UTF-8 "$KEYRITE" rehearse "$A" --scenario tampered-kek-file --keep "$TAP_TMP/w2" $FAST
tui_names
tui_drive '(generate-ec|import-az-ec)' 'Result: FAILED'
r=$?
if [ "$r" -eq 2 ]; then ok "wizard, not announced: the step fails"; else not_ok "wizard, not announced: the step fails ($r)"; tui_diag; fi
if grep -Eq 'injected|trainer: fault' "$TAP_TMP/screens"; then
	not_ok "wizard, not announced: no screen names the fault"; else
	ok "wizard, not announced: no screen names the fault"; fi
tui_keys q
tui_wait 'Quit the wizard' 10
tui_keys y
tui_exit_status 20 >/dev/null

done_testing
