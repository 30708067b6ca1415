#!/bin/sh
# SPDX-License-Identifier: ISC
# byok-profiles.sh: every wrapping profile's package, for every key type
# its service takes, opens with the openssl command line alone: undo the
# profile's form (JSON base64url, raw, base64), split C1 (the wrapping
# key's size) from C2, `pkeyutl -decrypt' C1 with the profile's OAEP and
# MGF1 digests, `enc -id-aes256-wrap-pad' C2: the PKCS#8 has the original
# public key, the AES key the original check value.  Key types and
# wrapping-key sizes a profile does not allow are refused.  The expected
# facts below are written from keyrite-profiles(7), not read from the code.
. "$top_srcdir/tests/tap.sh"

: "${OPENSSL:=openssl}"
TOOL="$top_builddir/tests/byok-profile-tool"
T=$TAP_TMP
KID=https://testvault.vault.azure.net/keys/KEK/0123456789abcdef0123456789abcdef

# name digest kek-sizes form keys
RSA="RSA-2048 RSA-3072 RSA-4096"
EC="EC-P-256 EC-P-384 EC-P-521"
PROFILES="azure-byok|sha1|2048 3072 4096|json|$RSA $EC AES-256
aws-kms-sha256|sha256|2048 3072 4096|raw|$RSA $EC AES-256
aws-kms-sha1|sha1|2048 3072 4096|raw|$RSA $EC AES-256
gcp-kms-3072-sha256|sha256|3072|raw|$RSA EC-P-256 EC-P-384 AES-256
gcp-kms-4096-sha256|sha256|4096|raw|$RSA EC-P-256 EC-P-384 AES-256
gcp-kms-3072-sha1|sha1|3072|raw|$RSA EC-P-256 EC-P-384 AES-256
gcp-kms-4096-sha1|sha1|4096|raw|$RSA EC-P-256 EC-P-384 AES-256
vault-transit|sha256|4096|base64|$RSA $EC AES-256
vault-transit-sha1|sha1|4096|base64|$RSA $EC AES-256"
ALLKEYS="$RSA $EC AES-256"

# The library's table says the same.
"$TOOL" list | awk '{print $1}' >"$T/names.got"
echo "$PROFILES" | cut -d'|' -f1 >"$T/names.want"
check "the profiles are the documented nine" cmp -s "$T/names.got" "$T/names.want"

# Keys, made once.
for b in 2048 3072 4096; do
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$b \
	    -out "$T/kek$b.pem" 2>/dev/null
	"$OPENSSL" pkey -in "$T/kek$b.pem" -pubout -out "$T/kek$b.pub"
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$b \
	    -out "$T/RSA-$b.pem" 2>/dev/null
done
for c in 256 384 521; do
	"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-$c \
	    -out "$T/EC-P-$c.pem" 2>/dev/null
done
"$OPENSSL" rand -out "$T/aes.bin" 32

# unform FORM PKG OUT: C1 || C2 from the package.
unform() {
	case $1 in
	json)
		sed -n 's/.*"ciphertext": *"\([^"]*\)".*/\1/p' "$2" |
		    tr '_-' '/+' | tr -d '\n' >"$T/b64"
		n=$(wc -c <"$T/b64")
		pad=$(( (4 - n % 4) % 4 ))
		{ cat "$T/b64"; [ $pad -ge 1 ] && printf '='; [ $pad -ge 2 ] && printf '='; } >"$T/b64p"
		"$OPENSSL" base64 -d -A -in "$T/b64p" -out "$3" ;;
	raw) cp "$2" "$3" ;;
	base64)
		! grep -q '[^A-Za-z0-9+/=]' "$2" &&
		"$OPENSSL" base64 -d -A -in "$2" -out "$3" ;;
	esac
}

# unwrap CT KEK.pem BYTES MD OUT: the openssl-only unwrap.
unwrap() {
	head -c "$3" "$1" >"$T/c1" &&
	tail -c +"$(($3 + 1))" "$1" >"$T/c2" &&
	"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$T/c1" -out "$T/k.bin" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$4" \
	    -pkeyopt rsa_mgf1_md:"$4" &&
	[ "$(wc -c <"$T/k.bin")" -eq 32 ] &&
	khex=$(od -An -tx1 -v "$T/k.bin" | tr -d ' \n') &&
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$khex" -iv A65959A6 \
	    -in "$T/c2" -out "$5"
}

