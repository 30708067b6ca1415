#!/bin/sh
# SPDX-License-Identifier: ISC
# batch-errors.sh: batch mode's refusals.  A wrong value for each kind of
# parameter is exit 65 naming the parameter and the step; a missing one
# too; a tampered toolset stops the legacy ceremony at verify-toolset
# (exit 1) and it goes on only with an exception recorded in the answers;
# a second run on a locked state directory exits 75.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

FIX=$top_srcdir/tests/fixtures/front/params.yaml
A=$top_srcdir/tests/fixtures/front/params.answers.yaml

expect_status 0 "the fixture rehearses with good values" \
    "$KEYRITE" rehearse "$FIX" --batch "$A" --discard $FAST

# bad NAME VALUE KIND
bad() {
	expect_status 65 "$3: --set $1='$2' is refused" \
	    "$KEYRITE" rehearse "$FIX" --batch "$A" --set "$1=$2" --discard $FAST
	output_has "parameter '$1' needed by step 'use-$1': " \
	    "$3: the error names parameter '$1' and step 'use-$1'"
}
bad name ABC "string pattern"
bad colour blue "choice"
bad sub not-a-uuid "uuid"
bad count 42 "integer range"
bad count three "integer"
bad quorum 3/2 "quorum"
bad file "" "path"
bad link http://example.com/x "url"

# A bad value in the answers file is named with its source.
cat >"$TAP_TMP/bad.yaml" <<'EOA'
operator: Test Operator
parameters: {name: abc, sub: 0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b, quorum: 0/3}
EOA
expect_status 65 "a bad quorum in the answers file" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/bad.yaml" --discard $FAST
output_has "parameter 'quorum' needed by step 'use-quorum': .*bad\.yaml" \
    "the error names the parameter, the step and the answers file"

cat >"$TAP_TMP/missing.yaml" <<'EOA'
operator: Test Operator
parameters: {name: abc}
EOA
expect_status 65 "a parameter with no default and no answer" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/missing.yaml" --discard $FAST
output_has "parameter 'sub' needed by step 'use-sub': not in the answers file" \
    "the error names the missing parameter and the step"

expect_status 65 "--set of a parameter the ceremony does not have" \
    "$KEYRITE" rehearse "$FIX" --batch "$A" --set nmae=abc --discard $FAST
output_has "has no parameter 'nmae'" "the unknown --set name is named"
expect_status 64 "--set without =" "$KEYRITE" rehearse "$FIX" --batch "$A" --set name --discard $FAST

cat >"$TAP_TMP/unknown.yaml" <<'EOA'
operator: Test Operator
parameters: {name: abc}
skip: [use-name]
EOA
expect_status 65 "an answers file that skips a step that is not optional" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/unknown.yaml" --discard $FAST
output_has "unknown\.yaml:3:8: step 'use-name' is not optional" "named with line and column"

# The toolset: a first rehearsal stops before it (no subscription ID), the
# kept sandbox's toolset is tampered with, and the resumed rehearsal stops
# at verify-toolset until the answers record an exception.
S=$TAP_TMP/tamper
sed '/subscription_id:/d' "$EX/ncipher-byok-legacy.answers.yaml" >"$TAP_TMP/nosub.yaml"
expect_status 65 "legacy: stops for the missing subscription ID" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --batch "$TAP_TMP/nosub.yaml" --keep "$S" $FAST
output_has "parameter 'subscription_id' needed by step 'record-subscription': not in the answers file" \
    "names subscription_id and record-subscription"
printf 'tampered' >>"$S/media/KeyVault-BYOK-Tools-UnitedStates.zip"
expect_status 1 "a tampered toolset stops the ceremony" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST
output_has "step 'verify-toolset' failed: " "the failure names verify-toolset"
if grep -q '^\[carry-toolset\]' "$TAP_TMP/out"; then not_ok "no step after verify-toolset ran"; else ok "no step after verify-toolset ran"; fi
{ cat "$EX/ncipher-byok-legacy.answers.yaml"
  # the carry checks the toolset again on arrival: that needs one too
  echo "exceptions: {verify-toolset: 'test: the toolset was tampered with on purpose'," \
      "carry-toolset: 'test: the same tampered toolset, on arrival'}"; } >"$TAP_TMP/exc.yaml"
expect_status 0 "with an exception recorded the ceremony goes on to the seal" \
    "$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" --batch "$TAP_TMP/exc.yaml" --keep "$S" $FAST
output_has '^\[verify-toolset\] exception recorded: test: the toolset was tampered' \
    "the exception is shown"
if grep -q 'tampered with on purpose' "$S/out/ncipher-byok-legacy.log"; then
	ok "the exception's reason is in the log"; else not_ok "the exception's reason is in the log"; fi
# shellcheck disable=SC2046
expect_status 0 "the log with the exception verifies" \
    "$KEYRITE" audit verify $(minutes_opts "$S/out/summary.txt") "$S/out/ncipher-byok-legacy.log"
output_has '^PASS sealed' "and is sealed"

# Two runs on one state directory: the first waits for a PIN on a pipe
# that stays open, the second is refused with 75.
L=$TAP_TMP/lock
if azure_live "$L" && mkfifo "$L/fifo"; then
	(exec 4>"$L/fifo"; exec sleep 30) &
	holder=$!
	"$KEYRITE" run "$CER/azure-byok.yaml" --state "$L/state" --out "$L/out" \
	    --media "$L/media" --batch "$L/answers.yaml" --pin-fd 3 3<"$L/fifo" \
	    >"$L/first.out" 2>&1 &
	first=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q '^\[new-world\]' "$L/first.out" 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	expect_status 75 "a second run on the same state directory" \
	    "$KEYRITE" run "$CER/azure-byok.yaml" --state "$L/state" --out "$L/out2" \
	    --media "$L/media" --batch "$L/answers.yaml" --pin-fd 0
	output_has 'another run holds the state directory' "the refusal says why"
	kill "$holder" 2>/dev/null
	wait "$first"
	rc=$?
	if [ "$rc" -eq 65 ]; then ok "the first run ends when its PIN pipe closes (exit 65)"; else
		not_ok "the first run ends when its PIN pipe closes (exit $rc)"; diag "$(cat "$L/first.out")"; fi
else
	not_ok "lock test setup"
fi

done_testing
