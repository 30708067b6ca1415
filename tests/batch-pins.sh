#!/bin/sh
# SPDX-License-Identifier: ISC
# batch-pins.sh: batch mode says the PIN rule before a new card's PIN is
# read, and a PIN shorter than the rule is refused with that reason.  A
# live run (the rule is 8 characters): the prompt line comes before the
# "PIN entered" line of each card; a 7-character PIN on --pin-fd is
# refused naming the rule, the next line is taken and the run seals.  A
# rehearsal keeps the ceremony's min_pin_length and says it; a short PIN
# from its answers file stops the run (exit 65) with the reason.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

cat >"$TAP_TMP/c.yaml" <<'YAML'
keyrite: 1
id: pins
title: PINs
steps:
  - id: mode-init
    title: Init
    action: set-mode
    with: {mode: I}
  - id: new-world
    title: World
    action: new-world
    with: {cipher_suite: DLf3072s256mRijndael, quorum: 2/3, min_pin_length: 6}
  - id: seal-log
    title: Seal
    action: seal-log
YAML
cat >"$TAP_TMP/live.yaml" <<'EOA'
operator: Test Operator
witnesses: [Test Witness]
confirm: true
cards: [1, 2]
EOA

# ---- live: 8 characters -------------------------------------------------
printf '%s\n' short-7 card-pin-1 card-pin-2 card-pin-3 card-pin-1 \
    card-pin-2 >"$TAP_TMP/pins"
mkdir -m 0700 "$TAP_TMP/live"
expect_status 0 "live: a short PIN is refused, the next line is taken" \
    timeout 300 "$KEYRITE" run "$TAP_TMP/c.yaml" --state "$TAP_TMP/live/state" \
    --out "$TAP_TMP/live/out" --batch "$TAP_TMP/live.yaml" --pin-fd 3 \
    3<"$TAP_TMP/pins"
output_has "^\[new-world\] new card 1 of 3: PIN \(at least 8 characters\)$" \
    "live: the rule is said before the PIN is read"
check "live: the rule comes before the PIN is taken, for each card" \
    awk '/new card [123] of 3: PIN \(at least 8/ { said[$4]++; next }
	/new card [123] of 3: PIN entered/ { if (!said[$4]) exit 1; took++ }
	END { exit took == 4 ? 0 : 1 }	# card 1 twice' "$TAP_TMP/out"
output_has "the PIN for new card 1 was refused: card 1: the PIN must have at least 8 characters" \
    "live: the refusal gives the rule"
check "live: no PIN text is printed" sh -c \
    "! grep -q 'short-7\|card-pin' '$TAP_TMP/out' '$TAP_TMP/err'"

# ---- rehearsal: the ceremony's rule -------------------------------------
cat >"$TAP_TMP/reh.yaml" <<'EOA'
operator: Test Operator
witnesses: [Test Witness]
confirm: true
cards: [1, 2]
pins: ['abcde', 'rehearse-2', 'rehearse-3']
EOA
expect_status 65 "rehearsal: a 5-character PIN from the answers is refused" \
    "$KEYRITE" rehearse "$TAP_TMP/c.yaml" --discard --batch "$TAP_TMP/reh.yaml" $FAST
output_has "^\[new-world\] new card 1 of 3: PIN \(at least 6 characters\)$" \
    "rehearsal: the ceremony's rule is said before the PIN is read"
output_has "the PIN for new card 1 was refused: card 1: the PIN must have at least 6 characters" \
    "rehearsal: the refusal gives the rule"

done_testing
