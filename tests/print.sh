#!/bin/sh
# SPDX-License-Identifier: ISC
# print.sh: `keyrite print': the printable runbook of each shipped ceremony
# equals its golden file (text and Markdown), no text line is wider than 80
# columns, no `${' is left anywhere, an alternative not chosen is listed as
# such, bad options and values fail with the documented statuses, and for
# every region of the legacy procedure's table (../shared/reference/
# byok-regions.tsv, copied in tests/fixtures/byok-regions.tsv) the runbook
# shows each derived name exactly as the procedure gives it.
# The golden files embed the ceremony file's SHA-256 and keyrite's version:
# after an intended change to a ceremony or to the layout, refresh with
#   KEYRITE_GOLDEN_UPDATE=1 make check TESTS=tests/print.sh
# and review the diff.
. "${top_srcdir:-.}/tests/lib/tap.sh"

CER=$top_srcdir/ceremonies
G=$top_srcdir/tests/golden
SUB=0e5f6a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b

golden() { # NAME FILE
	if [ -n "${KEYRITE_GOLDEN_UPDATE:-}" ]; then cp "$2" "$G/$1"; fi
	if cmp -s "$2" "$G/$1"; then ok "$1 equals the golden file"; else
		not_ok "$1 equals the golden file"
		diag "$(diff -u "$G/$1" "$2" | head -40)"
		diag "refresh: KEYRITE_GOLDEN_UPDATE=1 make check TESTS=tests/print.sh"
	fi
}

