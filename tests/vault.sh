#!/bin/sh
# SPDX-License-Identifier: ISC
# vault.sh: `keyrite vault` end to end: init, kek, import of our own wrap
# and of the reference vector (its KEK imported with its kid), fingerprints
# compared with openssl, and the exit statuses of every refusal.
. "$top_srcdir/tests/lib/tap.sh"

: "${OPENSSL:=openssl}"
WRAP="$top_builddir/tests/byok-wrap-tool"
VEC="$top_srcdir/tests/vectors"
T=$TAP_TMP
V=$T/Rehearsal_Vault

# fpr PEM: SHA-256 of the public key in DER, as openssl sees it.
fpr() { "$OPENSSL" pkey -in "$1" -pubout -outform DER | "$OPENSSL" dgst -sha256 -r | cut -c1-64; }
# shown: the fingerprint line keyrite printed, without spaces.
shown() { sed -n '/^SHA-256 fingerprint of the public key/{n;p;}' "$TAP_TMP/out" | tr -d ' '; }

expect_status 0 "vault init with two regions" \
    "$KEYRITE" vault init "$V" --region unitedstates --region europe
output_has "^root key SHA-256: [0-9a-f]{64}$" "init prints the root hash"
output_has "unitedstates +NA +KeyVault-BYOK-Tools-UnitedStates.zip +[0-9a-f]{64}" \
    "init prints the toolset and its SHA-256"
check "root.hash holds the printed hash" \
    grep -q "$(sed -n 's/^root key SHA-256: //p' "$TAP_TMP/out")" "$V/root.hash"
check "root.hash is the SHA-256 of the root key's DER SPKI" \
    test "$("$OPENSSL" pkey -pubin -in "$V/root.pub.pem" -outform DER | "$OPENSSL" dgst -sha256 -r | cut -c1-64)" = "$(cat "$V/root.hash")"
check "packages are named exactly" \
    test -f "$V/packages/BYOK-KEK-pkg-NA-1" -a -f "$V/packages/BYOK-SecurityWorld-pkg-EU-1"
check "SHA256SUMS verifies" sh -c "cd '$V/toolsets' && sha256sum -c --quiet SHA256SUMS"
check "no other region was made" test ! -e "$V/packages/BYOK-KEK-pkg-UK-1"
check "vault directory is 0700" test "$(stat -c %a "$V")" = 700
check "KEK private keys are 0600" test "$(stat -c %a "$V/keks/BYOK-KEK-NA.key")" = 600
expect_status 73 "init of an existing vault is refused" "$KEYRITE" vault init "$V"
expect_status 64 "init with an unknown region is a usage error" \
    "$KEYRITE" vault init "$T/other" --region atlantis
expect_status 64 "init with a bad KEK size is a usage error" \
    "$KEYRITE" vault init "$T/other" --kek-size 1024

expect_status 0 "vault kek" "$KEYRITE" vault kek "$V" --name ContosoKEK
output_has "^kid: https://rehearsal-vault\.vault\.azure\.net/keys/ContosoKEK/[0-9a-f]{32}$" \
    "kek prints the kid (vault named after the directory)"
check "kek writes NAME.pem, a SubjectPublicKeyInfo" \
    grep -q -- "-----BEGIN PUBLIC KEY-----" "$V/ContosoKEK.pem"
kid=$(sed -n 's/^kid: //p' "$TAP_TMP/out")
expect_status 73 "the same KEK name twice is refused" \
    "$KEYRITE" vault kek "$V" --name ContosoKEK
expect_status 64 "kek without --name is a usage error" "$KEYRITE" vault kek "$V"

# Our own wrap, RSA and EC, imported by kid.
for t in "rsa rsa_keygen_bits:2048" "ec ec_paramgen_curve:P-256"; do
	alg=${t%% *}
	if [ "$alg" = rsa ]; then A=RSA; else A=EC; fi
	"$OPENSSL" genpkey -algorithm $A -pkeyopt "${t#* }" -out "$T/$alg.pem" 2>/dev/null
	"$WRAP" "$V/ContosoKEK.pem" "$T/$alg.pem" "$kid" "$T/$alg.byok"
	expect_status 0 "import our $A .byok" "$KEYRITE" vault import "$V" "$T/$alg.byok"
	output_has "^kty: $A$" "import prints kty $A"
	output_has "^test signature: verified$" "import verifies a test signature ($A)"
	if [ "$(shown)" = "$(fpr "$T/$alg.pem")" ]; then ok "$A fingerprint matches openssl"; else
		not_ok "$A fingerprint matches openssl"; diag "$(shown) vs $(fpr "$T/$alg.pem")"; fi
	check "$A key stored 0600" test "$(stat -c %a "$V/keys/$alg.pem")" = 600
