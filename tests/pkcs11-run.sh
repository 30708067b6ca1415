#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-run.sh: `keyrite run --token' and `keyrite rehearse --token': the
# current-method ceremony (azure-byok) end to end on the conforming token
# (SoftHSM 2.6.1 with our KWP patch, tests/pkcs11-softhsm.sh) in batch mode.
#
# 1. A live run: the world's backup is the token's world record, which
#    with two cards logs in to the token again; the .byok unwraps with the openssl command line alone to
#    PKCS#8 of exactly its DER length, whose public key is the one
#    pkcs11-tool reads from the token; pkcs11-tool -O, logged in, shows the
#    target key sensitive and not extractable; the log verifies sealed with
#    the anchors of the minutes.  The test knows no token PIN: it holds what
#    the custodians hold, card PINs, and tests/pkcs11-witness rebuilds the
#    user PIN from two cards in locked memory (as keyrite does) and types it
#    at pkcs11-tool's prompt on a pseudo-terminal: never argv, env or file.
# 2. Secrets: the same live run under gdb stops inside the package step
#    (byok_file_format: the quorum logged in, the key wrapped); gdb's gcore
#    takes a core there and keyrite's argv, environment and limits are
#    copied; the run then goes on to its seal.  Every file of the test (the
#    state, the outputs, the token's own store, the core, argv, env) is
#    searched for both token PINs (pkcs11-witness --scan).  Outside gdb,
#    keyrite's PR_SET_DUMPABLE 0 is checked against gcore -p.
# 3. Kill -9 and resume, on throwaway tokens with `rehearse --token':
#    at every step boundary (gdb kills each rerun right after it saved its
#    progress at the end of the first step it completes:
#    tests/pkcs11-kill.py), inside generatekey
#    (the key is on the token, its public key not yet written) and inside
#    package (before and after the key is made non-extractable); every
#    rerun resumes, the last seals, and the token holds exactly one target
#    key (pkcs11-tool --list-objects).
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

