#!/bin/sh
# SPDX-License-Identifier: ISC
# wizard.sh: the curses wizard's start: the time from starting
# `keyrite rehearse CEREMONY` on an 80x24 tmux pane to its first full
# screen, and the process's peak memory (VmHWM) at that moment.  Targets:
# under 100 ms and 16 MiB.  `ratio wizard-first-screen X` = the slowest
# ceremony's median time / 100 ms.
#
# The first full screen is the first capture (tmux capture-pane, polled as
# fast as the shell can, a few ms apart) that has at least 5 non-blank
# lines, no longer shows the line rehearse prints before curses starts, and
# then stays unchanged for 300 ms.  Three runs per ceremony, median.
# A rehearsal makes only its sandbox's directories before curses starts;
# the simulated vault and media (RSA keys) are made later, for the
# parameters chosen, when the run first needs them.
# Skipped, with a line that says so, when keyrite has no wizard.  Called by
# bench/run.sh from the build directory; needs tmux and GNU date.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
runs=${BENCH_WIZARD_RUNS:-3}

if ! command -v tmux >/dev/null 2>&1; then
	echo "wizard: SKIPPED: tmux is not installed"
	exit 0
fi
if ! grep -q tui_run "$KEYRITE" 2>/dev/null; then
	echo "wizard: SKIPPED: $KEYRITE has no wizard (ui/tui*.c not built in)"
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/keyrite-bench-wizard.XXXXXX")
sock="keyrite-bench-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
now() { date +%s%N; }

# One run: prints "MS KIB" or "FAIL reason".
one() {
	yaml=$1 keep=$2
	tm new-session -d -s w -x 80 -y 24 'sleep 600'
	tm set-option -t w remain-on-exit on
	prev= first= stable= pid=
	t0=$(now)
	tm respawn-pane -k -t w "exec '$KEYRITE' rehearse '$yaml' --keep '$keep'"
	while :; do
		snap=$(tm capture-pane -p -t w)
		t=$(now)
		if [ "$(tm display -p -t w '#{pane_dead}')" = 1 ]; then
			echo "FAIL keyrite exited: $(echo "$snap" | grep -v '^ *$' | tail -2 | tr '\n' ' ')"
			tm kill-server; return
		fi
		[ -n "$pid" ] || pid=$(tm display -p -t w '#{pane_pid}')
		full=0
		if [ "$(echo "$snap" | grep -c '[^ ]')" -ge 5 ] &&
		    ! echo "$snap" | grep -q '^REHEARSAL of '; then
			full=1
		fi
		if [ "$snap" != "$prev" ]; then
			prev=$snap stable=$t
			[ "$full" -eq 1 ] && [ -z "$first" ] && first=$t
		elif [ "$full" -eq 1 ] && [ $(((t - stable) / 1000000)) -ge 300 ]; then
			break
		fi
		if [ $(((t - t0) / 1000000)) -ge 10000 ]; then
			[ -n "$first" ] && { stable=$first; break; }
			echo "FAIL no full screen within 10 s"
			tm kill-server; return
		fi
	done
	hwm=$(sed -n 's/^VmHWM:[ 	]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)
	echo "$(((stable - t0) / 1000)) ${hwm:-0}" |
		awk '{ printf "%.1f %d\n", $1 / 1000, $2 }'
	echo "$snap" >"$dir/screen"
	tm kill-server 2>/dev/null || true
	sleep 0.2
}

worst=0
for yaml in "$top"/ceremonies/*.yaml; do
	name=$(basename "$yaml" .yaml)
	: >"$dir/times"
	i=1 mem=0
	while [ "$i" -le "$runs" ]; do
		res=$(one "$yaml" "$dir/sandbox-$name-$i")
		case $res in
		FAIL*)
			echo "wizard: SKIPPED for $name: ${res#FAIL }"
			continue 2
			;;
		esac
		set -- $res
		echo "$1" >>"$dir/times"
		[ "$2" -gt "$mem" ] && mem=$2
		rm -rf "$dir/sandbox-$name-$i"
		i=$((i + 1))
	done
	med=$(sort -n "$dir/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	all=$(sort -n "$dir/times" | tr '\n' ' ')
	echo "time wizard-first-screen-$name ${med} ms median (runs: ${all}ms)"
	echo "mem wizard-first-screen-$name peak $((mem / 1024)) MiB (${mem} KiB VmHWM)"
	echo "screen wizard-$name: $(grep -v '^ *$' "$dir/screen" | head -1 | sed 's/  */ /g')"
	worst=$(awk -v a="$worst" -v b="$med" 'BEGIN { print (b > a ? b : a) }')
done
if [ "$worst" != 0 ]; then
	echo "ratio wizard-first-screen $(awk -v t="$worst" 'BEGIN { printf "%.3f", t / 100 }')"
fi
