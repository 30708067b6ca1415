#!/bin/sh
# SPDX-License-Identifier: ISC
# service-ceremonies.sh: the AWS KMS, Cloud KMS and Vault Transit import
# ceremonies lint clean, rehearse end to end in batch mode from their
# example answers to a sealed log in which the simulated service's key
# identifier is recorded and the imported key is the generated one; the
# package they leave opens with the openssl command line and the service's
# wrapping key; every scenario fails at the step and with the message it
# names.  Lint names an unknown profile, a wrapping-key size the profile
# does not allow and a key type the service does not take at line:col.
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
sed "s/    - {id: EC-P-384, type: EC, size: '-', curve: P-384, algorithm: ec-sign-p384-sha384}/&\n    - {id: EC-P-521, type: EC, size: '-', curve: P-521, algorithm: x}/" "$y" >"$T/p3.yaml"
line=$(grep -n 'id: EC-P-521' "$T/p3.yaml" | cut -d: -f1)
expect_status 65 "lint: a key type the service does not take" \
    "$KEYRITE" lint "$T/p3.yaml"
output_has "p3.yaml:$line:[0-9]+: Google Cloud KMS does not take a key of type EC-P-521" \
    "lint: it names the key type at line:col"
done_testing
