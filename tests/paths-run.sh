#!/bin/sh
# SPDX-License-Identifier: ISC
# paths-run.sh: at run time, every step key that names a file refuses a
# path that leaves its folder.  For each of the 15 keys (the ones
# tests/paths.sh lints), a ceremony whose key is '${p}', a string
# parameter that lint cannot see through, is run in batch mode with p set
# to an absolute path, a '..' path and a symlink inside the folder that
# points out (live runs; vault-import, which a live run skips, in a
# rehearsal, the symlink planted in its kept sandbox before a resume).
# The symlink of backup's dest and package's output (folders in --out)
# is planted in --out.  Each run fails at step 's' with an error naming
# the path, nothing is written outside, and the log up to the failure
# still verifies (exit 2, a valid unsealed prefix).
. "${top_srcdir:-.}/tests/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

H=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
W=$TAP_TMP/w
OUTSIDE=$TAP_TMP/outside
mkdir -p "$W/media" "$OUTSIDE"
chmod 0700 "$W" "$W/media"
echo secret >"$OUTSIDE/secret"
"$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$TAP_TMP/kek.pem" 2>/dev/null
"$OPENSSL" pkey -in "$TAP_TMP/kek.pem" -pubout -out "$OUTSIDE/kek.pem"
cp "$OUTSIDE/kek.pem" "$W/media/kek.pem"
cp "$OUTSIDE/kek.pem" "$W/media/pkg"
ln -s "$OUTSIDE/kek.pem" "$W/media/link"
snap() { (cd "$OUTSIDE" && ls -lA && cat ./*) 2>/dev/null | sha256sum; }
BEFORE=$(snap)

cat >"$TAP_TMP/answers.yaml" <<'EOA'
operator: Test Operator
witnesses: [Test Witness]
confirm: true
cards: [1, 2]
EOA

# cer TYPE KEY WITH...: a ceremony whose step 's' of TYPE has KEY: ${p}
# and the other keys given (one 'key: value' per argument).
cer() {
	type=$1 key=$2
	shift 2
	cat <<YAML
keyrite: 1
id: paths-run
title: Paths at run time
stations: {connected: C, disconnected: D}
parameters:
  p: {type: string, prompt: 'A path'}
steps:
  - id: s
    title: S
    station: disconnected
    action: $type
    with:
      $key: '\${p}'
YAML
	for kv in "$@"; do echo "      $kv"; done
	cat <<YAML
  - id: pinned
    title: Pinned
    station: disconnected
    action: verify-packages
    with: {kek_package: pkg, world_package: pkg, root_hash: '$H', region: NA}
  - id: seal
    title: Seal
    station: disconnected
    action: seal-log
YAML
}

# why VALUE: what the error says about it.
why() {
	case $1 in
	/*) echo "path '$1' is absolute: it must stay inside" ;;
	../*) echo "path '\\.\\./[^']*' goes up with '\\.\\.': it must stay inside" ;;
	*) echo "path '$1' (leads out of [^ ]* through a symlink|in [^ ]* goes through a symlink)" ;;
	esac
}

# after DESC LOG: nothing outside changed; the log verifies as a prefix.
after() {
	check "$1: nothing written outside" test "$(snap)" = "$BEFORE"
	expect_status 2 "$1: the log up to the failure verifies" \
	    "$KEYRITE" audit verify "$2"
}

n=0
# live TYPE KEY WITH...: the three bad values in live runs.
live() {
	f=$TAP_TMP/$1-$2.yaml
	cer "$@" >"$f"
	for v in "$OUTSIDE/secret" ../outside/secret link; do
		n=$((n + 1))
		d=$TAP_TMP/run$n
		mkdir -m 0700 "$d" "$d/out"
		case $1/$2 in
		backup/*) ln -s "$OUTSIDE" "$d/out/link" ;;
		package/output) ln -s "$OUTSIDE/secret" "$d/out/link" ;;
		esac
		expect_status 1 "$1 $2 '$v': the run fails" timeout 120 "$KEYRITE" \
		    run "$f" --state "$d/state" --out "$d/out" --media "$W/media" \
		    --batch "$TAP_TMP/answers.yaml" --set "p=$v" </dev/null
		output_has "step 's' failed: (KEK file: )?$(why "$v")" \
		    "$1 $2 '$v': the error names the step and the path"
		after "$1 $2 '$v'" "$d/out/paths-run.log"
	done
}

live verify-file-hash file "sha256: $H"
live import-kek file "kid: k"
live backup dest "what: world"
live verify-packages kek_package "world_package: pkg" "root_hash: $H" "region: NA"
live verify-packages world_package "kek_package: pkg" "root_hash: $H" "region: NA"
live generate-key kek_file "type: RSA" "size: 2048" "protect: module" "ident: k1"
live reduce-acl kek_package "ident: k1" "world_package: pkg"
live reduce-acl world_package "ident: k1" "kek_package: pkg"
live package kek_file "format: byok" "ident: k1" "output: x.byok" "kid: k"
live package output "format: byok" "ident: k1" "kek_file: kek.pem" "kid: k"
live package kek_package "format: legacy" "ident: k1" "output: x.byok" \
    "world_package: pkg" "subscription_id: s" "friendly_name: f"
live package world_package "format: legacy" "ident: k1" "output: x.byok" \
    "kek_package: pkg" "subscription_id: s" "friendly_name: f"
live carry-artifact artifact "from: connected" "to: disconnected"

# ---- a FIFO on the medium: refused at once through the descriptor too --
if mkfifo "$W/media/fifo"; then
	f=$TAP_TMP/verify-file-hash-file.yaml
	for t in verify-file-hash import-kek carry-artifact; do
		n=$((n + 1))
		d=$TAP_TMP/run$n
		mkdir -m 0700 "$d" "$d/out"
		case $t in
		verify-file-hash) cer $t file "sha256: $H" >"$f" ;;
		import-kek) cer $t file "kid: k" >"$f" ;;
		carry-artifact) cer $t artifact "from: connected" \
		    "to: disconnected" >"$f" ;;
		esac
		expect_status 1 "$t: a FIFO on the medium fails at once" \
		    timeout 60 "$KEYRITE" run "$f" --state "$d/state" \
		    --out "$d/out" --media "$W/media" \
		    --batch "$TAP_TMP/answers.yaml" --set p=fifo </dev/null
		output_has "step 's' failed: .*media/fifo: not a regular file \(a FIFO\)" \
		    "$t: the error names the FIFO"
	done
	rm -f "$W/media/fifo"
else
	ok "# SKIP a FIFO on the medium: mkfifo failed"
fi

# ---- vault-import: rehearsals ------------------------------------------
# rehearse_key KEY VALUE WITH...: a first rehearsal, kept, stops at step
# 's' (the symlink and the .byok are not on its medium yet); they are
# planted in the kept sandbox, and the resumed rehearsal must refuse VALUE.
rehearse_key() {
	key=$1 v=$2
	shift 2
	f=$TAP_TMP/vault-$key.yaml
	cer vault-import "$key" "$@" >"$f"
	n=$((n + 1))
	k=$TAP_TMP/keep$n
	"$KEYRITE" rehearse "$f" --keep "$k" --batch "$TAP_TMP/answers.yaml" \
	    --set "p=$v" $FAST </dev/null >"$TAP_TMP/first" 2>&1
	check "vault-import $key '$v': the sandbox is kept" test -d "$k/media"
	ln -s "$OUTSIDE/secret" "$k/media/link"
	cp "$OUTSIDE/kek.pem" "$k/media/x.byok"
	expect_status 1 "vault-import $key '$v': the rehearsal fails" timeout 120 \
	    "$KEYRITE" rehearse "$f" --keep "$k" --batch "$TAP_TMP/answers.yaml" \
	    --set "p=$v" $FAST </dev/null
	output_has "step 's' failed: $(why "$v")" \
	    "vault-import $key '$v': the error names the step and the path"
	after "vault-import $key '$v'" "$(ls "$k"/out/*.log)"
}
for v in "$OUTSIDE/secret" ../outside/secret link; do
	rehearse_key file "$v"
	rehearse_key manifest "$v" "file: x.byok"
done

done_testing
