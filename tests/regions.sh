#!/bin/sh
# SPDX-License-Identifier: ISC
# regions.sh: the legacy runbook rehearsed in full, in batch mode, in every
# region of the procedure's table (../shared/reference/byok-regions.tsv,
# copied in tests/fixtures/byok-regions.tsv and read here when the test
# runs: no expected name is written in this file).  For each region:
#   - the rehearsal seals, and its log verifies against its minutes;
#   - what the custodians read (batch output) names the toolset file, the
#     region's display name and both package names exactly, line by line;
#   - the log records the region, the carried toolset file and the package
#     names the custodians confirmed; the transcript shows them;
#   - the sandbox's medium holds files of exactly those names (they come
#     from the simulated vault's own region table, so that table is
#     checked against the procedure too);
#   - no name of another region, and no `${', appears in the output, the
#     log or the transcript;
#   - the runbook's commands for the real toolset (verifykeypackage.py,
#     KeyTransferRemote -ModifyAcls and -Package, as `keyrite print' shows
#     them for the region) and its pinned toolset SHA-256 are the
#     procedure's.
# Each rehearsal uses the rehearsal card KDF (--test-scrypt-log2n=10); the
# time they take is printed as a comment, never asserted.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

tsv=$top_srcdir/tests/fixtures/byok-regions.tsv
SUB=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b
ID=contosokey
FN=ContosoFirstHSMkey

rows=$(grep -vc '^#' "$tsv")
if [ "$rows" -ge 18 ]; then ok "the procedure's table has $rows regions"
else not_ok "the procedure's table has $rows regions (want 18)"; fi

# has_line FILE LINE: FILE has exactly this line.
has_line() { grep -Fxq -- "$2" "$1"; }
# has_prefix FILE PREFIX: a line of FILE starts with PREFIX.
has_prefix() { cut -c1-"${#2}" "$1" | grep -Fxq -- "$2"; }

# The names of every region, one per line, to find foreign ones.
grep -v '^#' "$tsv" | cut -f3,6,7 | tr '\t' '\n' | sort -u >"$TAP_TMP/all-names"

now() { date +%s%N 2>/dev/null; }
total=0
timed=yes

