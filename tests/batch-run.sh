#!/bin/sh
# SPDX-License-Identifier: ISC
# batch-run.sh: `keyrite run' of the current method (azure-byok) with a
# KEK made by openssl, PINs on --pin-fd: the .byok unwraps with the openssl
# command line alone to the key whose public key is <name>.pub.pem, and
# the log verifies sealed.  Then an answers file with PINs is refused.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

D=$TAP_TMP/live
check "setup: an openssl KEK and answers" azure_live "$D"
pins "$D/pins" 3 40
expect_status 0 "run azure-byok with PINs on --pin-fd" \
    "$KEYRITE" run "$CER/azure-byok.yaml" --state "$D/state" --out "$D/out" \
    --media "$D/media" --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
output_has '^\[package\] wrote TestKey.byok sha256 [0-9a-f]{8}( [0-9a-f]{8}){7}$' \
    "the package step prints the .byok and its SHA-256 in groups"
output_has '^\[new-world\] new card 3 of 3: PIN entered \(hidden\)$' \
    "PINs are shown as hidden"
if grep -q 'card-pin' "$TAP_TMP/out" "$TAP_TMP/err" "$D/out"/*.log \
    "$D/out/transcript.txt" 2>/dev/null; then
	not_ok "no PIN in the output, the log or the transcript"
else
	ok "no PIN in the output, the log or the transcript"
fi
check "out has TestKey.byok" test -s "$D/out/TestKey.byok"
check "out has TestKey.pub.pem" test -s "$D/out/TestKey.pub.pem"
check "out has the summary" test -s "$D/out/summary.txt"
expect_status 3 "the log verifies, but nothing anchors it" "$KEYRITE" audit verify "$D/out/azure-byok.log"
output_has '^UNANCHORED sealed' "without the minutes' anchors it is not a PASS"
output_has 'card keys are unanchored' "it says the card keys are unanchored"
# shellcheck disable=SC2046
expect_status 0 "the log verifies with the anchors of summary.txt" "$KEYRITE" audit verify $(minutes_opts "$D/out/summary.txt") "$D/out/azure-byok.log"
output_has '^PASS sealed' "the log is sealed"
output_has 'anchors: genesis cards seal' "genesis, cards and seal anchored"

b64url "$D/out/TestKey.byok" "$TAP_TMP/ct.bin"
check "the .byok unwraps with openssl alone" \
    unwrap "$TAP_TMP/ct.bin" "$D/kek.pem" 256 "$TAP_TMP/p8.der"
"$OPENSSL" pkey -inform DER -in "$TAP_TMP/p8.der" -pubout -out "$TAP_TMP/got.pub" 2>/dev/null
"$OPENSSL" pkey -pubin -in "$D/out/TestKey.pub.pem" -pubout -out "$TAP_TMP/want.pub" 2>/dev/null
check "the unwrapped key's public key is TestKey.pub.pem" \
    cmp -s "$TAP_TMP/got.pub" "$TAP_TMP/want.pub"
kid=$(sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p' "$D/out/TestKey.byok")
if [ "$kid" = https://testvault.vault.azure.net/keys/TestKEK/0123456789abcdef0123456789abcdef ]; then
	ok "the .byok names the KEK's kid"
else
	not_ok "the .byok names the KEK's kid (got '$kid')"
fi

# PINs in the answers file of a live run: refused, naming the line.
{ cat "$D/answers.yaml"; echo "pins: ['1234', '5678', '9012']"; } >"$D/pins.yaml"
line=$(grep -n '^pins:' "$D/pins.yaml" | cut -d: -f1)
expect_status 65 "run refuses an answers file with pins" \
    "$KEYRITE" run "$CER/azure-byok.yaml" --state "$D/state2" --out "$D/out2" \
    --media "$D/media" --batch "$D/pins.yaml" --pin-fd 3 3<"$D/pins"
output_has "pins\.yaml:$line:1: 'pins' is allowed only in the answers file of a rehearsal" \
    "the refusal names the file and line of 'pins'"
if grep -q '1234\|5678' "$TAP_TMP/err"; then not_ok "the refusal quotes no PIN"; else ok "the refusal quotes no PIN"; fi
check "nothing was started" test ! -e "$D/out2/azure-byok.log"

done_testing
