#!/bin/sh
# SPDX-License-Identifier: ISC
# scenarios.sh: every scenario of both shipped ceremonies, rehearsed in
# batch mode from the example answers, fails at the step its `expect'
# names with the message it names; where recovery is possible (a retry for
# a wrong PIN, an exception for a tampered toolset or a clock that jumps, a
# resume after a power cut) the ceremony then completes and the log is
# sealed.  The trainee's output never names the scenario or the fault; the
# log records each fault for the trainer; every rehearsal leaves report.md.
# Expectations that name the region's packages follow the region chosen.
. "$top_srcdir/tests/lib/tap.sh"

fast="--test-scrypt-log2n 10"
n=0

# The scenarios of a ceremony file: name TAB expect.step TAB expect.message.
scenarios() {
	awk '
	/^scenarios:/ { on = 1; next }
	on && /^[^ #]/ { on = 0 }
	!on { next }
	/^  [a-z0-9-]+:[ ]*$/ { name = $1; sub(/:$/, "", name); next }
	/^      step: / { step = $0; sub(/^      step: /, "", step); next }
	/^      message: / {
		m = $0; sub(/^      message: /, "", m)
		if (m ~ /^'\''/) { m = substr(m, 2, length(m) - 2); gsub(/'\'''\''/, "'\''", m) }
		else if (m ~ /^"/) { m = substr(m, 2, length(m) - 2) }
		printf "%s\t%s\t%s\n", name, step, m
	}' "$1"
}

# expand_region MSG REGION: MSG with each ${region.COLUMN} replaced by that
# column of REGION's row of the procedure's table (tests/fixtures/
# byok-regions.tsv, the `id' column being its `region'), so that a
# scenario's expectation is checked against the procedure, not against
# keyrite's own expansion.  A reference it cannot resolve is left as is
# (and then cannot match).
tsv="$top_srcdir/tests/fixtures/byok-regions.tsv"
expand_region() {
	awk -F'\t' -v msg="$1" -v r="$2" '
	NR == 1 { sub(/^# */, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
	$1 == r {
		col["id"] = 1
		for (c in col) {
			ref = "${region." c "}"
			while ((k = index(msg, ref)) > 0)
				msg = substr(msg, 1, k - 1) $col[c] \
				    substr(msg, k + length(ref))
		}
	}
	END { print msg }' "$tsv"
}

# The step of the last "[step] ..." line of a file.
last_step() {
	sed -n 's/^\[\([a-z0-9-]*\)\].*/\1/p' "$1" | tail -1
}

# rehearse CEREMONY SCENARIO DIR ANSWERS: exit status in $rc, output in
# DIR.out and DIR.err.
rehearse() {
	"$KEYRITE" rehearse "$top_srcdir/ceremonies/$1.yaml" --batch "$4" \
	    --scenario "$2" --keep "$3" $fast >"$3.out" 2>"$3.err"
	rc=$?
}

sealed() {
	# shellcheck disable=SC2046
	"$KEYRITE" audit verify $(minutes_opts "$1/out/summary.txt") \
	    "$1/out/$2.log" >/dev/null 2>&1
}

for c in ncipher-byok-legacy azure-byok; do
	ans="$top_srcdir/ceremonies/examples/$c.answers.yaml"
	list=$("$KEYRITE" rehearse "$top_srcdir/ceremonies/$c.yaml" \
	    --list-scenarios | awk '{ print $1 }')
	count=$(echo "$list" | grep -c .)
	if [ "$count" -ge 6 ]; then ok "$c: --list-scenarios lists $count"
	else not_ok "$c: --list-scenarios lists $count (want >= 6)"; fi
	scenarios "$top_srcdir/ceremonies/$c.yaml" >"$TAP_TMP/$c.tsv"
	if [ "$(wc -l <"$TAP_TMP/$c.tsv")" -eq "$count" ]; then
		ok "$c: every listed scenario has an expected step and message"
	else
		not_ok "$c: $(wc -l <"$TAP_TMP/$c.tsv") expectations for $count scenarios"
	fi

	region=$(sed -n 's/^  region: *//p' "$ans")
	while IFS='	' read -r name step msg; do
		msg=$(expand_region "$msg" "${region:-unitedstates}")
		n=$((n + 1))
		d="$TAP_TMP/s$n"
		rehearse "$c" "$name" "$d" "$ans"
		cat "$d.out" "$d.err" >"$d.all"
		case $name in
		power-loss-*)
			# The power fails: the process dies at the step ...
			got=$(last_step "$d.out")
			if [ "$rc" -eq 137 ] && [ "$got" = "$step" ]; then
				ok "$c/$name: the power fails at step '$step'"
			else
				not_ok "$c/$name: exit $rc at step '$got' (want 137 at '$step')"
				diag "$(tail -5 "$d.all")"
			fi
			# ... and the same command resumes, once.
			rehearse "$c" "$name" "$d" "$ans"
			if [ "$rc" -eq 0 ] && grep -Fq -- "$msg" "$d.out" &&
			    sealed "$d" "$c"; then
				ok "$c/$name: rerun resumes ('$msg') and seals"
			else
				not_ok "$c/$name: rerun exit $rc, or no '$msg', or not sealed"
				diag "$(tail -5 "$d.out" "$d.err")"
			fi
			cat "$d.out" "$d.err" >>"$d.all"
			;;
		*)
			if grep -F -- "$msg" "$d.all" | grep -Fq -e "[$step] " \
			    -e "step '$step' failed: "; then
				ok "$c/$name: fails at step '$step' with '$msg'"
			else
				not_ok "$c/$name: no '$msg' at step '$step' (exit $rc)"
				diag "$(tail -5 "$d.all")"
			fi
			;;
		esac
		if grep -Fqiw -e "$name" -e "fault" -e "scenario" "$d.all"; then
			not_ok "$c/$name: the trainee's output names the fault"
			diag "$(grep -Fiw -e "$name" -e fault -e scenario "$d.all")"
		else
			ok "$c/$name: the trainee's output does not name the fault"
		fi
		if "$KEYRITE" audit show "$d/out/$c.log" 2>/dev/null |
		    grep "fault-injected" | grep -Fq "scenario=$name"; then
			ok "$c/$name: the log records the fault"
		else
			not_ok "$c/$name: no fault-injected entry in the log"
		fi
		if [ -s "$d/out/report.md" ] &&
		    grep -Fq -- "$name" "$d/out/report.md"; then
			ok "$c/$name: report.md written"
		else
			not_ok "$c/$name: no report.md naming the scenario"
		fi

		# Recovery where the ceremony can go on.
		case $name in
		wrong-pin-*)
			if [ "$rc" -eq 0 ] && sealed "$d" "$c"; then
				ok "$c/$name: the custodian retries; sealed"
			else
				not_ok "$c/$name: exit $rc after the retry, or not sealed"
			fi
			;;
		tampered-toolset|clock-skew)
			if [ "$rc" -eq 1 ]; then
				ok "$c/$name: stops without an exception (exit 1)"
			else
				not_ok "$c/$name: exit $rc without an exception"
			fi
			{
				cat "$ans"
				printf 'exceptions:\n  %s: %s\n' "$step" \
				    "'Rehearsal: recorded by the trainee'"
				# the carry checks the tampered file again on
				# arrival: the trainee records that too
				[ "$name" = tampered-toolset ] &&
				    printf '  carry-toolset: %s\n' \
				    "'Rehearsal: recorded by the trainee'"
			} >"$d.answers"
			rehearse "$c" "$name" "$d-x" "$d.answers"
			if [ "$rc" -eq 0 ] && sealed "$d-x" "$c" &&
			    grep -Fq "exception recorded" "$d-x.out"; then
				ok "$c/$name: with an exception recorded it completes; sealed"
			else
				not_ok "$c/$name: with an exception: exit $rc, or not sealed"
				diag "$(tail -5 "$d-x.out" "$d-x.err")"
			fi
			;;
		power-loss-*)
			;;
		*)
			if [ "$rc" -eq 1 ]; then
				ok "$c/$name: the ceremony stops (exit 1)"
			else
				not_ok "$c/$name: exit $rc (want 1)"
			fi
			;;
		esac
	done <"$TAP_TMP/$c.tsv"
