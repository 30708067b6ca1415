#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-ceremony.sh: the ceremony's operations on the conforming token
# through the PKCS#11 engine (tests/pkcs11-drive): keyrite initialises a
# fresh token with PINs split onto 2-of-3 cards; one card cannot log in; a
# wrong card PIN is named at once; import-kek as SO, generatekey, package
# (two-step: SO-made trusted AES key) and the key made non-extractable.
# The openssl command line alone unwraps the .byok to PKCS#8 of exactly
# its DER length whose public key is what pkcs11-tool reads from the
# token.  The token PINs never reach argv, the environment, a file or the
# output.  Stock SoftHSM 2.6.1 is refused for packaging with the KWP
# message.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/pkcs11-lib.sh"
. "$top_srcdir/tests/batch-lib.sh"

DRIVE=${top_builddir:-.}/tests/pkcs11-drive
S=$TAP_TMP/state
O=$TAP_TMP/pkg
mkdir -p "$O"
URI="pkcs11:token=ceremony?module-path=$P11_LIB"
KID=https://contoso.vault.azure.net/keys/ContosoKEK/0123456789abcdef
printf 'pin-one-1\npin-two-2\npin-three-3\n' >"$TAP_TMP/pins"

run() { "$DRIVE" "$@" >"$TAP_TMP/out" 2>"$TAP_TMP/err"; }
has() {
	if grep -Eq -- "$1" "$TAP_TMP/out"; then ok "$2"; else not_ok "$2"
		diag "wanted /$1/ in:" "$(cat "$TAP_TMP/out" "$TAP_TMP/err")"; fi
}

run init "$S" "$URI" 2 3 <"$TAP_TMP/pins"
check "new-world initialises a fresh token" [ $? -eq 0 ]
has '^init: world [0-9a-f]{64} quorum 2/3, token .ceremony. serial [0-9a-f]{16}$' \
	"the world, the quorum and the token"
pkcs11-tool --module "$P11_LIB" -L >"$TAP_TMP/list" 2>&1
check "pkcs11-tool sees the token initialised with its PIN set" \
	grep -q 'token label *: ceremony' "$TAP_TMP/list"
check "three cards and the world file, nothing else" \
	[ "$(cd "$S" && find . -type f | sort | tr '\n' ' ')" = \
	  "./cards/card-1 ./cards/card-2 ./cards/card-3 ./lock ./token-world " ]
run init "$S" "$URI" 2 3 <"$TAP_TMP/pins"
check "an initialised token is not initialised again" [ $? -ne 0 ]
has 'no initialised token matches|already' "says why"

# quorum: K-1 cards do not log in; a wrong PIN is named at once
printf '1 pin-one-1\n' | run quorum "$S" "$URI" probe
check "one card of 2/3 cannot log in" [ $? -ne 0 ]
has "^generatekey: FAILED: token 'ceremony': not logged in: the custodians' quorum \(2 of 3 cards\)" \
	"the refusal names the quorum"
printf '1 pin-one-1\n2 pin-wrong\n3 pin-three-3\n' | run quorum "$S" "$URI" probe2
has '^card 2: REFUSED: card 2: wrong PIN$' "a wrong PIN is named"
check "at once: before the next card" \
	[ "$(sed -n 2p "$TAP_TMP/out")" = "card 2: REFUSED: card 2: wrong PIN" ]
has '^generatekey: logged in, made keyrite:probe2$' "two good cards log in"

# the ceremony
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	-out "$TAP_TMP/kek.key" 2>/dev/null
"$OPENSSL" pkey -in "$TAP_TMP/kek.key" -pubout -out "$TAP_TMP/kek.pem"
printf '3 pin-three-3\n1 pin-one-1\n' >"$TAP_TMP/cards"
"$DRIVE" ceremony "$S" "$URI" "$TAP_TMP/kek.pem" "$KID" contosokey RSA 2048 \
	"$O" <"$TAP_TMP/cards" >"$TAP_TMP/out" 2>"$TAP_TMP/err" &
pid=$!
wait $pid
check "the ceremony on the token (exit 0)" [ $? -eq 0 ]
spki=$("$OPENSSL" pkey -pubin -in "$TAP_TMP/kek.pem" -outform DER | sha256sum | cut -c1-64)
has "^import-kek: trusted wrap-only KEK, SPKI sha256 $spki\$" "the KEK's SPKI hash"
has '^generatekey: RSA 2048 keyrite:contosokey, SPKI sha256 [0-9a-f]{64}, sensitive wrap-with-trusted' \
	"generatekey"
