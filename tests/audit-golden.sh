#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-golden.sh: fixed keys and a fixed clock give byte-identical logs,
# equal to the committed golden log; `keyrite audit` tells sealed, unsealed
# and tampered logs apart by exit status.
. "$top_srcdir/tests/lib/tap.sh"

W="$top_builddir/tests/audit-crash-writer"
GOLDEN="$top_srcdir/tests/golden/audit-demo.log"
KEYRITE_TEST_CLOCK=2026-11-27T09:00:00Z
export KEYRITE_TEST_CLOCK

for n in 1 2; do
	check "golden log written ($n)" "$W" golden "$TAP_TMP/g$n.log"
done
check "two runs give identical bytes" cmp "$TAP_TMP/g1.log" "$TAP_TMP/g2.log"
check "equal to the committed golden log" cmp "$TAP_TMP/g1.log" "$GOLDEN"
if [ -e "$TAP_TMP/g1.log.key" ]; then not_ok "key file removed at the seal"; else ok "key file removed at the seal"; fi

genesis=$(head -n 1 "$GOLDEN" | tr -d '\n' | { printf '\000'; cat; } | $OPENSSL dgst -sha256 -r | cut -c1-64)
seal=$(tail -n 1 "$GOLDEN" | tr -d '\n' | { printf '\000'; cat; } | $OPENSSL dgst -sha256 -r | cut -c1-64)
fsha=$($OPENSSL dgst -sha256 -r "$GOLDEN" | cut -c1-64)

# The card fingerprints: SHA-256 of each raw public key in world-created.
cards=$(grep '"event":"world-created"' "$GOLDEN" | grep -o '"pk":"[^"]*"' | cut -d'"' -f4 |
    while read -r pk; do printf '%s' "$pk" | $OPENSSL base64 -d -A | $OPENSSL dgst -sha256 -r | cut -c1-64; done |
    paste -sd, -)
expect_status 3 "sealed, valid, nothing anchors it: exit 3" "$KEYRITE" audit verify "$GOLDEN"
output_has "^UNANCHORED sealed: 22 entries" "not a PASS without anchors"
output_has "the card keys are unanchored" "it says the card keys are unanchored"
expect_status 3 "--expect-genesis alone does not pin the cards" "$KEYRITE" audit verify \
	--expect-genesis "$genesis" "$GOLDEN"
expect_status 0 "the cards from the minutes anchor it" "$KEYRITE" audit verify \
	--expect-cards "$cards" "$GOLDEN"
output_has "^PASS sealed: 22 entries, 4 checkpoints, seal cosigned 2/3 \[acs-1, acs-3\] \(policy 2 of 3\)" "PASS line"
output_has "genesis: $genesis" "genesis fingerprint is SHA-256(0x00 || line 1), as openssl computes it"
output_has "seal line: $seal" "seal fingerprint is the seal line's hash"
output_has "file sha256: $fsha" "file SHA-256 as openssl computes it"
expect_status 0 "anchors from the minutes (grouped hex)" "$KEYRITE" audit verify \
	--expect-genesis "$(echo "$genesis" | sed 's/\(........\)/\1 /g')" --expect-seal "$seal" "$GOLDEN"
expect_status 1 "wrong --expect-genesis" "$KEYRITE" audit verify \
	--expect-genesis "$fsha" "$GOLDEN"
output_has "^FAIL line 1 \(seq 0, byte 0\): E_ANCHOR" "E_ANCHOR at line 1"
expect_status 0 "--json" "$KEYRITE" audit verify --json --expect-seal "$seal" "$GOLDEN"
output_has '"status": "sealed"' "JSON status"
expect_status 3 "--json without anchors" "$KEYRITE" audit verify --json "$GOLDEN"
output_has '"status": "unanchored"' "JSON status unanchored"
wrong=$(echo "$cards" | sed 's/^0/X/;s/^[^X]/0/;s/^X/1/')
expect_status 1 "a card that is not the minutes' fails" "$KEYRITE" audit verify --expect-cards "$wrong" "$GOLDEN"
output_has "E_ANCHOR card 1's key" "E_ANCHOR names the card"
expect_status 1 "fewer cards than the world's fails" "$KEYRITE" audit verify \
	--expect-cards "$(echo "$cards" | cut -d, -f1-2)" "$GOLDEN"
output_has "E_ANCHOR world-created lists 3 cards" "E_ANCHOR names the count"
# --world: a world file with the cards' public keys (hex), as the module writes it.
wid=$(grep -o '"world_id":"[^"]*"' "$GOLDEN" | cut -d'"' -f4)
{ printf '{"world_id":"%s","cards":[' "$wid"; i=0
  grep '"event":"world-created"' "$GOLDEN" | grep -o '"pk":"[^"]*"' | cut -d'"' -f4 |
  while read -r pk; do i=$((i + 1)); [ $i -gt 1 ] && printf ','
	printf '{"index":%d,"pub":"%s"}' $i "$(printf '%s' "$pk" | $OPENSSL base64 -d -A | od -An -tx1 -v | tr -d ' \n')"
  done; printf ']}\n'; } >"$TAP_TMP/world"
