#!/bin/sh
# SPDX-License-Identifier: ISC
# rehearse-keep.sh: a rehearsal keeps what it makes.  Without --keep or
# --discard it makes ./keyrite-rehearsals/<id>-<date>-<n>/ (n counting up)
# and names the log, transcript, summary and report it leaves there; the
# log verifies; --keep and --discard together are a usage error; a batch
# rehearsal that stops says how to resume, and the command it gives does.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

FIX=$top_srcdir/tests/fixtures/front/params.yaml
A=$top_srcdir/tests/fixtures/front/params.answers.yaml
id=$(sed -n 's/^id: *//p' "$FIX" | head -1)
W=$TAP_TMP/work
mkdir -p "$W"
cd "$W" || exit 1

expect_status 0 "a rehearsal without --keep or --discard" \
    "$KEYRITE" rehearse "$FIX" --batch "$A" $FAST
d=$(ls -d keyrite-rehearsals/"$id"-*-1 2>/dev/null | head -1)
if [ -n "$d" ] && [ -d "$d" ]; then ok "it is kept in keyrite-rehearsals/$id-<date>-1"; else
	not_ok "it is kept in keyrite-rehearsals/$id-<date>-1"; diag "$(ls -R keyrite-rehearsals 2>&1)"; fi
case $d in
keyrite-rehearsals/"$id"-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-1) ok "the folder is named <id>-<YYYY-MM-DD>-<n>" ;;
*) not_ok "the folder is named <id>-<YYYY-MM-DD>-<n> ($d)" ;;
esac
output_has "^REHEARSAL kept in $d\$" "the output names the folder"
for w in "log:$d/out/$id.log" "transcript:$d/out/transcript.txt" \
    "summary:$d/out/summary.txt" "report:$d/out/report.md"; do
	name=${w%%:*}; f=${w#*:}
	check "the $name is there" test -s "$f"
	output_has "^  $name +$f\$" "the output names the $name"
done
# shellcheck disable=SC2046
expect_status 0 "its log verifies, anchored by the summary" "$KEYRITE" audit verify \
    $(minutes_opts "$d/out/summary.txt") "$d/out/$id.log"
output_has 'REHEARSAL' "the log is marked REHEARSAL"

expect_status 0 "a second rehearsal" "$KEYRITE" rehearse "$FIX" --batch "$A" $FAST
d2=$(ls -d keyrite-rehearsals/"$id"-*-2 2>/dev/null | head -1)
check "the second goes to -2" test -s "$d2/out/$id.log"
check "the first is untouched" test -s "$d/out/report.md"

expect_status 64 "--keep with --discard is a usage error" \
    "$KEYRITE" rehearse "$FIX" --batch "$A" --keep "$TAP_TMP/k" --discard $FAST

# A rehearsal that stops (a parameter missing from the answers) says how to
# resume; the command it gives resumes it.
grep -v '^  sub:' "$A" >"$TAP_TMP/nosub.yaml"
expect_status 65 "a rehearsal that stops" \
    "$KEYRITE" rehearse "$FIX" --batch "$TAP_TMP/nosub.yaml" $FAST
d3=$(ls -d keyrite-rehearsals/"$id"-*-3 2>/dev/null | head -1)
output_has "^The log is not sealed; to resume: keyrite rehearse $FIX --keep $d3\$" \
    "it says how to resume, with its folder"
expect_status 0 "that command resumes it" \
    "$KEYRITE" rehearse "$FIX" --keep "$d3" --batch "$A" $FAST
output_has "sandbox $d3 \\(resumed\\)" "the same folder is resumed"
# shellcheck disable=SC2046
check "and its log is sealed" "$KEYRITE" audit verify \
    $(minutes_opts "$d3/out/summary.txt") "$d3/out/$id.log"

# The trainer's report flags a response that differs from the scenario's
# expected one: the tampered toolset is met with an exception where the
# scenario expects the toolset fetched and checked again.
L=$top_srcdir/ceremonies/ncipher-byok-legacy.yaml
{ cat "$EX/ncipher-byok-legacy.answers.yaml"
  # the carry checks the toolset again on arrival: an exception there too
  echo "exceptions: {verify-toolset: 'test: going on regardless'," \
      "carry-toolset: 'test: going on regardless, on arrival'}"; } >"$TAP_TMP/exc.yaml"
expect_status 0 "a scenario rehearsal answered with an exception" \
    "$KEYRITE" rehearse "$L" --scenario tampered-toolset --batch "$TAP_TMP/exc.yaml" \
    --keep "$TAP_TMP/sc" $FAST
output_has "^REHEARSAL: 1 response differs from the expected one \\(report: $TAP_TMP/sc/out/report.md\\)\$" \
    "a line of its own says a response differs"
if cat "$TAP_TMP/out" "$TAP_TMP/err" | grep -Fqiw -e tampered-toolset -e fault -e scenario; then
	not_ok "that line names no fault"; else ok "that line names no fault"; fi
check "report.md flags the response: DIFFERS" grep -q '^| response | .* | exception recorded: test: going on regardless | \*\*DIFFERS\*\* |$' "$TAP_TMP/sc/out/report.md"
check "report.md: the step and message as expected" sh -c \
    "grep -q '^| step | verify-toolset | verify-toolset | as expected |\$' '$TAP_TMP/sc/out/report.md' &&
     grep -q '^| message | .* | as expected |\$' '$TAP_TMP/sc/out/report.md'"
expect_status 0 "a scenario rehearsal answered as expected (PIN typed again)" \
    "$KEYRITE" rehearse "$L" --scenario wrong-pin-card-2 \
    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$TAP_TMP/sc2" $FAST
output_has "^REHEARSAL: every response as expected" "the line says every response as expected"
check "report.md: no DIFFERS" sh -c "! grep -q DIFFERS '$TAP_TMP/sc2/out/report.md'"

done_testing
