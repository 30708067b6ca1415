#!/bin/sh
# SPDX-License-Identifier: ISC
# services.sh: the simulated receiving services (vault-service.h).  Each
# issues its own wrapping key (and import token or import job), takes a
# package made for it and reports the imported key's public-key SHA-256
# (the same as openssl's) or AES check value and the service's identifier;
# a package made for any other profile is refused by it; so are a wrong or
# missing token, an expired token or import job, a damaged package, a key
# of another type than the one created, and a key type the service does
# not take (named at the import: refused before anything is unwrapped).
. "$top_srcdir/tests/tap.sh"

: "${OPENSSL:=openssl}"
WRAP="$top_builddir/tests/byok-profile-tool"
SVC="$top_builddir/tests/service-tool"
T=$TAP_TMP
PROFILES="aws-kms-sha256 aws-kms-sha1 gcp-kms-3072-sha256 gcp-kms-4096-sha256
gcp-kms-3072-sha1 gcp-kms-4096-sha1 vault-transit vault-transit-sha1"
export KEYRITE_TEST_CLOCK=2026-11-29T10:00:00Z

"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/target.pem" 2>/dev/null
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 \
    -out "$T/p521.pem" 2>/dev/null
"$OPENSSL" pkey -in "$T/target.pem" -pubout -outform DER -out "$T/target.spki"
spki_want=$("$OPENSSL" dgst -sha256 -r "$T/target.spki" | cut -c1-64)
"$OPENSSL" rand -out "$T/aes.bin" 32

val() { sed -n "s/^$1 //p" "$2"; }

for p in $PROFILES; do
	case $p in aws-*) bits=2048 ;; *) bits=0 ;; esac
	expect_status 0 "$p: the service issues a wrapping key" \
	    "$SVC" issue "$T/$p" "$p" job1 $bits
	cp "$T/out" "$T/$p.issue"
	tok=$(val token "$T/$p.issue"); [ -n "$tok" ] || tok=-
	echo "$tok" >"$T/$p.tok"
	check "$p: a package for it is made" "$WRAP" wrap "$p" \
	    "$(val pem "$T/$p.issue")" "$T/target.pem" "$T/$p.pkg"
done

for p in $PROFILES; do
	tok=$(cat "$T/$p.tok")
	expect_status 0 "$p: the service imports its package" \
	    "$SVC" import "$T/$p" job1 "$T/$p.pkg" contoso "$tok" EC-P-256
	got=$(val spki_sha256 "$T/out")
	if [ "$got" = "$spki_want" ]; then
		ok "$p: it reports the public key SHA-256 openssl computes"
	else
		not_ok "$p: public key SHA-256 $got, wanted $spki_want"
	fi
	case $p in
	aws-*) output_has '^key_id arn:aws:kms:us-east-1:[0-9]+:key/[0-9a-f-]{36}$' \
	    "$p: the key id is the KMS key's ARN" ;;
	gcp-*) output_has '^key_id projects/.*/cryptoKeys/contoso/cryptoKeyVersions/1$' \
	    "$p: the key id is the new key version" ;;
	*) output_has '^key_id transit/keys/contoso$' "$p: the key id is the transit key" ;;
	esac
	for q in $PROFILES; do
		[ "$q" = "$p" ] && continue
		expect_status 1 "$q's service refuses the package made for $p" \
		    "$SVC" import "$T/$q" job1 "$T/$p.pkg" other "$(cat "$T/$q.tok")"
	done
done

# AES-256 through one service of each kind.
for p in aws-kms-sha256 gcp-kms-4096-sha1 vault-transit; do
	"$WRAP" wrap "$p" "$(val pem "$T/$p.issue")" "aes:$T/aes.bin" \
	    "$T/$p.aes" >"$T/kcv"
	expect_status 0 "$p: the service imports an AES-256 key" \
	    "$SVC" import "$T/$p" job1 "$T/$p.aes" aeskey "$(cat "$T/$p.tok")" AES-256
	output_has "^kcv $(val kcv "$T/kcv")\$" "$p: it reports the key's check value"
done

# The token goes with its wrapping key.
expect_status 1 "AWS: the import needs the token" \
    "$SVC" import "$T/aws-kms-sha256" job1 "$T/aws-kms-sha256.pkg" k2 -
output_has "needs the import token" "AWS: it says so"
expect_status 1 "AWS: another key's token is refused" \
    "$SVC" import "$T/aws-kms-sha256" job1 "$T/aws-kms-sha256.pkg" k2 \
    "$(cat "$T/aws-kms-sha1.tok")"
output_has "does not belong to the wrapping key" "AWS: it names the token"

