#!/bin/sh
# SPDX-License-Identifier: ISC
# service-ceremonies.sh: the AWS KMS, Cloud KMS and Vault Transit import
# ceremonies lint clean, rehearse end to end in batch mode from their
# example answers to a sealed log in which the simulated service's key
# identifier is recorded and the imported key is the generated one; the
# package they leave opens with the openssl command line and the service's
# wrapping key; every scenario fails at the step and with the message it
# names.  With AES-256, under every wrapping profile each ceremony offers,
# the same end to end, compared by key check value.  The import passes the
# key type to the service, which refuses one it does not take.  Lint names
# an unknown profile, a wrapping-key size the profile does not allow, a key
# type the service does not take (generated or named at the import) and an
# AES size other than 256 at line:col.
. "$top_srcdir/tests/lib/tap.sh"

: "${OPENSSL:=openssl}"
fast="--test-scrypt-log2n 10"
T=$TAP_TMP

# ceremony issued-name package md
CEREMONIES="aws-kms-import contoso-imported EncryptedKeyMaterial.bin sha256
gcp-kms-import contoso-job wrapped-key.bin sha256
vault-transit-import transit wrapped-key.b64 sha256"

echo "$CEREMONIES" | while read -r c issued pkg md; do
	y="$top_srcdir/ceremonies/$c.yaml"
	a="$top_srcdir/ceremonies/examples/$c.answers.yaml"
	expect_status 0 "$c: lint is clean" "$KEYRITE" lint "$y"
	expect_status 0 "$c: rehearses end to end in batch mode" \
	    "$KEYRITE" rehearse "$y" --batch "$a" --keep "$T/$c" $fast
	cp "$T/out" "$T/$c.rehearsal"
	expect_status 0 "$c: the log is sealed and verifies against the minutes" \
	    "$KEYRITE" audit verify $(minutes_opts "$T/$c/out/summary.txt") \
	    "$T/$c/out/$c.log"
	output_has "^PASS sealed" "$c: audit verify says sealed"
	if grep -q '"service key identifier: [^"]*' "$T/$c/out/$c.log"; then
		ok "$c: the service's key identifier is in the log"
	else
		not_ok "$c: the service's key identifier is in the log"
	fi
	check "$c: the imported key is the generated one" \
	    grep -q "the same public key as generated" "$T/$c.rehearsal"
	# The package, opened with openssl and the service's private key.
	p="$T/$c/out/$pkg"
	case $pkg in *.b64) "$OPENSSL" base64 -d -A -in "$p" -out "$T/ct" ;;
	*) cp "$p" "$T/ct" ;; esac
	k="$T/$c/vault/services/$issued.key"
	n=$(( $("$OPENSSL" pkey -in "$k" -text -noout | sed -n 's/.*(\([0-9]*\) bit.*/\1/p' | head -1) / 8 ))
	head -c "$n" "$T/ct" >"$T/c1"
	tail -c +"$((n + 1))" "$T/ct" >"$T/c2"
	"$OPENSSL" pkeyutl -decrypt -inkey "$k" -in "$T/c1" -out "$T/kk" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:$md \
	    -pkeyopt rsa_mgf1_md:$md 2>/dev/null
	khex=$(od -An -tx1 -v "$T/kk" | tr -d ' \n')
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$khex" -iv A65959A6 \
	    -in "$T/c2" -out "$T/p8" 2>/dev/null
	"$OPENSSL" pkey -inform DER -in "$T/p8" -pubout -out "$T/got.pub" 2>/dev/null
	check "$c: openssl unwraps the package to the exported public key" \
	    cmp -s "$T/got.pub" "$T/$c/out/$pkg.pub.pem"
	# Every scenario.
	"$KEYRITE" rehearse "$y" --list-scenarios | awk '{print $1}' >"$T/list"
	count=$(grep -c . "$T/list")
	[ "$count" -ge 3 ] && ok "$c: $count scenarios" || not_ok "$c: $count scenarios"
	while read -r sc; do
		step=$(awk -v s="  $sc:" '$0 == s { on = 1; next }
		    on && /^      step: / { sub(/^      step: /, ""); print; exit }' "$y")
		msg=$(awk -v s="  $sc:" '$0 == s { on = 1; next }
		    on && /^      message: / { sub(/^      message: /, "");
		    gsub(/^'\''|'\''$/, ""); gsub(/'\'''\''/, "'\''"); print; exit }' "$y")
		expect_status 1 "$c: scenario $sc fails" "$KEYRITE" rehearse "$y" \
		    --batch "$a" --scenario "$sc" --keep "$T/$c-$sc" $fast
		if grep -q "step '$step' failed: .*$msg" "$T/err" ||
		    grep -q "step '$step' failed: .*$msg" "$T/out"; then
			ok "$c: scenario $sc fails at $step with its message"
		else
			not_ok "$c: scenario $sc: wanted step '$step' failed: ...$msg"
			diag "$(tail -3 "$T/err")"
		fi
	done <"$T/list"
	echo "$tap_n $tap_failed" >"$T/count"
done
read -r tap_n tap_failed <"$T/count"

# AES-256 through each ceremony, with every wrapping profile it offers
# (all of them take AES-256): the key type and profile chosen in the
# answers; the generate-aes alternative runs, the log records the key's
# check value (never the key), the simulated service unwraps the package
# and reports the same check value, and the package opens with the openssl
# command line alone (pkeyutl -decrypt with the profile's OAEP and MGF1
# digest, enc -d -id-aes256-wrap-pad) to 32 bytes whose check value
# (AES-256-ECB of a zero block, first 3 bytes) is the one recorded.
AES_RUNS="aws-kms-import aws-kms-sha256
aws-kms-import aws-kms-sha1
gcp-kms-import gcp-kms-3072-sha256
gcp-kms-import gcp-kms-4096-sha256
gcp-kms-import gcp-kms-3072-sha1
gcp-kms-import gcp-kms-4096-sha1
vault-transit-import vault-transit
vault-transit-import vault-transit-sha1"
echo "$AES_RUNS" | while read -r c prof; do
	line=$(echo "$CEREMONIES" | grep "^$c ")
	issued=$(echo "$line" | cut -d' ' -f2)
	pkg=$(echo "$line" | cut -d' ' -f3)
	case $prof in *sha1) md=sha1 ;; *) md=sha256 ;; esac
	y="$top_srcdir/ceremonies/$c.yaml"
	sed -e 's/^  key_type: .*/  key_type: AES-256/' \
	    -e "s/^  wrapping_profile: .*/  wrapping_profile: $prof/" \
	    "$top_srcdir/ceremonies/examples/$c.answers.yaml" >"$T/$c.aes.yaml"
	c0=$c
	c="$c $prof"
	expect_status 0 "$c AES-256: rehearses end to end in batch mode" \
	    "$KEYRITE" rehearse "$y" --batch "$T/$c0.aes.yaml" --keep "$T/$prof-aes" $fast
	cp "$T/out" "$T/$prof-aes.rehearsal"
	log="$T/$prof-aes/out/$c0.log"
	expect_status 0 "$c AES-256: the log is sealed and verifies" \
	    "$KEYRITE" audit verify $(minutes_opts "$T/$prof-aes/out/summary.txt") "$log"
	output_has "^PASS sealed" "$c AES-256: audit verify says sealed"
	check "$c AES-256: generate-aes was the alternative chosen" \
	    grep -q "^\[generate-aes\] chosen: key_type is AES-256" "$T/$prof-aes.rehearsal"
	kcv=$(sed -n 's/.*"key check value of contosokey: \([0-9a-f]\{6\}\)".*/\1/p' "$log" | head -1)
	[ -n "$kcv" ] && ok "$c AES-256: the log records the check value $kcv" ||
	    not_ok "$c AES-256: the log records the check value"
	"$KEYRITE" module status --state "$T/$prof-aes/module" >"$T/status" 2>&1
	check "$c AES-256: module status shows the AES key and its check value" \
	    sh -c "grep -q '^ type  *AES 256\$' '$T/status' && grep -q '^ check value  *$kcv\$' '$T/status'"
	check "$c AES-256: the service reported the same check value" \
	    grep -q "key check value $kcv\$" "$T/$prof-aes.rehearsal"
	check "$c AES-256: the ceremony compared them" \
	    grep -q "the same key check value as generated" "$T/$prof-aes.rehearsal"
	p="$T/$prof-aes/out/$pkg"
	case $pkg in *.b64) "$OPENSSL" base64 -d -A -in "$p" -out "$T/ct" ;;
	*) cp "$p" "$T/ct" ;; esac
	k="$T/$prof-aes/vault/services/$issued.key"
	n=$(( $("$OPENSSL" pkey -in "$k" -text -noout | sed -n 's/.*(\([0-9]*\) bit.*/\1/p' | head -1) / 8 ))
	head -c "$n" "$T/ct" >"$T/c1"
	tail -c +"$((n + 1))" "$T/ct" >"$T/c2"
	rm -f "$T/kk" "$T/aes"
	"$OPENSSL" pkeyutl -decrypt -inkey "$k" -in "$T/c1" -out "$T/kk" \
	    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:$md \
	    -pkeyopt rsa_mgf1_md:$md 2>/dev/null
	khex=$(od -An -tx1 -v "$T/kk" | tr -d ' \n')
	"$OPENSSL" enc -d -id-aes256-wrap-pad -K "$khex" -iv A65959A6 \
	    -in "$T/c2" -out "$T/aes" 2>/dev/null
	[ -s "$T/aes" ] && [ "$(wc -c <"$T/aes")" -eq 32 ] &&
	    ok "$c AES-256: openssl unwraps 32 bytes" ||
	    not_ok "$c AES-256: openssl unwraps 32 bytes"
	ahex=$(od -An -tx1 -v "$T/aes" | tr -d ' \n')
	got=$(head -c 16 /dev/zero | "$OPENSSL" enc -aes-256-ecb -nopad -K "$ahex" |
	    od -An -tx1 -N3 | tr -d ' \n')
	[ -n "$kcv" ] && [ "$got" = "$kcv" ] && ok "$c AES-256: their check value is $kcv" ||
	    not_ok "$c AES-256: check value $got, recorded $kcv"
	if grep -q "$ahex" "$log" "$T/$prof-aes/out/transcript.txt" "$T/$prof-aes.rehearsal"; then
		not_ok "$c AES-256: the key is nowhere in the log, transcript or output"
	else
		ok "$c AES-256: the key is nowhere in the log, transcript or output"
	fi
	echo "$tap_n $tap_failed" >"$T/count"
