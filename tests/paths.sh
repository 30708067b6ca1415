#!/bin/sh
# SPDX-License-Identifier: ISC
# paths.sh: paths stay inside their folders.  lint: every step key that
# names a file, given an absolute path or one with "..", and a path
# parameter's default, each reported at line:col.  Run time: a symlink in
# --media that leads out, an absolute path and a ".." path given by --set
# or the answers file: the step fails naming the path and the folder, and
# reads nothing outside.  Directories keyrite writes into: a symlink, a
# group-writable one, and a 0777 one owned by another user (as root) are
# refused with exit 73 and the reason.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

H=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

# one TYPE KEY BAD WITH: a ceremony with one step of TYPE whose KEY is BAD.
one() {
	cat <<YAML
keyrite: 1
id: paths
title: Paths
steps:
  - id: s
    title: S
    action: $1
    with:
      $2: '$3'
$4
YAML
}

lint_bad() {
	type=$1 key=$2 extra=$3
	for bad in /etc/passwd ../../outside; do
		case $bad in /*) why="is absolute" ;; *) why="goes up with '\.\.'" ;; esac
		f=$TAP_TMP/$type-$key.yaml
		one "$type" "$key" "$bad" "$extra" >"$f"
		expect_status 65 "lint: $type $key '$bad'" "$KEYRITE" lint "$f"
		output_has "^$f:9:[0-9]+: $key '$bad' of step 's' $why: paths stay inside their folder" \
		    "lint: $type $key '$bad' at line:col"
	done
}

lint_bad verify-file-hash file "      sha256: $H"
lint_bad import-kek file "      kid: k"
lint_bad backup dest "      what: world"
lint_bad verify-packages kek_package "      world_package: w
      root_hash: $H
      region: NA"
lint_bad verify-packages world_package "      kek_package: k
      root_hash: $H
      region: NA"
lint_bad generate-key kek_file "      type: RSA
      size: 2048
      protect: module
      ident: k1"
lint_bad reduce-acl kek_package "      ident: k1
      world_package: w"
lint_bad reduce-acl world_package "      ident: k1
      kek_package: k"
lint_bad package kek_file "      format: byok
      ident: k1
      output: x.byok
      kid: k"
lint_bad package output "      format: byok
      ident: k1
      kek_file: kek.pem
      kid: k"
lint_bad package kek_package "      format: legacy
      ident: k1
      output: x.byok
      world_package: w
      subscription_id: s
      friendly_name: f"
lint_bad carry-artifact artifact "      from: connected
      to: disconnected"
lint_bad vault-import file ""
lint_bad vault-import manifest "      file: x.byok"

f=$TAP_TMP/param.yaml
cat >"$f" <<'YAML'
keyrite: 1
id: paths
title: Paths
parameters:
  kek_file: {type: path, default: /etc/passwd}
steps:
  - id: s
    title: S
    action: verify-file-hash
    with: {file: '${kek_file}', sha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}
YAML
expect_status 65 "lint: an absolute path parameter default" "$KEYRITE" lint "$f"
output_has "^$f:5:35: default '/etc/passwd' of path parameter 'kek_file' is absolute" \
    "lint: named at line:col"
output_has "^$f:10:18: file of step 's' is '/etc/passwd', a path that is absolute" \
    "lint: the step using it is named too"
f=$TAP_TMP/tmpl.yaml
one verify-file-hash file '../${ceremony.id}' "      sha256: $H" >"$f"
expect_status 65 "lint: '..' before a reference" "$KEYRITE" lint "$f"

# ---- run time ----------------------------------------------------------
D=$TAP_TMP/live
check "setup: an openssl KEK and answers" azure_live "$D"
mkdir -p "$TAP_TMP/outside"
cp "$D/media/kek-public.pem" "$TAP_TMP/outside/kek-public.pem"
ln -s "$TAP_TMP/outside/kek-public.pem" "$D/media/link.pem"
pins "$D/pins" 3 40

run_with() {	# run_with DESC NAME VALUE: kek_file set to VALUE
	expect_status 1 "$1" timeout 120 "$KEYRITE" run "$CER/azure-byok.yaml" \
	    --state "$D/state-$2" --out "$D/out-$2" --media "$D/media" \
	    --batch "$D/answers.yaml" --set "kek_file=$3" --pin-fd 3 3<"$D/pins"
}
run_with "run: a symlink in --media that leads out" link link.pem
output_has "path 'link\.pem' leads out of .*/media through a symlink" \
    "run: the step names the path and the folder"
run_with "run: an absolute path from --set" abs "$TAP_TMP/outside/kek-public.pem"
output_has "path '.*/outside/kek-public\.pem' is absolute: it must stay inside .*/media" \
    "run: the step names the absolute path"
run_with "run: a '..' path from --set" up ../../outside/kek-public.pem
output_has "path '\.\./\.\./outside/kek-public\.pem' goes up with '\.\.'" \
    "run: the step names the '..' path"
sed 's|^  kek_file: .*|  kek_file: ../outside/kek-public.pem|' "$D/answers.yaml" >"$D/up.yaml"
expect_status 1 "run: a '..' path from the answers file" timeout 120 "$KEYRITE" run \
    "$CER/azure-byok.yaml" --state "$D/state-ans" --out "$D/out-ans" \
    --media "$D/media" --batch "$D/up.yaml" --pin-fd 3 3<"$D/pins"
output_has "goes up with '\.\.'" "run: the answers file's path is refused"
if ls "$D"/out-*/*.byok >/dev/null 2>&1; then
	not_ok "no .byok was written by a refused run"
else
	ok "no .byok was written by a refused run"
fi

# ---- directories keyrite writes into -----------------------------------
mkdir -p "$TAP_TMP/real"
ln -s "$TAP_TMP/real" "$TAP_TMP/outlink"
expect_status 73 "--out a symlink" "$KEYRITE" run "$CER/azure-byok.yaml" \
    --state "$D/s2" --out "$TAP_TMP/outlink" --media "$D/media" \
    --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
output_has "outlink: a symlink" "the reason: a symlink"
mkdir -m 0775 "$TAP_TMP/gw"
chmod 0775 "$TAP_TMP/gw"
expect_status 73 "--out writable by its group" "$KEYRITE" run "$CER/azure-byok.yaml" \
    --state "$D/s3" --out "$TAP_TMP/gw" --media "$D/media" \
    --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
output_has "gw: writable by its group \(mode 0775\); fix: chmod go-w" "the reason and the fix"
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$TAP_TMP/other"
	chown nobody "$TAP_TMP/other"
	chmod 0777 "$TAP_TMP/other"
	expect_status 73 "a 0777 --out owned by another user" "$KEYRITE" run \
	    "$CER/azure-byok.yaml" --state "$D/s4" --out "$TAP_TMP/other" \
	    --media "$D/media" --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
	output_has "other: owned by uid [0-9]+, not by you" "the reason: the owner"
	check "nothing was written into it" test -z "$(ls -A "$TAP_TMP/other")"
else
	ok "# SKIP a 0777 --out owned by another user: needs root and a 'nobody' user"
fi

done_testing
