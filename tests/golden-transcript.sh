#!/bin/sh
# SPDX-License-Identifier: ISC
# golden-transcript.sh: the transcript of each shipped ceremony, rehearsed
# in batch mode from its example answers with a fixed clock, equals the
# committed file tests/golden/transcript-<id>.txt, rehearsal report included.
#
# Keys are not fixed (worlds, cards and target keys are made with the real
# random generator), so the comparison masks what they change and nothing
# else: hex runs of 16 digits or more and grouped hex (hashes, keys, ids),
# the random suffix of the origin, byte sizes of artifacts (DER encodings
# vary by a byte or two), the sandbox path, and the result of check-offline
# (it depends on this machine's network interfaces), in the steps table
# and in the rehearsal report that ends the transcript.  Step order, results,
# times, actors, sign-offs, artifact names, checkpoints and cosigners are
# compared as they are.  To refresh after an intended change:
#   KEYRITE_GOLDEN_UPDATE=1 make check TESTS=tests/golden-transcript.sh
. "${top_srcdir:-.}/tests/lib/tap.sh"
# The fixed clock (KEYRITE_TEST_CLOCK) needs a build with the test hooks.
if [ "${KR_TEST_HOOKS:-no}" != yes ]; then
	echo "1..0 # SKIP needs the fixed test clock: configure --enable-test-hooks (as CI's sanitizer build and distcheck do)"
	exit 0
fi

normalise() { # FILE SANDBOX
	sed -E "s#$2#<sandbox>#g" "$1" |
	sed -E 's/[0-9a-fA-F]{8}( [0-9a-fA-F]{8})+/<hex>/g;
	    s/[0-9a-fA-F]{16,}/<hex>/g;
	    s#(/20[0-9]{2}-[0-9]{2}-[0-9]{2}/)[0-9a-f]{8}#\1<rand>#g;
	    s/\([0-9]+ bytes,/(<n> bytes,/g;
	    s/^(  check-offline +check-offline +)(ok|warning) /\1<net>    /;
	    s/^(\| check-offline \| [^|]* \| )(ok|warning) \|/\1<net> |/'
}

for id in ncipher-byok-legacy azure-byok; do
	sb=$TAP_TMP/$id
	golden=$top_srcdir/tests/golden/transcript-$id.txt
	KEYRITE_TEST_CLOCK=2026-11-27T09:00:00Z \
	    "$KEYRITE" rehearse "$top_srcdir/ceremonies/$id.yaml" \
	    --batch "$top_srcdir/ceremonies/examples/$id.answers.yaml" \
	    --keep "$sb" --test-scrypt-log2n 10 >"$TAP_TMP/$id.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then ok "$id: rehearsal completes"; else
		not_ok "$id: rehearsal completes (exit $rc)"; diag "$(tail -20 "$TAP_TMP/$id.out")"; fi
	normalise "$sb/out/transcript.txt" "$sb" >"$TAP_TMP/$id.txt"
	if [ -n "${KEYRITE_GOLDEN_UPDATE:-}" ]; then
		cp "$TAP_TMP/$id.txt" "$golden"
	fi
	if diff -u "$golden" "$TAP_TMP/$id.txt" >"$TAP_TMP/$id.diff"; then
		ok "$id: transcript equals the golden file"
	else
		not_ok "$id: transcript equals the golden file"; diag "$(head -40 "$TAP_TMP/$id.diff")"
	fi
	# without the minutes' anchors a log is sealed and valid, never PASS
	check "$id: the transcript says sealed" grep -q '^UNANCHORED sealed' "$sb/out/transcript.txt"
done
done_testing
