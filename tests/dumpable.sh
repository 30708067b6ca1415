#!/bin/sh
# SPDX-License-Identifier: ISC
# dumpable.sh: the no-core-dump promise for an unprivileged user.  keyrite
# (cli_harden: PR_SET_DUMPABLE 0, RLIMIT_CORE 0) runs as nobody, waiting for
# the first new card's PIN in a live batch run; a tracer running as the
# same user (gdb's ptrace attach, gcore) attaches to an ordinary process of
# that user but not to keyrite.  The process's /proc files are root's (the
# kernel's mark of a process that is not dumpable) and its core limit is 0.
# Needs root (to switch to nobody with setpriv, as CI runs); skipped, saying
# why, otherwise or where a same-user tracer cannot attach to anything.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip_all "not root: cannot run keyrite as another, unprivileged user (CI runs the tests as root)"
command -v setpriv >/dev/null 2>&1 || skip_all "no setpriv (Debian package util-linux)"
command -v gcore >/dev/null 2>&1 || skip_all "no gdb/gcore (Debian package gdb)"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
case $KEYRITE in /*) ;; *) KEYRITE=$(pwd)/$KEYRITE ;; esac
case $CER in /*) ;; *) CER=$(pwd)/$CER ;; esac
NB="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
$NB test -x "$KEYRITE" || skip_all "$KEYRITE cannot be run by nobody (a folder on its path is closed)"
$NB test -r "$CER/azure-byok.yaml" || skip_all "$CER cannot be read by nobody"
# LeakSanitizer cannot run under ptrace; keyrite is killed at the end anyway
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

chmod 711 "$TAP_TMP"
W=$TAP_TMP/nobody
azure_live "$W" || not_ok "the set-up"
mkfifo "$W/fifo"
chown -R nobody "$W"
check "the run's folder belongs to nobody" [ "$(stat -c %U "$W")" = nobody ]

# a live run as nobody, waiting for the first new card's PIN
( cd "$W" && exec $NB env HOME="$W" "$KEYRITE" run "$CER/azure-byok.yaml" \
    --state "$W/state" --out "$W/out" --media "$W/media" \
    --batch answers.yaml --pin-fd 3 3<>"$W/fifo" >"$W/run.out" 2>&1 ) &
kpid=$!
i=0
while ! grep -q '^\[new-world\] new card 1 of' "$W/run.out" 2>/dev/null &&
    [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $kpid 2>/dev/null && grep -q '^\[new-world\] new card 1 of' "$W/run.out"; then
	ok "keyrite runs as nobody and waits for the first PIN"
else
	not_ok "keyrite runs as nobody and waits for the first PIN"; diag "$(cat "$W/run.out")"
fi
check "its real user is nobody" [ "$(ps -o ruser= -p $kpid | tr -d ' ')" = nobody ]
check "its /proc files are root's: the kernel marks it not dumpable" \
	[ "$(stat -c %U /proc/$kpid/environ)" = root ]
check "its core file size limit is 0" \
	grep -Eq '^Max core file size +0 +0 ' /proc/$kpid/limits

# an ordinary process of nobody, the control
$NB sleep 60 &
spid=$!
sleep 0.3
$NB gdb -nx -batch -p $spid -ex detach >"$W/ctl.gdb" 2>&1; cgdb=$?
( cd "$W" && $NB gcore -o "$W/sleep" $spid >"$W/ctl.gcore" 2>&1 ); cgc=$?
$NB gdb -nx -batch -p $kpid -ex detach >"$W/kr.gdb" 2>&1; kgdb=$?
( cd "$W" && $NB gcore -o "$W/keyrite" $kpid >"$W/kr.gcore" 2>&1 ); kgc=$?
kill $spid 2>/dev/null
if [ $cgdb -ne 0 ] || [ $cgc -ne 0 ]; then
	diag "gdb: $(tail -n 2 "$W/ctl.gdb")" "gcore: $(tail -n 2 "$W/ctl.gcore")"
	for t in "gdb attaches" "gcore"; do
		ok "# SKIP $t: nobody cannot attach even to its own sleep here (ptrace restricted: Yama ptrace_scope or a seccomp policy), so nothing shows that keyrite refuses it"
	done
else
	check "as nobody, gdb attaches to nobody's sleep but not to keyrite (ptrace: $(grep -o 'Operation not permitted' "$W/kr.gdb" | head -1))" \
		sh -c "[ $kgdb -ne 0 ] && grep -q 'ptrace: Operation not permitted' '$W/kr.gdb'"
	check "as nobody, gcore dumps nobody's sleep but not keyrite (no core written)" \
		sh -c "[ $kgc -ne 0 ] && grep -q 'Operation not permitted' '$W/kr.gcore' &&
		    ls '$W'/sleep.* >/dev/null 2>&1 && ! ls '$W'/keyrite.* >/dev/null 2>&1"
fi
rm -f "$W"/sleep.* "$W"/keyrite.*
check "keyrite still waits, untouched" kill -0 $kpid
kill $kpid 2>/dev/null
wait $kpid 2>/dev/null

done_testing