width() { # FILE WHAT
	n=$(awk '{ s = $0; gsub(/[\200-\277]/, "", s); if (length(s) > 80) c++ }
	    END { print c + 0 }' "$1")
	if [ "$n" -eq 0 ]; then ok "$2: no line over 80 columns"; else
		not_ok "$2: no line over 80 columns"
		diag "$(awk 'length > 80' "$1" | head -5)"; fi
}

no_template() { # FILE WHAT
	if grep -q '\${' "$1"; then not_ok "$2: no \${ left"
		diag "$(grep -n '\${' "$1" | head -5)"
	else ok "$2: no \${ left"; fi
}

for id in azure-byok ncipher-byok-legacy; do
	expect_status 0 "print $id" "$KEYRITE" print "$CER/$id.yaml"
	cp "$TAP_TMP/out" "$TAP_TMP/$id.txt"
	golden "print-$id.txt" "$TAP_TMP/$id.txt"
	width "$TAP_TMP/$id.txt" "$id (text)"
	no_template "$TAP_TMP/$id.txt" "$id (text)"
	expect_status 0 "print $id --format markdown" \
	    "$KEYRITE" print "$CER/$id.yaml" --format markdown
	cp "$TAP_TMP/out" "$TAP_TMP/$id.md"
	golden "print-$id.md" "$TAP_TMP/$id.md"
	no_template "$TAP_TMP/$id.md" "$id (markdown)"
done

# Engine-specific steps are marked: the runbook says which engine a step
# assumes (a step for one engine only, or one that works differently on a
# token); a ceremony for one engine says so at the top.
# engine_of ID FILE: the Engine field of step ID's block (text runbook),
# its continuation line joined
engine_of() { awk -v id="$1" '/^STEP [0-9]+ OF [0-9]+ /{ p = ($5 == id) }
	p && /^  Engine: / { e = $0; q = 1; next }
	p && q && /^      / { sub(/^ +/, " "); e = e $0; next } { q = 0 }
	END { print e }' "$2"; }
A=$TAP_TMP/azure-byok.txt
check "azure-byok: the head says it runs on either engine" grep -q \
	'^Engines: the software module (soft) or a PKCS#11 token (pkcs11, run --token)' "$A"
for st in mode-init mode-operational backup-key; do
	check "$st is marked for the software module only" [ \
	    "$(engine_of $st "$A")" = "  Engine: the software module (soft) only; on a token the log records it as not applicable" ]
done
check "new-world is marked as initialising (or adopting) the token" [ \
	"$(engine_of new-world "$A")" = "  Engine: on a token, it initialises the token (or adopts it, with adopt: true) and the cards hold the token's PINs" ]
# engine_has ID PATTERN DESC: step ID's Engine field matches PATTERN
engine_has() {
	if engine_of "$1" "$A" | grep -q -- "$2"; then ok "$3"; else
		not_ok "$3"; diag "$(engine_of "$1" "$A")"; fi
}
engine_has backup-world "the world's backup is the token's world record (no PIN); a key stays on the token" \
	"backup-world is marked: on a token, the world record"
engine_has generate-rsa "the key is made on the token, and the SO makes the KEK on it" \
	"generate-rsa is marked: the key and the KEK made on the token"
engine_has package "the token wraps the key after its packaging check" \
	"package is marked: the token wraps the key"
check "a step that works the same everywhere is not marked" [ -z "$(engine_of carry-kek "$A")" ]
check "the legacy ceremony says it runs on the software module only" grep -q \
	'^Engine: the software module (soft) only: the legacy nCipher method' \
	"$TAP_TMP/ncipher-byok-legacy.txt"
check "and marks no step (one engine: the head says it)" sh -c \
	"! grep -q '^  Engine:' '$TAP_TMP/ncipher-byok-legacy.txt'"

# Values not known are placeholders naming the step that asks them.
expect_status 0 "print the legacy runbook without a subscription" \
    "$KEYRITE" print "$CER/ncipher-byok-legacy.yaml"
output_has '^  subscription_id  <subscription_id, asked at step 4>$' \
    "a value not known yet is a visible placeholder"
grep -q 'kek_id, asked at step 6' "$TAP_TMP/azure-byok.txt" &&
    ok "the KEK id is shown as asked at step 6" ||
    not_ok "the KEK id is shown as asked at step 6"

# Alternatives follow the printed parameters.
expect_status 0 "print with --set upload_tool=powershell --set key_type=EC" \
    "$KEYRITE" print "$CER/azure-byok.yaml" --set upload_tool=powershell \
    --set key_type=EC --set curve=P-384
output_has '^  Not chosen: key_type is EC \(this alternative is for RSA\)' \
    "generate-rsa is listed as not chosen"
output_has '^  Alternative: only when key_type is EC$' "generate-ec is spelled out"
output_has "^    Add-AzKeyVaultKey -VaultName 'ContosoKeyVaultHSM'" \
    "the PowerShell import command is shown"
output_has 'curve P-384' "the curve set is used"

# An AES key for a managed HSM, imported by the one tool that can.
expect_status 0 "print with --set vault_kind=managed-hsm --set key_type=AES --set upload_tool=powershell" \
    "$KEYRITE" print "$CER/azure-byok.yaml" --set vault_kind=managed-hsm \
    --set key_type=AES --set upload_tool=powershell
cp "$TAP_TMP/out" "$TAP_TMP/aes.txt"
output_has '^    az keyvault key import --hsm-name ContosoKeyVaultHSM --name \\$' \
    "the AES import is the az command, for the managed HSM"
output_has '^        ContosoFirstHSMkey --byok-file ContosoFirstHSMkey.byok --kty oct$' \
    "... naming the key type oct"
output_has '^  Not chosen: key_type is AES \(this alternative is for RSA or EC\)' \
    "the PowerShell import is listed as not chosen for an AES key"
width "$TAP_TMP/aes.txt" "azure-byok, AES (text)"
no_template "$TAP_TMP/aes.txt" "azure-byok, AES (text)"

# Errors.
expect_status 65 "an unknown --set parameter" \
    "$KEYRITE" print "$CER/azure-byok.yaml" --set colour=red
output_has "no parameter 'colour'" "the unknown parameter is named"
expect_status 65 "a --set value the parameter refuses" \
    "$KEYRITE" print "$CER/azure-byok.yaml" --set key_size=1024
output_has "key_size" "the parameter is named"
expect_status 64 "an unknown --format" \
    "$KEYRITE" print "$CER/azure-byok.yaml" --format pdf
expect_status 66 "a missing ceremony file" "$KEYRITE" print "$TAP_TMP/nope.yaml"
printf 'keyrite: 1\nid: x\n' >"$TAP_TMP/bad.yaml"
expect_status 65 "an invalid ceremony" "$KEYRITE" print "$TAP_TMP/bad.yaml"

# Every region of the procedure's table: each derived name exactly as the
# procedure gives it (the toolset file, its SHA-256 in groups of eight,
# both package names, the package code).
tsv=$top_srcdir/tests/fixtures/byok-regions.tsv
grep -v '^#' "$tsv" | while IFS='	' read -r region display zip sha code kek world; do
	"$KEYRITE" print "$CER/ncipher-byok-legacy.yaml" --set region="$region" \
	    --set subscription_id=$SUB >"$TAP_TMP/r.txt" 2>&1 || echo "exit $?" >>"$TAP_TMP/r.txt"
	g=$(printf '%s' "$sha" | tr 'A-F' 'a-f' | sed 's/.\{8\}/& /g; s/ $//')
	miss=
	for want in "$zip" "    $g" "$kek" "$world" "region $code" \
	    "Download the BYOK toolset for $display"; do
		grep -qF -- "$want" "$TAP_TMP/r.txt" || miss="$miss [$want]"
	done
	if [ -z "$miss" ]; then echo "ok region $region"; else
		echo "missing region $region:$miss"; fi
done >"$TAP_TMP/regions"
n=$(grep -c '^ok region' "$TAP_TMP/regions")
if [ "$n" -eq "$(grep -vc '^#' "$tsv")" ] && [ "$n" -ge 18 ]; then
	ok "all $n regions print every derived name exactly"
else
	not_ok "all regions print every derived name exactly"
	diag "$(grep -v '^ok' "$TAP_TMP/regions")"
fi

done_testing
