#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-pinpad.sh: a token with a PIN pad (a protected authentication
# path) is said on screen at the card prompts: the runner's prompt says
# pin_pad, batch mode prints that the token's PIN is typed on the reader's
# pad, never read here.
#
# SoftHSM has no PIN pad.  The engine reads the flag from the token at
# new-world and keeps it in the world (token-world, "pin_pad"), which is
# what the runner's card prompt reads; the test sets it there, between a
# run stopped after new-world and its resume, as a token with a pad would
# have had it.  The token's logins still take the PIN the cards rebuild
# (the engine reads the live flag at every login: tests/test-engine-pkcs11.c
# tests the NULL PIN against a fake token with the flag).
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "no python3 (Debian package python3): it rewrites the world's checksum"

ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
URI="pkcs11:token=padtok?module-path=$P11_LIB"
D=$TAP_TMP/pad
azure_live "$D" || not_ok "the set-up"
run() {
	( cd "$D" && "$KEYRITE" run "$CER/azure-byok.yaml" --token "$URI" \
	    --state "$D/state" --out "$D/out" --media "$D/media" \
	    --batch answers.yaml --pin-fd 3 3<"$1" >"$2" 2>&1 )
}
PAD="PIN pad: the token's PIN is typed on the reader's pad when it asks, never here"

pins "$D/pins1" 3 0		# the new cards' PINs only: it stops at the first quorum
run "$D/pins1" "$D/run1.out"
rc=$?
check "the first run stops at the first card prompt (exit $rc)" [ $rc -eq 65 ]
check "the world was made" grep -q '"pin_pad": *false' "$D/state/token-world"
check "no PIN pad said for a token without one" sh -c "! grep -q 'PIN pad' '$D/run1.out'"

check "the test recomputes the world's checksum the engine's way" p11_world_pad "$D/state/token-world" check
p11_world_pad "$D/state/token-world" flip
check "the world now says pin_pad (as a token with a pad would)" \
	grep -q '"pin_pad": *true' "$D/state/token-world"
pins "$D/pins2" 0 16
run "$D/pins2" "$D/run2.out"
rc=$?
if [ $rc -eq 0 ]; then ok "the resumed run seals (exit 0)"; else
	not_ok "the resumed run seals (exit $rc)"; diag "$(tail -20 "$D/run2.out")"; fi
check "each quorum says the token's PIN goes on the reader's pad" \
	[ "$(grep -c "^\[[a-z-]*\] $PAD\$" "$D/run2.out")" -ge 2 ]
grep -B1 -F -e "$PAD" "$D/run2.out" | grep -v -F -e "$PAD" | grep -v "^--$" >"$D/before"
check "said after the last card of each quorum" sh -c \
	"[ -s '$D/before' ] && ! grep -v -q 'presenting card [0-9]* (2 of 2 needed)' '$D/before'"
expect_status 0 "the log verifies sealed" \
	"$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$D/out/azure-byok.log"
expect_status 0 "module status shows the world's PIN pad" \
	"$KEYRITE" module status --token "$URI" --state "$D/state"
output_has "PIN pad: the token's PINs are typed on its pad" "in the world's description"

done_testing
