#!/bin/sh
# SPDX-License-Identifier: ISC
# choice.sh: choices between alternative steps (`when:', keyrite-ceremony(5)
# CHOICES): lint accepts good uses and rejects bad ones at LINE:COL; both
# shipped ceremonies rehearse in batch mode for each upload choice and each
# key type (the legacy one in three regions), the log and the transcript
# say which alternative was taken and why the others were not, the summary
# lists only what was done, and every .byok unwraps with the openssl
# command line to the key whose public key (for an AES key, whose check
# value) was exported.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

# --- lint: good uses -------------------------------------------------------
good="$TAP_TMP/good.yaml"
cat >"$good" <<'YAML'
keyrite: 1
id: good
title: Good choices
parameters:
  tool: {type: choice, choices: [az, powershell], default: az}
  kind: {type: choice, choices: [RSA, EC, oct], default: RSA}
steps:
  - id: up-az
    title: Upload with az
    when: {tool: az}
    instructions: az
  - id: up-ps
    title: Upload with PowerShell
    when: {tool: powershell, kind: [RSA, EC]}
    instructions: ps
  - id: up-ps-oct
    title: Upload an AES key with PowerShell
    when: {tool: [powershell], kind: oct}
    instructions: ps oct
  - id: after
    title: After
    requires: [up-az, up-ps, up-ps-oct]
    instructions: done
YAML
expect_status 0 "lint accepts 'when' with one value, a list, and two parameters" \
    "$KEYRITE" lint "$good"
output_has '^OK .*good.yaml: 4 steps, 2 parameters$' "the OK line"

# --- lint: bad uses ---------------------------------------------------------
bad="$TAP_TMP/bad.yaml"
cat >"$bad" <<'YAML'
keyrite: 1
id: bad
title: Bad choices
parameters:
  tool: {type: choice, choices: [az, powershell, cli], default: az}
  name: {type: string, default: x}
steps:
  - id: a
    title: A
    when: {tools: az}
    instructions: a
  - id: b
    title: B
    when: {name: x}
    instructions: b
  - id: c
    title: C
    when: {tool: [az, bash, az]}
    instructions: c
  - id: d
    title: D
    when: upload
    instructions: d
  - id: e
    title: E
    when: {}
    instructions: e
  - id: seal
    title: Seal
    action: seal-log
    when: {tool: az}
YAML
expect_status 65 "lint rejects bad uses of 'when'" "$KEYRITE" lint "$bad"
output_has "^$bad:10:12: unknown parameter 'tools' in 'when' of step 'a'\$" \
    "an unknown parameter at its line:col"
output_has "^$bad:14:12: 'when' of step 'b' names parameter 'name' of type string; a choice needs a parameter of type choice\$" \
    "a parameter that is not a choice"
output_has "^$bad:18:23: 'bash' is not a value of parameter 'tool' \\(in 'when' of step 'c'\\)\$" \
    "a value that is not one of the choices"
output_has "^$bad:18:29: 'az' is listed twice in 'when' of step 'c'\$" \
    "a value listed twice"
output_has "^$bad:22:11: expected a mapping for 'when' in step 'd'\$" \
    "'when' that is not a mapping"
output_has "^$bad:26:11: 'when' is empty in step 'e'" "an empty 'when'"
output_has "^$bad:31:11: step 'seal' seals the log and cannot be an alternative" \
    "no 'when' on seal-log"
output_has "^$bad:18:12: warning: value 'powershell' of parameter 'tool' chooses none" \
    "a value that chooses nothing is a warning"

# --- rehearsals -------------------------------------------------------------
# kek_bytes KEY.pem: the RSA modulus length in bytes.
kek_bytes() {
	bits=$("$OPENSSL" pkey -in "$1" -noout -text 2>/dev/null |
	    sed -n 's/.*Private-Key: (\([0-9]*\) bit.*/\1/p')
	echo $((bits / 8))
}

# unwraps BYOK KEK.pem PUB.pem WHAT: the .byok unwraps with openssl alone
# to a private key whose public key is PUB.pem.
unwraps() {
	rm -f "$TAP_TMP/ct.bin" "$TAP_TMP/p8.der" "$TAP_TMP/pub-a" "$TAP_TMP/pub-b"
	b64url "$1" "$TAP_TMP/ct.bin" &&
	unwrap "$TAP_TMP/ct.bin" "$2" "$(kek_bytes "$2")" "$TAP_TMP/p8.der" &&
	"$OPENSSL" pkey -inform DER -in "$TAP_TMP/p8.der" -pubout \
	    -outform DER -out "$TAP_TMP/pub-a" 2>/dev/null &&
	"$OPENSSL" pkey -pubin -in "$3" -outform DER -out "$TAP_TMP/pub-b" &&
	cmp -s "$TAP_TMP/pub-a" "$TAP_TMP/pub-b"
}

