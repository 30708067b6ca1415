#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-softhsm.sh: the conforming PKCS#11 token for the tests: SoftHSM
# 2.6.1 from Debian's source tarball with our patch
# (tests/pkcs11/softhsm-kwp.patch): CKM_AES_KEY_WRAP_PAD as RFC 5649, the
# fix upstream made after 2.6.1 in commit f94aaff; and, ours alone,
# C_WrapKey with CKM_RSA_PKCS_OAEP taking SHA-256 with MGF1-SHA-256 (what
# the key import services' SHA-256 profiles need; 2.6.1 takes SHA-1 only),
# built once and cached
# under $KEYRITE_SOFTHSM_CACHE (default $HOME/.cache/keyrite-softhsm) in a
# directory named after the patch's hash, so that make check, distcheck
# and the sanitizer build of one CI run share one build.
#
# Prints the module's path and exits 0, or prints why it cannot and exits
# 77.  Several tests may call it at once: a lock makes one of them build.
# The tarball comes from $KEYRITE_SOFTHSM_SRC when set, else the cache,
# else `apt-get source --download-only softhsm2' (needs a deb-src entry
# for bookworm); its SHA-256 must be Debian's.
set -u
: "${top_srcdir:=.}"
TARBALL=softhsm2_2.6.1.orig.tar.gz
SHA256=ac9ac1e3f4402f88bf3e626a18f070f8031c031947ed469c6e17482495ec72b6
PATCH=$top_srcdir/tests/pkcs11/softhsm-kwp.patch

skip() { echo "$*"; exit 77; }

[ -r "$PATCH" ] || skip "no $PATCH"
PATCH=$(cd "$(dirname "$PATCH")" && pwd)/$(basename "$PATCH")
tag=$(cat "$PATCH" | sha256sum | cut -c1-16)
base=${KEYRITE_SOFTHSM_CACHE:-${HOME:-/nonexistent}/.cache/keyrite-softhsm}
dir=$base/$tag
lib=$dir/libsofthsm2.so
if [ -f "$lib" ]; then echo "$lib"; exit 0; fi
mkdir -p "$base" 2>/dev/null || skip "cannot create $base"
for tool in flock g++ make patch sha256sum tar; do
	command -v "$tool" >/dev/null 2>&1 || skip "no $tool to build SoftHSM"
done
exec 9>"$base/lock" || skip "cannot lock $base"
flock 9
if [ -f "$lib" ]; then echo "$lib"; exit 0; fi

work=$(mktemp -d "$base/build.XXXXXX") || skip "cannot make a build directory"
trap 'rm -rf "$work"' EXIT
src=${KEYRITE_SOFTHSM_SRC:-$base/$TARBALL}
if [ ! -f "$src" ]; then
	command -v apt-get >/dev/null 2>&1 || skip "no $TARBALL and no apt-get"
	( cd "$work" && apt-get source --download-only softhsm2 >apt.log 2>&1 )
	[ -f "$work/$TARBALL" ] ||
		skip "apt-get source softhsm2 gave no $TARBALL (a deb-src entry for bookworm is needed)"
	src=$work/$TARBALL
fi
echo "$SHA256  $src" | sha256sum -c --status ||
	skip "$src: SHA-256 is not Debian's 2.6.1 tarball's"
if [ "$src" != "$base/$TARBALL" ]; then
	cp "$src" "$base/$TARBALL.tmp" && mv "$base/$TARBALL.tmp" "$base/$TARBALL" ||
		skip "cannot keep $TARBALL in $base"
fi

start=$(date +%s)
# (not set -e: it is ignored in a subshell on the left of ||)
(
	cd "$work" &&
	tar xzf "$base/$TARBALL" &&
	cd softhsm2-2.6.1 &&
	patch -s -p1 <"$PATCH" &&
	grep -q 'upstream commit f94aaff' src/lib/SoftHSM.cpp &&
	./configure --quiet --with-crypto-backend=openssl --disable-gost \
		--disable-p11-kit --with-objectstore-backend-db=no \
		CXXFLAGS="-O1 -g0 -w" &&
	make -s -C src/lib -j2
) >"$work/build.log" 2>&1 || {
	tail -20 "$work/build.log" >&2
	skip "SoftHSM 2.6.1 with the KWP patch did not build (see above)"
}
mkdir -p "$dir.tmp" && cp "$work/softhsm2-2.6.1/src/lib/.libs/libsofthsm2.so" "$dir.tmp/" &&
	echo "built in $(( $(date +%s) - start )) s" >"$dir.tmp/build-time" &&
	rm -rf "$dir" && mv "$dir.tmp" "$dir" || skip "cannot store the build in $dir"
echo "$lib"
