#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-adopt.sh: `keyrite run --token' on a token that was initialised
# before the ceremony (pkcs11-tool set its SO PIN 87654321 and user PIN
# 123456: a test token's PINs, known to this test only).
#
# 1. azure-byok as shipped (no adopt) refuses it at new-world, naming the
#    token and saying how to adopt it; nothing on the token changes.
# 2. The same ceremony with `adopt: true' in new-world and a wrong SO PIN
#    typed (--pin-fd, after the new cards' PINs): the step fails naming the
#    token and the wrong SO PIN; the token's PINs are unchanged.
# 3. With the right SO PIN: the ceremony runs to a sealed log; the token's
#    old SO and user PINs no longer work; the SO PIN typed is in no file of
#    the run and never on the screen.
# 4. The linter refuses `adopt' in a ceremony that does not run on pkcs11.
# 5. A run killed (SIGKILL, from gdb) once the engine has replaced the
#    token's PINs and written the cards, before world-created is logged,
#    then resumed with the old SO PIN typed again: the token refuses it,
#    the step fails saying an interrupted attempt may hold the PINs, no card
#    changes, and the killed attempt's cards still log in to the token.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

AZ=$CER/azure-byok.yaml
# azure-byok with `adopt: true' in its new-world step (a ceremony of the
# test's own: the shipped one initialises fresh tokens only)
AD=$TAP_TMP/azure-adopt.yaml
# and, to show a backup of all on a token, backup-key on both engines with
# what: all
awk '/^  - id: backup-key$/ { bk = 1 } /^  - id: package$/ { bk = 0 }
	bk && /^    engines: \[soft\]$/ { next }
	bk && /^      what: key$/ { print "      what: all"; next }
	{ print } /^    action: new-world$/ { nw = 1 }
	nw && /^      quorum: / { print "      adopt: true"; nw = 0 }' "$AZ" >"$AD"
check "the adopting ceremony has adopt: true in new-world" \
	grep -q '^      adopt: true$' "$AD"
expect_status 0 "it lints clean" "$KEYRITE" lint "$AD"

check "a token initialised outside keyrite" p11_init adoptme
URI="pkcs11:token=adoptme?module-path=$P11_LIB"
# so_works PIN / user_works PIN: pkcs11-tool logs in with it (argv: the
# test's own PINs, never one of keyrite's)
# (the SO sets the user PIN 123456 again: what it was)
so_works() {
	pkcs11-tool --module "$P11_LIB" --token-label adoptme --login \
		--login-type so --so-pin "$1" --init-pin --pin 123456 >/dev/null 2>&1
}
user_works() {
	pkcs11-tool --module "$P11_LIB" --token-label adoptme --login \
		--pin "$1" -O >/dev/null 2>&1
}

# run DIR CEREMONY: the live run in batch mode, PINs from DIR/pins on fd 3
run() {
	( cd "$1" && "$KEYRITE" run "$2" --token "$URI" --state "$1/state" \
	    --out "$1/out" --media "$1/media" --batch answers.yaml --pin-fd 3 \
	    3<"$1/pins" >"$1/run.out" 2>&1 )
}

# ---- 1. refused without adopt -------------------------------------------
D=$TAP_TMP/plain
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 16
run "$D" "$AZ"
rc=$?
check "azure-byok (no adopt) on an initialised token fails (exit $rc)" [ $rc -eq 1 ]
check "naming the token and how to adopt it" grep -q \
	"^keyrite: step 'new-world' failed: token 'adoptme' is already initialised: keyrite initialises only a fresh token, unless the ceremony adopts it ('adopt: true' in its new-world step)" \
	"$D/run.out"
check "no world was written" [ ! -e "$D/state/token-world" ]
check "the token's SO PIN still works" so_works 87654321

# ---- 2. adopt with a wrong SO PIN ----------------------------------------
D=$TAP_TMP/wrong
azure_live "$D" || not_ok "the set-up"
{ printf 'card-pin-1\ncard-pin-2\ncard-pin-3\n11112222\n'; } >"$D/pins"
run "$D" "$AD"
rc=$?
check "adopt with a wrong SO PIN fails (exit $rc)" [ $rc -eq 1 ]
check "the SO PIN is asked after the cards' PINs, said on screen" grep -q \
	"^\[new-world\] the current SO PIN of token 'adoptme': typed once by its holders, under witness$" \
	"$D/run.out"
check "the wrong SO PIN is named with the token" grep -q \
	"^keyrite: step 'new-world' failed: token 'adoptme': the SO PIN entered is wrong (the token counts the failed try); nothing was changed$" \
	"$D/run.out"
check "no world was left" [ ! -e "$D/state/token-world" ]
check "the token's SO PIN still works" so_works 87654321
check "and its user PIN" user_works 123456

# ---- 3. adopt with the right SO PIN -------------------------------------
D=$TAP_TMP/adopt
azure_live "$D" || not_ok "the set-up"
pins "$D/pins" 3 0
echo 87654321 >>"$D/pins"
i=0
while [ $i -lt 16 ]; do echo "card-pin-$((i % 2 + 1))" >>"$D/pins"; i=$((i + 1)); done
run "$D" "$AD"
rc=$?
if [ $rc -eq 0 ]; then ok "adopting, azure-byok runs on the token (exit 0)"; else
	not_ok "adopting, azure-byok runs on the token (exit $rc)"; diag "$(tail -20 "$D/run.out")"; fi