# legacy REGION TOOL SIZE
legacy() {
	S=$TAP_TMP/legacy-$1-$2-$3
	expect_status 0 "legacy, $1, upload by $2, RSA-$3: rehearsal completes" \
	    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
	    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST \
	    --set region="$1" --set upload_tool="$2" --set key_size="$3"
	other=az; [ "$2" = az ] && other=powershell
	output_has "^\[upload-$2\] chosen: upload_tool is $2\$" \
	    "legacy $1/$2: the chosen upload is named"
	output_has "^\[upload-$other\] not chosen: upload_tool is $2 \\(this alternative is for $other\\)\$" \
	    "legacy $1/$2: the other upload is not done, with the reason"
	check "legacy $1/$2: the transcript lists the choice" \
	    grep -q "step upload-$other: not chosen: upload_tool is $2" "$S/out/transcript.txt"
	check "legacy $1/$2: the log records the choice" \
	    grep -q "chosen: upload_tool is $2" "$S/out/ncipher-byok-legacy.log"
	if grep -q "\[upload-$other\]" "$S/out/summary.txt"; then
		not_ok "legacy $1/$2: the summary lists only the upload done"
	else
		ok "legacy $1/$2: the summary lists only the upload done"
	fi
	kek=$(ls "$S/vault/keks/"*.key | head -1)
	check "legacy $1/$2/RSA-$3: the package unwraps with openssl to the exported key" \
	    unwraps "$S/out/KeyTransferPackage-ContosoFirstHSMkey.byok" "$kek" \
	    "$S/out/contosokey.pub.pem"
}

legacy unitedstates powershell 2048
legacy europe az 3072
legacy japan powershell 4096

# azure TOOL TYPE SIZE-OR-CURVE
azure() {
	S=$TAP_TMP/azure-$1-$2-$3
	if [ "$2" = RSA ]; then set -- "$1" "$2" "$3" key_size; else
		set -- "$1" "$2" "$3" curve; fi
	expect_status 0 "azure, $2 $3, import by $1: rehearsal completes" \
	    "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
	    --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST \
	    --set upload_tool="$1" --set key_type="$2" --set "$4=$3"
	gen=generate-rsa no=generate-ec
	[ "$2" = EC ] && gen=generate-ec no=generate-rsa
	imp=import-powershell
	[ "$1" = az ] && { imp=import-az; [ "$2" = EC ] && imp=import-az-ec; }
	output_has "^\[$gen\] chosen: key_type is $2\$" "azure $1/$2: $gen is chosen"
	output_has "^\[$no\] not chosen: key_type is $2 " "azure $1/$2: $no is not"
	output_has "^\[$imp\] chosen: upload_tool is $1" "azure $1/$2: $imp is chosen"
	n=$(grep -c '^\[import-[a-z-]*\] not chosen: ' "$TAP_TMP/out")
	if [ "$n" -eq 4 ]; then ok "azure $1/$2: the four other import forms are not done"
	else not_ok "azure $1/$2: the four other import forms are not done"; diag "$n"; fi
	check "azure $1/$2: the transcript lists the choices" \
	    grep -q "step $no: not chosen: key_type is $2" "$S/out/transcript.txt"
	n=$(sed -n '/^Done on the connected/,$p' "$S/out/summary.txt" | grep -c '^  \[import')
	if [ "$n" -eq 1 ] && grep -q "^  \[$imp\]" "$S/out/summary.txt"; then
		ok "azure $1/$2: the summary lists the one import done"
	else
		not_ok "azure $1/$2: the summary lists the one import done"
	fi
	check "azure $1/$2: the .byok generator names the keyrite version" \
	    grep -q '"generator": "keyrite [0-9][0-9.]*; ' "$S/out/ContosoFirstHSMkey.byok"
	check "azure $1/$2 $3: the .byok unwraps with openssl to the exported key" \
	    unwraps "$S/out/ContosoFirstHSMkey.byok" "$S/vault/keks/ContosoKEK.key" \
	    "$S/out/ContosoFirstHSMkey.pub.pem"
}

azure az RSA 2048
azure powershell RSA 3072
azure az RSA 4096
azure powershell EC P-256
azure az EC P-384
azure powershell EC P-521
azure az EC P-256K