has "^package: $O/contosokey.byok sha256 [0-9a-f]{64}" "the package"
has '^object private-key keyrite:contosokey: token private sensitive !extractable wrap-with-trusted$' \
	"the key is sensitive, not extractable, wrap-with-trusted after packaging"
has '^object public-key keyrite-kek:contosokey: token trusted wrap !modifiable$' \
	"the KEK is trusted, wrap-only, not modifiable"
if grep -q 'keyrite-wrap' "$TAP_TMP/out"; then not_ok "the AES key is gone"; else ok "the AES key is gone"; fi

# the .byok, byte for byte the format; unwrapped with openssl alone
B=$O/contosokey.byok
check "schema_version, kid, alg, enc" grep -q \
	"\"schema_version\": *\"1.0.0\"" "$B"
check "the kid" grep -q "\"kid\": *\"$KID\"" "$B"
check "enc CKM_RSA_AES_KEY_WRAP" grep -q '"enc": *"CKM_RSA_AES_KEY_WRAP"' "$B"
b64url "$B" "$TAP_TMP/ct.bin"
check "C1 || C2 unwraps with the openssl command line" \
	unwrap "$TAP_TMP/ct.bin" "$TAP_TMP/kek.key" 256 "$TAP_TMP/p8.der"
len=$(wc -c <"$TAP_TMP/p8.der")
set -- $("$OPENSSL" asn1parse -inform DER -in "$TAP_TMP/p8.der" 2>/dev/null | head -1 |
	sed 's/.*hl=\([0-9]*\) *l= *\([0-9]*\).*/\1 \2/')
check "PKCS#8 of exactly the DER's length ($len bytes)" [ "$(( $1 + $2 ))" -eq "$len" ]
check "C2 is 8 * ceil(len / 8) + 8 bytes" \
	[ "$(( $(wc -c <"$TAP_TMP/ct.bin") - 256 ))" -eq $(( (len + 7) / 8 * 8 + 8 )) ]
"$OPENSSL" pkey -inform DER -in "$TAP_TMP/p8.der" -pubout -outform DER \
	-out "$TAP_TMP/p8pub.der" 2>/dev/null
pkcs11-tool --module "$P11_LIB" --token-label ceremony --read-object \
	--type pubkey --label keyrite:contosokey -o "$TAP_TMP/tokpub.der" >/dev/null 2>&1
check "its public key is what pkcs11-tool reads from the token" \
	cmp -s "$TAP_TMP/p8pub.der" "$TAP_TMP/tokpub.der"
check "and what keyrite exported" cmp -s "$TAP_TMP/p8pub.der" \
	"$("$OPENSSL" pkey -pubin -in "$O/contosokey.pub.pem" -outform DER -out "$TAP_TMP/x.der"; echo "$TAP_TMP/x.der")"
pkcs11-tool --module "$P11_LIB" --token-label ceremony -O >"$TAP_TMP/objs" 2>&1
check "pkcs11-tool: the KEK is wrap-only" \
	grep -A3 'label: *keyrite-kek:contosokey' "$TAP_TMP/objs" | grep -q 'Usage: *wrap$'

expect_status 0 "module status --token after the ceremony" \
	"$KEYRITE" module status --token "$URI"
output_has '^Object public-key "keyrite-kek:contosokey"$' "lists the KEK"
output_has '^ attributes +token trusted wrap !modifiable$' "trusted, wrap-only, not modifiable"
output_has '^Object public-key "keyrite:contosokey"$' "lists the key's public half"
output_has '^ attributes +token$' "which neither wraps nor encrypts"
if grep -q 'private-key' "$TAP_TMP/out"; then not_ok "no private object without login"; else ok "no private object without login"; fi
expect_status 0 "module status --token with --state" \
	"$KEYRITE" module status --token "$URI" --state "$S"
output_has '^World \(the token.s PINs, split onto the cards\)$' "the custodians' world"
output_has '^ k-out-of-n +2/3$' "its quorum"
output_has '^ card 3 +[0-9a-f]{8} ' "its cards"

# one operation per process, and a process killed (-9) while it holds a
# logged-in session: the rerun packages the one key, no second key is made
cards() { printf '1 pin-one-1\n2 pin-two-2\n'; }
args="$S $URI $TAP_TMP/kek.pem $KID splitkey RSA 2048 $O"
cards | run import-kek $args
check "import-kek in a process of its own" [ $? -eq 0 ]
cards | run generatekey $args
check "generatekey in another" [ $? -eq 0 ]
rm -f "$TAP_TMP/fifo"; mkfifo "$TAP_TMP/fifo"
"$DRIVE" package $args <"$TAP_TMP/fifo" >"$TAP_TMP/killed" 2>&1 &
pid=$!
exec 3>"$TAP_TMP/fifo"
cards >&3
i=0
while ! grep -q 'card 2: accepted' "$TAP_TMP/killed" && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
check "package killed -9 after the quorum logged in" grep -q 'card 2: accepted' "$TAP_TMP/killed"
cards | run generatekey $args
has "^generatekey: FAILED: token 'ceremony': label 'keyrite:splitkey' is in use" \
	"a rerun of generatekey makes no second key"
