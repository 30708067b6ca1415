#!/bin/sh
# SPDX-License-Identifier: ISC
# audit-media.sh: no chain private key on the carried media.  A sealed
# live run writes its --out folder on a loop-mounted ext4 image; after
# unmounting, tests/audit-keyscan looks through the whole image (every
# 32-byte window of every block in use or freed, and every base64 string)
# for an Ed25519 seed whose public key is in the log, and finds none.  As
# a control, the same scanner finds the live key that a run stopped
# half-way keeps in its state directory.  Root only (mount).
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/batch-lib.sh"

SCAN="$top_builddir/tests/audit-keyscan"
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP needs root to loop-mount an ext4 image"; exit 0
fi
for t in mkfs.ext4 mount umount; do
	command -v $t >/dev/null 2>&1 || { echo "1..0 # SKIP $t is not installed"; exit 0; }
done
IMG=$TAP_TMP/out.img
M=$TAP_TMP/mnt
mkdir -p "$M"
if ! { truncate -s 8M "$IMG" && mkfs.ext4 -q -F "$IMG" >/dev/null 2>&1 &&
    mount -o loop "$IMG" "$M" 2>/dev/null; }; then
	echo "1..0 # SKIP cannot loop-mount an ext4 image here"; exit 0
fi
trap 'umount "$M" 2>/dev/null; rm -rf "$TAP_TMP"' EXIT

D=$TAP_TMP/live
check "setup: an openssl KEK and answers" azure_live "$D"
pins "$D/pins" 3 40
expect_status 0 "a sealed live run with --out on the image" \
    "$KEYRITE" run "$CER/azure-byok.yaml" --state "$D/state" --out "$M/out" \
    --media "$D/media" --batch "$D/answers.yaml" --pin-fd 3 3<"$D/pins"
cp "$M/out/azure-byok.log" "$D/log"
check "unmount the image" umount "$M"
expect_status 0 "no chain private key anywhere in the image" "$SCAN" "$D/log" "$IMG"
output_has ' 0 private keys found' "the scanner says so"
diag "$(cat "$TAP_TMP/out")"
output_has '^[1-9][0-9]* public keys; [1-9][0-9]* blocks' "it scanned the log's keys over the blocks in use"

# Control: the live key of an unfinished run is found where it is kept.
C=$TAP_TMP/ctl
check "control setup" azure_live "$C"
head -n 3 "$D/pins" >"$C/few"
"$KEYRITE" run "$CER/azure-byok.yaml" --state "$C/state" --out "$C/out" \
    --media "$C/media" --batch "$C/answers.yaml" --pin-fd 3 3<"$C/few" >/dev/null 2>&1
cat "$C/state/audit/"*.key >"$C/keys" 2>/dev/null
expect_status 1 "control: the scanner finds the live key in the state directory" \
    "$SCAN" "$C/out/azure-byok.log" "$C/keys"
if ls "$C/out" | grep -q '\.key'; then not_ok "control: no key file in --out"; else ok "control: no key file in --out"; fi
done_testing
