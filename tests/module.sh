#!/bin/sh
# SPDX-License-Identifier: ISC
# module.sh: 'keyrite module status' on a state directory made by
# tests/engine-setup: the listing, the default directory, usage errors, a
# missing or damaged state (66, 65) and the lock (a second process: 75).
. "${top_srcdir:-.}/tests/lib/tap.sh"

SETUP=${top_builddir:-.}/tests/engine-setup
S=$TAP_TMP/state
V=$TAP_TMP/vault

check "engine-setup makes a world, two keys and a reduced ACL" \
	"$SETUP" world "$S" "$V"

expect_status 0 "module status --state DIR" "$KEYRITE" module status --state "$S"
output_has '^Module #1 \(soft\)' "a module block"
output_has '^ mode +operational \(O\)' "the mode"
output_has '^World$' "a world block"
output_has '^ world id +[0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}' "the world id in groups of 8"
output_has '^ ciphersuite +DLf3072s256mRijndael$' "the cipher suite"
output_has '^ k-out-of-n +2/3$' "the quorum"
output_has '^ card 3 +[0-9a-f]{8} ' "each card's public key"
output_has '^ signing key +DSA-3072-SHA256$' "the world signing key"
output_has '^Key AppName simple Ident contosokey$' "the RSA key"
output_has '^ name +"Contoso first HSM key"$' "its plainname"
output_has '^ type +RSA 2048 pubexp 65537$' "its type"
output_has '^ ACL +sign decrypt modify-acl\(quorum\)$' "its ACL: no export until a quorum reduces it"
output_has '^Key AppName xferacld Ident contosokey$' "the reduced copy"
output_has '^ ACL +export-wrapped\(format=legacy,kek-spki=[0-9a-f]{64},kek-pkg=[0-9a-f]{64},world-pkg=[0-9a-f]{64}\)$' "its one-permission ACL"
output_has '^ cosigned by +card 1, card 2$' "its cosigners"
output_has '^Key AppName simple Ident eckey$' "the EC key"
output_has '^ type +EC P-256$' "its curve"
if cat "$TAP_TMP/out" | grep -q 'test-pin'; then not_ok "no PIN in the output"; else ok "no PIN in the output"; fi

# the default state directory
mkdir -p "$TAP_TMP/xdg/keyrite"
cp -R "$S" "$TAP_TMP/xdg/keyrite/module"
expect_status 0 "module status with \$XDG_DATA_HOME" \
	env XDG_DATA_HOME="$TAP_TMP/xdg" "$KEYRITE" module status
output_has "state dir +$TAP_TMP/xdg/keyrite/module" "uses \$XDG_DATA_HOME/keyrite/module"
expect_status 66 "a missing default state dir" \
	env XDG_DATA_HOME="$TAP_TMP/nothing" "$KEYRITE" module status
output_has 'no such module state directory' "names the missing directory"

# usage
expect_status 64 "module without a subcommand" "$KEYRITE" module
expect_status 64 "an unknown subcommand" "$KEYRITE" module frob
expect_status 64 "an extra argument" "$KEYRITE" module status --state "$S" extra
expect_status 64 "an unknown option" "$KEYRITE" module status --bogus
expect_status 0 "module --help" "$KEYRITE" module --help
output_has '^usage: keyrite module status \[--state DIR\]' "the usage line"

# a fresh state directory: operational, no world
mkdir "$TAP_TMP/empty"
expect_status 0 "an empty state dir" "$KEYRITE" module status --state "$TAP_TMP/empty"
output_has 'none \(run new-world in initialization mode\)' "says there is no world"

# the lock: a second process gets 75
"$SETUP" hold "$S" "$TAP_TMP/held" &
holder=$!
i=0
while [ ! -f "$TAP_TMP/held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_status 75 "a locked state dir" "$KEYRITE" module status --state "$S"
output_has 'locked by another keyrite process' "says it is locked"
rm -f "$TAP_TMP/held"
wait $holder
expect_status 0 "unlocked again" "$KEYRITE" module status --state "$S"

# damaged files: 65, naming the file
cp "$S/local/key_simple_eckey" "$TAP_TMP/key.bak"
printf 'x' >> "$S/local/key_simple_eckey"
expect_status 65 "a damaged key file" "$KEYRITE" module status --state "$S"
output_has 'local/key_simple_eckey: ' "names the key file"
cp "$TAP_TMP/key.bak" "$S/local/key_simple_eckey"
sed 's/"k":2/"k":1/' "$S/local/world" > "$TAP_TMP/world" && cp "$TAP_TMP/world" "$S/local/world"
expect_status 65 "an edited world file" "$KEYRITE" module status --state "$S"
output_has 'local/world: damaged' "names the world file"
printf '{"format":"keyrite-mode-1","mode":"Z"}\n' > "$S/module/mode"
expect_status 65 "a bad mode file" "$KEYRITE" module status --state "$S"

done_testing
