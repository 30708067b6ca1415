#!/bin/sh
# SPDX-License-Identifier: ISC
# batch-rehearse.sh: both shipped ceremonies rehearsed from their example
# answers: artifacts present, the receiving vault accepts the package
# (`keyrite vault import'), the log verifies sealed and says REHEARSAL; the
# throwaway sandbox is removed when not kept.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

# Legacy method.
S=$TAP_TMP/legacy
expect_status 0 "rehearse ncipher-byok-legacy from its example answers" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST
output_has '^\[verify-toolset\] .*SHA-256 [0-9a-f ]* matches$' \
    "the toolset hash matches the sandbox's"
output_has '^\[verify-packages\] Result: SUCCESS' "the packages verify against the sandbox root"
output_has '^\[inspect-acl\] skipped' "an optional step is skipped as the answers say"
output_has '^\[vault-import\] .*test signature: verified' "the upload step imports into the sandbox vault"
output_has '^keyrite ceremony summary \(REHEARSAL\)' "the summary is printed, marked REHEARSAL"
P=$S/out/KeyTransferPackage-ContosoFirstHSMkey
for f in "$P.byok" "$P.manifest" "$S/out/contosokey.pub.pem" "$S/out/summary.txt" \
    "$S/out/transcript.txt" "$S/out/ncipher-byok-legacy.log"; do
	check "artifact $(basename "$f")" test -s "$f"
done
for f in KeyVault-BYOK-Tools-UnitedStates.zip BYOK-KEK-pkg-NA-1 BYOK-SecurityWorld-pkg-NA-1; do
	check "the medium holds $f" test -s "$S/media/$f"
done
expect_status 0 "keyrite vault import accepts the package with its manifest" \
    "$KEYRITE" vault import "$S/vault" "$P.byok" --manifest "$P.manifest" --name again
output_has 'NA|BYOK-KEK-NA' "imported with the region's KEK"
# shellcheck disable=SC2046
expect_status 0 "audit verify: the legacy log" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/ncipher-byok-legacy.log"
output_has '^PASS sealed' "the legacy log is sealed"
output_has 'REHEARSAL' "the legacy log is marked REHEARSAL"

# Current method.
S=$TAP_TMP/azure
expect_status 0 "rehearse azure-byok from its example answers" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" \
    --batch "$EX/azure-byok.answers.yaml" --keep "$S" $FAST
output_has '^\[generate-ec\] not chosen: key_type is RSA' "the EC generation step is not chosen for an RSA key"
output_has '^\[import-kek\] ' "the sandbox KEK is imported"
for f in ContosoFirstHSMkey.byok ContosoFirstHSMkey.pub.pem summary.txt transcript.txt azure-byok.log; do
	check "artifact $f" test -s "$S/out/$f"
done
expect_status 0 "keyrite vault import accepts the .byok" \
    "$KEYRITE" vault import "$S/vault" "$S/out/ContosoFirstHSMkey.byok" --name again
# shellcheck disable=SC2046
expect_status 0 "audit verify: the current-method log" "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/azure-byok.log"
output_has '^PASS sealed' "the current-method log is sealed"

# With --discard the sandbox goes away.
mkdir -p "$TAP_TMP/tmp"
expect_status 0 "rehearse --discard" env TMPDIR="$TAP_TMP/tmp" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" --batch "$EX/azure-byok.answers.yaml" --discard $FAST
if [ -z "$(ls -A "$TAP_TMP/tmp")" ]; then ok "the discarded sandbox is removed"; else
	not_ok "the discarded sandbox is removed"; diag "$(ls -la "$TAP_TMP/tmp")"; fi
output_has '^REHEARSAL sandbox .* removed \(--discard\)' "--discard says the sandbox is removed"

# A --keep directory that is something else is refused.
mkdir -p "$TAP_TMP/busy"; echo x >"$TAP_TMP/busy/file"
expect_status 73 "--keep refuses a non-empty directory that is not a sandbox" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" --batch "$EX/azure-byok.answers.yaml" \
    --keep "$TAP_TMP/busy" $FAST
expect_status 0 "--list-scenarios" "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --list-scenarios
output_has '^wrong-pin-card-2 +The custodian' "scenarios are listed by name"
expect_status 64 "an unknown scenario is a usage error" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --scenario nope --batch "$EX/ncipher-byok-legacy.answers.yaml"

done_testing
