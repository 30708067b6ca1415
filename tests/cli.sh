#!/bin/sh
# SPDX-License-Identifier: ISC
# cli.sh: the global command-line contract: --help, --version, usage errors.
. "${top_srcdir:-.}/tests/lib/tap.sh"

expect_status 0 "keyrite --help" "$KEYRITE" --help
output_has '^usage: keyrite VERB' "--help prints the usage"
output_has 'lint' "--help lists the lint verb"
expect_status 0 "keyrite --version" "$KEYRITE" --version
output_has '^keyrite [0-9]+\.[0-9]+' "--version prints the version"
expect_status 64 "no verb is a usage error" "$KEYRITE"
expect_status 64 "an unknown verb is a usage error" "$KEYRITE" frobnicate
output_has "unknown verb 'frobnicate'" "the unknown verb is named"
for v in lint audit module vault; do
	expect_status 0 "keyrite $v --help" "$KEYRITE" $v --help
	output_has "^usage: keyrite $v" "$v --help prints its usage"
done
done_testing
