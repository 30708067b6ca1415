#!/bin/sh
# SPDX-License-Identifier: ISC
# acl-lint.sh: what `keyrite lint' sees of the module's ACL model
# (keyrite-acl(7)): the exfiltration runbook (a .byok of a key generated
# with no KEK), an export in the legacy format before any reduce-acl, and
# a .byok to another KEK than the key was made for, each reported at the
# package step's line:col; the shipped ceremonies stay clean.
. "${top_srcdir:-.}/tests/lib/tap.sh"

head() {
	cat <<YAML
keyrite: 1
id: hostile
title: Hostile
steps:
  - id: gen
    title: Generate
    action: generate-key
    with: {type: RSA, size: 2048, protect: module, ident: k1$1}
YAML
}

f=$TAP_TMP/exfil.yaml
{ head ""; cat <<'YAML'
  - id: exfil
    title: Take it
    action: package
    with:
      format: byok
      ident: k1
      output: stolen.byok
      kek_file: attacker.pem
      kid: 'https://attacker.example/keys/x/1'
YAML
} >"$f"
expect_status 65 "the exfiltration runbook does not lint" "$KEYRITE" lint "$f"
output_has "^$f:14:14: step 'exfil' exports key 'k1' as a \.byok, but step 'gen' generates it with no kek_file: its ACL allows no export" \
    "named at the package step's ident, line:col"

f=$TAP_TMP/early.yaml
{ head ""; cat <<'YAML'
  - id: early
    title: Package before the reduction
    action: package
    with:
      format: legacy
      ident: k1
      output: x.byok
      kek_package: BYOK-KEK-pkg-NA-1
      world_package: BYOK-SecurityWorld-pkg-NA-1
      subscription_id: 0b1f6472-1b2d-4c4e-9e3b-6f1a2c3d4e5f
      friendly_name: X
  - id: reduce
    title: Reduce
    action: reduce-acl
    with: {ident: k1, kek_package: BYOK-KEK-pkg-NA-1, world_package: BYOK-SecurityWorld-pkg-NA-1}
YAML
} >"$f"
expect_status 65 "an export before the reduction does not lint" "$KEYRITE" lint "$f"
output_has "^$f:14:14: step 'early' exports key 'k1' in the legacy format, but no earlier reduce-acl step" \
    "named at line:col"

f=$TAP_TMP/otherpkg.yaml
{ head ""; cat <<'YAML'
  - id: reduce
    title: Reduce
    action: reduce-acl
    with: {ident: k1, kek_package: BYOK-KEK-pkg-NA-1, world_package: BYOK-SecurityWorld-pkg-NA-1}
  - id: pkg
    title: Package
    action: package
    with:
      format: legacy
      ident: k1
      output: x.byok
      kek_package: BYOK-KEK-pkg-EU-1
      world_package: BYOK-SecurityWorld-pkg-NA-1
      subscription_id: 0b1f6472-1b2d-4c4e-9e3b-6f1a2c3d4e5f
      friendly_name: X
YAML
} >"$f"
expect_status 65 "a legacy export to another KEK package does not lint" "$KEYRITE" lint "$f"
output_has "^$f:20:20: kek_package 'BYOK-KEK-pkg-EU-1' in step 'pkg' is not the KEK step 'reduce' put in the key's ACL" \
    "named at line:col"

f=$TAP_TMP/otherkek.yaml
{ head ", kek_file: kek.pem"; cat <<'YAML'
  - id: pkg
    title: Package
    action: package
    with:
      format: byok
      ident: k1
      output: x.byok
      kek_file: attacker.pem
      kid: 'https://attacker.example/keys/x/1'
YAML
} >"$f"
expect_status 65 "a .byok to another KEK than the key's does not lint" "$KEYRITE" lint "$f"
output_has "^$f:16:17: kek_file 'attacker.pem' in step 'pkg' is not the KEK step 'gen' put in the key's ACL \('kek.pem'\)" \
    "named at line:col"

sed 's/kek_file: attacker.pem/kek_file: kek.pem/' "$f" >"$TAP_TMP/good.yaml"
expect_status 0 "the same KEK lints clean" "$KEYRITE" lint "$TAP_TMP/good.yaml"

for c in "$top_srcdir"/ceremonies/*.yaml; do
	expect_status 0 "$(basename "$c") lints clean" "$KEYRITE" lint "$c"
done

done_testing
