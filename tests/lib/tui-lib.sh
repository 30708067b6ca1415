# SPDX-License-Identifier: ISC
# tui-lib.sh: drive the real wizard in a private tmux server.  Source it
# after tap.sh.  Every wait polls the screen with a bounded timeout; the
# tmux server is killed on exit.
#
# A screen is "settled" when two captures 0.15 s apart are equal and the
# key line does not say "working...".  tui_next waits for a settled screen
# that differs from the last one handled, so keys typed for one prompt are
# never taken for the next prompt.
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
TUI_SOCK="keyrite-test-$$"
TM="tmux -L $TUI_SOCK -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$TAP_TMP"' EXIT
FAST=--test-scrypt-log2n=10
# A short, fixed-length path to the ceremonies, so that the file name on
# the welcome screen is not cut differently in a deep build tree (distcheck).
ln -s "$top_srcdir/ceremonies" "$TAP_TMP/cer"
CER="$TAP_TMP/cer"
TUI_CLOCK=2026-03-14T09:26:53Z
TUI_RUNS=0
TUI_PREV=

# tui_start COLS ROWS LANG COMMAND...: runs COMMAND in a new tmux window
# with the fixed clock and TERM; its exit status goes to $TUI_STATUS.
tui_start() {
	cols=$1 rows=$2 lang=$3
	shift 3
	TUI_RUNS=$((TUI_RUNS + 1))
	TUI_STATUS="$TAP_TMP/status.$TUI_RUNS"
	rm -f "$TUI_STATUS"
	{
		echo '#!/bin/sh'
		printf 'cd %s || exit 99\n' "'$PWD'"
		printf 'exec env -u NO_COLOR TERM=xterm-256color LANG=%s LC_ALL=%s KEYRITE_TEST_CLOCK=%s %s' \
		    "$lang" "$lang" "$TUI_CLOCK" "${TUI_WRAP:-}"
		for a in "$@"; do printf " '%s'" "$a"; done
		printf '\n'
	} >"$TAP_TMP/run.$TUI_RUNS"
	{
		echo '#!/bin/sh'
		printf "sh '%s'\nst=\$?\nstty -a >'%s.stty' 2>&1\necho \$st >'%s'\n" \
		    "$TAP_TMP/run.$TUI_RUNS" "$TUI_STATUS" "$TUI_STATUS"
	} >"$TAP_TMP/wrap.$TUI_RUNS"
	$TM kill-server 2>/dev/null
	$TM new-session -d -s tui -x "$cols" -y "$rows" "sh '$TAP_TMP/wrap.$TUI_RUNS'"
	TUI_PREV=
}

tui_screen() { $TM capture-pane -p -t tui 2>/dev/null; }
tui_keys() { $TM send-keys -t tui "$@"; }
tui_type() { $TM send-keys -t tui -l "$1"; }

# tui_settled: prints a settled screen, or fails after $1 seconds (20).
tui_settled() {
	lim=$(( ${1:-20} * 10 )); i=0
	while [ "$i" -lt "$lim" ]; do
		a=$(tui_screen)
		case $a in *working...*) ;; *)
			sleep 0.15
			b=$(tui_screen)
			if [ "$a" = "$b" ]; then printf '%s\n' "$a"; return 0; fi
		esac
		sleep 0.1
		i=$((i + 1))
	done
	tui_screen >"$TAP_TMP/last-screen"
	return 1
}

# tui_wait REGEX [SECONDS]: waits until the screen matches (grep -E).
tui_wait() {
	lim=$(( ${2:-20} * 10 )); i=0
	while [ "$i" -lt "$lim" ]; do
		if tui_screen | grep -Eq -- "$1"; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	tui_screen >"$TAP_TMP/last-screen"
	return 1
}

# tui_next [SECONDS]: the next settled screen that differs from the last
# one handled, into $TUI_S.
tui_next() {
	lim=$(( ${1:-60} * 10 )); i=0
	while [ "$i" -lt "$lim" ]; do
		if TUI_S=$(tui_settled 5) && [ "$TUI_S" != "$TUI_PREV" ]; then
			TUI_PREV=$TUI_S
			return 0
		fi
		# the wizard ended: the pane is gone
		if [ -f "$TUI_STATUS" ]; then TUI_S=; return 1; fi
		i=$((i + 1))
	done
	tui_screen >"$TAP_TMP/last-screen"
	return 1
}

# tui_exit_status [SECONDS]: waits for the command to end, prints its
# status.
tui_exit_status() {
	lim=$(( ${1:-20} * 10 )); i=0
	while [ "$i" -lt "$lim" ]; do
		if [ -s "$TUI_STATUS" ]; then cat "$TUI_STATUS"; return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	echo timeout
	return 1
}

# tui_restored DESC: the terminal's modes after the wizard ended are the
# normal ones again (canonical input, echo, signals).
tui_restored() {
	if grep -Eq '(^| )icanon( |$)' "$TUI_STATUS.stty" && grep -Eq '(^| )echo( |$)' "$TUI_STATUS.stty" &&
	    grep -Eq '(^| )isig( |$)' "$TUI_STATUS.stty"; then
		ok "$1"
	else
		not_ok "$1"; sed 's/^/# /' "$TUI_STATUS.stty"
	fi
}

