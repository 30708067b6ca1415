#!/bin/sh
# SPDX-License-Identifier: ISC
# tui-resume.sh: progress stays visible across resumes, in tmux at 120x40
# (LANG=C: the whole step list of the current method fits).  The wizard is
# quit twice in the middle of the ceremony and started again each time:
# after each resume every step shows the mark it had when the wizard was
# quit (done +, skipped -, to do .), the current one is marked >, and the
# header and the station row give the same step number and station; the
# marks are also checked against the log's step results.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/tui-lib.sh"

A=$CER/azure-byok.yaml
S=$TAP_TMP/azure
SKIP_RE='(generate-ec|import-az-ec)'

# marks SCREEN: "mark id" for every row of the step list.
marks() {
	printf '%s\n' "$1" | awk 'substr($0, 31, 1) == "|" && NR > 2 {
	    id = substr($0, 4, 27); sub(/ +$/, "", id); if (id != "") print substr($0, 2, 1), id }'
}
# where SCREEN: "step N/M station S" from the header and the station row.
where() {
	printf '%s\n' "$1" | awk 'NR == 1 { match($0, /step [0-9]+\/[0-9]+/); st = substr($0, RSTART, RLENGTH) }
	    NR == 2 { s = $2 } END { print st, "station", s }'
}
# logged: "mark id" for the steps the log has a result for (+ ok,
# - skipped, ! exception).
logged() {
	"$KEYRITE" audit show "$S/out/azure-byok.log" 2>/dev/null |
	    sed -n 's/.*step-result *\([a-z0-9-]*\) *\(ok\|skipped\|exception\).*/\2 \1/p' |
	    sed 's/^ok /+ /; s/^skipped /- /; s/^exception /! /'
}

# resume_check N BEFORE: after the Nth resume, the screen $TUI_S against
# the screen BEFORE the quit.
resume_check() {
	b=$(marks "$2") a=$(marks "$TUI_S")
	if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "resume $1: every step has the mark it had before the quit"; else
		not_ok "resume $1: every step has the mark it had before the quit"
		diag "before:" "$b" "after:" "$a"; fi
	if printf '%s\n' "$a" | grep -q '^+ ' && printf '%s\n' "$a" | grep -q '^> ' &&
	    printf '%s\n' "$a" | grep -q '^\. '; then
		ok "resume $1: done, current and to-do marks are all there"; else
		not_ok "resume $1: done, current and to-do marks are all there"; fi
	bad=
	for id in $(logged | awk '{ print $2 }'); do
		want=$(logged | awk -v i="$id" '$2 == i { m = $1 } END { print m }')
		got=$(printf '%s\n' "$a" | awk -v i="$id" '$2 == i { print $1 }')
		[ "$got" = "$want" ] || bad="$bad $id($got, log $want)"
	done
	if [ -z "$bad" ]; then ok "resume $1: the marks agree with the log's step results"; else
		not_ok "resume $1: the marks agree with the log's step results:$bad"; fi
	wb=$(where "$2") wa=$(where "$TUI_S")
	case $wa in
	"step "*" station "[A-Z]*)
		if [ "$wa" = "$wb" ]; then ok "resume $1: the same step number and station ($wa)"; else
			not_ok "resume $1: the same step number and station ($wa, before: $wb)"; fi ;;
	*) not_ok "resume $1: a step number and a station are shown ($wa)" ;;
	esac
}

# quit_here: Esc, q, y; the wizard ends with status 1.
quit_here() {
	tui_keys Escape q
	tui_wait 'Quit the wizard' 10
	tui_keys y
	st=$(tui_exit_status 20)
	if [ "$st" = 1 ]; then ok "$1: quit (exit 1)"; else not_ok "$1: quit (exit 1, got $st)"; fi
}

tui_start 120 40 C "$KEYRITE" rehearse "$A" --keep "$S" $FAST
tui_names
tui_drive "$SKIP_RE" 'Parameter key_type'
r=$?
if [ "$r" -eq 2 ]; then ok "first run: reached the key's parameters"; else
	not_ok "first run: reached the key's parameters ($r)"; tui_diag; fi
BEFORE=$TUI_S
quit_here "first run"

tui_start 120 40 C "$KEYRITE" rehearse "$A" --keep "$S" $FAST
tui_names
tui_drive "$SKIP_RE" 'Parameter '
r=$?
if [ "$r" -eq 2 ]; then ok "resume 1: back at a parameter"; else not_ok "resume 1: back at a parameter ($r)"; tui_diag; fi
resume_check 1 "$BEFORE"
TUI_PREV=
tui_keys Enter
tui_drive "$SKIP_RE" 'Sign-off by the witness'
TUI_PREV=
tui_keys Enter
tui_drive "$SKIP_RE" '(Do the step|Optional step|Parameter )'
r=$?
if [ "$r" -eq 2 ]; then ok "second run: went on past a sign-off to the next step"; else
	not_ok "second run: went on past a sign-off to the next step ($r)"; tui_diag; fi
BEFORE=$TUI_S
quit_here "second run"

tui_start 120 40 C "$KEYRITE" rehearse "$A" --keep "$S" $FAST
tui_names
tui_drive "$SKIP_RE" '(Parameter |Do the step|Optional step)'
r=$?
if [ "$r" -eq 2 ]; then ok "resume 2: back in the ceremony"; else not_ok "resume 2: back in the ceremony ($r)"; tui_diag; fi
resume_check 2 "$BEFORE"
quit_here "third run"

done_testing