done
read -r tap_n tap_failed <"$T/count"

# The import passes the key type to the service: one the key was not
# created as, and one the service does not take, are refused at the import.
y="$top_srcdir/ceremonies/gcp-kms-import.yaml"
a="$top_srcdir/ceremonies/examples/gcp-kms-import.answers.yaml"
sed "s/      key_type: '\${key_type}'/      key_type: 'RSA-2048'/" "$y" >"$T/kt1.yaml"
expect_status 1 "import: a key type other than the one made is refused" \
    "$KEYRITE" rehearse "$T/kt1.yaml" --batch "$a" --keep "$T/kt1" $fast
grep -q "step 'vault-import' failed: .*holds an EC-P-256 key; the key was created as RSA-2048" \
    "$T/err" "$T/out" && ok "import: the service names both types" ||
    not_ok "import: the service names both types"
sed "s/      key_type: '\${key_type}'/      key_type: 'EC-P-521'/" "$y" >"$T/kt2.yaml"
line=$(grep -n "key_type: 'EC-P-521'" "$T/kt2.yaml" | cut -d: -f1)
expect_status 65 "lint: an import naming a key type the service does not take" \
    "$KEYRITE" lint "$T/kt2.yaml"
output_has "kt2.yaml:$line:[0-9]+: Google Cloud KMS does not take a key of type EC-P-521" \
    "lint: it names the import's key type at line:col"
