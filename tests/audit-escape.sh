#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-escape.sh: what auditors read is safe to print.  A rehearsal whose
# operator note and witness name hold a bidirectional override (U+202E)
# and an isolate (U+2066): the log accepts them, and audit show, audit
# transcript (text and markdown) and the batch output print them escaped,
# never raw.  A C1 control (U+009B, the 8-bit CSI; answers files refuse
# it) put into a note of a copy of the log is shown escaped by audit show.
# A transcript of a log that does not verify exits 1 and says so on its
# first lines.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

RLO=$(printf '\342\200\256')
LRI=$(printf '\342\201\246')
CSI=$(printf '\302\233')
{ sed "s/^witnesses: .*/witnesses: [\"Walter${RLO}exe.txt\"]/" "$EX/azure-byok.answers.yaml"
  printf 'notes: {prerequisites: "seen red%sgnp.exe %s done"}\n' "$RLO" "$LRI"; } >"$TAP_TMP/a.yaml"
S=$TAP_TMP/sb
expect_status 0 "a rehearsal with controls in a note and a witness's name" \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" --batch "$TAP_TMP/a.yaml" --keep "$S" $FAST
LOG=$S/out/azure-byok.log
if grep -q "$RLO" "$LOG"; then ok "the log keeps them as they were typed"; else not_ok "the log keeps them as they were typed"; fi
raw() { # DESC FILE: no raw C1 or bidi control in FILE
	if grep -q -e "$RLO" -e "$LRI" -e "$CSI" "$2"; then not_ok "$1"; else ok "$1"; fi
}
raw "the batch output shows none raw" "$TAP_TMP/out"
"$KEYRITE" audit show "$LOG" >"$TAP_TMP/show" 2>&1
raw "audit show prints none raw" "$TAP_TMP/show"
check "audit show prints them escaped" grep -q 'red\\u202egnp.exe \\u2066 done' "$TAP_TMP/show"
sed "s/seen red/seen ${CSI}31m red/" "$LOG" >"$TAP_TMP/c1.log"
"$KEYRITE" audit show "$TAP_TMP/c1.log" >"$TAP_TMP/show1" 2>&1
raw "audit show prints a C1 control escaped, not raw" "$TAP_TMP/show1"
check "as \\u009b" grep -q 'seen \\u009b31m red' "$TAP_TMP/show1"
check 'audit show --json prints none raw' sh -c '"$KEYRITE" audit show --json "$1" | grep -q -e "$2" -e "$3" && exit 1; "$KEYRITE" audit show --json "$1" | grep -q "u202e"' sh "$TAP_TMP/c1.log" "$RLO" "$CSI"
"$KEYRITE" audit transcript "$LOG" >"$TAP_TMP/tr" 2>&1
raw "the transcript prints none raw" "$TAP_TMP/tr"
check "the transcript shows the note, escaped" grep -q 'red\\u202egnp.exe \\u2066 done' "$TAP_TMP/tr"
check "and the witness, escaped, on a signature line" grep -q 'witness: Walter\\u202eexe.txt' "$TAP_TMP/tr"
"$KEYRITE" audit transcript --format markdown "$LOG" >"$TAP_TMP/md" 2>&1
raw "the markdown transcript prints none raw" "$TAP_TMP/md"
raw "the transcript.txt of the run holds none raw" "$S/out/transcript.txt"
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$TAP_TMP/tr"; then
	ok "the text transcript fits 80 columns"; else not_ok "the text transcript fits 80 columns"; fi

sed '5s/"t":"20/"t":"21/' "$LOG" >"$TAP_TMP/bad.log"
expect_status 1 "a transcript of a log that does not verify exits 1" \
    "$KEYRITE" audit transcript "$TAP_TMP/bad.log"
if head -n 5 "$TAP_TMP/out" | grep -q 'THE LOG DOES NOT VERIFY'; then
	ok "and says so at the top"; else not_ok "and says so at the top"; diag "$(head -n 5 "$TAP_TMP/out")"; fi
done_testing