kcv() {
	khex=$(od -An -tx1 -v "$1" | tr -d ' \n')
	head -c 16 /dev/zero | "$OPENSSL" enc -aes-256-ecb -nopad -K "$khex" |
	    od -An -tx1 -v | tr -d ' \n' | cut -c1-6
}

other_md() { [ "$1" = sha1 ] && echo sha256 || echo sha1; }

echo "$PROFILES" | while IFS='|' read -r name md sizes form keys; do
	set -- $sizes
	kb=$1
	for key in $keys; do
		d="$name, $key, RSA-$kb wrapping key"
		if [ "$key" = AES-256 ]; then target="aes:$T/aes.bin"; else
			target="$T/$key.pem"; fi
		rm -f "$T/pkg" "$T/ct" "$T/mat"
		if "$TOOL" wrap "$name" "$T/kek$kb.pub" "$target" "$T/pkg" "$KID" \
		    >"$T/tool.out" 2>"$T/tool.err"; then
			ok "$d: wrapped"
		else
			not_ok "$d: wrapped"; diag "$(cat "$T/tool.err")"; continue
		fi
		check "$d: the $form form decodes" unform "$form" "$T/pkg" "$T/ct"
		check "$d: openssl unwraps it with OAEP $md, MGF1 $md" \
		    unwrap "$T/ct" "$T/kek$kb.pem" $((kb / 8)) "$md" "$T/mat"
		if [ "$key" = AES-256 ]; then
			want=$(sed -n 's/^kcv //p' "$T/tool.out")
			got=$(kcv "$T/mat")
			if [ -n "$want" ] && [ "$got" = "$want" ] &&
			    [ "$(kcv "$T/aes.bin")" = "$want" ]; then
				ok "$d: the AES key's check value $got"
			else
				not_ok "$d: check value $got, wanted $want"
			fi
		else
			"$OPENSSL" pkey -inform DER -in "$T/mat" -pubout \
			    -out "$T/got.pub" 2>/dev/null
			"$OPENSSL" pkey -in "$target" -pubout -out "$T/want.pub"
			check "$d: the PKCS#8 has the original public key" \
			    cmp -s "$T/got.pub" "$T/want.pub"
		fi
		if unwrap "$T/ct" "$T/kek$kb.pem" $((kb / 8)) \
		    "$(other_md "$md")" "$T/mat2" 2>/dev/null; then
			not_ok "$d: the other digest does not unwrap it"
		else
			ok "$d: the other digest does not unwrap it"
		fi
	done
	for key in $ALLKEYS; do
		case " $keys " in *" $key "*) continue ;; esac
		if [ "$key" = AES-256 ]; then target="aes:$T/aes.bin"; else
			target="$T/$key.pem"; fi
		expect_status 64 "$name refuses a $key key" \
		    "$TOOL" wrap "$name" "$T/kek$kb.pub" "$target" "$T/pkg" "$KID"
		output_has "does not take an $key key" "$name names the key type it refuses"
	done
	for b in 2048 3072 4096; do
		case " $sizes " in
		*" $b "*)
			check "$name takes an RSA-$b wrapping key" "$TOOL" wrap \
			    "$name" "$T/kek$b.pub" "$T/EC-P-256.pem" "$T/pkg" "$KID" ;;
		*)
			expect_status 64 "$name refuses an RSA-$b wrapping key" \
			    "$TOOL" wrap "$name" "$T/kek$b.pub" "$T/EC-P-256.pem" \
			    "$T/pkg" "$KID"
			output_has "wrapping key is RSA $b" "$name says the size is wrong" ;;
		esac
	done
	echo "$tap_n $tap_failed" >"$T/count"
done
# the loop ran in a subshell: take its counts back
read -r tap_n tap_failed <"$T/count"
done_testing