# tui_names: fills the welcome screen and begins (both of its screens are
# appended to $TAP_TMP/screens).
tui_names() {
	tui_wait 'Operator' "${TUI_START_WAIT:-60}" || return 1
	tui_type "Alice Operator"; tui_keys Enter
	tui_type "Walter Witness"
	tui_wait 'Walter Witness' 10 || return 1
	printf '%s\n=====\n' "$(tui_settled 5)" >>"$TAP_TMP/screens"
	tui_keys Enter
	tui_wait 'Enter begin' "${TUI_START_WAIT:-60}" || return 1
	TUI_PREV=$(tui_settled 5)
	printf '%s\n=====\n' "$TUI_PREV" >>"$TAP_TMP/screens"
	tui_keys Enter
}

# tui_cutscan COLS CEREMONY-ID OUTDIR DESC: no word is cut at a pane edge
# on any screen in $TAP_TMP/screens (tests/tui-cutscan.c); the words the
# wizard may show whole are those of the ceremony file, the run's log,
# transcript, summary and report, and the string literals of the
# wizard's and the library's sources.
tui_cutscan() {
	"$KEYRITE" audit show "$3/$2.log" >"$TAP_TMP/show.txt" 2>&1
	for f in transcript.txt summary.txt report.md; do
		[ -f "$3/$f" ] || : >"$3/$f"
	done
	if "$top_builddir/tests/tui-cutscan" "$1" "$TAP_TMP/screens" \
	    "$top_srcdir/ceremonies/$2.yaml" "$TAP_TMP/show.txt" \
	    "$3/transcript.txt" "$3/summary.txt" "$3/report.md" \
	    -c "$top_srcdir"/ui/*.c "$top_srcdir"/src/*.c >"$TAP_TMP/cuts.txt"; then
		ok "$4 ($(tail -1 "$TAP_TMP/cuts.txt" | sed 's/^tui-cutscan: //'))"
	else
		not_ok "$4"; sed 's/^/# /' "$TAP_TMP/cuts.txt" | head -60
	fi
}

# tui_pin N: the rehearsal PIN of card N.
tui_pin() { printf 'tui-card-pin-%s' "$1"; }

# tui_drive SKIP_REGEX [STOP_REGEX]: answers every prompt by keys until the
# summary (returns 0), a failure (1), or a screen matching STOP_REGEX (2).
# Parameters take their default or the sandbox's value unless
# TUI_PARAMS holds "name=value" words for them; optional steps whose id
# matches SKIP_REGEX are skipped.  Each screen seen is appended to
# $TAP_TMP/screens.
tui_drive() {
	skip=$1 stop=${2:-}
	n=0
	while [ "$n" -lt 500 ]; do
		n=$((n + 1))
		tui_next "${TUI_STEP_WAIT:-60}" || return 1
		printf '%s\n=====\n' "$TUI_S" >>"$TAP_TMP/screens"
		if [ -n "$stop" ] && printf '%s\n' "$TUI_S" | grep -Eq -- "$stop"; then
			return 2
		fi
		[ -z "${TUI_HELP_EACH:-}" ] || tui_help_probe
		case $TUI_S in
		*"Result: SUCCESS - the ceremony is complete"*)
			return 0 ;;
		*"Result: FAILED"*)
			return 1 ;;
		*"PIN again:"*)
			c=$(printf '%s\n' "$TUI_S" | sed -n 's/.*New card \([0-9]*\) of.*/\1/p' | head -1)
			tui_type "$(tui_pin "$c")"; tui_keys Enter ;;
		*"New card "*)
			c=$(printf '%s\n' "$TUI_S" | sed -n 's/.*New card \([0-9]*\) of.*/\1/p' | head -1)
			tui_type "$(tui_pin "$c")"; tui_keys Enter ;;
		*"Cosign the checkpoint after "*)
			tui_keys Enter ;;
		*"Present a card:"*)
			c=$(printf '%s\n' "$TUI_S" | sed -n 's/.*Card: *\([0-9]*\) .*/\1/p' | head -1)
			tui_type "$(tui_pin "$c")"; tui_keys Enter ;;
		*"This step cannot be undone"*)
			x=$(printf '%s\n' "$TUI_S" | sed -n '/type exactly:/{n;p;}' | sed 's/.*[|│]  *//; s/ *$//')
			tui_type "$x"; tui_keys Enter ;;
		*"Optional step "*)
			id=$(printf '%s\n' "$TUI_S" | sed -n 's/.*Optional step \([a-z0-9-]*\):.*/\1/p')
			if [ -n "$skip" ] && printf '%s\n' "$id" | grep -Eq -- "$skip"; then
				tui_keys s
			else
				tui_keys Enter
			fi ;;
		*"Do the step, then press Enter"*)
			tui_keys Enter ;;
		*"Up/Down choose, Enter picks"*)
			name=$(printf '%s\n' "$TUI_S" | sed -n 's/.*Parameter \([a-z0-9_]*\):.*/\1/p' | head -1)
			v=
			for kv in ${TUI_PARAMS:-}; do
				case $kv in "$name="*) v=${kv#*=} ;; esac
			done
			if [ -n "$v" ] && ! tui_pick "$v"; then
				tui_screen >"$TAP_TMP/last-screen"
				return 1
			fi
			tui_keys Enter ;;
		*"Parameter "*)
			name=$(printf '%s\n' "$TUI_S" | sed -n 's/.*Parameter \([a-z0-9_]*\):.*/\1/p' | head -1)
			v=
			# the shipped ceremonies' card holders have no default
			# nor have bag numbers (the same one read back)
			[ "$name" = card_holders ] && v=Ann,Bob,Cy
			case $name in *_bag|*_bag_read) v=TEB-1000 ;; esac
			for kv in ${TUI_PARAMS:-}; do
				case $kv in "$name="*) v=${kv#*=} ;; esac
			done
			if [ -n "$v" ]; then
				tui_keys C-u; tui_type "$v"
			fi
			tui_keys Enter ;;
		*"Sign-off by the "*)
			tui_keys Enter ;;
		*)
			tui_screen >"$TAP_TMP/last-screen"
			return 1 ;;
		esac
	done
	return 1
}

