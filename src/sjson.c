/* SPDX-License-Identifier: ISC */
/*
 * sjson.c: signed JSON statements and strict field readers (see sjson.h).
 * Invariant: nothing read from an untrusted buffer is used before its type,
 * its size and its alphabet have been checked here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "codec.h"
#include "err.h"
#include "fsutil.h"
#include "keyio.h"
#include "sjson.h"

#define SJSON_CANON_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)
#define SJSON_MAX_SIG	2048	/* RSA-16384 would be 2048 bytes */

void
sjson_excerpt(const char *s, char *out, size_t outsz)
{
	size_t i, o = 0, max = 40;

	if (outsz == 0)
		return;
	for (i = 0; s[i] != '\0' && i < max && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (s[i] != '\0' && o + 3 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

int
sjson_load(const char *name, const char *buf, size_t len, size_t max,
    json_t **out, struct kr_err *e)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (len > max)
		return kr_errf(e, KR_EDATA, "%s: too large (%zu bytes, limit %zu)",
		    name, len, max);
	if (len == 0)
		return kr_errf(e, KR_EDATA, "%s: empty", name);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return kr_errf(e, KR_EDATA, "%s: starts with a byte order mark",
		    name);
	if (memchr(buf, '\0', len) != NULL)
		return kr_errf(e, KR_EDATA, "%s: contains a NUL byte", name);
	if ((v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return kr_errf(e, KR_EDATA, "%s: line %d, column %d: %s", name,
		    jerr.line, jerr.column, jerr.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return kr_errf(e, KR_EDATA, "%s: not a JSON object", name);
	}
	*out = v;
	return 0;
}

/* The canonical form of v; *out is malloc'd (free()). */
static int
sjson_canonical(const json_t *v, char **out, size_t *len)
{
	return sjson_canonical_without(v, 1, NULL, NULL, out, len);
}

int
sjson_canonical_without(const json_t *v, int ascii, const char *drop1,
    const char *drop2, char **out, size_t *len)
{
	json_t *copy = NULL;
	size_t flags = ascii ? SJSON_CANON_FLAGS :
	    (JSON_COMPACT | JSON_SORT_KEYS);

	*out = NULL;
	if (drop1 != NULL || drop2 != NULL) {
		if ((copy = json_copy((json_t *)(uintptr_t)v)) == NULL)
			return KR_ENOMEM;
		if (drop1 != NULL)
			json_object_del(copy, drop1);
		if (drop2 != NULL)
			json_object_del(copy, drop2);
		v = copy;
	}
	*out = json_dumps(v, flags);
	json_decref(copy);
	if (*out == NULL)
		return KR_ENOMEM;
	*len = strlen(*out);
	return 0;
}

int
sjson_sign(json_t *body, EVP_PKEY *key, json_t **out, struct kr_err *e)
{
	char *canon = NULL, *b64 = NULL;
	uint8_t *sig = NULL;
	size_t clen = 0, siglen = 0, b64sz;
	json_t *o = NULL;
	int r;

	*out = NULL;
	if ((r = sjson_canonical(body, &canon, &clen)) != 0) {
		kr_errf(e, r, "cannot serialise a statement");
		goto out;
	}
	if ((r = keyio_sign(key, canon, clen, &sig, &siglen, e)) != 0)
		goto out;
	b64sz = kr_b64_encoded_size(siglen);
	if ((b64 = malloc(b64sz)) == NULL) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	kr_b64_encode(sig, siglen, b64, b64sz);
	if ((o = json_object()) == NULL ||
	    json_object_set(o, "body", body) != 0 ||
	    json_object_set_new(o, "signature", json_string(b64)) != 0) {
		r = kr_errf(e, KR_ENOMEM, "out of memory");
		goto out;
	}
	*out = o;
	o = NULL;
	r = 0;
out:
	json_decref(o);
	free(canon);
	free(sig);
	free(b64);
	return r;
}

int
sjson_open(const char *name, json_t *obj, json_t **body, struct kr_err *e)
{
	static const char *const allowed[] = { "body", "signature", NULL };
	json_t *b, *s;
	int r;

	*body = NULL;
	if (!json_is_object(obj))
		return kr_errf(e, KR_EDATA, "%s: not a signed statement", name);
	if ((r = sjson_only(name, NULL, obj, allowed, e)) != 0)
		return r;
	b = json_object_get(obj, "body");
	s = json_object_get(obj, "signature");
	if (!json_is_object(b))
		return kr_errf(e, KR_EDATA, "%s: 'body' is missing or not an "
		    "object", name);
	if (!json_is_string(s) || json_string_length(s) == 0 ||
	    json_string_length(s) > kr_b64_encoded_size(SJSON_MAX_SIG))
		return kr_errf(e, KR_EDATA, "%s: 'signature' is missing or not "
		    "a signature", name);
	*body = b;
	return 0;
}

int
sjson_verify(json_t *obj, EVP_PKEY *key)
{
	uint8_t sig[SJSON_MAX_SIG];
	json_t *b, *s;
	char *canon = NULL;
	size_t clen = 0, siglen = 0;
	int r = KR_EFAIL;

	b = json_object_get(obj, "body");
	s = json_object_get(obj, "signature");
	if (!json_is_object(b) || !json_is_string(s))
		return KR_EFAIL;
	if (kr_b64_decode(json_string_value(s), json_string_length(s), sig,
	    sizeof(sig), &siglen) != 0 || siglen == 0)
		return KR_EFAIL;
	if (sjson_canonical(b, &canon, &clen) != 0)
		return KR_EFAIL;
	r = keyio_verify(key, canon, clen, sig, siglen);
	free(canon);
	return r;
}

int
sjson_only(const char *name, const char *where, json_t *obj,
    const char *const *allowed, struct kr_err *e)
{
	const char *key, *const *a;
	json_t *v;
	char ex[48];

	json_object_foreach(obj, key, v) {
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL) {
			sjson_excerpt(key, ex, sizeof(ex));
			return kr_errf(e, KR_EDATA, "%s: unknown member '%s'%s%s",
			    name, ex, where != NULL ? " in " : "",
			    where != NULL ? where : "");
		}
	}
	return 0;
}

int
sjson_str(const char *name, json_t *obj, const char *key, size_t max,
    int utf8, const char **out, struct kr_err *e)
{
	return sjson_str_ex(name, obj, key, max, utf8, 0, out, e);
}

int
sjson_str_ex(const char *name, json_t *obj, const char *key, size_t max,
    int utf8, int empty_ok, const char **out, struct kr_err *e)
{
	json_t *v = json_object_get(obj, key);
	const char *s;
	size_t len, i;

	*out = NULL;
	if (v == NULL)
		return kr_errf(e, KR_EDATA, "%s: '%s' is missing", name, key);
	if (!json_is_string(v))
		return kr_errf(e, KR_EDATA, "%s: '%s' is not a string", name, key);
	s = json_string_value(v);
	len = json_string_length(v);
	if ((len == 0 && !empty_ok) || len != strlen(s))
		return kr_errf(e, KR_EDATA, "%s: '%s' is empty", name, key);
	if (len > max)
		return kr_errf(e, KR_EDATA, "%s: '%s' is too long (%zu bytes, "
		    "limit %zu)", name, key, len, max);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || (!utf8 && c > 0x7e))
			return kr_errf(e, KR_EDATA, "%s: '%s' holds a character "
			    "that is not allowed", name, key);
	}
	*out = s;
	return 0;
}

int
sjson_hex64(const char *name, json_t *obj, const char *key,
    const char **out, struct kr_err *e)
{
	const char *s;
	size_t i;
	int r;

	if ((r = sjson_str(name, obj, key, 64, 0, &s, e)) != 0)
		return r;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			break;
	if (i != 64 || s[i] != '\0')
		return kr_errf(e, KR_EDATA, "%s: '%s' is not 64 lowercase hex "
		    "digits", name, key);
	*out = s;
	return 0;
}

int
sjson_b64(const char *name, json_t *obj, const char *key, size_t max,
    uint8_t **out, size_t *len, struct kr_err *e)
{
	const char *s;
	uint8_t *buf;
	size_t n = 0;
	int r;

	*out = NULL;
	if ((r = sjson_str(name, obj, key, kr_b64_encoded_size(max), 0, &s,
	    e)) != 0)
		return r;
	if ((buf = malloc(max)) == NULL)
		return kr_errf(e, KR_ENOMEM, "out of memory");
	if (kr_b64_decode(s, strlen(s), buf, max, &n) != 0 || n == 0) {
		free(buf);
		return kr_errf(e, KR_EDATA, "%s: '%s' is not base64", name, key);
	}
	*out = buf;
	*len = n;
	return 0;
}

int
sjson_pubkey(const char *name, json_t *obj, const char *key, EVP_PKEY **out,
    struct kr_err *e)
{
	uint8_t *der = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = sjson_b64(name, obj, key, KEYIO_MAX_SPKI, &der, &len, e)) != 0)
		return r;
	if (keyio_spki_parse(der, len, out) != 0)
		r = kr_errf(e, KR_EDATA, "%s: '%s' is not a public key "
		    "(DER SubjectPublicKeyInfo)", name, key);
	free(der);
	return r;
}

