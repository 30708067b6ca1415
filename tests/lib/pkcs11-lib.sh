# SPDX-License-Identifier: ISC
# pkcs11-lib.sh: sourced by the PKCS#11 tests after tap.sh.  Finds the
# conforming token (tests/pkcs11-softhsm.sh builds it once and caches it)
# and the stock Debian SoftHSM, and makes a token directory of this test's
# own.  Skips the whole test, saying why, when there is no conforming token.
#   P11_LIB     the conforming module (SoftHSM 2.6.1 with our patch)
#   $TAP_TMP/twostep.conf  its configuration without CKM_RSA_AES_KEY_WRAP
#   P11_STOCK   Debian's SoftHSM 2.6.1 module, or "" when not installed
#   p11_init LABEL [MODULE]   initialises the first free token (SO PIN and user PIN of
#                             this test's own: test tokens only)
#   p11_world_pad FILE check|flip   (python3) a world file's checksum
#                             recomputed the engine's way; flip sets pin_pad,
#                             as a token with a PIN pad would have had it
: "${P11_STOCK:=/usr/lib/softhsm/libsofthsm2.so}"
[ -f "$P11_STOCK" ] || P11_STOCK=

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

command -v pkcs11-tool >/dev/null 2>&1 || skip_all "no pkcs11-tool (Debian package opensc)"
P11_LIB=$(sh "$top_srcdir/tests/pkcs11-softhsm.sh" 2>"$TAP_TMP/softhsm.err")
case $? in
0) ;;
*) skip_all "no conforming token: $(echo "$P11_LIB" | tail -1)" ;;
esac

mkdir -p "$TAP_TMP/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$TAP_TMP/tokens" >"$TAP_TMP/softhsm2.conf"
SOFTHSM2_CONF=$TAP_TMP/softhsm2.conf
export SOFTHSM2_CONF
# the same token without CKM_RSA_AES_KEY_WRAP: keyrite packages in two steps
{ cat "$SOFTHSM2_CONF"; echo 'slots.mechanisms = -,CKM_RSA_AES_KEY_WRAP'; } \
	>"$TAP_TMP/twostep.conf"

p11_init() {
	_free=$(pkcs11-tool --module "${2:-$P11_LIB}" -L 2>/dev/null | awk '
		/^Slot [0-9]+ / { i = $2 } /uninitialized/ { print i; exit }')
	pkcs11-tool --module "${2:-$P11_LIB}" --init-token --label "$1" \
		${_free:+--slot-index "$_free"} --so-pin 87654321 >/dev/null 2>&1 &&
	pkcs11-tool --module "${2:-$P11_LIB}" --token-label "$1" --init-pin \
		--login --so-pin 87654321 --pin 123456 >/dev/null 2>&1
}

# the world file's checksum ("sum": SHA-256 of its canonical JSON without
# it: sorted keys, no spaces) recomputed, as the engine writes it
p11_world_pad() {
	python3 - "$1" "$2" <<'EOP'
import hashlib, json, sys
path, flip = sys.argv[1], sys.argv[2] == "flip"
raw = open(path).read()
w = json.loads(raw)
canon = lambda o: json.dumps(o, sort_keys=True, separators=(",", ":"))
body = {k: v for k, v in w.items() if k != "sum"}
if hashlib.sha256(canon(body).encode()).hexdigest() != w["sum"] or canon(w) + "\n" != raw:
    sys.exit("the checksum is not recomputed the engine's way")
if flip:
    body["pin_pad"] = True
    w = dict(body, sum=hashlib.sha256(canon(body).encode()).hexdigest())
    open(path, "w").write(canon(w) + "\n")
EOP
}