# tui_screen_kind: the kind of prompt on the screen $TUI_S, or "".
tui_screen_kind() {
	case $TUI_S in
	*"Result: SUCCESS - the ceremony is complete"*) echo summary ;;
	*"Result: FAILED"*) echo decision ;;
	*"Cosign the checkpoint after "*) echo checkpoint ;;
	*"PIN again:"*) echo new-pin-again ;;
	*"New card "*) echo new-pin ;;
	*"Present a card:"*) echo card ;;
	*"This step cannot be undone"*) echo confirm ;;
	*"Optional step "*) echo optional ;;
	*"Do the step, then press Enter"*) echo ack ;;
	*"Up/Down choose, Enter picks"*) echo pick ;;
	*"Parameter "*) echo param ;;
	*"Sign-off by the "*) echo signoff ;;
	*) echo "" ;;
	esac
}

# tui_help_at DESC: F1 on the current screen ($TUI_S) shows the help,
# which names this screen's keys, and Esc brings the same screen back.
tui_help_at() {
	tui_keys F1
	if tui_wait 'help +(REHEARSAL|LIVE) *$' 10 && tui_wait 'Keys on this screen:' 5; then
		TUI_HELP_S=$(tui_settled 5)
		# the keys rows seen, for the check against keyrite(1)
		printf '%s\n' "$TUI_S" "$TUI_HELP_S" | grep -v '^ *$' | tail -1 >>"$TAP_TMP/keyrows"
		printf '%s\n' "$TUI_HELP_S" | grep -v '^ *$' | tail -1 >>"$TAP_TMP/keyrows"
		printf '%s\n' "$TUI_S" | grep -E '(y quit|Enter keep)' |
		    sed 's/^[^│|]*[│|] *//; s/ *[│|].*$//' >>"$TAP_TMP/keyrows"
		tui_keys Escape
		i=0
		while [ "$i" -lt 50 ]; do
			if [ "$(tui_settled 5)" = "$TUI_S" ]; then ok "$1"; return 0; fi
			sleep 0.1; i=$((i + 1))
		done
		not_ok "$1 (Esc did not bring the screen back)"; tui_diag
		return 1
	fi
	not_ok "$1"; tui_diag
	tui_keys Escape
	return 1
}

# tui_help_probe: on the first screen of each kind, F1 and back
# (tui_help_at); the kinds probed are listed in $TAP_TMP/help-kinds.
tui_help_probe() {
	k=$(tui_screen_kind)
	[ -n "$k" ] || return 0
	touch "$TAP_TMP/help-kinds"
	grep -qx "$k" "$TAP_TMP/help-kinds" && return 0
	echo "$k" >>"$TAP_TMP/help-kinds"
	tui_help_at "F1 on a $k screen shows the help with its keys; Esc goes back"
}

# tui_pick VALUE: in a list of values, moves the highlight to VALUE (from
# the top, by Down); fails when it is not in the list.
tui_pick() {
	tui_keys Home
	i=0
	while [ "$i" -lt 40 ]; do
		TUI_PICK_S=$(tui_settled 10) || return 1
		if printf '%s\n' "$TUI_PICK_S" | grep -Eq -- "[│|] > $1( |\$)"; then
			return 0
		fi
		tui_keys Down
		i=$((i + 1))
	done
	return 1
}

# tui_diag: the last screen, as TAP comments.
tui_diag() {
	[ -f "$TAP_TMP/last-screen" ] || tui_screen >"$TAP_TMP/last-screen"
	sed 's/^/# /' "$TAP_TMP/last-screen"
}