grep -v '^#' "$tsv" >"$TAP_TMP/rows"
while IFS='	' read -r region display zip sha code kek world; do
	S=$TAP_TMP/r-$region
	t0=$(now)
	"$KEYRITE" rehearse "$CER/ncipher-byok-legacy.yaml" \
	    --batch "$EX/ncipher-byok-legacy.answers.yaml" --keep "$S" $FAST \
	    --set region="$region" >"$S.out" 2>"$S.err"
	rc=$?
	t1=$(now)
	case "$t0$t1" in *[!0-9]*|"") timed=no ;;
	*) total=$((total + (t1 - t0) / 1000000)) ;; esac
	L=$S/out/ncipher-byok-legacy.log
	# shellcheck disable=SC2046
	if [ "$rc" -eq 0 ] && "$KEYRITE" audit verify \
	    $(minutes_opts "$S/out/summary.txt") "$L" >/dev/null 2>&1; then
		ok "$region: the rehearsal seals and its log verifies"
	else
		not_ok "$region: the rehearsal seals and its log verifies (exit $rc)"
		diag "$(tail -5 "$S.out" "$S.err")"
		continue
	fi

	# What the custodians read.
	miss=
	for want in "[download-toolset] Download the BYOK toolset for $display" \
	    "[download-toolset] [x] $zip is in the working folder of the connected workstation" \
	    "[carry-toolset] $zip carried from connected to disconnected, SHA-256 checked on arrival" \
	    "[install-toolset] [x] The folder holds the KEK package $kek" \
	    "[install-toolset] [x] The folder holds the Security World package $world" \
	    "[verify-packages] Result: SUCCESS"; do
		has_line "$S.out" "$want" || miss="$miss [$want]"
	done
	for want in "[verify-toolset] SHA-256 of $zip: " \
	    "[verify-packages] $kek: " "[verify-packages] $world: "; do
		has_prefix "$S.out" "$want" || miss="$miss [$want...]"
	done
	if [ -z "$miss" ]; then ok "$region: the output names $zip, $display, $kek, $world"
	else not_ok "$region: the output lacks$miss"; fi

	# What the log records.
	"$KEYRITE" audit show "$L" >"$S.show" 2>&1
	miss=
	for want in "name=region  value=$region" \
	    "kind=carried  name=$zip  sha256=" \
	    "text=\"[x] The folder holds the KEK package $kek\"" \
	    "text=\"[x] The folder holds the Security World package $world\""; do
		grep -Fq -- "$want" "$S.show" || miss="$miss [$want]"
	done
	if [ -z "$miss" ]; then ok "$region: the log records the region, $zip and both packages"
	else not_ok "$region: the log lacks$miss"; fi

	# The transcript (its lines wrap: compare it as one line).
	tr -s ' \n' '  ' <"$S/out/transcript.txt" >"$S.flat"
	miss=
	for want in "region = $region" "$zip (" \
	    "holds the KEK package $kek" "holds the Security World package $world"; do
		grep -Fq -- "$want" "$S.flat" || miss="$miss [$want]"
	done
	if [ -z "$miss" ]; then ok "$region: the transcript shows the region, $zip and both packages"
	else not_ok "$region: the transcript lacks$miss"; fi

	# The medium the steps opened.
	if [ -f "$S/media/$zip" ] && [ -f "$S/media/$kek" ] &&
	    [ -f "$S/media/$world" ]; then
		ok "$region: the medium holds $zip, $kek and $world"
	else
		not_ok "$region: the medium holds $zip, $kek and $world"
		diag "$(ls "$S/media")"
	fi

	# No other region's names.
	cat "$S.out" "$S.err" "$S.show" "$S/out/transcript.txt" \
	    "$S/out/summary.txt" >"$S.all"
	foreign=$(grep -Fxv -e "$zip" -e "$kek" -e "$world" "$TAP_TMP/all-names" |
	    grep -Fo -f - "$S.all" | sort -u | tr '\n' ' ')
	if [ -z "$foreign" ]; then ok "$region: no other region's name appears"
	else not_ok "$region: other regions' names appear: $foreign"; fi

	# Nothing the people read shows template syntax.
	if grep -q '\${' "$S.all" "$S/out/report.md"; then
		not_ok "$region: no \${ in the output, the log, the transcript or the summary"
		diag "$(grep -n '\${' "$S.all" "$S/out/report.md" | head -3)"
	else ok "$region: no \${ in the output, the log, the transcript or the summary"; fi

	# The commands for the real toolset and the pinned hash, as the
	# runbook prints them for this region.
	"$KEYRITE" print "$CER/ncipher-byok-legacy.yaml" --format markdown \
	    --set region="$region" --set subscription_id=$SUB >"$S.md" 2>&1
	g=$(printf '%s' "$sha" | tr 'A-F' 'a-f' | sed 's/.\{8\}/& /g; s/ $//')
	miss=
	for want in \
	    "\"%nfast_home%\\python\\bin\\python\" verifykeypackage.py -k $kek -w $world" \
	    "KeyTransferRemote.exe -ModifyAcls -KeyAppName simple -KeyIdentifier $ID -ExchangeKeyPackage $kek -NewSecurityWorldPackage $world" \
	    "KeyTransferRemote.exe -Package -KeyIdentifier $ID -ExchangeKeyPackage $kek -NewSecurityWorldPackage $world -SubscriptionId $SUB -KeyFriendlyName $FN" \
	    "**Read aloud:** sha256: \`$g\`"; do
		has_line "$S.md" "$want" || miss="$miss [$want]"
	done
	grep -Fq -- "belong to region $code." "$S.md" || miss="$miss [region $code]"
	grep -q '\${' "$S.md" && miss="$miss [no \${]"
	if [ -z "$miss" ]; then ok "$region: the runbook's commands and pinned SHA-256 are the procedure's"
	else not_ok "$region: the runbook lacks$miss"; fi
done <"$TAP_TMP/rows"

if [ "$timed" = yes ]; then
	diag "$rows full rehearsals: $total ms in all (wall clock), $((total / rows)) ms each"
fi
# CPU time of this test and of everything it ran (shell, then children;
# `times' runs in this shell, not in a command substitution's subshell).
times >"$TAP_TMP/times"
diag "CPU user/system: $(tr '\n' ' ' <"$TAP_TMP/times")"
done_testing
