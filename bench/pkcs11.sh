#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11.sh: the token ceremony's overhead.  On the conforming test token
# (tests/pkcs11-softhsm.sh), times keyrite's PKCS#11 engine doing a
# ceremony (tests/pkcs11-drive: new-world with 2-of-3 cards at the test
# scrypt cost, then two cards, import-kek as SO, generatekey RSA-2048,
# the packaging check, the two-step package and the ACL reduction) against
# the token operations pkcs11-tool can do in the same run on a second
# token (init the token and the user PIN, write the KEK public key as SO,
# generate an RSA-2048 key pair and an AES-256 key).  What keyrite adds:
# the cards (scrypt, Shamir), the packaging check (a throwaway RSA-2048 key
# on the token and a software KEK) and the wraps pkcs11-tool 0.23 cannot
# do (a private key under AES, OAEP with parameters).
# `ratio pkcs11-ceremony` = keyrite's median wall time / pkcs11-tool's
# (five runs each).  Called by bench/run.sh from the build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${KEYRITE:=$(pwd)/keyrite}"
build=$(dirname "$KEYRITE")
drive=$build/tests/pkcs11-drive
stamp=$build/bench/stamp
lib=$(top_srcdir="$here/.." sh "$here/../tests/pkcs11-softhsm.sh") || {
	echo "skipped: no conforming token: $lib"; exit 0; }
[ -x "$drive" ] || { echo "skipped: build tests/pkcs11-drive (make check)"; exit 0; }
command -v pkcs11-tool >/dev/null || { echo "skipped: no pkcs11-tool"; exit 0; }
T=$(mktemp -d "${TMPDIR:-/tmp}/keyrite-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/kek.key" 2>/dev/null
openssl pkey -in "$T/kek.key" -pubout -out "$T/kek.pem"
openssl pkey -in "$T/kek.key" -pubout -outform DER -out "$T/kek.der"

SOFTHSM2_CONF=$T/conf
export SOFTHSM2_CONF
ms() { "$stamp" "$@" 2>&1 | sed -n 's/^#end \([0-9.]*\) ms.*status 0$/\1/p'; }
median() { sort -n | sed -n 3p; }

keyrite_run() {
	rm -rf "$T/tok" "$T/state" "$T/out"; mkdir -p "$T/tok" "$T/out"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T/tok" >"$T/conf"
	u="pkcs11:token=bench?module-path=$lib"
	cat >"$T/run.sh" <<EOS
printf 'pin-one-1\npin-two-2\npin-three-3\n' | "$drive" init "$T/state" "$u" 2 3 >/dev/null &&
printf '1 pin-one-1\n2 pin-two-2\n' | "$drive" ceremony "$T/state" "$u" "$T/kek.pem" \
	https://v.vault.azure.net/keys/KEK/1 benchkey RSA 2048 "$T/out" >/dev/null
EOS
	ms sh "$T/run.sh"
}

tool_run() {
	rm -rf "$T/tok"; mkdir -p "$T/tok"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T/tok" >"$T/conf"
	p="pkcs11-tool --module $lib"
	cat >"$T/run.sh" <<EOS
$p --init-token --label bench --so-pin 87654321 &&
$p --token-label bench --init-pin --login --so-pin 87654321 --pin 123456 &&
$p --token-label bench --login --login-type so --so-pin 87654321 \
	--write-object "$T/kek.der" --type pubkey --label kek --id 01 &&
$p --token-label bench --login --pin 123456 --keypairgen --key-type rsa:2048 \
	--label key --id 02 --sensitive --private &&
$p --token-label bench --login --pin 123456 --keygen --key-type AES:32 \
	--label aes --id 03 --extractable
EOS
	ms sh -c "sh '$T/run.sh' >/dev/null 2>&1"
}

k=$(for i in 1 2 3 4 5; do keyrite_run; done | median)
t=$(for i in 1 2 3 4 5; do tool_run; done | median)
[ -n "$k" ] && [ -n "$t" ] || { echo "FAILED: a run did not finish"; exit 1; }
echo "keyrite engine ceremony: median $k ms; pkcs11-tool token operations: median $t ms"
echo "ratio pkcs11-ceremony $(echo "$k $t" | awk '{ printf "%.2f", $1 / $2 }')"
