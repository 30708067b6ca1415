#!/bin/sh
# SPDX-License-Identifier: ISC
# bags.sh: tamper-evident bags (seal-bag, open-bag, the bag parameter type)
# and the room's paperwork in the log: the legacy rehearsal records the bag
# numbers when sealing and checks them when opening, a swapped bag stops
# the ceremony, the checklist items are in the log, and lint rejects bad
# bag numbers and an open-bag that does not read the bag, at LINE:COL.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

S=$TAP_TMP/good
expect_status 0 "legacy rehearsal with the bags of the example answers" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST
output_has '^\[vault-import\] imported as ContosoFirstHSMkey with KEK' \
    "the rehearsal vault stores the key under its friendly name"
L=$S/out/ncipher-byok-legacy.log
check "the log records the toolset bag sealed" \
    grep -q 'bag TEB-100231 sealed: the removable medium with KeyVault-BYOK-Tools-UnitedStates.zip' "$L"
check "the log records the bag number checked before opening" \
    grep -q 'bag TEB-100231 opened, number checked' "$L"
check "the log records the backups bag" grep -q 'bag TEB-100232 sealed: the backups' "$L"
check "the log records the what-to-bring list, ticked" \
    grep -q '\[x\] Tamper-evident bags' "$L"
check "the log names each card's holder" grep -q 'card 3 is held by Cy Custodian' "$L"
check "each presentation names the card's holder" \
    grep -q 'card 2 presented by its holder Bob Custodian' "$L"
check "the toolset's SHA-256 is checked on arrival at the disconnected side" \
    grep -q 'UnitedStates.zip carried from connected to disconnected, SHA-256 checked on arrival' "$L"
check "the package's SHA-256 is checked on arrival at the connected side" \
    grep -q 'ContosoFirstHSMkey.byok carried from disconnected to connected, SHA-256 checked on arrival' "$L"
n=$(grep -c '"signoff"' "$L")
if [ "$n" -ge 17 ]; then ok "witness sign-offs on the steps that move or change things ($n)"
else not_ok "witness sign-offs on the steps that move or change things ($n < 17)"; fi

S=$TAP_TMP/swapped
expect_status 1 "a bag whose number does not match stops the ceremony" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST \
    --set toolset_bag_read=TEB-999999
output_has 'bag number TEB-999999 read on the bag is not TEB-100231, the number recorded when it was sealed' \
    "the mismatch names both numbers"
check "the check-offline step did not run" \
    sh -c "! grep -q '\"step\":\"check-offline\"' '$S/out/ncipher-byok-legacy.log'"

expect_status 1 "one holder name short: new-world refuses before making anything" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$TAP_TMP/h" $FAST \
    --set card_holders='Ann, Bob'
output_has 'holders: 2 names for 3 cards' "the count is named"
check "no world was created" sh -c "! grep -q world-created '$TAP_TMP/h/out/ncipher-byok-legacy.log'"

# A toolset altered on the way: verify-toolset's exception lets the
# ceremony go on, and the carry's check on arrival stops it again.
{ cat "$EX/ncipher-byok-legacy.answers.yaml"
  printf "exceptions:\n  verify-toolset: 'trainee goes on'\n"; } >"$TAP_TMP/t.yaml"
expect_status 1 "a tampered toolset is caught again on arrival" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --scenario tampered-toolset \
    --batch "$TAP_TMP/t.yaml" --keep "$TAP_TMP/t" $FAST
output_has 'KeyVault-BYOK-Tools-UnitedStates.zip: SHA-256 on arrival [0-9a-f ]* does not match' \
    "the carry names the file and both hashes"

expect_status 65 "a bag number the type refuses" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$TAP_TMP/x" $FAST \
    --set toolset_bag='no spaces'
output_has "is not a bag number" "the bag number rule is named"

bad=$TAP_TMP/bad.yaml
cat >"$bad" <<'YAML'
keyrite: 1
id: bags
title: Bags
parameters:
  b: {type: bag, default: 'x'}
  c: {type: bag}
steps:
  - id: seal
    title: Seal
    action: seal-bag
    with: {bag: 'A B', contents: cards}
  - id: open
    title: Open
    action: open-bag
    with: {bag: '${c}', read: '${c}'}
YAML
expect_status 65 "lint: bad uses of bags" "$KEYRITE" lint "$bad"
output_has "^$bad:5:27: invalid default in parameter 'b': 'x' is not a bag number" \
    "a default that is not a bag number"
output_has "^$bad:11:17: 'A B' is not a bag number .* in step 'seal'\$" \
    "a literal that is not a bag number, at its line:col"
output_has "^$bad:15:31: 'read' of step 'open' is the recorded number itself" \
    "an open-bag that does not read the bag"

done_testing
