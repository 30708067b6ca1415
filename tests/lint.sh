#!/bin/sh
# SPDX-License-Identifier: ISC
# lint.sh: `keyrite lint': OK lines, FILE:LINE:COL errors, warnings, exit
# statuses (0, 65, 66, 64), the size limit, and every shipped ceremony.
. "${top_srcdir:-.}/tests/lib/tap.sh"

fix="$top_srcdir/tests/fixtures/ceremony"

expect_status 0 "lint a minimal ceremony" "$KEYRITE" lint "$fix/minimal.yaml"
output_has "^OK $fix/minimal.yaml: 1 steps, 0 parameters\$" "the OK line counts steps and parameters"
expect_status 0 "lint the full-featured fixture" "$KEYRITE" lint "$fix/full.yaml"
output_has "^OK .*/full.yaml: 21 steps, 9 parameters\$" "full fixture: 21 steps, 9 parameters"

bad="$TAP_TMP/bad.yaml"
cat >"$bad" <<'YAML'
keyrite: 1
id: bad
title: Bad
steps:
  - id: mode-init
    tittle: Mode
    action: frobnicate
YAML
expect_status 65 "lint a bad ceremony" "$KEYRITE" lint "$bad"
output_has "^$bad:6:5: unknown key 'tittle' in step 'mode-init'\$" "unknown key as FILE:LINE:COL"
output_has "^$bad:7:13: unknown action 'frobnicate' in step 'mode-init'\$" "unknown action as FILE:LINE:COL"
output_has "^$bad:5:5: missing required key 'title' in step 'mode-init'\$" "every error is reported"
if grep -q '^OK' "$TAP_TMP/out"; then not_ok "no OK line for a bad file"; else ok "no OK line for a bad file"; fi

warn="$TAP_TMP/warn.yaml"
cat >"$warn" <<'YAML'
keyrite: 1
id: warn
title: Weak suite
steps:
  - id: world
    title: World
    action: new-world
    with: {cipher_suite: DLf1024s160mRijndael, quorum: 2/3}
YAML
expect_status 0 "warnings do not fail" "$KEYRITE" lint "$warn"
output_has "^$warn:8:26: warning: cipher suite DLf1024s160mRijndael is weak" "the warning names the place"
output_has "^OK $warn: 1 steps, 0 parameters\$" "a file with warnings is OK"

expect_status 66 "a missing file" "$KEYRITE" lint "$TAP_TMP/nope.yaml"
output_has "nope.yaml: no such file" "the missing file is named"
expect_status 65 "invalid wins over missing" "$KEYRITE" lint "$TAP_TMP/nope.yaml" "$bad"
expect_status 66 "missing beside a good file" "$KEYRITE" lint "$fix/minimal.yaml" "$TAP_TMP/nope.yaml"
output_has "^OK .*minimal.yaml" "the good file is still checked"

empty="$TAP_TMP/empty.yaml"
: >"$empty"
expect_status 65 "an empty file" "$KEYRITE" lint "$empty"
output_has "^$empty:1:1: empty document" "empty document at 1:1"

big="$TAP_TMP/big.yaml"
dd if=/dev/zero bs=1024 count=1025 2>/dev/null | tr '\0' '#' >"$big"
expect_status 65 "a file over 1 MiB" "$KEYRITE" lint "$big"
output_has "^$big: too large \\(1049600 bytes, limit 1048576\\)\$" "too large names size and limit"

expect_status 64 "no file is a usage error" "$KEYRITE" lint
expect_status 64 "an unknown option is a usage error" "$KEYRITE" lint --frob "$bad"
expect_status 0 "lint --help" "$KEYRITE" lint --help
output_has "^usage: keyrite lint CEREMONY.yaml" "--help shows the usage"
output_has "65 at least one file is invalid" "--help documents the exit status"

# Every shipped ceremony lints clean (skipped until there are some).
n=0
for f in "$top_srcdir"/ceremonies/*.yaml; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	expect_status 0 "ceremonies/$(basename "$f") lints clean" "$KEYRITE" lint "$f"
	if grep -q . "$TAP_TMP/err"; then
		not_ok "ceremonies/$(basename "$f") has no warnings or errors"
		diag "$(cat "$TAP_TMP/err")"
	else
		ok "ceremonies/$(basename "$f") has no warnings or errors"
	fi
done
[ "$n" -gt 0 ] || echo "ok $((tap_n = tap_n + 1)) # SKIP no ceremonies/*.yaml yet"
done_testing
