#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11-status.sh: 'keyrite module status --token URI' on the conforming
# token (packaging passes the RFC 5649 known answers and the test wrap) and
# on Debian's stock SoftHSM 2.6.1 (refused, naming the mechanism and the
# failure); URIs with a slot, a PIN, an object or an unknown attribute
# refused by name; no token, no module.
. "${top_srcdir:-.}/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pkcs11-lib.sh"

check "a test token is initialised" p11_init kr-status
URI="pkcs11:token=kr-status?module-path=$P11_LIB"

expect_status 0 "module status --token (the conforming token)" \
	"$KEYRITE" module status --token "$URI"
output_has '^Token \(pkcs11\)$' "a token block"
output_has "^ module +$P11_LIB\$" "the module"
output_has '^ label +kr-status$' "the label"
output_has '^ serial +[0-9a-f]{16}$' "the serial"
output_has '^ flags +initialized user-pin-initialized login-required' "the flags"
output_has '^ key wrap +CKM_RSA_AES_KEY_WRAP \(0x1054\)$' \
	"the key wrap mechanism: one call (our patched SoftHSM offers it)"
output_has '^ check +passed: a test wrap in one call checked in software \(OAEP, then RFC 5649\)$' \
	"packaging allowed"
expect_status 0 "module status on the same token without CKM_RSA_AES_KEY_WRAP" \
	env SOFTHSM2_CONF="$TAP_TMP/twostep.conf" "$KEYRITE" module status --token "$URI"
output_has '^ key wrap +CKM_AES_KEY_WRAP_PAD \(0x210a\)$' "the two steps' key wrap mechanism"
output_has '^ check +passed: RFC 5649 known answers and a test wrap checked in software$' \
	"packaging allowed in two steps"
output_has '^ CKM_RSA_PKCS_OAEP +[0-9]+ +[0-9]+ +wrap unwrap' "the mechanisms"
output_has '^No keyrite objects visible' "no keyrite objects yet"

if [ -n "$P11_STOCK" ]; then
	expect_status 0 "module status on Debian's stock SoftHSM 2.6.1" \
		"$KEYRITE" module status --token "pkcs11:token=kr-status?module-path=$P11_STOCK"
	output_has '^ check +refused: CKM_AES_KEY_WRAP_PAD \(0x210a\) fails RFC 5649 known answer 1 \(a 20-byte key\)' \
		"refused for packaging with the KWP message"
else
	ok "# SKIP Debian's softhsm2 is not installed"
	ok "# SKIP Debian's softhsm2 is not installed"
fi

# tokens without OAEP or without key wrap with padding (SoftHSM's
# slots.mechanisms takes mechanisms out of its list)
without() {
	sed '/^slots.mechanisms/d' "$TAP_TMP/softhsm2.conf" >"$TAP_TMP/without.conf"
	echo "slots.mechanisms = -,$1" >>"$TAP_TMP/without.conf"
	expect_status 0 "module status on a token without $1" \
		env SOFTHSM2_CONF="$TAP_TMP/without.conf" "$KEYRITE" module status --token "$URI"
}
without CKM_RSA_AES_KEY_WRAP,CKM_RSA_PKCS_OAEP
output_has '^ check +refused: the token does not offer CKM_RSA_PKCS_OAEP \(0x9\) for wrapping$' \
	"refused for packaging: no OAEP"
without CKM_RSA_AES_KEY_WRAP,CKM_AES_KEY_WRAP_PAD
output_has '^ check +refused: the token offers neither CKM_RSA_AES_KEY_WRAP \(0x1054\) for wrapping nor CKM_AES_KEY_WRAP_KWP \(0x210b\) or CKM_AES_KEY_WRAP_PAD \(0x210a\)' \
	"refused for packaging: no key wrap with padding"

# URIs: named refusals (64), and nothing matched (66)
refused() {
	expect_status 64 "$1" "$KEYRITE" module status --token "$2"
	output_has "$3" "$1: says why"
}
refused "an embedded PIN" "pkcs11:token=kr-status?module-path=$P11_LIB&pin-value=123456" \
	"'pin-value': an embedded PIN is refused"
refused "a PIN source" "pkcs11:token=kr-status?pin-source=file:/etc/pin&module-path=$P11_LIB" \
	"'pin-source': an embedded PIN is refused"
refused "a slot id" "pkcs11:token=kr-status;slot-id=0?module-path=$P11_LIB" \
	"'slot-id': slots are not used"
refused "an object" "pkcs11:token=kr-status;object=foo?module-path=$P11_LIB" \
	"'object': names an object"
refused "an unknown attribute" "pkcs11:token=kr-status;colour=blue?module-path=$P11_LIB" \
	"'colour': unknown attribute"
refused "an unknown query attribute" "pkcs11:token=kr-status?module-path=$P11_LIB&x-y=1" \
	"'x-y': unknown query attribute"
refused "no module-path" "pkcs11:token=kr-status" "needs \\?module-path="
refused "a relative module-path" "pkcs11:token=kr-status?module-path=libsofthsm2.so" \
	"needs \\?module-path="
refused "not a pkcs11 URI" "token=kr-status" "does not start with 'pkcs11:'"
expect_status 66 "no token with that label" \
	"$KEYRITE" module status --token "pkcs11:token=nosuch?module-path=$P11_LIB"
output_has 'no initialised token matches pkcs11:token=nosuch' "names the URI"
expect_status 66 "no such module" \
	"$KEYRITE" module status --token "pkcs11:token=x?module-path=$TAP_TMP/none.so"
output_has "$TAP_TMP/none.so: cannot load the PKCS#11 module" "names the module"
done_testing