done
output_has "^curve: P-256$" "import prints the curve"

# The reference vector, for its KEK imported with its kid.
expect_status 0 "import the reference KEK" "$KEYRITE" vault kek "$V" --name KEKforBYOK \
    --vault contosokeyvaulthsm --import-private "$VEC/kek_rsa2048_priv.pem" \
    --key-version 00000000000000000000000000000000
for v in rsa2048 ecp256; do
	expect_status 0 "import the reference $v.byok" "$KEYRITE" vault import "$V" "$VEC/$v.byok"
	if [ "$(shown)" = "$(fpr "$VEC/target_${v}_priv.pem")" ]; then
		ok "reference $v: the right fingerprint"; else
		not_ok "reference $v: the right fingerprint"; fi
done
output_has "^size: 2048$|^curve: P-256$" "reference import prints size or curve"

# Refusals.
sed 's/"ciphertext": "\(.\{40\}\)./"ciphertext": "\1A/' "$T/rsa.byok" >"$T/flip.byok"
cmp -s "$T/flip.byok" "$T/rsa.byok" && sed 's/"ciphertext": "\(.\{40\}\)./"ciphertext": "\1B/' "$T/rsa.byok" >"$T/flip.byok"
expect_status 1 "a flipped ciphertext byte is refused" "$KEYRITE" vault import "$V" "$T/flip.byok" --name flip
check "nothing stored for it" test ! -e "$V/keys/flip.pem"
sed 's|/keys/ContosoKEK/|/keys/OtherKEK/|' "$T/rsa.byok" >"$T/kid.byok"
expect_status 1 "a changed kid is refused" "$KEYRITE" vault import "$V" "$T/kid.byok"
output_has "no KEK in .* has the file's kid" "it says no KEK has that kid"
expect_status 1 "the wrong KEK named with --kek is refused" \
    "$KEYRITE" vault import "$V" "$T/rsa.byok" --kek NA
output_has "wrong KEK" "it says wrong KEK"
sed 's/"dir"/"RSA-OAEP"/' "$T/rsa.byok" >"$T/alg.byok"
expect_status 65 "a malformed .byok is exit 65" "$KEYRITE" vault import "$V" "$T/alg.byok"
output_has "alg.byok: header.alg is \"RSA-OAEP\", expected \"dir\"" "it names the file and the field"
expect_status 66 "a missing .byok is exit 66" "$KEYRITE" vault import "$V" "$T/none.byok"
expect_status 66 "a missing manifest is exit 66" "$KEYRITE" vault import "$V" "$T/rsa.byok" --manifest "$T/none.json"
echo '{"body": {}, "signature": "AA=="}' >"$T/m.json"
expect_status 65 "a malformed manifest is exit 65" "$KEYRITE" vault import "$V" "$T/rsa.byok" --manifest "$T/m.json"
expect_status 66 "import into a directory that is not a vault is exit 66" \
    "$KEYRITE" vault import "$T" "$T/rsa.byok"
expect_status 64 "import with one argument is a usage error" "$KEYRITE" vault import "$V"
expect_status 64 "an unknown subcommand is a usage error" "$KEYRITE" vault frobnicate
expect_status 0 "vault --help" "$KEYRITE" vault --help
output_has "vault import DIR FILE.byok" "help shows the import usage"

# kek on a fresh directory makes a bare vault (the current method only).
expect_status 0 "kek in a new directory" "$KEYRITE" vault kek "$T/bare" --name k1 --size 3072 --vault myvault
output_has "^kid: https://myvault\.vault\.azure\.net/keys/k1/[0-9a-f]{32}$" "--vault names the vault in the kid"
output_has "\(RSA 3072\)" "--size 3072"

done_testing
