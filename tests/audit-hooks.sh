#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-hooks.sh: KEYRITE_TEST_CLOCK, the one test-only hook, is honoured
# only by a build configured with --enable-test-hooks.  Either way the
# test says which build it checked: with hooks the log's times are the
# fixed clock's; without them (the README's build) they are not.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

S=$TAP_TMP/sb
KEYRITE_TEST_CLOCK=2001-02-03T04:05:06Z \
    "$KEYRITE" rehearse "$CER/azure-byok.yaml" --batch "$EX/azure-byok.answers.yaml" \
    --keep "$S" $FAST >"$TAP_TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "a rehearsal with KEYRITE_TEST_CLOCK set"; else
	not_ok "a rehearsal with KEYRITE_TEST_CLOCK set (exit $rc)"; diag "$(tail -20 "$TAP_TMP/out")"; fi
n=$(grep -c '"t":"2001-02-03T04:' "$S/out/azure-byok.log")
if [ "${KR_TEST_HOOKS:-no}" = yes ]; then
	if [ "$n" -gt 0 ]; then ok "test-hooks build: the log's times come from KEYRITE_TEST_CLOCK"; else
		not_ok "test-hooks build: the log's times come from KEYRITE_TEST_CLOCK"; fi
else
	if [ "$n" -eq 0 ]; then ok "release build: KEYRITE_TEST_CLOCK has no effect on the log"; else
		not_ok "release build: KEYRITE_TEST_CLOCK has no effect on the log ($n entries at the fixed time)"; fi
fi
done_testing