WIT=${top_builddir:-.}/tests/pkcs11-witness
# No core of a process that maps more than this (KiB): an AddressSanitizer
# build reserves terabytes of shadow memory, and its core would fill the
# disk.
VMMAX=4194304
AZ=$CER/azure-byok.yaml
# LeakSanitizer cannot run under ptrace (strace, gdb); leaks are checked
# by every other run.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# two cards, as the custodians present them to the witness
cards() { printf '1 card-pin-1\n2 card-pin-2\n'; }
# p11 LABEL ARGS...: pkcs11-tool on the token, not logged in
p11() { l=$1; shift; pkcs11-tool --module "$P11_LIB" --token-label "$l" "$@"; }
# count LABEL CLASS: the token's objects of that class labelled
# keyrite:contosokey / testkey as pkcs11-tool lists them (public ones
# without login)
count() { p11 "$1" --list-objects 2>/dev/null | awk -v c="$2" -v l="$3" '
	/Object;/ { cls = $1 } $1 == "label:" && $2 == l && cls == c { n++ }
	END { print n + 0 }'; }

# ---- 1. a live run on a fresh token -------------------------------------
D=$TAP_TMP/live
azure_live "$D" || not_ok "the live set-up"
URI="pkcs11:token=live?module-path=$P11_LIB"
pins "$D/pins" 3 16
set -- "$KEYRITE" run "$AZ" --token "$URI" --state "$D/state" --out "$D/out" \
	--media "$D/media" --batch answers.yaml --pin-fd 3
if command -v gdb >/dev/null 2>&1; then
	# stopped inside package: argv, env and a core (gdb's gcore), then on
	( cd "$D" && gdb -q -batch -nx -ex 'set breakpoint pending on' \
	    -ex 'break byok_file_format' -ex run \
	    -ex "python import gdb; p = gdb.selected_inferior().pid; [open('$D/proc-' + n, 'wb').write(open('/proc/%d/%s' % (p, n), 'rb').read()) for n in ('cmdline', 'environ', 'limits', 'status')]" \
	    -ex "python big = [l for l in open('$D/proc-status') if l.startswith('VmSize:') and int(l.split()[1]) > $VMMAX]; gdb.execute('gcore $D/keyrite.core') if not big else print('core-skipped')" \
	    -ex continue --args "$@" \
	    3<"$D/pins" >"$D/run.out" 2>&1 )
	rc=1
	grep -q '^\[Inferior 1 (process [0-9]*) exited normally\]' "$D/run.out" && rc=0
	have_gdb=1
else
	( cd "$D" && "$@" 3<"$D/pins" >"$D/run.out" 2>&1 )
	rc=$?
	have_gdb=
fi
if [ $rc -eq 0 ]; then ok "run --token: azure-byok on the token (exit 0)"; else
	not_ok "run --token: azure-byok on the token (exit $rc)"; diag "$(tail -20 "$D/run.out")"; fi
check "the mode steps and the key's backup are not applicable on a token" \
	[ "$(grep -c '\] not applicable: this run drives the pkcs11 engine (the step is for soft)$' "$D/run.out")" -eq 3 ]
# the world's backup on a token: its world record (no PIN in it), logged;
# with the cards it finds and opens the token's world again (below)
check "the world's backup is the token's world record, byte for byte" \
	cmp -s "$D/state/token-world" "$D/out/backup/token-world"
check "logged as a backup artifact" grep -q \
	'"data":{"kind":"backup","name":"[^"]*backup/token-world","sha256":"[A-Za-z0-9+/=]*","size":[0-9]*},"event":"artifact-written"' \
	"$D/out/azure-byok.log"
check "the SO made the KEK on the token at generation" \
	grep -q '^\[generate-rsa\] KEK keyrite-kek:testkey made on the token by the SO: trusted, wrap-only' "$D/run.out"
LOG=$D/out/azure-byok.log
expect_status 0 "the log verifies sealed, anchored by the minutes" \
	"$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$LOG"
B=$D/out/TestKey.byok
b64url "$B" "$TAP_TMP/ct.bin"
check "the .byok unwraps with the openssl command line alone" \
	unwrap "$TAP_TMP/ct.bin" "$D/kek.pem" 256 "$TAP_TMP/p8.der"
len=$(wc -c <"$TAP_TMP/p8.der")
set -- $("$OPENSSL" asn1parse -inform DER -in "$TAP_TMP/p8.der" 2>/dev/null | head -1 |
	sed 's/.*hl=\([0-9]*\) *l= *\([0-9]*\).*/\1 \2/')
check "to PKCS#8 of exactly the DER's length ($len bytes, no stray bytes)" \
	[ "$(( ${1:-0} + ${2:-0} ))" -eq "$len" ]
"$OPENSSL" pkey -inform DER -in "$TAP_TMP/p8.der" -pubout -outform DER \
	-out "$TAP_TMP/p8pub.der" 2>/dev/null
p11 live --read-object --type pubkey --label keyrite:testkey \
	-o "$TAP_TMP/tokpub.der" >/dev/null 2>&1
check "whose public key is what pkcs11-tool --read-object reads from the token" \
	sh -c "[ -s '$TAP_TMP/tokpub.der' ] && cmp -s '$TAP_TMP/p8pub.der' '$TAP_TMP/tokpub.der'"
p11 live -O >"$TAP_TMP/pub-objs" 2>&1
if grep -q 'Private Key Object' "$TAP_TMP/pub-objs"; then
	not_ok "without login pkcs11-tool -O sees no private key"
else ok "without login pkcs11-tool -O sees no private key"; fi
cards | "$WIT" "$D/state" "$URI" pkcs11-tool --module "$P11_LIB" \
	--token-label live --login -O >"$TAP_TMP/objs" 2>&1
tr -d '\r' <"$TAP_TMP/objs" | awk '/Object;/ { p = /Private Key/ }
	p && /label:/ { l = $2 } p && /Access:/ && l == "keyrite:testkey" { print }' >"$TAP_TMP/access"
check "logged in by two cards, pkcs11-tool -O lists the target key" [ -s "$TAP_TMP/access" ]
check "sensitive" sh -c "sed 's/.*Access: *//' '$TAP_TMP/access' | tr ',' '\n' |
	sed 's/^ *//' | grep -qx sensitive"
check "not extractable (after packaging)" sh -c "sed 's/.*Access: *//' '$TAP_TMP/access' |
	tr ',' '\n' | sed 's/^ *//' | grep -qx extractable; [ \$? -eq 1 ]"
check "one private key keyrite:testkey" \
	[ "$(tr -d '\r' <"$TAP_TMP/objs" | grep -c 'label: *keyrite:testkey$')" -eq 2 ]
# a state directory rebuilt from the backup and the cards: two cards log
# in to the token with it
R=$TAP_TMP/restored
mkdir -p "$R" && cp "$D/out/backup/token-world" "$R/" && cp -R "$D/state/cards" "$R/"
cards | "$WIT" "$R" "$URI" pkcs11-tool --module "$P11_LIB" \
	--token-label live --login -O >"$TAP_TMP/robjs" 2>&1
check "the backed-up world record and two cards log in to the token again" \
	grep -q 'label: *keyrite:testkey' "$TAP_TMP/robjs"
check "the KEK is a wrap-only public key" \
	sh -c "tr -d '\r' <'$TAP_TMP/objs' | grep -A3 'label: *keyrite-kek:testkey' | grep -q 'Usage: *wrap$'"

# ---- 2. secrets: files, argv, env, a core at the package step ----------
if [ -n "$have_gdb" ]; then
	check "gdb stopped the run inside package, after the quorum logged in" \
		sh -c "grep -q '^\[package\] card 2 (held by Bob): accepted' '$D/run.out' &&
		    grep -q 'Breakpoint 1, .*byok_file_format' '$D/run.out'"
	if grep -q '^core-skipped' "$D/run.out"; then
		ok "# SKIP no core: the process maps more than 4 GiB (a sanitizer build's shadow memory)"
	else
		check "a core of the process taken there" test -s "$D/keyrite.core"
	fi
	check "its argv and environment copied there" \
		sh -c "[ -s '$D/proc-cmdline' ] && [ -s '$D/proc-environ' ]"
	check "keyrite turned core dumps off (RLIMIT_CORE 0)" \
		grep -Eq '^Max core file size +0 +0 ' "$D/proc-limits"
else
	for i in 1 2 3 4; do ok "# SKIP no gdb (Debian package gdb): no core taken"; done
fi
find "$TAP_TMP" -type f >"$TAP_TMP/files"
nf=$(wc -l <"$TAP_TMP/files")
cards | "$WIT" --scan "$D/state" "$URI" $(cat "$TAP_TMP/files") >"$TAP_TMP/scan" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "no token PIN in any of the run's $nf files (core, argv, env, token store)"
else not_ok "no token PIN in any of the run's $nf files"; diag "$(cat "$TAP_TMP/scan")"; fi
check "both PINs were searched for in every file" \
	grep -q "^scan: $nf files ([0-9]* bytes) searched for both token PINs, 0 leaks\$" "$TAP_TMP/scan"

# gcore -p on a running keyrite: PR_SET_DUMPABLE 0 refuses a tracer that
# lacks CAP_SYS_PTRACE.  Where gcore can attach to an ordinary process but
# not to keyrite, that is the evidence; with CAP_SYS_PTRACE (root with all
# capabilities) gcore attaches anyway, and the test says so (SKIP).
if command -v gcore >/dev/null 2>&1; then
	# a new ceremony on a fresh token, waiting for the first card's PIN
	E=$TAP_TMP/attach
	mkdir -p "$E" && mkfifo "$E/fifo"
	( cd "$D" && exec "$KEYRITE" run "$AZ" --token \
	    "pkcs11:token=attach?module-path=$P11_LIB" --state "$E/state" \
	    --out "$E/o" --media "$D/media" --batch answers.yaml --pin-fd 3 \
	    3<>"$E/fifo" >"$E/out" 2>&1 ) &
	kpid=$!
	i=0
	while ! grep -q '^\[new-world\]' "$E/out" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1)); done
	sleep 0.5
	sleep 30 & spid=$!
	gcore -o "$E/sleep" $spid >/dev/null 2>&1; sgc=$?
	kill -0 $kpid 2>/dev/null; alive=$?
	vm=$(awk '/^VmSize:/ { print $2 }' /proc/$kpid/status 2>/dev/null)
	kgc=0
	[ "${vm:-0}" -gt $VMMAX ] ||
		{ gcore -o "$E/keyrite" $kpid >"$E/gcore.out" 2>&1; kgc=$?; }
	rm -f "$E"/keyrite.* "$E"/sleep.*
	kill $spid 2>/dev/null
	if [ $alive -ne 0 ]; then
		not_ok "keyrite waits for the first PIN"; diag "$(cat "$E/out")"
	elif [ "${vm:-0}" -gt $VMMAX ]; then
		ok "# SKIP keyrite maps more than 4 GiB (a sanitizer build's shadow memory): no gcore -p"
	elif [ $alive -ne 0 ]; then
		not_ok "keyrite waits for the first PIN"; diag "$(cat "$E/out")"
	elif [ $sgc -ne 0 ]; then
		ok "# SKIP gcore cannot attach to any process here (ptrace not permitted)"
	elif [ $kgc -ne 0 ]; then
		check "gcore -p attaches to an ordinary process but not to keyrite (PR_SET_DUMPABLE 0)" \
			grep -q 'ptrace: Operation not permitted' "$E/gcore.out"
	else
		ok "# SKIP gcore -p attaches to keyrite here: this test runs with CAP_SYS_PTRACE, which PR_SET_DUMPABLE 0 cannot refuse (the core taken at the package step is searched above)"
	fi
	kill -9 $kpid 2>/dev/null
	wait $kpid 2>/dev/null