check "the SO PIN entered is hidden" grep -q \
	"^\[new-world\] the current SO PIN of token 'adoptme': entered (hidden)$" "$D/run.out"
check "the log says the token was adopted and how" grep -q \
	'token adopted: the SO PIN entered was replaced by a new random one (C_SetPIN) and a new random user PIN was set (C_InitPIN), both split onto the cards' \
	"$D/out/azure-byok.log"
expect_status 0 "the log verifies sealed" \
	"$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$D/out/azure-byok.log"
check "the world says adopted" grep -q '"adopted": *true' "$D/state/token-world"
if so_works 87654321; then not_ok "the old SO PIN no longer works"; else
	ok "the old SO PIN no longer works"; fi
if user_works 123456; then not_ok "the old user PIN no longer works"; else
	ok "the old user PIN no longer works"; fi
check "the package was made" test -s "$D/out/TestKey.byok"
check "backup what: all on a token copies the world record only, saying so" grep -q \
	"^\[backup-key\] on a token, all is the world record: the keys stay on the token (sensitive)$" \
	"$D/run.out"
check "the world record backed up is the world's" \
	cmp -s "$D/state/token-world" "$D/out/backup/token-world"
check "the SO PIN typed is in no file of the run but the PIN input" sh -c \
	"! grep -r -l -a 87654321 '$D/state' '$D/out' '$D/run.out'"

# ---- 4. lint: adopt only where the ceremony runs on pkcs11 ---------------
sed 's/^engines: \[soft, pkcs11\]$/engines: [soft]/' "$AD" >"$TAP_TMP/soft-adopt.yaml"
expect_status 65 "adopt in a ceremony for the software module only is refused" \
	"$KEYRITE" lint "$TAP_TMP/soft-adopt.yaml"
output_has "'adopt' in step 'new-world' is only meaningful on the pkcs11 engine" \
	"naming the key, the step and the engine"

# ---- 5. killed after the PINs were replaced, then resumed -----------------
if command -v gdb >/dev/null 2>&1; then
	check "a second token initialised outside keyrite" p11_init adoptkill
	D=$TAP_TMP/killed
	azure_live "$D" || not_ok "the set-up"
	{ printf 'card-pin-1\ncard-pin-2\ncard-pin-3\n87654321\n'; } >"$D/pins"
	( cd "$D" && p11_gdb -q -batch -nx -ex 'set breakpoint pending on' \
	    -ex 'break p11_new_world' -ex run -ex finish -ex kill --args \
	    "$KEYRITE" run "$AD" --token "pkcs11:token=adoptkill?module-path=$P11_LIB" \
	    --state "$D/state" --out "$D/out" --media "$D/media" \
	    --batch answers.yaml --pin-fd 3 3<"$D/pins" >"$D/gdb.out" 2>&1 )
	check "killed as the engine returned from new-world: cards and world written" \
		test -s "$D/state/token-world"
	if pkcs11-tool --module "$P11_LIB" --token-label adoptkill --login \
	    --login-type so --so-pin 87654321 -O >/dev/null 2>&1; then
		not_ok "the killed attempt had replaced the token's SO PIN"
	else ok "the killed attempt had replaced the token's SO PIN"; fi
	( cd "$D/state" && find . -type f -path './cards/*' | sort | xargs sha256sum ) >"$D/cards.before"
	( cd "$D" && "$KEYRITE" run "$AD" --token "pkcs11:token=adoptkill?module-path=$P11_LIB" \
	    --state "$D/state" --out "$D/out" --media "$D/media" \
	    --batch answers.yaml --pin-fd 3 3<"$D/pins" >"$D/resume.out" 2>&1 )
	rc=$?
	check "the resume with the old SO PIN fails (exit $rc)" [ $rc -eq 1 ]
	check "saying an interrupted attempt may hold the token's PINs" grep -q \
		"the SO PIN entered is wrong (the token counts the failed try); nothing was changed. An interrupted attempt of this step may have replaced the token's PINs already: its cards and .*/token-world are kept and hold them" \
		"$D/resume.out"
	( cd "$D/state" && find . -type f -path './cards/*' | sort | xargs sha256sum ) >"$D/cards.after"
	check "no card changed" cmp -s "$D/cards.before" "$D/cards.after"
	check "the killed attempt's cards were there to compare" test -s "$D/cards.before"
	printf '1 card-pin-1\n2 card-pin-2\n' | "${top_builddir:-.}/tests/pkcs11-witness" "$D/state" \
	    "pkcs11:token=adoptkill?module-path=$P11_LIB" pkcs11-tool --module "$P11_LIB" \
	    --token-label adoptkill --login -O >"$D/objs" 2>&1
	check "two of the killed attempt's cards still log in to the token" [ $? -eq 0 ]
else
	for i in 1 2 3 4 5 6 7 8; do ok "# SKIP no gdb (Debian package gdb): the kill needs it"; done
fi

done_testing
