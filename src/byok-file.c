/* SPDX-License-Identifier: ISC */
/*
 * byok-file.c: the .byok JSON file (see byok.h, reference byok-format.md).
 *
 *   {
 *     "schema_version": "1.0.0",
 *     "header": { "kid": "https://V.vault.azure.net/keys/NAME/VERSION",
 *                 "alg": "dir", "enc": "CKM_RSA_AES_KEY_WRAP" },
 *     "ciphertext": "<base64url of C1 || C2>",
 *     "generator": "keyrite 0.1.0; software module"
 *   }
 *
 * We write the ciphertext without '=' padding and accept it when reading.
 * The parser is strict and does no I/O: size limit first, then a JSON
 * object with exactly these members (generator optional), each of the
 * right type, size and alphabet; the kid must look like a versioned key
 * identifier; the ciphertext must decode to a length CKM_RSA_AES_KEY_WRAP
 * can produce (at least 256 + 16 bytes, a multiple of 8).  Errors are
 * KR_EDATA "NAME: what is wrong".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "byok.h"
#include "codec.h"
#include "err.h"
#include "sjson.h"

#define BYOK_SCHEMA	"1.0.0"
#define BYOK_ALG	"dir"
#define BYOK_ENC	"CKM_RSA_AES_KEY_WRAP"
#define BYOK_MIN_CT	(256 + 16)	/* RSA-2048 C1 and the smallest C2 */

static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/*
 * "https://HOST/keys/NAME/VERSION": HOST of letters, digits, dots, dashes
 * and an optional :port; NAME of letters, digits and dashes; VERSION of
 * letters and digits.
 */
static int
kid_valid(const char *kid)
{
	const char *p, *host, *slash;
	size_t n;

	if (strncmp(kid, "https://", 8) != 0)
		return 0;
	host = kid + 8;
	if ((slash = strchr(host, '/')) == NULL || slash == host)
		return 0;
	for (p = host; p < slash; p++)
		if (!name_char((unsigned char)*p) && *p != '.' && *p != ':')
			return 0;
	if (strncmp(slash, "/keys/", 6) != 0)
		return 0;
	p = slash + 6;
	for (n = 0; name_char((unsigned char)p[n]); n++)
		;
	if (n == 0 || n > 127 || p[n] != '/')
		return 0;
	p += n + 1;
	for (n = 0; name_char((unsigned char)p[n]) && p[n] != '-'; n++)
		;
	return n > 0 && n <= 64 && p[n] == '\0';
}

int
byok_file_format(const char *kid, const uint8_t *ct, size_t ctlen,
    const char *generator, char **json, size_t *len, struct kr_err *e)
{
	json_t *o;
	char *b64;
	size_t b64sz, i;
	int r;

	*json = NULL;
	if (kid == NULL || strlen(kid) >= BYOK_KID_MAX || !kid_valid(kid))
		return kr_errf(e, KR_EUSAGE, "byok: the kid is not a versioned "
		    "key identifier (https://HOST/keys/NAME/VERSION)");
	if (generator == NULL)
		generator = "keyrite " PACKAGE_VERSION;
	if (strlen(generator) >= sizeof(((struct byok_file *)0)->generator))
		return kr_errf(e, KR_EUSAGE, "byok: generator text too long");
	for (i = 0; generator[i] != '\0'; i++)
		if ((unsigned char)generator[i] < 0x20 || generator[i] == 0x7f)
			return kr_errf(e, KR_EUSAGE, "byok: generator text "
			    "holds a control character");
	if (ct == NULL || ctlen < BYOK_MIN_CT || ctlen % 8 != 0 ||
	    ctlen > BYOK_MAX_FILE / 2)
		return kr_errf(e, KR_EUSAGE, "byok: a ciphertext of %zu bytes "
		    "is not CKM_RSA_AES_KEY_WRAP", ctlen);
	b64sz = kr_b64_encoded_size(ctlen);
	if ((b64 = malloc(b64sz)) == NULL)
		return kr_errf(e, KR_ENOMEM, "byok: out of memory");
	kr_b64url_encode(ct, ctlen, b64, b64sz);
	/* The members in the order the format shows them. */
	if ((o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s}",
	    "schema_version", BYOK_SCHEMA,
	    "header", "kid", kid, "alg", BYOK_ALG, "enc", BYOK_ENC,
	    "ciphertext", b64, "generator", generator)) == NULL ||
	    sjson_text(o, JSON_INDENT(2) | JSON_ENSURE_ASCII, 1, json,
	    len) != 0)
		r = kr_errf(e, KR_ENOMEM, "byok: out of memory");
	else
		r = 0;
	free(b64);
	json_decref(o);
	return r;
}

