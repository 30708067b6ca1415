# SPDX-License-Identifier: ISC
# batch-lib.sh: what the batch end-to-end tests share.  Source it after
# tap.sh.
: "${OPENSSL:=openssl}"
CER="$top_srcdir/ceremonies"
EX="$top_srcdir/ceremonies/examples"
# A cheap PIN KDF for rehearsals (a test-only option of `rehearse').
FAST=--test-scrypt-log2n=10

# pins FILE N M: N new PINs (card-pin-1..N), then M presentations of
# cards 1 and 2 in turn, one per line.
pins() {
	: >"$1"
	i=1
	while [ "$i" -le "$2" ]; do echo "card-pin-$i" >>"$1"; i=$((i + 1)); done
	i=0
	while [ "$i" -lt "$3" ]; do
		echo "card-pin-$((i % 2 + 1))" >>"$1"
		i=$((i + 1))
	done
}

# sha256 FILE: lowercase hex.
sha256() { "$OPENSSL" dgst -sha256 -r "$1" | cut -c1-64; }

# b64url FILE.byok OUT.bin: the .byok's ciphertext, decoded.
b64url() {
	sed -n 's/.*"ciphertext": *"\([^"]*\)".*/\1/p' "$1" | tr '_-' '/+' >"$TAP_TMP/b64"
	n=$(tr -d '\n' <"$TAP_TMP/b64" | wc -c)
	pad=$(( (4 - n % 4) % 4 ))
	{ tr -d '\n' <"$TAP_TMP/b64"; [ $pad -ge 1 ] && printf '='; [ $pad -ge 2 ] && printf '='; } >"$TAP_TMP/b64p"
	"$OPENSSL" base64 -d -A -in "$TAP_TMP/b64p" -out "$2"
}

# unwrap CT.bin KEK.pem KEKBYTES OUT.der: RSA-OAEP(SHA-1) then AES-KWP,
# with the openssl command line alone (as tests/byok-openssl.sh).
unwrap() { unwrap_md "$1" "$2" "$3" sha1 "$4"; }

# unwrap_md CT.bin KEK.pem KEKBYTES MD OUT.der: the same with OAEP and MGF1
# digest MD (a wrapping profile's: sha1, sha256).
unwrap_md() {
	head -c "$3" "$1" >"$TAP_TMP/c1" &&
	tail -c +"$(($3 + 1))" "$1" >"$TAP_TMP/c2" &&
	"$OPENSSL" pkeyutl -decrypt -inkey "$2" -in "$TAP_TMP/c1" -out "$TAP_TMP/k.bin" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:"$4" \
	    -pkeyopt rsa_mgf1_md:"$4" &&
	[ "$(wc -c <"$TAP_TMP/k.bin")" -eq 32 ] &&
	khex=$(od -An -tx1 -v "$TAP_TMP/k.bin" | tr -d ' \n') &&
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$khex" -iv A65959A6 \
	    -in "$TAP_TMP/c2" -out "$5"
}

# azure_live DIR: a live-run setup for azure-byok in DIR: an openssl KEK
# (DIR/kek.pem), its public key on the medium (DIR/media/kek-public.pem),
# and answers (DIR/answers.yaml) naming it.  The module's network check
# may find an interface up on a test machine: an exception covers it.
azure_live() {
	mkdir -p "$1/media" "$1/out"
	"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
	    -out "$1/kek.pem" 2>/dev/null &&
	"$OPENSSL" pkey -in "$1/kek.pem" -pubout -out "$1/media/kek-public.pem" || return 1
	cat >"$1/answers.yaml" <<EOA
operator: Test Operator
witnesses: [Test Witness]
parameters:
  vault_name: TestVault
  kek_name: TestKEK
  kek_file: kek-public.pem
  kek_id: https://testvault.vault.azure.net/keys/TestKEK/0123456789abcdef0123456789abcdef
  kek_sha256: $(sha256 "$1/media/kek-public.pem")
  key_type: RSA
  key_size: 2048
  card_holders: 'Ann, Bob, Cy'
  kek_bag: TEB-1
  kek_bag_read: TEB-1
  backup_bag: TEB-2
  ident: testkey
  key_name: TestKey
confirm: true
skip: [vault-import]
exceptions:
  check-offline: 'test machine: its network may be up'
cards: [1, 2]
EOA
}