done

# The expectations follow the region: wrong-region-package rehearsed in a
# region other than the answers file's names that region's package (from
# the procedure's table), and report.md expands the expectation the same
# way and finds every response as expected.
c=ncipher-byok-legacy
ans="$top_srcdir/ceremonies/examples/$c.answers.yaml"
for region in japan switzerland; do
	d="$TAP_TMP/region-$region"
	row=$(awk -F'\t' -v r="$region" '$1 == r' "$tsv")
	kek=$(printf '%s' "$row" | cut -f6)
	code=$(printf '%s' "$row" | cut -f5)
	"$KEYRITE" rehearse "$top_srcdir/ceremonies/$c.yaml" --batch "$ans" \
	    --set region="$region" --scenario wrong-region-package \
	    --keep "$d" $fast >"$d.out" 2>"$d.err"
	rc=$?
	if [ "$rc" -eq 1 ] && cat "$d.out" "$d.err" | grep -F '[verify-packages] ' |
	    grep -Eq -- "$kek: region is [A-Z]+, expected $code\$"; then
		ok "wrong-region-package in $region: '$kek: region is ..., expected $code'"
	else
		not_ok "wrong-region-package in $region: no '$kek: ... expected $code' (exit $rc)"
		diag "$(tail -5 "$d.out" "$d.err")"
	fi
	want=$(expand_region "\${region.kek_package}: region is" "$region")
	if grep -F -- "| message | $want | " "$d/out/report.md" |
	    grep -Fq -- "$kek: region is " &&
	    [ "$(grep -c '| as expected |$' "$d/out/report.md")" -eq 3 ] &&
	    ! grep -q '\${' "$d/out/report.md"; then
		ok "wrong-region-package in $region: report.md expects '$want'; all as expected"
	else
		not_ok "wrong-region-package in $region: report.md's expectation"
		diag "$(grep -A4 '^| | expected' "$d/out/report.md")"
	fi