/* A string member that must equal want exactly. */
static int
expect_str(const char *name, json_t *obj, const char *where, const char *key,
    const char *want, struct kr_err *e)
{
	const char *s;
	char ex[48];
	int r;

	if ((r = sjson_str(name, obj, key, 64, 0, &s, e)) != 0)
		return kr_errf(e, r, "%s: %s%s is missing, not a string or "
		    "not ASCII", name, where, key);
	if (strcmp(s, want) != 0) {
		sjson_excerpt(s, ex, sizeof(ex));
		return kr_errf(e, KR_EDATA, "%s: %s%s is \"%s\", expected \"%s\"",
		    name, where, key, ex, want);
	}
	return 0;
}

int
byok_file_parse(const char *name, const char *buf, size_t len,
    struct byok_file *out, struct kr_err *e)
{
	static const char *const top[] = { "schema_version", "header",
	    "ciphertext", "generator", NULL };
	static const char *const hdr[] = { "kid", "alg", "enc", NULL };
	json_t *o = NULL, *h, *v;
	const char *kid, *gen, *b64;
	uint8_t *ct = NULL;
	size_t b64len, ctsz, ctlen = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = sjson_load(name, buf, len, BYOK_MAX_FILE, &o, e)) != 0)
		return r;
	if ((r = sjson_only(name, NULL, o, top, e)) != 0)
		goto out;
	if ((r = expect_str(name, o, "", "schema_version", BYOK_SCHEMA, e)) != 0)
		goto out;
	if (!json_is_object(h = json_object_get(o, "header"))) {
		r = kr_errf(e, KR_EDATA, "%s: header is missing or not an object",
		    name);
		goto out;
	}
	if ((r = sjson_only(name, "header", h, hdr, e)) != 0)
		goto out;
	if ((r = sjson_str(name, h, "kid", BYOK_KID_MAX - 1, 0, &kid, e)) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: header.kid is missing, too long "
		    "or not printable ASCII", name);
		goto out;
	}
	if (!kid_valid(kid)) {
		r = kr_errf(e, KR_EDATA, "%s: header.kid is not a versioned key "
		    "identifier (https://HOST/keys/NAME/VERSION)", name);
		goto out;
	}
	if ((r = expect_str(name, h, "header.", "alg", BYOK_ALG, e)) != 0 ||
	    (r = expect_str(name, h, "header.", "enc", BYOK_ENC, e)) != 0)
		goto out;
	if ((v = json_object_get(o, "generator")) != NULL) {
		if ((r = sjson_str(name, o, "generator",
		    sizeof(out->generator) - 1, 1, &gen, e)) != 0)
			goto out;
		snprintf(out->generator, sizeof(out->generator), "%s", gen);
	}
	v = json_object_get(o, "ciphertext");
	if (!json_is_string(v) || (b64len = json_string_length(v)) == 0) {
		r = kr_errf(e, KR_EDATA, "%s: ciphertext is missing, empty or "
		    "not a string", name);
		goto out;
	}
	b64 = json_string_value(v);
	ctsz = b64len / 4 * 3 + 3;
	if ((ct = malloc(ctsz)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	if (strlen(b64) != b64len ||
	    kr_b64url_decode(b64, b64len, ct, ctsz, &ctlen) != 0) {
		r = kr_errf(e, KR_EDATA, "%s: ciphertext is not base64url", name);
		goto out;
	}
	if (ctlen < BYOK_MIN_CT || ctlen % 8 != 0) {
		r = kr_errf(e, KR_EDATA, "%s: ciphertext of %zu bytes cannot be "
		    "CKM_RSA_AES_KEY_WRAP (at least %d bytes, a multiple of 8)",
		    name, ctlen, BYOK_MIN_CT);
		goto out;
	}
	snprintf(out->kid, sizeof(out->kid), "%s", kid);
	out->ct = ct;
	out->ctlen = ctlen;
	ct = NULL;
	r = 0;
out:
	free(ct);
	json_decref(o);
	if (r != 0)
		memset(out, 0, sizeof(*out));
	return r;
}

void
byok_file_free(struct byok_file *f)
{
	if (f == NULL)
		return;
	free(f->ct);
	memset(f, 0, sizeof(*f));
}