cards | run package $args
check "the rerun of package completes (exit 0)" [ $? -eq 0 ]
has '^object private-key keyrite:splitkey: token private sensitive !extractable wrap-with-trusted$' \
	"the key is not extractable after"
pkcs11-tool --module "$P11_LIB" --token-label ceremony -O >"$TAP_TMP/objs" 2>&1
check "one public key labelled keyrite:splitkey on the token" \
	[ "$(grep -c 'label: *keyrite:splitkey$' "$TAP_TMP/objs")" -eq 1 ]
b64url "$O/splitkey.byok" "$TAP_TMP/ct3.bin"
unwrap "$TAP_TMP/ct3.bin" "$TAP_TMP/kek.key" 256 "$TAP_TMP/p83.der"
"$OPENSSL" pkey -inform DER -in "$TAP_TMP/p83.der" -pubout -outform DER \
	-out "$TAP_TMP/p83pub.der" 2>/dev/null
pkcs11-tool --module "$P11_LIB" --token-label ceremony --read-object \
	--type pubkey --label keyrite:splitkey -o "$TAP_TMP/tokpub3.der" >/dev/null 2>&1
check "its package unwraps to the token's key" \
	cmp -s "$TAP_TMP/p83pub.der" "$TAP_TMP/tokpub3.der"

# destroy instead of locking
"$DRIVE" ceremony "$S" "$URI" "$TAP_TMP/kek.pem" "$KID" eckey EC P-256 "$O" destroy \
	<"$TAP_TMP/cards" >"$TAP_TMP/out" 2>"$TAP_TMP/err"
check "an EC P-256 key, destroyed after packaging (exit 0)" [ $? -eq 0 ]
if grep -q 'private-key keyrite:eckey' "$TAP_TMP/out"; then not_ok "the EC key is gone"; else ok "the EC key is gone"; fi
b64url "$O/eckey.byok" "$TAP_TMP/ct2.bin"
check "the EC package unwraps with openssl" \
	unwrap "$TAP_TMP/ct2.bin" "$TAP_TMP/kek.key" 256 "$TAP_TMP/ec.der"
check "to an EC P-256 PKCS#8" sh -c "'$OPENSSL' pkey -inform DER -in '$TAP_TMP/ec.der' -noout -text | grep -q 'NIST CURVE: P-256'"

# no token PIN anywhere: the test helper rebuilds both token PINs from two
# cards in its memory and searches every file of the run (state, packages,
# outputs, the token's own store) and its argv and environment
find "$TAP_TMP" -type f >"$TAP_TMP/files"
n=$(wc -l <"$TAP_TMP/files")
printf '1 pin-one-1\n2 pin-two-2\n' | run leakcheck "$S" "$URI" $(cat "$TAP_TMP/files")
check "no token PIN in any of the run's $n files, argv or env" [ $? -eq 0 ]
has "^leakcheck: $n files and argv and env searched, 0 leaks\$" "all searched"

# the stock SoftHSM 2.6.1: refused for packaging with the KWP message
if [ -n "$P11_STOCK" ]; then
	U2="pkcs11:token=stock?module-path=$P11_STOCK"
	S2=$TAP_TMP/state2
	run init "$S2" "$U2" 1 1 <"$TAP_TMP/pins"
	printf '1 pin-one-1\n' | "$DRIVE" ceremony "$S2" "$U2" "$TAP_TMP/kek.pem" "$KID" \
		contosokey RSA 2048 "$O" >"$TAP_TMP/out" 2>"$TAP_TMP/err"
	check "stock SoftHSM 2.6.1: the ceremony stops at package" [ $? -ne 0 ]
	has "^package: FAILED: token 'stock' refused for packaging: CKM_AES_KEY_WRAP_PAD \(0x210a\) fails RFC 5649 known answer 1" \
		"with the KWP message"
	check "and writes no package" [ ! -e "$O/contosokey.byok.tmp" ]
else
	ok "# SKIP Debian's softhsm2 is not installed"
	ok "# SKIP Debian's softhsm2 is not installed"
	ok "# SKIP Debian's softhsm2 is not installed"
fi
done_testing