# A value lint cannot see (a var): the service itself refuses it.
sed -e "s/      key_type: '\${key_type}'/      key_type: '\${import_type}'/" \
    -e "s/^vars:\$/vars:\n  import_type: EC-P-521/" "$y" >"$T/kt3.yaml"
expect_status 1 "import: the service refuses a key type it does not take" \
    "$KEYRITE" rehearse "$T/kt3.yaml" --batch "$a" --keep "$T/kt3" $fast
grep -q "step 'vault-import' failed: .*Google Cloud KMS does not take an EC-P-521 key" \
    "$T/err" "$T/out" && ok "import: the service says which type it refuses" ||
    not_ok "import: the service says which type it refuses"

# Lint: AES-256 keys: an AES size other than 256 at its line and column.
y="$top_srcdir/ceremonies/vault-transit-import.yaml"
awk '/id: generate-aes/ { on = 1 } on && /size: .256./ { sub(/256/, "128"); on = 0 } { print }' \
    "$y" >"$T/a1.yaml"
line=$(grep -n "size: '128'" "$T/a1.yaml" | cut -d: -f1)
expect_status 65 "lint: an AES size other than 256 is an error" \
    "$KEYRITE" lint "$T/a1.yaml"
output_has "a1.yaml:$line:[0-9]+: AES size 128 in step 'generate-aes' is not 256" \
    "lint: it names the AES size at line:col"

