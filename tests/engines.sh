#!/bin/sh
# SPDX-License-Identifier: ISC
# engines.sh: the `engines:' declaration (keyrite-ceremony(5)): lint errors
# at FILE:LINE:COL (unknown name, twice, empty, a step's engine the
# ceremony does not run on, a seal-log restricted), the warning for a
# ceremony that leaves out pkcs11 without saying why, and `run --token' /
# `rehearse --token' refusing a soft-only ceremony (exit 64) with its
# reason before anything is made.  No token is needed.
. "${top_srcdir:-.}/tests/tap.sh"

CER="$top_srcdir/ceremonies"

bad="$TAP_TMP/bad.yaml"
cat >"$bad" <<'YAML'
keyrite: 1
id: bad
title: Bad engines
engines: [soft, hsm, soft]
steps:
  - id: mode
    title: Mode
    action: set-mode
    engines: [pkcs11]
    with: {mode: I}
  - id: seal
    title: Seal
    action: seal-log
    engines: [soft]
YAML
expect_status 65 "lint: bad engines" "$KEYRITE" lint "$bad"
output_has "^$bad:4:17: unknown engine 'hsm' in 'engines' at the top level \(known: soft, pkcs11\)\$" \
	"an unknown engine, at its line and column"
output_has "^$bad:4:22: engine 'soft' is listed twice in 'engines' at the top level\$" \
	"an engine listed twice"
output_has "^$bad:9:15: engine 'pkcs11' in 'engines' in step 'mode' is not one the ceremony runs on \(soft and hsm\)|^$bad:9:15: engine 'pkcs11' in 'engines' in step 'mode' is not one the ceremony runs on" \
	"a step's engine must be the ceremony's"
output_has "^$bad:14:14: a seal-log step runs on every engine: remove 'engines' in step 'seal'\$" \
	"a seal-log step is not restricted"

empty="$TAP_TMP/empty.yaml"
printf 'keyrite: 1\nid: empty\ntitle: Empty\nengines: []\nsteps:\n  - {id: a, title: A, instructions: x}\n' >"$empty"
expect_status 65 "lint: an empty engines list" "$KEYRITE" lint "$empty"
output_has "^$empty:4:10: 'engines' is empty at the top level" "says so at its place"

why="$TAP_TMP/why.yaml"
printf 'keyrite: 1\nid: why\ntitle: Why\nengines: [soft]\nsteps:\n  - {id: a, title: A, instructions: x}\n' >"$why"
expect_status 0 "lint: soft only without a note is valid" "$KEYRITE" lint "$why"
output_has "^$why:4:10: warning: 'engines' leaves out pkcs11 without saying why" \
	"but warns that it does not say why"

expect_status 0 "the shipped ceremonies lint clean" "$KEYRITE" lint \
	"$CER/azure-byok.yaml" "$CER/ncipher-byok-legacy.yaml"
if grep -q warning "$TAP_TMP/out" "$TAP_TMP/err"; then not_ok "without warnings"; else ok "without warnings"; fi
check "azure-byok declares soft and pkcs11" grep -q '^engines: \[soft, pkcs11\]$' "$CER/azure-byok.yaml"
check "the legacy ceremony declares soft only" grep -q '^engines: \[soft\]$' "$CER/ncipher-byok-legacy.yaml"

# a soft-only ceremony on a token: refused with its reason, nothing made
URI='pkcs11:token=nothere?module-path=/nonexistent/libnothing.so'
cd "$TAP_TMP" || exit 1
expect_status 64 "run --token with the legacy ceremony" "$KEYRITE" run \
	"$CER/ncipher-byok-legacy.yaml" --token "$URI" --state "$TAP_TMP/st" \
	--out "$TAP_TMP/o" --batch /dev/null
output_has "^keyrite: ceremony 'ncipher-byok-legacy' does not run on the pkcs11 engine \(it declares: soft\): the legacy nCipher method needs the vendor's Security World" \
	"names the ceremony, the engine and the reason"
check "nothing made: no state, no output" sh -c "[ ! -e '$TAP_TMP/st' ] && [ ! -e '$TAP_TMP/o' ]"
expect_status 64 "rehearse --token with the legacy ceremony" "$KEYRITE" rehearse \
	"$CER/ncipher-byok-legacy.yaml" --token "$URI" --batch /dev/null \
	--keep "$TAP_TMP/sb"
output_has "does not run on the pkcs11 engine \(it declares: soft\)" "with the same reason"
check "no sandbox made" [ ! -e "$TAP_TMP/sb" ]
expect_status 64 "a ceremony without engines: soft only" "$KEYRITE" run \
	"$why" --token "$URI" --state "$TAP_TMP/st" --out "$TAP_TMP/o" --batch /dev/null
output_has "^keyrite: ceremony 'why' does not run on the pkcs11 engine \(it declares: soft\)\$" \
	"refused, with no reason to give"
expect_status 0 "run --help shows --token" "$KEYRITE" run --help
output_has "--token URI" "run --help"
expect_status 0 "rehearse --help shows --token" "$KEYRITE" rehearse --help
output_has "--token URI" "rehearse --help"
done_testing
