#!/bin/sh
# SPDX-License-Identifier: ISC
# man-lint.sh: every man page passes mandoc -Tlint (or groff -ww) cleanly.
. "${top_srcdir:-.}/tests/lib/tap.sh"

for page in "$top_srcdir"/man/*.[0-9]; do
	name=$(basename "$page")
	if [ -n "$MANDOC" ] && [ -x "$MANDOC" ]; then
		if out=$("$MANDOC" -Tlint -W warning "$page" 2>&1) && [ -z "$out" ]; then
			ok "mandoc -Tlint $name"
		else
			not_ok "mandoc -Tlint $name"; diag "$out"
		fi
	else
		if out=$(groff -ww -mdoc -z "$page" 2>&1) && [ -z "$out" ]; then
			ok "groff -ww $name"
		else
			not_ok "groff -ww $name"; diag "$out"
		fi
	fi
done
done_testing