int
sjson_bool(const char *name, json_t *obj, const char *key, int *out,
    struct kr_err *e)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL)
		return kr_errf(e, KR_EDATA, "%s: '%s' is missing", name, key);
	if (!json_is_boolean(v))
		return kr_errf(e, KR_EDATA, "%s: '%s' is not true or false",
		    name, key);
	*out = json_is_true(v);
	return 0;
}

int
sjson_int(const char *name, json_t *obj, const char *key, long long min,
    long long max, long long *out, struct kr_err *e)
{
	json_t *v = json_object_get(obj, key);
	long long n;

	if (v == NULL)
		return kr_errf(e, KR_EDATA, "%s: '%s' is missing", name, key);
	if (!json_is_integer(v))
		return kr_errf(e, KR_EDATA, "%s: '%s' is not an integer", name,
		    key);
	n = (long long)json_integer_value(v);
	if (n < min || n > max)
		return kr_errf(e, KR_EDATA, "%s: '%s' is out of range (%lld..%lld)",
		    name, key, min, max);
	*out = n;
	return 0;
}

json_t *
sjson_pubkey_value(EVP_PKEY *pk)
{
	uint8_t *der = NULL;
	size_t len = 0, sz;
	char *b64;
	json_t *v = NULL;

	if (keyio_spki_der(pk, &der, &len, NULL) != 0)
		return NULL;
	sz = kr_b64_encoded_size(len);
	if ((b64 = malloc(sz)) != NULL) {
		kr_b64_encode(der, len, b64, sz);
		v = json_string(b64);
		free(b64);
	}
	free(der);
	return v;
}

int
sjson_text(const json_t *v, size_t flags, int nl, char **out, size_t *len)
{
	char *s, *p;
	size_t n;

	*out = NULL;
	*len = 0;
	if ((s = json_dumps(v, flags)) == NULL)
		return KR_ENOMEM;
	n = strlen(s);
	if (nl) {
		if ((p = realloc(s, n + 2)) == NULL) {
			free(s);
			return KR_ENOMEM;
		}
		s = p;
		s[n++] = '\n';
		s[n] = '\0';
	}
	*out = s;
	*len = n;
	return 0;
}

int
sjson_write(const char *path, const json_t *v, size_t flags,
    struct kr_err *e)
{
	char *s;
	size_t n;
	int r;

	if (sjson_text(v, flags, 0, &s, &n) != 0)
		return kr_errf(e, KR_ENOMEM, "%s: out of memory", path);
	r = kr_write_atomic(path, s, n, 0600, e);
	free(s);
	return r;
}