done

# The fault fires once: a power cut does not come back on the rerun (above),
# and a kept sandbox refuses another scenario.
d="$TAP_TMP/s1"
rehearse ncipher-byok-legacy tampered-toolset "$d" \
    "$top_srcdir/ceremonies/examples/ncipher-byok-legacy.answers.yaml"
if [ "$rc" -ne 0 ] && grep -Fq "the sandbox was made for scenario" "$d.err"; then
	ok "a kept sandbox refuses another scenario"
else
	not_ok "a kept sandbox took another scenario (exit $rc)"
fi

# A fault that uses up a card's PIN tries (three wrong PINs for card 2 at
# the seal, a copy of azure-byok's scenario with times: 3): the step fails,
# and the trainer's line and report.md say so, as what the scenario expects
# (they said "every response as expected" and nothing of the failure).
d="$TAP_TMP/tries3"
sed 's/{fault: wrong-pin, card: 2, times: 1, step: seal-log}/{fault: wrong-pin, card: 2, times: 3, step: seal-log}/' \
    "$top_srcdir/ceremonies/azure-byok.yaml" >"$TAP_TMP/az3.yaml"
check "setup: the scenario gives card 2 three wrong PINs" grep -q 'times: 3, step: seal-log' "$TAP_TMP/az3.yaml"
"$KEYRITE" rehearse "$TAP_TMP/az3.yaml" --scenario wrong-pin-card-2 --keep "$d" $fast \
    --batch "$top_srcdir/ceremonies/examples/azure-byok.answers.yaml" >"$d.out" 2>"$d.err"
rc=$?
check "three wrong PINs fail the seal (exit 1, got $rc)" [ "$rc" -eq 1 ]
if grep -Fq "step 'seal-log' failed: card 2: 3 wrong PINs in step 'seal-log'" "$d.out" &&
    grep -Fq ", as the scenario expects (report: " "$d.out" &&
    grep -q '^REHEARSAL: every response as expected; step ' "$d.out"; then
	ok "the trainer's line says the step failed, as the scenario expects"; else
	not_ok "the trainer's line says the step failed, as the scenario expects"; diag "$(grep REHEARSAL "$d.out")"; fi
if grep -F "| step result | fails: card 2 has no PIN try left in it (3 wrong PINs) | failed: card 2: 3 wrong PINs in step 'seal-log'" \
    "$d/out/report.md" | grep -q '| as expected |$'; then
	ok "report.md: the expected step result (it fails) beside the actual one"; else
	not_ok "report.md: the expected step result (it fails) beside the actual one"; diag "$(cat "$d/out/report.md")"; fi
if grep -Fq "| retried: card 2, wrong PIN again |" "$d/out/report.md" &&
    grep -Fq "| the step failed: card 2: 3 wrong PINs in step 'seal-log'" "$d/out/report.md"; then
	ok "report.md: each wrong PIN's response (retried, then the step failed)"; else
	not_ok "report.md: each wrong PIN's response (retried, then the step failed)"; diag "$(cat "$d/out/report.md")"; fi

done_testing