# Expiry: the token after 24 hours, the import job after 3 days.  Moving
# the clock needs the test hooks (configure --enable-test-hooks); the
# release build ignores KEYRITE_TEST_CLOCK, so these say SKIP there.
if [ "${KR_TEST_HOOKS:-no}" = yes ]; then
	KEYRITE_TEST_CLOCK=2026-11-30T09:00:00Z expect_status 0 \
	    "AWS: the token is good after 23 hours" \
	    "$SVC" import "$T/aws-kms-sha256" job1 "$T/aws-kms-sha256.pkg" k3 \
	    "$(cat "$T/aws-kms-sha256.tok")"
	KEYRITE_TEST_CLOCK=2026-11-30T11:00:00Z expect_status 1 \
	    "AWS: the token has expired after 25 hours" \
	    "$SVC" import "$T/aws-kms-sha256" job1 "$T/aws-kms-sha256.pkg" k3 \
	    "$(cat "$T/aws-kms-sha256.tok")"
	output_has "the import token job1 expired at 2026-11-30T10:00:0" "AWS: it says when"
	KEYRITE_TEST_CLOCK=2026-12-02T11:00:00Z expect_status 1 \
	    "GCP: the import job has expired after 3 days" \
	    "$SVC" import "$T/gcp-kms-3072-sha256" job1 "$T/gcp-kms-3072-sha256.pkg" k3 -
	output_has "the import job job1 expired at 2026-12-02T10:00:0" "GCP: it says when"
	KEYRITE_TEST_CLOCK=2027-11-29T10:00:00Z expect_status 0 \
	    "Transit: the wrapping key does not expire" \
	    "$SVC" import "$T/vault-transit" job1 "$T/vault-transit.pkg" k3 -
else
	for t in "AWS: the token is good after 23 hours" \
	    "AWS: the token has expired after 25 hours" "AWS: it says when" \
	    "GCP: the import job has expired after 3 days" "GCP: it says when" \
	    "Transit: the wrapping key does not expire"; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n - $t # SKIP needs the test clock: configure --enable-test-hooks"
	done
fi

# A damaged package; a key of another type; a type the service refuses.
cp "$T/vault-transit-sha1.pkg" "$T/bad.pkg"
printf 'A' | dd of="$T/bad.pkg" bs=1 seek=700 conv=notrunc 2>/dev/null
cmp -s "$T/bad.pkg" "$T/vault-transit-sha1.pkg" &&
    printf 'B' | dd of="$T/bad.pkg" bs=1 seek=700 conv=notrunc 2>/dev/null
expect_status 1 "Transit: a damaged package is refused" \
    "$SVC" import "$T/vault-transit-sha1" job1 "$T/bad.pkg" k4 -
expect_status 1 "GCP: a key of another type than created is refused" \
    "$SVC" import "$T/gcp-kms-4096-sha256" job1 "$T/gcp-kms-4096-sha256.pkg" k4 - RSA-2048
output_has "holds an EC-P-256 key; the key was created as RSA-2048" "GCP: it names both"
"$WRAP" wrap aws-kms-sha256 "$(val pem "$T/gcp-kms-3072-sha256.issue")" \
    "$T/p521.pem" "$T/p521.pkg"
expect_status 1 "GCP: an EC P-521 key is refused" \
    "$SVC" import "$T/gcp-kms-3072-sha256" job1 "$T/p521.pkg" k5 -
output_has "Google Cloud KMS does not take an EC-P-521 key" "GCP: it names the type"
[ ! -e "$T/gcp-kms-3072-sha256/keys/k5.pem" ] && ok "GCP: nothing was stored" ||
    not_ok "GCP: nothing was stored"
# The key type named at the import (the type the key was created as) is
# checked before the unwrap: a damaged package is not even opened.
expect_status 1 "GCP: an import naming EC-P-521 is refused" \
    "$SVC" import "$T/gcp-kms-3072-sha256" job1 "$T/bad.pkg" k6 - EC-P-521
output_has "Google Cloud KMS does not take an EC-P-521 key \(it takes RSA-2048, RSA-3072, RSA-4096, EC-P-256, EC-P-384, AES-256\); the import is refused" \
    "GCP: it names the type and what it takes, before the unwrap"
expect_status 64 "an unknown key type is a usage error" \
    "$SVC" import "$T/vault-transit" job1 "$T/vault-transit.pkg" k6 - DSA-1024
output_has "key type 'DSA-1024' is not one keyrite knows" "it names the key type"
expect_status 0 "Transit: an AES-256 import naming its type" \
    "$SVC" import "$T/vault-transit" job1 "$T/vault-transit.aes" k7 - aes-256
expect_status 1 "Transit: an AES-256 package imported as EC-P-256 is refused" \
    "$SVC" import "$T/vault-transit" job1 "$T/vault-transit.aes" k8 - EC-P-256
output_has "holds an AES-256 key; the key was created as EC-P-256" \
    "Transit: it names both"
expect_status 64 "a wrapping key size the profile does not allow is refused" \
    "$SVC" issue "$T/x" gcp-kms-3072-sha1 job9 4096
done_testing