# Lint: the three profile errors, each at its line and column.
y="$top_srcdir/ceremonies/aws-kms-import.yaml"
sed 's/{id: aws-kms-sha1, algorithm/{id: aws-kms-sha3, algorithm/' "$y" >"$T/p1.yaml"
line=$(grep -n 'id: aws-kms-sha3' "$T/p1.yaml" | cut -d: -f1)
expect_status 65 "lint: an unknown profile is an error" "$KEYRITE" lint "$T/p1.yaml"
output_has "p1.yaml:$line:12: unknown wrapping profile 'aws-kms-sha3'" \
    "lint: it names the profile at line:col"
sed "s/choices: \['2048', '3072', '4096'\]/choices: ['1024', '2048', '3072', '4096']/" "$y" >"$T/p2.yaml"
line=$(grep -n "choices: \['1024'" "$T/p2.yaml" | cut -d: -f1)
expect_status 65 "lint: a wrapping-key size the profile does not allow" \
    "$KEYRITE" lint "$T/p2.yaml"
output_has "p2.yaml:$line:[0-9]+: a wrapping key of 1024 bits is not allowed by profile 'aws-kms-sha256'" \
    "lint: it names the size at line:col"
y="$top_srcdir/ceremonies/gcp-kms-import.yaml"
sed "s/    - {id: EC-P-384, type: EC, size: '-', curve: P-384, algorithm: ec-sign-p384-sha384, purpose: asymmetric-signing}/&\n    - {id: EC-P-521, type: EC, size: '-', curve: P-521, algorithm: x, purpose: asymmetric-signing}/" "$y" >"$T/p3.yaml"
line=$(grep -n 'id: EC-P-521' "$T/p3.yaml" | cut -d: -f1)
expect_status 65 "lint: a key type the service does not take" \
    "$KEYRITE" lint "$T/p3.yaml"
output_has "p3.yaml:$line:[0-9]+: Google Cloud KMS does not take a key of type EC-P-521" \
    "lint: it names the key type at line:col"
done_testing
