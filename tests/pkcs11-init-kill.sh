#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-init-kill.sh: `keyrite run --token' on a fresh token, killed
# (SIGKILL, from gdb) inside new-world at each point where the token or the
# state changes, then resumed with the same command and the same card PINs.
# The engine writes the cards and the world (without a serial) before
# C_InitToken, so a kill never leaves the token initialised with PINs no
# card holds:
#
# 1. at C_InitToken, before the token runs it: the token is still fresh;
#    the resume initialises it anew.
# 2. just after C_InitToken (the SO PIN is set, no user PIN yet): the token
#    is initialised and the world has no serial; a resume with wrong card
#    PINs fails naming the interrupted attempt and changes nothing; the
#    resume with the PINs of that attempt finishes with its cards (none
#    changes): the SO sets the user PIN again.
# 3. just after C_InitPIN: the same, finished with the attempt's cards.
# 4. as the engine returns from new-world (the world has its serial),
#    before world-created is logged: finished with the attempt's cards.
#
# Each resumed run goes on to a sealed log that verifies with the anchors
# of its minutes, and two of its cards log in to the token
# (tests/pkcs11-witness types the user PIN they rebuild at pkcs11-tool's
# prompt: the test knows no token PIN).
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"
command -v gdb >/dev/null 2>&1 || skip_all "no gdb (Debian package gdb): the kills need it"
AZ=$CER/azure-byok.yaml
WIT=${top_builddir:-.}/tests/pkcs11-witness
# no leak check under ptrace (gdb); the resumed runs are not under it, but
# share the setting with the killed ones
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# initialised LABEL: the module lists a token with that label
initialised() {
	pkcs11-tool --module "$P11_LIB" -L 2>/dev/null |
	    grep -q "token label *: $1\$"
}
# cardsums DIR: the SHA-256 of every card file of DIR/state
cardsums() { ( cd "$1/state" && find . -type f -path './cards/*' | sort | xargs sha256sum ); }
# run DIR LABEL PINFILE [GDB-COMMANDS...]: the live run, under gdb when
# commands are given (they end in kill)
run() {
	_d=$1 _l=$2 _p=$3
	shift 3
	set -- "$KEYRITE" run "$AZ" --token "pkcs11:token=$_l?module-path=$P11_LIB" \
	    --state "$_d/state" --out "$_d/out" --media "$_d/media" \
	    --batch answers.yaml --pin-fd 3
	( cd "$_d" && "$@" 3<"$_p" >"$_d/resume.out" 2>&1 )
}
killed() {
	_d=$1 _l=$2 _b=$3 _f=$4
	( cd "$_d" && gdb -q -batch -nx -ex 'set breakpoint pending on' \
	    -ex "break $_b" -ex run -ex delete ${_f:+-ex finish} -ex kill --args \
	    "$KEYRITE" run "$AZ" --token "pkcs11:token=$_l?module-path=$P11_LIB" \
	    --state "$_d/state" --out "$_d/out" --media "$_d/media" \
	    --batch answers.yaml --pin-fd 3 3<"$_d/pins" >"$_d/gdb.out" 2>&1 )
}
# resumed DIR LABEL WHAT: the resume seals, the log verifies, two cards
# log in
resumed() {
	run "$1" "$2" "$1/pins"
	rc=$?
	if [ $rc -eq 0 ]; then ok "$3: the resume runs to the end (exit 0)"; else
		not_ok "$3: the resume runs to the end (exit $rc)"
		diag "$(tail -15 "$1/resume.out")"
	fi
	expect_status 0 "$3: the log verifies sealed" "$KEYRITE" audit verify \
		$(minutes_opts "$1/out/summary.txt") "$1/out/azure-byok.log"
	check "$3: the world has the token's serial" grep -q \
		'"serial": *"[^"]' "$1/state/token-world"
	printf '1 card-pin-1\n2 card-pin-2\n' | "$WIT" "$1/state" \
	    "pkcs11:token=$2?module-path=$P11_LIB" pkcs11-tool --module "$P11_LIB" \
	    --token-label "$2" --login -O >"$1/objs" 2>&1
	check "$3: two of the cards log in to the token" [ $? -eq 0 ]
	check "$3: the token holds the package's key" grep -q 'keyrite:' "$1/objs"
}

# ---- 1. killed at C_InitToken, before it ran ------------------------------
D=$TAP_TMP/before
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
killed "$D" kbefore C_InitToken ""
check "1: killed at C_InitToken: the world was written first" \
	grep -q '"serial": *""' "$D/state/token-world"
if initialised kbefore; then not_ok "1: the token is still fresh"; else
	ok "1: the token is still fresh"; fi
cardsums "$D" >"$D/cards.before"
resumed "$D" kbefore 1
cardsums "$D" >"$D/cards.after"
if cmp -s "$D/cards.before" "$D/cards.after"; then
	not_ok "1: the resume started over (new cards)"
else ok "1: the resume started over (new cards)"; fi

# ---- 2. killed just after C_InitToken -------------------------------------
D=$TAP_TMP/init
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
killed "$D" kinit C_InitToken 1
check "2: killed after C_InitToken: the token is initialised" initialised kinit
check "2: the world was written, without a serial" \
	grep -q '"serial": *""' "$D/state/token-world"
cardsums "$D" >"$D/cards.before"
check "2: the killed attempt's cards were written" test -s "$D/cards.before"
{ printf 'wrong-pin-1\nwrong-pin-2\nwrong-pin-3\n'; } >"$D/wrong"
run "$D" kinit "$D/wrong"
rc=$?
check "2: a resume with other card PINs fails (exit $rc)" [ $rc -eq 1 ]
check "2: naming the interrupted attempt and what to type" grep -q \
	"^keyrite: step 'new-world' failed: token 'kinit' was initialised by an interrupted attempt of this step, and 0 of its 3 cards (.*/cards) open with the PINs typed, not the 2 needed (card 1: wrong PIN): type the card PINs of that attempt; nothing was changed$" \
	"$D/resume.out"
cardsums "$D" >"$D/cards.after"
check "2: no card changed" cmp -s "$D/cards.before" "$D/cards.after"
resumed "$D" kinit 2
cardsums "$D" >"$D/cards.after"
check "2: the resume finished with the killed attempt's cards" \
	cmp -s "$D/cards.before" "$D/cards.after"

# ---- 3. killed just after C_InitPIN ---------------------------------------
D=$TAP_TMP/pin
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
killed "$D" kpin C_InitPIN 1
check "3: killed after C_InitPIN: the token is initialised" initialised kpin
check "3: the world has no serial yet" \
	grep -q '"serial": *""' "$D/state/token-world"
cardsums "$D" >"$D/cards.before"
resumed "$D" kpin 3
cardsums "$D" >"$D/cards.after"
check "3: the resume finished with the killed attempt's cards" \
	cmp -s "$D/cards.before" "$D/cards.after"

# ---- 4. killed as new-world returned, before world-created was logged ----
D=$TAP_TMP/world
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
killed "$D" kworld p11_new_world 1
check "4: killed after new-world: the world has the serial" \
	grep -q '"serial": *"[^"]' "$D/state/token-world"
check "4: world-created is not in the log" sh -c \
	"! grep -q world-created '$D/out/azure-byok.log'"
cardsums "$D" >"$D/cards.before"
resumed "$D" kworld 4
cardsums "$D" >"$D/cards.after"
check "4: the resume finished with the killed attempt's cards" \
	cmp -s "$D/cards.before" "$D/cards.after"

done_testing
