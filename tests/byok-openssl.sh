#!/bin/sh
# SPDX-License-Identifier: ISC
# byok-openssl.sh: our .byok files open with the openssl command line
# alone: base64url-decode the ciphertext, split C1 (the KEK's size) and C2,
# RSA-OAEP (SHA-1, MGF1 SHA-1) decrypt C1 to get K, AES-KWP unwrap C2 under
# K (default IV A65959A6) to get the PKCS#8, whose public key must be the
# original's.  The reference vector is opened the same way, byte for byte.
. "$top_srcdir/tests/lib/tap.sh"

: "${OPENSSL:=openssl}"
WRAP="$top_builddir/tests/byok-wrap-tool"
VEC="$top_srcdir/tests/vectors"
T=$TAP_TMP
KID=https://testvault.vault.azure.net/keys/KEK/0123456789abcdef0123456789abcdef

# unwrap CT.bin KEK.pem KEKBYTES OUT.der: the openssl-only unwrap.
unwrap() {
	head -c "$3" "$1" >"$T/c1" &&
	tail -c +"$(($3 + 1))" "$1" >"$T/c2" &&
	"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$T/c1" -out "$T/k.bin" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 \
	    -pkeyopt rsa_mgf1_md:sha1 &&
	[ "$(wc -c <"$T/k.bin")" -eq 32 ] &&
	khex=$(od -An -tx1 -v "$T/k.bin" | tr -d ' \n') &&
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$khex" -iv A65959A6 \
	    -in "$T/c2" -out "$4"
}

# b64url FILE.byok OUT.bin: the ciphertext member, decoded.
b64url() {
	sed -n 's/.*"ciphertext": *"\([^"]*\)".*/\1/p' "$1" | tr '_-' '/+' >"$T/b64"
	n=$(tr -d '\n' <"$T/b64" | wc -c)
	pad=$(( (4 - n % 4) % 4 ))
	{ tr -d '\n' <"$T/b64"; [ $pad -ge 1 ] && printf '='; [ $pad -ge 2 ] && printf '='; } >"$T/b64p"
	"$OPENSSL" base64 -d -A -in "$T/b64p" -out "$2"
}

# The reference vector first: openssl alone gives the PKCS#8 exactly.
check "reference vector unwraps with openssl alone" \
    unwrap "$VEC/ciphertext_rsa2048.bin" "$VEC/kek_rsa2048_priv.pem" 256 "$T/ref.der"
check "reference vector gives the PKCS#8 byte for byte" \
    cmp -s "$T/ref.der" "$VEC/target_rsa2048.pkcs8.der"

for case in "2048 rsa:2048" "2048 ec:P-256" "3072 ec:P-384" "4096 rsa:3072" "4096 ec:P-521"; do
	kbits=${case%% *}
	target=${case#* }
	ttype=${target%%:*}
	tparam=${target#*:}
	d="KEK RSA $kbits, target $ttype $tparam"
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$kbits" \
	    -out "$T/kek.pem" 2>/dev/null
	"$OPENSSL" pkey -in "$T/kek.pem" -pubout -out "$T/kek.pub"
	if [ "$ttype" = rsa ]; then
		"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$tparam" \
		    -out "$T/target.pem" 2>/dev/null
	else
		"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$tparam" \
		    -out "$T/target.pem" 2>/dev/null
	fi
	rm -f "$T/out.byok" "$T/ct.bin" "$T/p8.der"
	check "$d: byok-wrap-tool writes a .byok" \
	    "$WRAP" "$T/kek.pub" "$T/target.pem" "$KID" "$T/out.byok"
	if grep -q '"ciphertext": *"[A-Za-z0-9_-]*"' "$T/out.byok"; then
		ok "$d: ciphertext is unpadded base64url"
	else
		not_ok "$d: ciphertext is unpadded base64url"
	fi
	b64url "$T/out.byok" "$T/ct.bin"
	n=$(wc -c <"$T/ct.bin")
	if [ $(( (n - kbits / 8) % 8 )) -eq 0 ] && [ "$n" -gt $((kbits / 8 + 16)) ]; then
		ok "$d: ciphertext of $n bytes is C1 || C2"
	else
		not_ok "$d: ciphertext of $n bytes is C1 || C2"
	fi
	check "$d: openssl unwraps it" \
	    unwrap "$T/ct.bin" "$T/kek.pem" $((kbits / 8)) "$T/p8.der"
	"$OPENSSL" pkey -inform DER -in "$T/p8.der" -pubout -out "$T/got.pub" 2>/dev/null
	"$OPENSSL" pkey -in "$T/target.pem" -pubout -out "$T/want.pub"
	check "$d: the unwrapped key has the original public key" \
	    cmp -s "$T/got.pub" "$T/want.pub"
done

# The sanity length: RSA-2048 KEK, the 1214-byte RSA-2048 target.
"$WRAP" "$VEC/kek_rsa2048_pub.pem" "$VEC/target_rsa2048_priv.pem" "$KID" "$T/len.byok"
b64url "$T/len.byok" "$T/len.bin"
n=$(wc -c <"$T/len.bin")
if [ "$n" -eq 1480 ]; then ok "RSA-2048 KEK + RSA-2048 target: 1480 bytes"; else
	not_ok "RSA-2048 KEK + RSA-2048 target: $n bytes, wanted 1480"; fi

done_testing
