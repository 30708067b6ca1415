#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11.sh: the token ceremony's overhead, step by step.  On the
# conforming test token (tests/pkcs11-softhsm.sh), keyrite's PKCS#11 engine
# (tests/pkcs11-drive, one process per step, as the runner's steps are
# separate) against pkcs11-tool doing the same token operations in the same
# run, each round on a fresh token:
#
#   init        keyrite: new-world, 2-of-3 cards at the test scrypt cost,
#               C_InitToken + C_InitPIN with the random PINs;
#               pkcs11-tool: --init-token, --init-pin.
#   import-kek  keyrite: two cards, SO login, the KEK as a trusted
#               wrap-only public object; pkcs11-tool: SO login,
#               --write-object the KEK (DER) as a public key.
#   generatekey keyrite: two cards, user login, an RSA-2048 key pair
#               (sensitive, wrap-with-trusted, label checked);
#               pkcs11-tool: user login, --keypairgen rsa:2048 --sensitive.
#   package     keyrite: two cards, the packaging check (a throwaway
#               RSA-2048 key pair on the token, a software KEK, a test wrap
#               opened in software), the key wrapped under the KEK in one
#               call (CKM_RSA_AES_KEY_WRAP: our patched SoftHSM offers it),
#               the ACL reduction.  pkcs11-tool 0.23 cannot do the same: its
#               --wrap takes only secret keys (no private key under AES) and
#               its OAEP wrap fails on this token (CKR_ARGUMENTS_BAD); its
#               surrogate is what it can do of the same cost on the token:
#               --keygen AES:32, --wrap a secret key with AES-KEY-WRAP, and
#               --wrap that AES key with RSA-PKCS under the KEK.  Its ratio
#               is named pkcs11-package-surrogate to say so.
#
# `ratio pkcs11-STEP` = keyrite's median wall time / pkcs11-tool's (five
# rounds), `ratio pkcs11-STEP-cpu` the same with CPU time (user + system of
# the process tree: steadier than wall time on a loaded machine; the
# token's work is CPU work in SoftHSM); `ratio pkcs11-ceremony[-cpu]` = the
# sum of keyrite's medians / the sum of pkcs11-tool's (the package part
# being the surrogate).  Called by bench/run.sh from the build directory.
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
# "WALL CPU" in ms (CPU: user + system of the whole process tree)
ms() { "$stamp" "$@" 2>&1 |
	sed -n 's/^#end \([0-9.]*\) ms, cpu \([0-9.]*\) ms.*status 0$/\1 \2/p'; }
median() { sort -n | sed -n 3p; }
STEPS="init import-kek generatekey package"

fresh() {
	rm -rf "$T/tok" "$T/state" "$T/out"; mkdir -p "$T/tok" "$T/out"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T/tok" >"$T/conf"
}

# One round of keyrite: one "STEP MS" line per step.
keyrite_round() {
	fresh
	u="pkcs11:token=bench?module-path=$lib"
	args="$T/state $u $T/kek.pem https://v.vault.azure.net/keys/KEK/1 benchkey RSA 2048 $T/out"
	printf 'pin-one-1\npin-two-2\npin-three-3\n' >"$T/pins"
	printf '1 pin-one-1\n2 pin-two-2\n' >"$T/cards"
	echo "init $(ms sh -c "'$drive' init '$T/state' '$u' 2 3 <'$T/pins' >/dev/null")"
	for s in import-kek generatekey package; do
		echo "$s $(ms sh -c "PKCS11_DRIVE_NO_OBJECTS=1 '$drive' $s $args \
			<'$T/cards' >/dev/null")"
	done
}

# One round of pkcs11-tool, the same lines.
tool_round() {
	fresh
	p="pkcs11-tool --module $lib --token-label bench"
	echo "init $(ms sh -c "pkcs11-tool --module $lib --init-token --label bench \
		--so-pin 87654321 && $p --init-pin --login --so-pin 87654321 --pin 123456")"
	echo "import-kek $(ms sh -c "$p --login --login-type so --so-pin 87654321 \
		--write-object '$T/kek.der' --type pubkey --label kek --id 01 --usage-wrap")"
	echo "generatekey $(ms sh -c "$p --login --pin 123456 --keypairgen \
		--key-type rsa:2048 --label key --id 02 --sensitive --private")"
	$p --login --pin 123456 --keygen --key-type AES:32 --label data --id 04 \
		--extractable >/dev/null 2>&1
	echo "package $(ms sh -c "$p --login --pin 123456 --keygen --key-type AES:32 \
		--label aes --id 03 --extractable --usage-wrap &&
		$p --login --pin 123456 --wrap -m AES-KEY-WRAP --id 03 --application-id 04 \
		-o '$T/out/c2' && $p --login --pin 123456 --wrap -m RSA-PKCS --id 01 \
		--application-id 03 -o '$T/out/c1'")"
}

for i in 1 2 3 4 5; do keyrite_round; done >"$T/k"
for i in 1 2 3 4 5; do tool_round; done >"$T/t"
# med FILE STEP COLUMN: the median of a step's column (2 wall, 3 CPU)
med() { awk -v s="$2" -v c="$3" '$1 == s && NF == 3 { print $c }' "$1" | median; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }
kt=0 tt=0 kc=0 tc=0
for s in $STEPS; do
	k=$(med "$T/k" "$s" 2) t=$(med "$T/t" "$s" 2)
	kcpu=$(med "$T/k" "$s" 3) tcpu=$(med "$T/t" "$s" 3)
	[ -n "$k" ] && [ -n "$t" ] || {
		echo "FAILED: $s did not finish (keyrite: $(grep -c "^$s [0-9]" "$T/k") of 5"
		echo "rounds, pkcs11-tool: $(grep -c "^$s [0-9]" "$T/t") of 5)"; exit 1; }
	name=$s
	[ "$s" = package ] && name=package-surrogate
	echo "$s: keyrite median $k ms (CPU $kcpu ms); pkcs11-tool median $t ms (CPU $tcpu ms)"
	echo "ratio pkcs11-$name $(ratio "$k" "$t")"
	echo "ratio pkcs11-$name-cpu $(ratio "$kcpu" "$tcpu")"
	kt=$(echo "$kt $k" | awk '{ print $1 + $2 }')
	tt=$(echo "$tt $t" | awk '{ print $1 + $2 }')
	kc=$(echo "$kc $kcpu" | awk '{ print $1 + $2 }')
	tc=$(echo "$tc $tcpu" | awk '{ print $1 + $2 }')
done
echo "ceremony: keyrite $kt ms (CPU $kc ms); pkcs11-tool $tt ms (CPU $tc ms); package: the surrogate"
echo "ratio pkcs11-ceremony $(ratio "$kt" "$tt")"
echo "ratio pkcs11-ceremony-cpu $(ratio "$kc" "$tc")"
