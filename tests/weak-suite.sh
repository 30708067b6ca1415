#!/bin/sh
# SPDX-License-Identifier: ISC
# weak-suite.sh: the DLf1024s160mRijndael cipher suite in batch mode.  A
# live run refuses it (exit 1, before any PIN is read, nothing made) unless
# the answers file records an exception for the new-world step; with one,
# the world is made, the log holds the exception with its reason and code
# weak-suite and a note that the world was made under it, the transcript
# lists it, and the sealed log verifies against the minutes.  A rehearsal
# warns and goes on without an exception.
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

cat >"$TAP_TMP/c.yaml" <<'YAML'
keyrite: 1
id: weak
title: Weak suite
steps:
  - id: mode-init
    title: Init
    action: set-mode
    with: {mode: I}
  - id: new-world
    title: World
    action: new-world
    with: {cipher_suite: DLf1024s160mRijndael, quorum: 2/3}
  - id: seal-log
    title: Seal
    action: seal-log
YAML
cat >"$TAP_TMP/plain.yaml" <<'EOA'
operator: Test Operator
witnesses: [Test Witness]
confirm: true
cards: [1, 2]
EOA
REASON='the receiving HSM firmware takes only DLf1024, change 4711'
cp "$TAP_TMP/plain.yaml" "$TAP_TMP/excepted.yaml"
printf 'exceptions:\n  new-world: %s\n' "'$REASON'" >>"$TAP_TMP/excepted.yaml"
pins "$TAP_TMP/pins" 3 2

# ---- live, no exception: refused ---------------------------------------
mkdir -m 0700 "$TAP_TMP/a"
expect_status 1 "live: DLf1024 without an exception is refused" timeout 300 \
    "$KEYRITE" run "$TAP_TMP/c.yaml" --state "$TAP_TMP/a/state" \
    --out "$TAP_TMP/a/out" --batch "$TAP_TMP/plain.yaml" --pin-fd 3 \
    3<"$TAP_TMP/pins"
output_has "step 'new-world' failed: cipher suite DLf1024s160mRijndael is weak \(1024-bit DSA, SHA-1\): a live run uses it only with a recorded exception" \
    "live: the refusal says how to go on"
check "live: no PIN was asked for" sh -c "! grep -q 'new card' '$TAP_TMP/out'"
check "live: no world was made" test ! -e "$TAP_TMP/a/state/local/world"

# ---- live, with the exception: made, recorded ---------------------------
mkdir -m 0700 "$TAP_TMP/b"
LOG=$TAP_TMP/b/out/weak.log
expect_status 0 "live: DLf1024 with a recorded exception is made and sealed" \
    timeout 300 "$KEYRITE" run "$TAP_TMP/c.yaml" --state "$TAP_TMP/b/state" \
    --out "$TAP_TMP/b/out" --batch "$TAP_TMP/excepted.yaml" --pin-fd 3 \
    3<"$TAP_TMP/pins"
output_has "DLf1024s160mRijndael is used under the exception recorded: $REASON" \
    "live: the step says it makes the world under the exception"
check "live: the world is made" test -f "$TAP_TMP/b/state/local/world"
"$KEYRITE" audit show "$LOG" --json >"$TAP_TMP/show.json" 2>&1
check "log: the exception with its reason and code weak-suite" \
    grep -q "\"code\":\"weak-suite\".*$REASON\|$REASON.*\"code\":\"weak-suite\"" "$LOG"
check "log: the note that the world is made under it" \
    grep -q "is used under the exception recorded" "$LOG"
check "transcript: the exception is listed with its code" \
    grep -q "\[weak-suite\]" "$TAP_TMP/b/out/transcript.txt"
expect_status 0 "log: the sealed log verifies against the minutes" \
    "$KEYRITE" audit verify $(minutes_opts "$TAP_TMP/b/out/summary.txt") "$LOG"

# ---- rehearsal: a warning ------------------------------------------------
cp "$TAP_TMP/plain.yaml" "$TAP_TMP/reh.yaml"
echo "pins: ['rehearse-1', 'rehearse-2', 'rehearse-3']" >>"$TAP_TMP/reh.yaml"
expect_status 0 "rehearsal: DLf1024 without an exception completes" timeout 300 \
    "$KEYRITE" rehearse "$TAP_TMP/c.yaml" --discard --batch "$TAP_TMP/reh.yaml" $FAST
output_has "DLf1024s160mRijndael is weak \(1024-bit DSA, SHA-1\): a live run refuses it unless an exception is recorded" \
    "rehearsal: the warning"

done_testing
