/* SPDX-License-Identifier: ISC */
/*
 * codec.c: hex and base64 codecs and SHA-256 helpers.  Strict decoders:
 * canonical input only, so that a value has exactly one spelling.
 */
#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "codec.h"
#include "err.h"

static const char hexdig[] = "0123456789abcdef";
static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
kr_hex_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	size_t i;

	if (outsz < 2 * len + 1)
		return KR_EUSAGE;
	for (i = 0; i < len; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return (int)(2 * len);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
kr_hex_decode(const char *in, uint8_t *out, size_t outsz, size_t *decoded)
{
	size_t len = strlen(in), i;
	int hi, lo;

	if (len % 2 != 0)
		return KR_EDATA;
	if (decoded == NULL ? len / 2 != outsz : len / 2 > outsz)
		return KR_EDATA;
	for (i = 0; i < len / 2; i++) {
		if ((hi = hexval((unsigned char)in[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)in[2 * i + 1])) < 0)
			return KR_EDATA;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (decoded != NULL)
		*decoded = len / 2;
	return 0;
}

size_t
kr_b64_encoded_size(size_t len)
{
	return 4 * ((len + 2) / 3) + 1;
}

static int
b64_encode(const char *alpha, int pad, const uint8_t *in, size_t len,
    char *out, size_t outsz)
{
	size_t i, o = 0;
	uint32_t v;

	if (outsz < kr_b64_encoded_size(len))
		return KR_EUSAGE;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		out[o++] = alpha[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		if (pad) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		if (pad)
			out[o++] = '=';
	}
	out[o] = '\0';
	return (int)o;
}

int
kr_b64_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	return b64_encode(b64std, 1, in, len, out, outsz);
}

int
kr_b64url_encode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	return b64_encode(b64url, 0, in, len, out, outsz);
}

static int
b64val(const char *alpha, int c)
{
	const char *p;

	if (c == '\0' || (p = strchr(alpha, c)) == NULL)
		return -1;
	return (int)(p - alpha);
}

/*
 * Decodes len characters (padding already stripped) of the given alphabet.
 * Rejects a length of 1 mod 4 and non-zero trailing bits (non-canonical).
 */
static int
b64_decode(const char *alpha, const char *in, size_t len, uint8_t *out,
    size_t outsz, size_t *decoded)
{
	size_t i, o = 0, need;
	uint32_t v = 0;
	int bits = 0, d;

	if (len % 4 == 1)
		return KR_EDATA;
	need = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
	if (need > outsz)
		return KR_EDATA;
	for (i = 0; i < len; i++) {
		if ((d = b64val(alpha, (unsigned char)in[i])) < 0)
			return KR_EDATA;
		v = (v << 6 | (uint32_t)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(v >> bits);
		}
	}
	if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
		return KR_EDATA;
	*decoded = o;
	return 0;
}

int
kr_b64_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz,
    size_t *decoded)
{
	size_t len = inlen;

	if (inlen % 4 != 0)
		return KR_EDATA;
	if (len > 0 && in[len - 1] == '=')
		len--;
	if (len > 0 && in[len - 1] == '=')
		len--;
	if (memchr(in, '=', len) != NULL)
		return KR_EDATA;
	return b64_decode(b64std, in, len, out, outsz, decoded);
}

int
kr_b64url_decode(const char *in, size_t inlen, uint8_t *out, size_t outsz,
    size_t *decoded)
{
	size_t len = inlen;

	if (len > 0 && in[len - 1] == '=') {
		if (inlen % 4 != 0)
			return KR_EDATA;
		len--;
		if (len > 0 && in[len - 1] == '=')
			len--;
	}
	if (memchr(in, '=', len) != NULL)
		return KR_EDATA;
	return b64_decode(b64url, in, len, out, outsz, decoded);
}

int
kr_sha256(const void *in, size_t len, uint8_t out[KR_SHA256_LEN])
{
	if (EVP_Digest(in, len, out, NULL, EVP_sha256(), NULL) != 1)
		return KR_ECRYPTO;
	return 0;
}

int
kr_sha256_hex(const void *in, size_t len, char out[KR_SHA256_HEX_LEN + 1])
{
	uint8_t md[KR_SHA256_LEN];
	int r;

	if ((r = kr_sha256(in, len, md)) != 0)
		return r;
	kr_hex_encode(md, sizeof(md), out, KR_SHA256_HEX_LEN + 1);
	return 0;
}

int
kr_hex_group(const char *hex, size_t group, int upper, char *out, size_t outsz)
{
	size_t len = strlen(hex), i, o = 0;

	if (group == 0)
		return KR_EUSAGE;
	if (outsz < len + (len + group - 1) / group)
		return KR_EUSAGE;
	for (i = 0; i < len; i++) {
		if (i > 0 && i % group == 0)
			out[o++] = ' ';
		out[o++] = upper ? (char)toupper((unsigned char)hex[i]) :
		    (char)tolower((unsigned char)hex[i]);
	}
	out[o] = '\0';
	return (int)o;
}