else
	ok "# SKIP no gcore (Debian package gdb)"
fi

# ---- 3. kill -9 and resume, on throwaway tokens -------------------------
if [ -n "$have_gdb" ]; then
	S=$TAP_TMP/kills
	U3="pkcs11:token=kills?module-path=$P11_LIB"
	gdb -q -batch -nx -x "$top_srcdir/tests/pkcs11-kill.py" --args \
	    "$KEYRITE" rehearse "$AZ" --batch "$EX/azure-byok.answers.yaml" \
	    --keep "$S" $FAST --token "$U3" >"$TAP_TMP/kills.out" 2>&1
	nb=$(grep -c '^KILL boundary$' "$TAP_TMP/kills.out")
	nk=$(grep -c '^KILL ' "$TAP_TMP/kills.out")
	steps=$(grep -c '^  - id: ' "$AZ")
	# every step but seal-log ends at a boundary: the runs resume one
	# step at a time
	check "killed -9 at each of the $((steps - 1)) step boundaries ($nb)" \
		[ "$nb" -eq $((steps - 1)) ]
	check "killed inside generatekey, after the key was made on the token" \
		grep -q '^KILL generatekey$' "$TAP_TMP/kills.out"
	check "killed inside package before the key was made non-extractable" \
		grep -q '^KILL package-before-reduce$' "$TAP_TMP/kills.out"
	check "and after" grep -q '^KILL package-after-reduce$' "$TAP_TMP/kills.out"
	check "the last run ends by itself, sealed (exit 0)" \
		grep -q '^END 0$' "$TAP_TMP/kills.out"
	check "each run after a kill resumed the log ($nk resumes)" \
		[ "$(grep -c 'resumed the log' "$TAP_TMP/kills.out")" -ge "$nk" ]
	check "the resumed generatekey made no second key" \
		grep -q 'key contosokey was generated before the resume; not generated again' "$TAP_TMP/kills.out"
	check "the resumed package kept the package written before the kill" \
		grep -q 'key contosokey was packaged before the resume and is not extractable now; the package written then is kept' "$TAP_TMP/kills.out"
	expect_status 0 "the log of $((nk + 1)) runs verifies sealed, anchored by the minutes" \
		"$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
	check "one target key on the token: one public key keyrite:contosokey (pkcs11-tool --list-objects)" \
		[ "$(count kills 'Public' 'keyrite:contosokey')" -eq 1 ]
	printf '1 rehearse-card-1\n2 rehearse-card-2\n' | "$WIT" "$S/module" "$U3" \
	    pkcs11-tool --module "$P11_LIB" --token-label kills --login \
	    --list-objects >"$TAP_TMP/kobjs" 2>&1
	check "and, logged in, one private key keyrite:contosokey" \
		[ "$(tr -d '\r' <"$TAP_TMP/kobjs" | awk '/Object;/ { c = $1 }
		    $1 == "label:" && $2 == "keyrite:contosokey" && c == "Private" { n++ }
		    END { print n + 0 }')" -eq 1 ]
	check "the simulated vault imported the package the kills left" \
		grep -q '^\[vault-import\] imported as ContosoFirstHSMkey' "$TAP_TMP/kills.out"
else
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do ok "# SKIP no gdb (Debian package gdb): the kills need it"; done
fi

done_testing
