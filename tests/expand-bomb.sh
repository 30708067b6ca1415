#!/bin/sh
# SPDX-License-Identifier: ISC
# expand-bomb.sh: bounded expansion (keyrite-ceremony(5), LIMITS).  Vars
# nested 8, 12 and 20 deep, each holding ten references to the one above
# (10^depth substitutions of empty strings, days of work if expanded), and
# one whose 4 KiB text doubles at each level (4 KiB x 2^12): lint reports
# each with a clear error at the var's line:col instead of expanding it.
# (The time this takes is in bench/, not asserted here.)
. "${top_srcdir:-.}/tests/lib/tap.sh"

bomb() {	# bomb DEPTH REFS SEED FILE
	{
		echo "keyrite: 1"
		echo "id: bomb"
		echo "title: Bomb"
		echo "vars:"
		echo "  v0: '$3'"
		i=1
		while [ "$i" -le "$1" ]; do
			printf "  v%d: '" "$i"
			j=0
			while [ "$j" -lt "$2" ]; do printf '${v%d}' $((i - 1)); j=$((j + 1)); done
			printf "'\n"
			i=$((i + 1))
		done
		echo "steps:"
		echo "  - id: s"
		echo "    title: 'Bomb: \${v$1}'"
		echo "    instructions: Read it."
	} >"$4"
}

for depth in 8 12 20; do
	f=$TAP_TMP/bomb-$depth.yaml
	bomb "$depth" 10 "" "$f"
	expect_status 65 "depth $depth: lint refuses the bomb" timeout 60 "$KEYRITE" lint "$f"
	output_has "^$f:9:7: var 'v4' expands with more than 4096 substitutions \(the limit" \
	    "depth $depth: the first var over the limit is named at line:col"
done
f=$TAP_TMP/wide.yaml
bomb 12 2 "$(printf '%04096d' 0)" "$f"
expect_status 65 "a doubling var: lint refuses it" timeout 60 "$KEYRITE" lint "$f"
output_has "^$f:14:7: var 'v9' expands to more than 1048576 bytes \(the limit" \
    "the first var over the size limit is named at line:col"
f=$TAP_TMP/ok.yaml
bomb 3 10 "x" "$f"
expect_status 0 "1000 substitutions lint clean" "$KEYRITE" lint "$f"

done_testing