# The Managed HSM forms: the same runbook, the service chosen by a table.
S=$TAP_TMP/azure-mhsm
expect_status 0 "azure, managed HSM, import by PowerShell: rehearsal completes" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
    --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST \
    --set vault_kind=managed-hsm --set upload_tool=powershell
output_has '^\[create-kek\] az keyvault key create .* --hsm-name ContosoKeyVaultHSM$' \
    "the KEK is created with --hsm-name"
output_has "^\\[import-powershell\\] Add-AzKeyVaultKey -HsmName 'ContosoKeyVaultHSM' -Name 'ContosoFirstHSMkey' -KeyFilePath 'ContosoFirstHSMkey.byok'\$" \
    "the PowerShell import uses -HsmName"
check "managed HSM: the .byok unwraps with openssl to the exported key" \
    unwraps "$S/out/ContosoFirstHSMkey.byok" "$S/vault/keks/ContosoKEK.key" \
    "$S/out/ContosoFirstHSMkey.pub.pem"

# AES-256 targets (oct-HSM), for a managed HSM only: the az import names
# --kty oct; Azure PowerShell cannot import them, so its choice shows the
# az command; the simulated managed HSM imports the key and finds the check
# value the module logged, and the .byok unwraps with openssl alone to 32
# bytes whose check value (the first 3 bytes of AES-256-ECB of a zero
# block) is that one.
# kcv HEXKEY: the key check value of an AES-256 key, with openssl.
kcv() {
	head -c 16 /dev/zero | "$OPENSSL" enc -aes-256-ecb -nopad -K "$1" |
	    od -An -tx1 -v | tr -d ' \n' | cut -c1-6
}

# unwraps_aes BYOK KEK.pem WANT-KCV
unwraps_aes() {
	rm -f "$TAP_TMP/ct.bin" "$TAP_TMP/aes.bin"
	b64url "$1" "$TAP_TMP/ct.bin" &&
	unwrap "$TAP_TMP/ct.bin" "$2" "$(kek_bytes "$2")" "$TAP_TMP/aes.bin" &&
	[ "$(wc -c <"$TAP_TMP/aes.bin")" -eq 32 ] &&
	[ "$(kcv "$(od -An -tx1 -v "$TAP_TMP/aes.bin" | tr -d ' \n')")" = "$3" ]
}

for tool in az powershell; do
	S=$TAP_TMP/azure-aes-$tool
	expect_status 0 "azure, AES-256 into a managed HSM, import by $tool: rehearsal completes" \
	    "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
	    --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST \
	    --set vault_kind=managed-hsm --set upload_tool=$tool --set key_type=AES
	output_has '^\[generate-aes\] chosen: key_type is AES$' "AES/$tool: generate-aes is chosen"
	output_has '^\[generate-rsa\] not chosen: key_type is AES ' "AES/$tool: generate-rsa is not"
	imp=import-az-aes; [ $tool = powershell ] && imp=import-powershell-aes
	output_has "^\\[$imp\\] az keyvault key import --hsm-name ContosoKeyVaultHSM --name ContosoFirstHSMkey --byok-file ContosoFirstHSMkey.byok --kty oct\$" \
	    "AES/$tool: the import command names --hsm-name and --kty oct"
	if grep -q '^\[import-powershell\] Add-AzKeyVaultKey' "$TAP_TMP/out"; then
		not_ok "AES/$tool: no PowerShell import is offered for an AES key"
	else ok "AES/$tool: no PowerShell import is offered for an AES key"; fi
	want=$(sed -n 's/^\[generate-aes\] key check value of contosokey: \([0-9a-f]\{6\}\)$/\1/p' "$TAP_TMP/out" | head -1)
	output_has "^\\[vault-import\\] imported as ContosoFirstHSMkey with KEK ContosoKEK: oct \\(AES-256\\) key, key check value $want\$" \
	    "AES/$tool: the simulated managed HSM imports the oct key (check value $want)"
	output_has '^\[vault-import\] the same key check value as generated$' \
	    "AES/$tool: its check value is the one generated"
	check "AES/$tool: the .byok unwraps with openssl to a 32-byte key of check value $want" \
	    unwraps_aes "$S/out/ContosoFirstHSMkey.byok" "$S/vault/keks/ContosoKEK.key" "$want"
done

# A key vault does not take an AES key: the simulated one refuses it.
S=$TAP_TMP/azure-aes-vault
expect_status 1 "azure, AES into a key vault: the rehearsal stops" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
    --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST \
    --set vault_kind=vault --set key_type=AES
output_has 'oct \(AES\) keys are imported into a Managed HSM only, not into a key vault' \
    "the key vault refuses the AES key, saying why"

done_testing