expect_status 0 "--world FILE anchors the cards" "$KEYRITE" audit verify --world "$TAP_TMP/world" "$GOLDEN"
output_has "anchors: cards" "the cards are anchored"
sed "s/\"$wid\"/\"0badc0de\"/" "$TAP_TMP/world" >"$TAP_TMP/world2"
expect_status 1 "a world file of another world fails" "$KEYRITE" audit verify --world "$TAP_TMP/world2" "$GOLDEN"
output_has "E_ANCHOR world-created names world $wid, not the world of --world" "E_ANCHOR names the worlds"
expect_status 64 "--world and --expect-cards together" "$KEYRITE" audit verify --world "$TAP_TMP/world" --expect-cards "$cards" "$GOLDEN"
expect_status 64 "a bad card fingerprint is a usage error" "$KEYRITE" audit verify --expect-cards "12,34" "$GOLDEN"

head -n 12 "$GOLDEN" >"$TAP_TMP/prefix.log"
expect_status 2 "unsealed prefix exits 2" "$KEYRITE" audit verify "$TAP_TMP/prefix.log"
output_has "^UNSEALED valid prefix: 12 entries" "UNSEALED line"
head -c 5000 "$GOLDEN" >"$TAP_TMP/partial.log"
expect_status 2 "partial last line exits 2" "$KEYRITE" audit verify "$TAP_TMP/partial.log"
output_has "partial last line: line [0-9]+ \(byte [0-9]+\): E_PARTIAL_LINE" "partial line reported"

sed '6s/"witness-1"/"witness-9"/' "$GOLDEN" >"$TAP_TMP/tampered.log"
expect_status 1 "tampered log exits 1" "$KEYRITE" audit verify "$TAP_TMP/tampered.log"
output_has "^FAIL line 6 \(seq 5, byte [0-9]+\): E_SIG entry signature does not verify under next_pk of seq 4" "FAIL names line, seq, byte, code"
output_has "last good: seq 4  2026-11-27T09:00:04Z  step-result  step=mode-init  actor=operator" "last good entry"
sed '18s/"witness-2"/"witness-9"/' "$GOLDEN" >"$TAP_TMP/tampered2.log"
expect_status 1 "tampered after a quorum checkpoint" "$KEYRITE" audit verify "$TAP_TMP/tampered2.log"
output_has "last quorum checkpoint: size 10 root [0-9a-f]{64}  cosigned 2/3 \[acs-1, acs-3\]" "last quorum checkpoint"
{ cat "$GOLDEN"; tail -n 1 "$GOLDEN"; } >"$TAP_TMP/after.log"
expect_status 1 "line after the seal" "$KEYRITE" audit verify "$TAP_TMP/after.log"
output_has "E_AFTER_SEAL" "E_AFTER_SEAL"

expect_status 66 "missing log" "$KEYRITE" audit verify "$TAP_TMP/nope.log"
expect_status 64 "usage" "$KEYRITE" audit verify
expect_status 64 "bad fingerprint" "$KEYRITE" audit verify --expect-seal 12 "$GOLDEN"
expect_status 64 "unknown command" "$KEYRITE" audit frobnicate "$GOLDEN"

expect_status 0 "show" "$KEYRITE" audit show "$GOLDEN"
output_has "^    15  2026-11-27T09:00:15Z  artifact-written  step=package" "one line per entry"
expect_status 0 "show --json" "$KEYRITE" audit show --json "$GOLDEN"
output_has '^\{"byte":0,"e":\{"next_pk"' "JSON Lines"
expect_status 65 "show of a tampered file names the bad line" "$KEYRITE" audit show "$TAP_TMP/partial.log"

expect_status 0 "transcript" "$KEYRITE" audit transcript "$GOLDEN"
output_has "genesis fingerprint \(--expect-genesis\)" "the genesis anchor under its option"
output_has "^    $(echo "$genesis" | sed 's/\(........\)/\1 /g;s/ $//')\$" "genesis fingerprint grouped, as --expect-genesis takes it"
output_has "^    $(echo "$seal" | sed 's/\(........\)/\1 /g;s/ $//')\$" "seal fingerprint grouped, as --expect-seal takes it"
output_has "^    $(echo "$cards" | cut -d, -f2 | sed 's/\(........\)/\1 /g;s/ $//')\$" "card 2's fingerprint grouped, as --expect-cards takes it"
output_has "^    c7c5c1d7 0c5dec44 16ab6158 afd0b223 ef40c29b 1dc1f97e d9428b94 d4cadb1c\$" "artifact SHA-256 in groups of 8, on a line of its own"
output_has "^  package +- +ok +2026-11-27T09:00:16Z\$" "steps table"
output_has "^    by operator; sign-offs: witness witness-2\$" "steps table: actor and sign-offs"
output_has "disabled in BIOS\\\\t\(checked\) \[interface-up\]" "exceptions, their reasons with controls escaped"
output_has "tea break" "the operator's notes"
output_has "^  witness: witness-1\$" "a signature line for each witness"
output_has "^  operator: operator\$" "and for the operator"
output_has "^    signature: _+  date: _+\$" "signature lines"
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$TAP_TMP/out"; then
	ok "the transcript fits 80 columns"; else not_ok "the transcript fits 80 columns"; fi
expect_status 0 "transcript --format markdown" "$KEYRITE" audit transcript --format markdown "$GOLDEN"
output_has "^\| step \| activity \| result \| time \| actor \| sign-offs \|" "markdown table"
expect_status 1 "transcript of a tampered log" "$KEYRITE" audit transcript "$TAP_TMP/tampered.log"
output_has "^THE LOG DOES NOT VERIFY: E_SIG at line 6\. Only the 5 entries before it" "transcript says so first and shows only the verified part"
expect_status 64 "transcript --format pdf" "$KEYRITE" audit transcript --format pdf "$GOLDEN"

done_testing
